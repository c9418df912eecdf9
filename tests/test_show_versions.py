import sklvision
from sklvision._show_versions import _get_deps_info


def test_show_versions_lists_dependencies(capsys):
    sklvision.show_versions()
    out = capsys.readouterr().out
    for name in ("sklvision", "numpy", "scikit-learn", "scikit-image", "python"):
        assert name in out
    assert sklvision.__version__ in out


def test_deps_info_reports_installed_versions():
    info = _get_deps_info()
    assert info["numpy"] is not None
    assert info["sklvision"] == sklvision.__version__
