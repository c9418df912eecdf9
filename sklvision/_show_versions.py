"""Print versions of sklvision, its dependencies and the platform."""

import platform
import sys
from importlib.metadata import PackageNotFoundError, version

_DEPENDENCIES = (
    "pip",
    "numpy",
    "scipy",
    "scikit-learn",
    "scikit-image",
    "pillow",
    "joblib",
    "matplotlib",
    "dask",
    "distributed",
    "skops",
)


def _get_sys_info():
    return {
        "python": sys.version.replace("\n", " "),
        "executable": sys.executable,
        "machine": platform.platform(),
    }


def _get_deps_info():
    from sklvision import __version__

    info = {"sklvision": __version__}
    for name in _DEPENDENCIES:
        try:
            info[name] = version(name)
        except PackageNotFoundError:
            info[name] = None
    return info


def show_versions():
    """Print useful debugging information, like :func:`sklearn.show_versions`.

    It lists the Python interpreter, the platform, and the installed versions of
    sklvision, its runtime dependencies and its optional extras (``None`` when a
    package is not installed).

    Examples
    --------
    >>> from sklvision import show_versions
    >>> show_versions()  # doctest: +SKIP
    """
    print("\nSystem:")
    for key, value in _get_sys_info().items():
        print(f"{key:>12}: {value}")
    print("\nPython dependencies:")
    for key, value in _get_deps_info().items():
        print(f"{key:>12}: {value}")
