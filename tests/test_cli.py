"""The sklvision command line, through main(argv) and through subprocess."""

import json
import subprocess
import sys
from importlib.metadata import entry_points

import joblib
import numpy as np
import pytest
from PIL import Image

from sklvision.cli import _parse_value, get_estimator_registry, main

DETECTOR = "TemplateWeightDetector"
DETECTOR_SETTINGS = ["--set", "n_iter=3", "--set", "random_state=0"]
CLASSIFIER = "BinaryPixelMatchClassifier"


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "sklvision", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _assert_user_error(rc, err):
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "error" in lines[0]
    assert "Traceback" not in err


@pytest.fixture(scope="module")
def det_data(tmp_path_factory):
    """6 images with one bright square each, as PNGs + a CSV + VOC XML files."""
    root = tmp_path_factory.mktemp("det")
    images = root / "images"
    voc = root / "voc"
    images.mkdir()
    voc.mkdir()
    rng = np.random.RandomState(0)
    rows = ["filename,width,height,class,xmin,ymin,xmax,ymax"]
    for i in range(6):
        img = rng.randint(0, 40, size=(48, 56, 3)).astype(np.uint8)
        x0, y0 = rng.randint(2, 30, size=2)
        img[y0 : y0 + 14, x0 : x0 + 14] = 230
        name = f"img_{i}.png"
        Image.fromarray(img).save(images / name)
        box = (x0, y0, x0 + 14, y0 + 14)
        rows.append(f"{name},56,48,square," + ",".join(map(str, box)))
        (voc / f"img_{i}.xml").write_text(
            f"<annotation><filename>{name}</filename><size><width>56</width>"
            "<height>48</height><depth>3</depth></size><object><name>square"
            "</name><difficult>0</difficult><bndbox>"
            + "".join(
                f"<{k}>{v}</{k}>" for k, v in zip(("xmin", "ymin", "xmax", "ymax"), box)
            )
            + "</bndbox></object></annotation>"
        )
    (root / "boxes.csv").write_text("\n".join(rows) + "\n")
    (root / "broken.png").write_bytes(b"not an image")
    return root


@pytest.fixture(scope="module")
def det_model(det_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("model") / "det.joblib"
    rc = main(_fit_argv(det_data, out, *DETECTOR_SETTINGS))
    assert rc == 0
    return out


@pytest.fixture(scope="module")
def cls_data(tmp_path_factory):
    root = tmp_path_factory.mktemp("cls")
    rng = np.random.RandomState(0)
    for label in ("left", "right"):
        (root / label).mkdir()
        for i in range(5):
            img = rng.randint(0, 50, size=(8, 8, 3)).astype(np.uint8)
            if label == "left":
                img[:, :4] += 200
            else:
                img[:, 4:] += 200
            Image.fromarray(img).save(root / label / f"{i}.png")
    return root


def test_parse_value():
    assert _parse_value("3") == 3
    assert _parse_value("0.5") == 0.5
    assert _parse_value("True") is True
    assert _parse_value("None") is None
    assert _parse_value("(64, 64)") == (64, 64)
    assert _parse_value("'quoted'") == "quoted"
    assert _parse_value("ncc") == "ncc"
    assert _parse_value("a b") == "a b"


def test_console_script_entry_point():
    scripts = entry_points(group="console_scripts")
    target = [ep.value for ep in scripts if ep.name == "sklvision"]
    assert target == ["sklvision.cli:main"]


def test_help_subprocess():
    res = _run("--help")
    assert res.returncode == 0
    for command in ("demo", "fit", "predict", "evaluate", "classify"):
        assert command in res.stdout
    res = _run("predict", "--help")
    assert res.returncode == 0
    for option in ("--draw", "--json", "--n-jobs", "--verbose", "--quiet"):
        assert option in res.stdout


def test_bad_arguments_subprocess():
    res = _run("fit")
    _assert_user_error(res.returncode, res.stderr)
    assert "required" in res.stderr
    res = _run("predict", "missing.joblib", "nowhere")
    _assert_user_error(res.returncode, res.stderr)
    assert "missing.joblib" in res.stderr


def test_help_main(capsys):
    assert main(["--help"]) == 0
    assert "usage" in capsys.readouterr().out
    assert main(["classify", "fit", "--help"]) == 0
    assert "--size" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, expected",
    [
        ([], "required"),
        (["frobnicate"], "invalid choice"),
        (["demo", "--max-train", "many"], "invalid int"),
        (["predict", "model.joblib", "x.png", "--n-jobs", "two"], "invalid int"),
        (["fit", "NoSuchDetector", "--images", ".", "--annotations", "."], "--out"),
        (["-q"], "required"),
    ],
)
def test_bad_arguments_main(argv, expected, capsys):
    rc = main(argv)
    err = capsys.readouterr().err
    _assert_user_error(rc, err)
    assert expected in err


def _fit_argv(det_data, out, *extra):
    return [
        "fit",
        DETECTOR,
        "--images",
        str(det_data / "images"),
        "--annotations",
        str(det_data / "boxes.csv"),
        "--out",
        str(out),
        "-q",
        *extra,
    ]


def test_user_errors_main(det_data, det_model, tmp_path, capsys):
    cases = [
        (
            ["fit", "NoSuchDetector", "--images", str(det_data / "images"),
             "--annotations", str(det_data / "boxes.csv"), "--out", "m.joblib"],
            "unknown estimator",
        ),
        (_fit_argv(det_data, tmp_path / "m.joblib", "--set", "n_iter"), "name=value"),
        (_fit_argv(det_data, tmp_path / "m.joblib", "--set", "bogus=1"), "bogus"),
        (_fit_argv(det_data, tmp_path / "m.joblib", "--set", "n_iter=-5"), "n_iter"),
        (
            ["fit", DETECTOR, "--images", str(tmp_path / "nope"), "--annotations",
             str(det_data / "boxes.csv"), "--out", "m.joblib"],
            "not a directory",
        ),
        (
            ["fit", DETECTOR, "--images", str(det_data / "images"), "--annotations",
             str(det_data / "missing.csv"), "--out", "m.joblib"],
            "missing.csv",
        ),
        (
            ["fit", CLASSIFIER, "--images", str(det_data / "images"),
             "--annotations", str(det_data / "boxes.csv"), "--out", "m.joblib"],
            "not a detector",
        ),
        (["predict", str(tmp_path / "none.joblib"), str(det_data)], "no such model"),
        (["predict", str(det_data / "boxes.csv"), str(det_data)], "cannot load model"),
        (["predict", str(det_model), str(det_data / "broken.png")], "broken.png"),
        (["predict", str(det_model), str(tmp_path / "ghost.png")], "ghost.png"),
        (["classify", "predict", str(det_model), str(det_data / "images")],
         "classifier"),
    ]
    for argv, expected in cases:
        rc = main([*argv, "-q"])
        err = capsys.readouterr().err
        _assert_user_error(rc, err)
        assert expected in err, (argv, err)


def test_fit_predict_evaluate(det_data, det_model, tmp_path, capsys):
    model = joblib.load(det_model)
    assert type(model).__name__ == DETECTOR
    assert model.n_iter == 3

    json_path = tmp_path / "pred.json"
    rc = main(
        ["predict", str(det_model), str(det_data / "images"), "--json",
         str(json_path), "-q"]
    )
    out = capsys.readouterr().out
    assert rc == 0
    assert out.count("img_") == 6
    records = json.loads(json_path.read_text())
    assert len(records) == 6
    assert {"file", "boxes", "scores", "labels"} <= set(records[0])
    assert all(np.asarray(r["boxes"]).reshape(-1, 4).shape[1] == 4 for r in records)

    # VOC annotations give the same evaluation as the CSV
    scores = {}
    for ann in ("boxes.csv", "voc"):
        js = tmp_path / f"{ann}.json"
        rc = main(
            ["evaluate", str(det_model), "--images", str(det_data / "images"),
             "--annotations", str(det_data / ann), "--json", str(js), "-q"]
        )
        assert rc == 0
        assert "AP50" in capsys.readouterr().out
        scores[ann] = json.loads(js.read_text())
        assert 0.0 <= scores[ann]["AP50"] <= 1.0
        assert 0.0 <= scores[ann]["mean IoU"] <= 1.0
    assert scores["boxes.csv"]["AP50"] == scores["voc"]["AP50"]


def test_predict_draw(det_data, det_model, tmp_path):
    pytest.importorskip("matplotlib")
    draw = tmp_path / "drawn"
    rc = main(["predict", str(det_model), str(det_data / "images"), "--draw",
               str(draw), "-q"])
    assert rc == 0
    pngs = sorted(p.name for p in draw.iterdir())
    assert pngs == [f"img_{i}.png" for i in range(6)]
    assert np.asarray(Image.open(draw / "img_0.png")).std() > 0


def test_predict_subprocess_json_stdout(det_data, det_model):
    res = _run("predict", str(det_model), str(det_data / "images" / "img_0.png"),
               "--json", "-", "-q")
    assert res.returncode == 0, res.stderr
    records = json.loads(res.stdout)
    assert len(records) == 1 and records[0]["file"].endswith("img_0.png")


def test_progress_and_quiet(det_data, det_model, capsys):
    main(["predict", str(det_model), str(det_data / "images")])
    assert "predict: 6/6" in capsys.readouterr().err
    main(["predict", str(det_model), str(det_data / "images"), "--quiet"])
    assert capsys.readouterr().err == ""


def test_classify(cls_data, tmp_path, capsys):
    model_path = tmp_path / "clf.joblib"
    rc = main(["classify", "fit", CLASSIFIER, "--images", str(cls_data), "--out",
               str(model_path), "-q"])
    assert rc == 0
    rc = main(["classify", "predict", str(model_path), str(cls_data / "left"),
               "--json", "-", "-q"])
    assert rc == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["label"] for r in records] == ["left"] * 5
    rc = main(["classify", "evaluate", str(model_path), "--images", str(cls_data),
               "-q"])
    assert rc == 0
    out = capsys.readouterr().out
    assert "accuracy" in out and "1.0000" in out

    # --size adds a Resize step, --gray a Grayscale step, saved with the model
    rc = main(["classify", "fit", CLASSIFIER, "--images", str(cls_data), "--out",
               str(model_path), "--size", "6", "6", "--gray", "-q"])
    assert rc == 0
    assert [s for s, _ in joblib.load(model_path).steps] == [
        "grayscale", "resize", "classifier"
    ]
    rc = main(["classify", "evaluate", str(model_path), "--images", str(cls_data),
               "-q"])
    assert rc == 0
    # a detector is not a classifier
    rc = main(["classify", "fit", DETECTOR, "--images", str(cls_data), "--out",
               str(model_path), "-q"])
    _assert_user_error(rc, capsys.readouterr().err)


def test_missing_matplotlib(det_data, det_model, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    rc = main(["predict", str(det_model), str(det_data / "images"), "--draw",
               str(tmp_path / "d"), "-q"])
    err = capsys.readouterr().err
    _assert_user_error(rc, err)
    assert "sklvision[plot]" in err
    assert not (tmp_path / "d").exists()


def test_list(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in get_estimator_registry():
        assert name in out


def test_demo_small(tmp_path, capsys):
    out = tmp_path / "demo"
    rc = main(
        ["demo", "--estimator", DETECTOR, *DETECTOR_SETTINGS, "--max-train", "8",
         "--max-test", "4", "--out", str(out)]
    )
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    for row in ("AP50", "AP (COCO", "mean IoU", "fit time", "predict time"):
        assert row in captured.out
    assert "[5/5]" in captured.err  # progress
    assert (out / "model.joblib").is_file()
    try:
        import matplotlib  # noqa: F401
    except ImportError:  # the demo still runs, without its picture
        assert "Skipping detections.png" in captured.err
        assert not (out / "detections.png").exists()
    else:
        assert (out / "detections.png").is_file()
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_train"] == 8 and metrics["n_test"] == 4
    assert 0.0 <= metrics["AP50"] <= 1.0
    assert type(joblib.load(out / "model.joblib")).__name__ == DETECTOR


def test_runtime_params_reach_nested_n_jobs_but_only_top_verbose():
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    from sklvision.cli import _set_runtime_params
    from sklvision.detection import SelectiveSearchSVMDetector
    from sklvision.preprocessing import Resize

    pipe = Pipeline(
        [
            ("resize", Resize()),
            ("det", SelectiveSearchSVMDetector(estimator=LinearSVC())),
        ]
    )
    _set_runtime_params(pipe, n_jobs=2, verbose=1)
    params = pipe.get_params()
    assert params["resize__n_jobs"] == 2 and params["det__n_jobs"] == 2
    assert params["det__verbose"] == 1
    assert params["det__estimator__verbose"] == 0
