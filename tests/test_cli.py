"""The sklvision command line, through main(argv) and through subprocess."""

import json
import subprocess
import sys
from importlib.metadata import entry_points

import joblib
import numpy as np
import pytest
from PIL import Image
from sklearn.base import BaseEstimator

from sklvision.base import DetectorMixin
from sklvision.cli import (
    CLIError,
    _parse_value,
    _write_json,
    get_estimator_registry,
    main,
)
from sklvision.detection import TemplateWeightDetector

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


def test_parse_value_class():
    from sklearn.svm import LinearSVC

    value = _parse_value("sklearn.svm:LinearSVC")
    assert type(value) is LinearSVC and value.C == 1.0
    assert _parse_value("'sklearn.svm:LinearSVC'") == "sklearn.svm:LinearSVC"
    assert _parse_value("C:/data") == "C:/data"  # not module:Class
    with pytest.raises(CLIError, match="quote the value"):
        _parse_value("sklearn.svm:NoSuchClass")


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
        (["predict", "model.joblib", "x.png", "--n-jobs", "0"], "number of jobs"),
        # without the check these ran a demo that ends in a traceback
        (["demo", "--estimator", DETECTOR, *DETECTOR_SETTINGS, "--max-train", "2",
          "--max-test", "0", "--no-plot", "-q"], "at least 1"),
        (["demo", "--estimator", DETECTOR, *DETECTOR_SETTINGS, "--max-train", "0",
          "--max-test", "2", "--no-plot", "-q"], "at least 1"),
        (["demo", "--max-train", "-3"], "at least 1"),
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
        # joblib's "n_jobs == 0 has no meaning" traceback before
        (["predict", str(det_model), str(det_data / "images"), "--n-jobs", "0"],
         "number of jobs"),
        # a sub-estimator that defaults to None has no parameters to set
        (
            ["fit", "SelectiveSearchSVMDetector", "--images",
             str(det_data / "images"), "--annotations", str(det_data / "boxes.csv"),
             "--out", str(tmp_path / "m.joblib"), "--set", "estimator__C=0.1"],
            "--set estimator=module:Class",
        ),
        (
            ["fit", "SelectiveSearchSVMDetector", "--images",
             str(det_data / "images"), "--annotations", str(det_data / "boxes.csv"),
             "--out", str(tmp_path / "m.joblib"), "--set", "feature__n_words=8"],
            "--set feature=module:Class",
        ),
        (_fit_argv(det_data, tmp_path / "m.joblib", "--set", "n_iter__x=1"),
         "not an estimator"),
        (_fit_argv(det_data, tmp_path / "m.joblib", "--set", "x=nosuchmodule:X"),
         "nosuchmodule"),
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
    model = joblib.load(out / "model.joblib")
    assert type(model).__name__ == DETECTOR
    assert model.classes_.tolist() == ["raccoon"]  # labels by name, as in fit


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


class _MemoDetector(DetectorMixin, BaseEstimator):
    """Predicts the boxes and labels it was trained with (a perfect model)."""

    def fit(self, X, y):
        self.memory_ = {
            np.asarray(x).tobytes(): (np.asarray(t["boxes"], float), t["labels"])
            for x, t in zip(X, y)
        }
        self.classes_ = np.unique(np.concatenate([t["labels"] for t in y]))
        return self

    def predict(self, X):
        items = []
        for x in X:
            boxes, labels = self.memory_[np.asarray(x).tobytes()]
            items.append({"boxes": boxes, "scores": np.ones(len(boxes)),
                          "labels": labels})
        out = np.empty(len(items), dtype=object)
        out[:] = items
        return out


class _MyTemplateDetector(TemplateWeightDetector):
    """A detector the registry does not know, for 'module:Class'."""


def _spec(cls):
    return f"{cls.__module__}:{cls.__name__}"


@pytest.fixture(scope="module")
def fruit_data(tmp_path_factory):
    """4 images; train.csv has apples and bananas, test.csv and voc/ bananas only."""
    root = tmp_path_factory.mktemp("fruit")
    (root / "images").mkdir()
    (root / "voc").mkdir()
    rng = np.random.RandomState(1)
    header = "filename,width,height,class,xmin,ymin,xmax,ymax"
    train, test = [header], [header]
    for i, name in enumerate(["apple", "banana", "apple", "banana"]):
        img = rng.randint(0, 255, size=(24, 32, 3)).astype(np.uint8)
        Image.fromarray(img).save(root / "images" / f"f{i}.png")
        row = f"f{i}.png,32,24,{name},2,3,20,21"
        train.append(row)
        if name == "banana":
            test.append(row)
            (root / "voc" / f"f{i}.xml").write_text(
                f"<annotation><filename>f{i}.png</filename><size><width>32"
                "</width><height>24</height><depth>3</depth></size><object>"
                f"<name>{name}</name><difficult>0</difficult><bndbox><xmin>2"
                "</xmin><ymin>3</ymin><xmax>20</xmax><ymax>21</ymax></bndbox>"
                "</object></annotation>"
            )
    (root / "train.csv").write_text("\n".join(train) + "\n")
    (root / "test.csv").write_text("\n".join(test) + "\n")
    return root


def test_labels_are_class_names_across_files(fruit_data, tmp_path, capsys):
    # The loaders number the classes of each file: banana was 1 in train.csv
    # and 0 in test.csv, and a perfect model scored AP50 0 on test.csv.
    model_path = tmp_path / "memo.joblib"
    rc = main(["fit", _spec(_MemoDetector), "--images", str(fruit_data / "images"),
               "--annotations", str(fruit_data / "train.csv"), "--out",
               str(model_path), "-q"])
    assert rc == 0, capsys.readouterr().err
    assert joblib.load(model_path).classes_.tolist() == ["apple", "banana"]
    for ann in ("test.csv", "voc", "train.csv"):
        rc = main(["evaluate", str(model_path), "--images",
                   str(fruit_data / "images"), "--annotations",
                   str(fruit_data / ann), "--json", "-", "-q"])
        captured = capsys.readouterr()
        assert rc == 0, captured.err
        assert json.loads(captured.out)["AP50"] == 1.0, ann
    rc = main(["predict", str(model_path), str(fruit_data / "images" / "f1.png"),
               "-q"])
    assert rc == 0
    assert "label banana" in capsys.readouterr().out


def test_evaluate_model_with_numeric_labels(fruit_data, tmp_path, capsys):
    # a model trained in Python on the loader's indices still gets scored
    from sklvision.datasets import load_boxes_csv

    data = load_boxes_csv(fruit_data / "train.csv",
                          images_dir=fruit_data / "images")
    model_path = tmp_path / "memo_int.joblib"
    joblib.dump(_MemoDetector().fit(data.images, data.targets), model_path)
    rc = main(["evaluate", str(model_path), "--images", str(fruit_data / "images"),
               "--annotations", str(fruit_data / "train.csv"), "--json", "-", "-q"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert json.loads(captured.out)["AP50"] == 1.0
    assert "numeric labels" in captured.err


def test_set_sub_estimator_then_its_parameters(det_data, tmp_path, capsys):
    # the cli.rst example: give the estimator that defaults to None, then set it
    model_path = tmp_path / "ss.joblib"
    rc = main(["fit", "SelectiveSearchSVMDetector", "--images",
               str(det_data / "images"), "--annotations", str(det_data / "boxes.csv"),
               "--out", str(model_path), "--set", "nms_iou=0.3", "--set",
               "estimator=sklearn.svm:LinearSVC", "--set", "estimator__C=0.1",
               "--set", "n_hard_negative_rounds=0", "--set", "random_state=0",
               "--n-jobs", "1", "-q"])
    assert rc == 0, capsys.readouterr().err
    model = joblib.load(model_path)
    assert type(model.estimator).__name__ == "LinearSVC"
    assert model.estimator.C == 0.1 and model.nms_iou == 0.3
    assert model.classes_.tolist() == ["square"]
    # such settings are written to JSON (the demo's metrics.json) as their repr
    _write_json({"estimator": model.estimator}, tmp_path / "settings.json")
    saved = json.loads((tmp_path / "settings.json").read_text())
    assert saved == {"estimator": "LinearSVC(C=0.1)"}


def test_classify_sklearn_classifier(cls_data, tmp_path, capsys):
    model_path = tmp_path / "svc.joblib"
    for size in ([], ["--size", "6", "6"]):
        rc = main(["classify", "fit", "sklearn.svm:LinearSVC", "--images",
                   str(cls_data), "--out", str(model_path), *size, "-q"])
        assert rc == 0, capsys.readouterr().err
        steps = [name for name, _ in joblib.load(model_path).steps]
        assert steps == ["resize"] * bool(size) + ["flatten", "classifier"]
        rc = main(["classify", "evaluate", str(model_path), "--images",
                   str(cls_data), "--json", "-", "-q"])
        captured = capsys.readouterr()
        assert rc == 0, captured.err
        assert json.loads(captured.out)["accuracy"] == 1.0  # JSON alone on stdout
        rc = main(["classify", "predict", str(model_path), str(cls_data / "right"),
                   "--json", "-", "-q"])
        assert rc == 0
        assert [r["label"] for r in json.loads(capsys.readouterr().out)] == [
            "right"
        ] * 5


def test_demo_module_class_estimator(tmp_path, capsys):
    out = tmp_path / "demo"
    rc = main(["demo", "--estimator", _spec(_MyTemplateDetector),
               *DETECTOR_SETTINGS, "--max-train", "4", "--max-test", "2",
               "--no-plot", "-q", "--out", str(out)])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "_MyTemplateDetector" in captured.out
    assert type(joblib.load(out / "model.joblib")) is _MyTemplateDetector


def test_predict_skips_hidden_files(det_data, det_model, tmp_path, capsys):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "img_0.png").write_bytes((det_data / "images" / "img_0.png").read_bytes())
    (folder / "._img_0.png").write_bytes(b"\x00\x05\x16\x07 macOS resource fork")
    rc = main(["predict", str(det_model), str(folder), "-q"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert captured.out.count("img_0.png") == 1
    assert "._img_0" not in captured.out


def test_evaluate_json_stdout_alone(det_data, det_model, capsys):
    rc = main(["evaluate", str(det_model), "--images", str(det_data / "images"),
               "--annotations", str(det_data / "boxes.csv"), "--json", "-", "-q"])
    assert rc == 0
    scores = json.loads(capsys.readouterr().out)  # no table before the JSON
    assert scores["n_images"] == 6 and 0.0 <= scores["AP50"] <= 1.0


def test_classify_predict_reads_16_bit_images_as_training_did(tmp_path, capsys):
    # The classes differ only above 255: Pillow's convert("RGB") clipped every
    # pixel to 255 in predict (training read the values), so with a threshold
    # of 30000 both folders were all background and "right" came out "left".
    rng = np.random.RandomState(0)
    for label, (lo, hi) in {"left": (60000, 1000), "right": (1000, 60000)}.items():
        (tmp_path / label).mkdir()
        for i in range(4):
            img = np.empty((8, 8), dtype=np.uint16)
            img[:, :4], img[:, 4:] = lo, hi
            img += rng.randint(0, 50, size=img.shape).astype(np.uint16)
            Image.fromarray(img).save(tmp_path / label / f"{i}.png")
    model_path = tmp_path / "clf.joblib"
    rc = main(["classify", "fit", CLASSIFIER, "--images", str(tmp_path), "--out",
               str(model_path), "--set", "threshold=30000", "-q"])
    assert rc == 0
    for label in ("left", "right"):
        rc = main(["classify", "predict", str(model_path), str(tmp_path / label),
                   "--json", "-", "-q"])
        assert rc == 0
        assert [r["label"] for r in json.loads(capsys.readouterr().out)] == [
            label
        ] * 4


def test_read_image_errors_name_the_file(tmp_path):
    from sklvision.cli import _read_image

    with pytest.raises(CLIError, match="no such file: .*missing.png"):
        _read_image(tmp_path / "missing.png")
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    with pytest.raises(CLIError, match="cannot read image .*bad.png: cannot identify"):
        _read_image(bad)
    img = (np.arange(12, dtype=np.uint16) * 5000).reshape(3, 4)
    Image.fromarray(img).save(tmp_path / "deep.png")
    out = _read_image(tmp_path / "deep.png", "L")
    assert out.dtype == np.uint16 and np.array_equal(out, img)


def test_closed_stdout_ends_quietly():
    # `sklvision list | head -1`: the reader closes the pipe before the table
    # is written; this ended in a BrokenPipeError traceback
    proc = subprocess.Popen(
        [sys.executable, "-m", "sklvision", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 141
    assert err == ""


def test_saved_model_keeps_its_own_n_jobs_and_verbose(det_data, tmp_path, capsys):
    # `fit -v --n-jobs 2` saved verbose=1, n_jobs=2: the model then printed
    # progress on every predict call in Python
    out = tmp_path / "det.joblib"
    argv = [a for a in _fit_argv(det_data, out, *DETECTOR_SETTINGS) if a != "-q"]
    assert main([*argv, "-v", "--n-jobs", "2"]) == 0
    model = joblib.load(out)
    default = TemplateWeightDetector()
    assert (model.verbose, model.n_jobs) == (default.verbose, default.n_jobs)
    capsys.readouterr()
    X = np.asarray(Image.open(det_data / "images" / "img_0.png"))
    model.predict([X])
    assert capsys.readouterr().out == ""
    # values given with --set are the user's and are kept
    assert main([*argv, "-v", "--set", "verbose=1", "--set", "n_jobs=2"]) == 0
    model = joblib.load(out)
    assert (model.verbose, model.n_jobs) == (1, 2)
