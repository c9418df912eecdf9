"""Command line interface: the ``sklvision`` console script and ``python -m sklvision``.

Run ``sklvision --help`` (or ``sklvision COMMAND --help``) for the options. Every
user error (bad arguments, unreadable files, unknown estimators or parameters)
ends with a one-line message on stderr and exit status 2; ``--debug`` shows the
full traceback instead.
"""

import argparse
import ast
import importlib
import json
import os
import re
import sys
import time
import weakref
from pathlib import Path

import numpy as np

from sklvision.datasets._loaders import IMAGE_EXTENSIONS, _is_image_file
from sklvision.datasets._loaders import _read_image as _load_image

__all__ = ["DEMO_CANDIDATES", "get_estimator_registry", "main"]

#: Detectors ``sklvision demo`` tries, best first, as ``(class name, settings)``.
#: The first one that can be imported is trained on the bundled raccoon data.
#: This is the one place to tune the demo (it must finish in under 2 minutes on
#: 2 cores); ``sklvision demo --estimator NAME --set name=value`` overrides it.
DEMO_CANDIDATES = (
    (
        "SelectiveSearchSVMDetector",
        # The detector's own defaults (chosen from raccoon measurements, see
        # its docstring), on both cores: on a quiet 2-core machine the bundled
        # data gave AP50 0.731 with a 40-41 s fit (``sklvision demo -v``;
        # benchmarks/bench_detection.py --bundled).
        {"n_jobs": -1, "random_state": 0},
    ),
    ("NumpyMLPLocalizer", {"random_state": 0}),
    ("TemplateWeightDetector", {}),
)

#: Where the CLI looks for estimators, by class name (imported lazily, so a
#: missing or broken estimator does not break the other commands).
_KNOWN_ESTIMATORS = {
    "SelectiveSearchSVMDetector": "sklvision.detection",
    "TemplateWeightDetector": "sklvision.detection",
    "NumpyMLPLocalizer": "sklvision.detection",
    "BinaryPixelMatchClassifier": "sklvision.classification",
    "NumpyMLPClassifier": "sklvision.classification",
}


class CLIError(Exception):
    """A user error: reported as one line on stderr with exit status 2."""


# --------------------------------------------------------------------------- #
# Output helpers
# --------------------------------------------------------------------------- #
class _Reporter:
    """Progress and messages on stderr, depending on ``--verbose``/``--quiet``."""

    def __init__(self, verbosity):
        self.verbosity = verbosity
        self._t0 = time.perf_counter()

    def info(self, msg, level=1):
        if self.verbosity >= level:
            elapsed = time.perf_counter() - self._t0
            print(f"[{elapsed:6.1f}s] {msg}", file=sys.stderr, flush=True)

    def progress(self, label, done, total):
        if self.verbosity < 1:
            return
        if sys.stderr.isatty():  # one line, updated in place
            end = "\n" if done >= total else ""
            print(f"\r  {label}: {done}/{total}", end=end, file=sys.stderr, flush=True)
        else:
            print(f"  {label}: {done}/{total}", file=sys.stderr, flush=True)


def _format_table(rows, headers):
    cells = [[str(c) for c in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)
    ]
    line = "+".join("-" * (w + 2) for w in widths)
    out = ["+" + line + "+"]
    out.append(
        "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |"
    )
    out.append("+" + line.replace("-", "=") + "+")
    for r in cells:
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
    out.append("+" + line + "+")
    return "\n".join(out)


# --------------------------------------------------------------------------- #
# Estimators and parameters
# --------------------------------------------------------------------------- #
def get_estimator_registry():
    """Return the estimators the command line can build, by class name.

    The registry holds sklvision's public detectors and classifiers that can be
    imported right now; an estimator whose module is missing or broken is left
    out instead of breaking the command line.

    Returns
    -------
    registry : dict
        Mapping from class name to class.

    Examples
    --------
    >>> from sklvision.cli import get_estimator_registry
    >>> registry = get_estimator_registry()
    >>> all(isinstance(name, str) for name in registry)
    True
    """
    registry = {}
    for name, module_name in _KNOWN_ESTIMATORS.items():
        try:
            cls = getattr(importlib.import_module(module_name), name)
        except Exception:  # noqa: BLE001 - any failure means "not available"
            continue
        registry[name] = cls
    try:
        from sklvision.utils.discovery import all_estimators

        for name, cls in all_estimators(type_filter=["classifier", "detector"]):
            registry.setdefault(name, cls)
    except Exception:  # noqa: BLE001 - a broken module must not break the CLI
        pass
    return dict(sorted(registry.items()))


def _resolve_estimator(name):
    """Return the estimator class for ``name`` (class name or ``module:Class``)."""
    if ":" in name:
        module_name, _, attr = name.partition(":")
        try:
            cls = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            raise CLIError(f"cannot import estimator {name!r}: {exc}") from exc
        if not isinstance(cls, type):
            raise CLIError(f"{name!r} is not a class")
        return cls
    registry = get_estimator_registry()
    if name in registry:
        return registry[name]
    lowered = {k.lower(): v for k, v in registry.items()}
    if name.lower() in lowered:
        return lowered[name.lower()]
    available = ", ".join(registry) or "none"
    raise CLIError(
        f"unknown estimator {name!r}; available: {available} "
        "(or give a 'module:Class' path)"
    )


#: An unquoted ``--set`` value of this form is a class to build.
_CLASS_SPEC = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")


def _parse_value(text):
    """Parse a ``--set`` value: a Python literal if it is one, an instance of
    the class for an unquoted ``module:Class`` (built with its defaults, as
    ``estimator=sklearn.svm:LinearSVC``), else a string.
    """
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    if _CLASS_SPEC.fullmatch(text):
        module_name, _, attr = text.partition(":")
        try:
            cls = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            raise CLIError(
                f"cannot import {text!r} for --set: {exc} (quote the value, "
                f"\"'{text}'\", to pass it as a string)"
            ) from exc
        if not isinstance(cls, type):
            raise CLIError(f"--set value {text!r} is not a class")
        try:
            return cls()
        except TypeError as exc:
            raise CLIError(f"cannot construct {text} without arguments: {exc}") from exc
    return text


def _parse_settings(items):
    params = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise CLIError(f"--set expects name=value, got {item!r}")
        params[name] = _parse_value(value.strip())
    return params


def _check_nested_params(estimator, params):
    """Refuse ``a__b=value`` when ``a`` is None or not an estimator.

    scikit-learn's ``set_params`` ends in an AttributeError there; a sub-
    estimator that defaults to None (built at fit time) must be given first.
    """
    for key in params:
        parts = key.split("__")
        obj = estimator
        for i, part in enumerate(parts[:-1]):
            prefix = "__".join(parts[: i + 1])
            if prefix in params:
                obj = params[prefix]
            else:
                try:
                    obj = obj.get_params(deep=True)[part]
                except (KeyError, AttributeError, TypeError):
                    break  # an unknown name: set_params says which exist
            if obj is None:
                raise CLIError(
                    f"cannot set {key}: {prefix} is None (its default), which "
                    f"has no parameters to set; give {prefix} a value first "
                    f"(an estimator as --set {prefix}=module:Class), then "
                    f"--set {key}=..."
                )
            if not hasattr(obj, "set_params"):
                raise CLIError(
                    f"cannot set {key}: {prefix} is a {type(obj).__name__}, not "
                    f"an estimator; set {prefix} as a whole (--set {prefix}=...)"
                )


def _set_params(estimator, params, what="estimator"):
    if not params:
        return estimator
    _check_nested_params(estimator, params)
    try:
        estimator.set_params(**params)
    except (ValueError, TypeError, AttributeError) as exc:
        msg = " ".join(str(exc).split())
        raise CLIError(f"invalid --set for {what}: {msg}") from exc
    return estimator


def _set_runtime_params(estimator, *, n_jobs=None, verbose=None, remember=False):
    """Set ``n_jobs`` on the estimator and every nested estimator, and ``verbose``
    on the estimator (the final step of a pipeline) only: nested solvers such as
    liblinear would flood the terminal. ``remember`` keeps the previous values
    for :func:`_save_model`.
    """
    try:
        keys = estimator.get_params(deep=True)
    except Exception:  # noqa: BLE001 - not an sklearn estimator
        return estimator
    verbose_key = "verbose"
    steps = getattr(estimator, "steps", None)
    if steps:
        verbose_key = f"{steps[-1][0]}__verbose"
    params = {}
    for key, value in keys.items():
        if key.rsplit("__", 1)[-1] == "n_jobs" and n_jobs is not None:
            params[key] = n_jobs
        elif key == verbose_key and verbose is not None:
            if isinstance(value, bool):
                params[key] = bool(verbose)
            elif isinstance(value, int | type(None)):
                params[key] = int(verbose)
    if params:
        if remember:
            _BUILT_WITH[estimator] = {k: keys[k] for k in params}
        try:
            estimator.set_params(**params)
        except (ValueError, TypeError):
            pass
    return estimator


# n_jobs / verbose values an estimator had before --n-jobs / -v set them, so
# that saved models do not keep the command's progress output or job count
_BUILT_WITH = weakref.WeakKeyDictionary()


def _build_estimator(name, settings, args, *, verbose=None):
    """Construct ``name`` (a class, its name or ``module:Class``) with
    ``settings``; --n-jobs and verbosity win over them.
    """
    if isinstance(name, type):
        cls, name = name, name.__name__
    else:
        cls = _resolve_estimator(name)
    try:
        estimator = cls()
    except TypeError as exc:
        raise CLIError(f"cannot construct {name} without arguments: {exc}") from exc
    _set_params(estimator, settings, name)
    if verbose is None:
        verbose = _estimator_verbose(args)
    return _set_runtime_params(
        estimator, n_jobs=args.n_jobs, verbose=verbose, remember=True
    )


def _estimator_verbose(args):
    # The estimator's own progress output appears from -v on; the default
    # level shows the CLI's own progress only.
    return max(0, args.verbose - 1) if args.verbose > 1 else 0


def _is_detector(model):
    from sklvision.base import is_detector

    return is_detector(model)  # (sees through Pipelines and searches)


# --------------------------------------------------------------------------- #
# Files
# --------------------------------------------------------------------------- #
def _read_image(path, mode="RGB"):
    """Read one image as the dataset loaders do (``mode`` "RGB" or "L").

    The same reader as :func:`sklvision.datasets.load_image_folder`, so a model
    is applied to images read the way its training images were: 16-bit and
    floating-point gray files keep their values instead of being clipped to
    [0, 255] by Pillow's ``convert``.
    """
    if not Path(path).exists():
        raise CLIError(f"no such file: {path}")
    try:
        return _load_image(path, as_gray=mode == "L")
    except ValueError as exc:
        cause = exc.__cause__ if exc.__cause__ is not None else exc
        raise CLIError(f"cannot read image {path}: {cause}") from exc


def _collect_image_paths(inputs):
    paths = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            # the loaders' test: hidden files (macOS "._x.png") are skipped
            found = sorted(
                q for q in p.iterdir() if _is_image_file(q, IMAGE_EXTENSIONS)
            )
            if not found:
                raise CLIError(f"no images ({', '.join(IMAGE_EXTENSIONS)}) in {p}")
            paths.extend(found)
        elif p.is_file():
            paths.append(p)
        else:
            raise CLIError(f"no such file or directory: {p}")
    return paths


def _check_dir(path, what):
    p = Path(path)
    if not p.is_dir():
        raise CLIError(f"{what} {p} is not a directory")
    return p


def _load_detection_data(images_dir, annotations, reporter):
    """Read images and their boxes from a VOC XML folder or a boxes CSV.

    Returns the images, their targets, the file names and the class names
    (None when the loader gives none). The targets' labels are the loader's
    indices into the class names, which are numbered per annotation file:
    use :func:`_named_targets` before training or scoring.
    """
    from sklvision import datasets

    images_dir = _check_dir(images_dir, "--images")
    ann = Path(annotations)
    reporter.info(f"reading images from {images_dir} and boxes from {ann}")
    try:
        if ann.is_dir() or (ann.is_file() and ann.suffix.lower() == ".xml"):
            data = datasets.load_voc_annotations(ann, images_dir=images_dir)
        elif ann.is_file():
            data = datasets.load_boxes_csv(ann, images_dir=images_dir)
        else:
            raise CLIError(f"no such annotation file or folder: {ann}")
    except CLIError:
        raise
    except (OSError, ValueError, KeyError) as exc:
        msg = " ".join(str(exc).split())
        raise CLIError(f"cannot read annotations {ann}: {msg}") from exc
    images, targets = _images_targets(data)
    if len(images) == 0:
        raise CLIError(f"no annotated images found with {ann} in {images_dir}")
    reporter.info(f"read {len(images)} images with {_n_boxes(targets)} boxes")
    return images, targets, _filenames(data, len(images)), _target_names(data)


def _target_names(data):
    if isinstance(data, tuple):
        return None
    names = data.get("target_names", None)
    return None if names is None else np.asarray(names, dtype=str)


def _predicts_names(model, predictions):
    """Whether ``model`` labels its detections with names rather than numbers."""
    classes = getattr(model, "classes_", None)  # a Pipeline asks its last step
    if classes is not None:
        return np.asarray(classes).dtype.kind not in "biuf"
    labels = [
        np.asarray(p["labels"])
        for p in predictions
        if isinstance(p, dict) and len(p.get("labels", ()))
    ]
    return not labels or labels[0].dtype.kind not in "biuf"


def _named_targets(targets, names):
    """Targets whose labels are class names instead of indices into ``names``.

    The loaders number the classes of each annotation file separately (their
    sorted names), so an index means another class in a file with other
    classes; names mean the same everywhere. Detectors take string labels, so
    a model trained on names predicts names and is scored by name.
    """
    if names is None:
        return targets
    out = []
    for t in targets:
        labels = np.asarray(t["labels"]) if isinstance(t, dict) else None
        if labels is None or labels.dtype.kind not in "iu":
            out.append(t)
            continue
        out.append({**t, "labels": names[labels.astype(np.intp)]})
    return out


def _images_targets(data):
    if isinstance(data, tuple):
        return list(data[0]), list(data[1])
    return list(data["images"]), list(data["targets"])


def _filenames(data, n):
    names = None
    if not isinstance(data, tuple):
        names = data.get("filenames", None)
    if names is None:
        return [f"image_{i}" for i in range(n)]
    return [str(x) for x in names]


def _n_boxes(targets):
    return int(
        sum(
            len(t["boxes"]) if isinstance(t, dict) else len(np.asarray(t))
            for t in targets
        )
    )


def _load_model(path):
    import joblib

    p = Path(path)
    if not p.is_file():
        raise CLIError(f"no such model file: {p}")
    try:
        model = joblib.load(p)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure is bad input
        msg = " ".join(str(exc).split()) or type(exc).__name__
        raise CLIError(f"cannot load model {p}: {msg}") from exc
    if not hasattr(model, "predict"):
        raise CLIError(f"{p} does not hold a fitted estimator")
    return model


def _save_model(model, path, reporter):
    import joblib

    p = Path(path)
    if p.parent and not p.parent.exists():
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CLIError(f"cannot create {p.parent}: {exc}") from exc
    # save the estimator with the n_jobs / verbose it was built with: a model
    # saved by `fit -v` or the demo printed progress on every predict call
    parts = [model, *(step for _, step in getattr(model, "steps", []))]
    runtime = [(est, est.get_params(deep=True)) for est in parts if est in _BUILT_WITH]
    try:
        for est, _ in runtime:
            est.set_params(**_BUILT_WITH[est])
        joblib.dump(model, p)
    except OSError as exc:
        raise CLIError(f"cannot write {p}: {exc}") from exc
    finally:
        for est, params in runtime:
            est.set_params(**{k: params[k] for k in _BUILT_WITH[est]})
    reporter.info(f"model saved to {p}")


def _json_ready(obj):
    if isinstance(obj, dict):
        return {str(k): _json_ready(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_ready(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _json_ready(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    if obj is None or isinstance(obj, str | int | float):
        return obj
    return repr(obj)  # e.g. an estimator given with --set name=module:Class


def _write_json(obj, path):
    text = json.dumps(_json_ready(obj), indent=2)
    if str(path) == "-":
        print(text)
        return
    p = Path(path)
    try:
        if not p.parent.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text + "\n")
    except OSError as exc:
        raise CLIError(f"cannot write {p}: {exc}") from exc


def _make_out_dir(path):
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CLIError(f"cannot create output directory {p}: {exc}") from exc
    return p


# --------------------------------------------------------------------------- #
# Prediction and scoring helpers
# --------------------------------------------------------------------------- #
def _predict_in_chunks(model, images, reporter, label="predict", chunk=8):
    """Call ``model.predict`` on chunks of images, showing progress."""
    out = []
    n = len(images)
    t0 = time.perf_counter()
    for start in range(0, n, chunk):
        out.extend(list(model.predict(images[start : start + chunk])))
        reporter.progress(label, min(start + chunk, n), n)
    elapsed = time.perf_counter() - t0
    return out, elapsed


def _detection_metrics(targets, predictions):
    from sklvision.metrics import average_precision_score, mean_iou_score

    results = {
        "AP50": float(average_precision_score(targets, predictions, iou_threshold=0.5))
    }
    try:
        from sklvision.metrics import coco_evaluate

        results["AP"] = float(coco_evaluate(targets, predictions)["AP"])
    except ImportError:  # pragma: no cover - older metrics module
        results["AP"] = float("nan")
    results["mean IoU"] = float(mean_iou_score(targets, predictions))
    return results


def _filter_prediction(pred, score_threshold):
    if score_threshold is None:
        return pred
    keep = np.asarray(pred["scores"]) >= score_threshold
    return {k: np.asarray(v)[keep] for k, v in pred.items()}


def _for_picture(pred, max_boxes=3):
    """The detections worth drawing: the best one, and up to ``max_boxes`` with
    a non-negative score (an SVM's margin; probabilities are all >= 0).
    """
    scores = np.asarray(pred["scores"])
    order = np.argsort(-scores, kind="stable")[:max_boxes]
    if order.size:
        order = order[(scores[order] >= 0) | (np.arange(order.size) == 0)]
    return {k: np.asarray(v)[order] for k, v in pred.items()}


def _draw_detections(
    images, predictions, targets, out_path, *, titles=None, class_names=None
):
    _require_matplotlib("Drawing detections")
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    from sklvision.plotting import plot_detection_grid

    fig = plot_detection_grid(
        images,
        [_for_picture(p) for p in predictions],
        targets,
        n_cols=min(4, len(images)),
        titles=titles,
        class_names=class_names,
    )
    try:
        fig.savefig(out_path, dpi=100)
    except OSError as exc:
        raise CLIError(f"cannot write {out_path}: {exc}") from exc
    finally:
        plt.close(fig)


# --------------------------------------------------------------------------- #
# Commands
# --------------------------------------------------------------------------- #
def _cmd_list(args, reporter):
    registry = get_estimator_registry()
    from sklvision.base import is_detector

    rows = []
    for name, cls in registry.items():
        kind = "detector" if is_detector(cls) else "classifier"
        summary = " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split())
        rows.append((name, kind, summary))
    if not rows:
        print("no estimators available")
        return 0
    print(_format_table(rows, ["estimator", "kind", "summary"]))
    return 0


def _choose_demo_estimator(args):
    registry = get_estimator_registry()
    if args.estimator is not None:
        cls = _resolve_estimator(args.estimator)
        settings = dict(
            next((s for n, s in DEMO_CANDIDATES if n == cls.__name__), {})
        )
        return cls, settings
    for name, settings in DEMO_CANDIDATES:
        if name in registry:
            return registry[name], dict(settings)
    raise CLIError(
        "no detector is available for the demo (tried "
        + ", ".join(n for n, _ in DEMO_CANDIDATES)
        + ")"
    )


def _raccoon_split(bunch):
    images = list(bunch["images"])
    targets = list(bunch["targets"])
    n = len(images)
    train = bunch.get("train_indices", None) if hasattr(bunch, "get") else None
    test = bunch.get("test_indices", None) if hasattr(bunch, "get") else None
    if train is None or test is None:
        split = bunch.get("split", None) if hasattr(bunch, "get") else None
        if split is None:
            raise CLIError("load_raccoon() returned no train/test split")
        split = np.asarray(split)
        train = np.flatnonzero(split == "train")
        test = np.flatnonzero(split == "test")
    train = np.asarray(train, dtype=int)
    test = np.asarray(test, dtype=int)
    names = bunch.get("filenames", None) if hasattr(bunch, "get") else None
    names = [f"image_{i}" for i in range(n)] if names is None else list(names)
    return images, targets, names, train, test


def _require_matplotlib(what):
    from sklvision.plotting._base import _check_matplotlib

    try:
        _check_matplotlib(what)
    except ImportError as exc:
        raise CLIError(str(exc)) from exc


def _cmd_demo(args, reporter):
    out_dir = _make_out_dir(args.out)
    t_start = time.perf_counter()
    if not args.no_plot:
        try:
            _require_matplotlib("The demo picture")
        except CLIError as exc:
            reporter.info(f"warning: {exc} Skipping detections.png.", level=0)
            args.no_plot = True
    reporter.info("[1/5] loading the bundled raccoon data")
    from sklvision.datasets import load_raccoon

    bunch = load_raccoon()
    images, targets, names, train, test = _raccoon_split(bunch)
    class_names = bunch.get("target_names", None)
    if class_names is not None:  # labels by name, as 'sklvision fit' trains
        targets = _named_targets(targets, np.asarray(class_names, dtype=str))
    if args.max_train is not None:
        train = train[: args.max_train]
    if args.max_test is not None:
        test = test[: args.max_test]
    X_train = [images[i] for i in train]
    y_train = [targets[i] for i in train]
    X_test = [images[i] for i in test]
    y_test = [targets[i] for i in test]
    reporter.info(
        f"      {len(X_train)} training images, {len(X_test)} test images, "
        f"{_n_boxes(y_train)} + {_n_boxes(y_test)} boxes"
    )

    cls, settings = _choose_demo_estimator(args)
    name = cls.__name__
    settings.update(_parse_settings(args.set))
    # The demo shows the estimator's own progress (over images, mining rounds,
    # epochs) unless --quiet: training is the long part.
    estimator = _build_estimator(cls, settings, args, verbose=args.verbose)
    shown = ", ".join(f"{k}={v!r}" for k, v in settings.items()) or "defaults"
    reporter.info(f"[2/5] training {name} ({shown})")
    if name != DEMO_CANDIDATES[0][0] and args.estimator is None:
        reporter.info(
            f"      note: {DEMO_CANDIDATES[0][0]} is not available; "
            f"falling back to {name}"
        )
    t0 = time.perf_counter()
    _fit(estimator, X_train, y_train, name)
    fit_time = time.perf_counter() - t0
    reporter.info(f"      trained in {fit_time:.1f} s")

    reporter.info(f"[3/5] predicting on {len(X_test)} test images")
    predictions, predict_time = _predict_in_chunks(estimator, X_test, reporter)

    reporter.info("[4/5] evaluating")
    scores = _detection_metrics(y_test, predictions)

    reporter.info(f"[5/5] saving the model and pictures to {out_dir}")
    model_path = out_dir / "model.joblib"
    _save_model(estimator, model_path, reporter)
    metrics = {
        "estimator": name,
        "settings": settings,
        "n_train": len(X_train),
        "n_test": len(X_test),
        **scores,
        "fit_time_s": fit_time,
        "predict_time_s": predict_time,
        "predict_time_per_image_s": predict_time / max(len(X_test), 1),
    }
    _write_json(metrics, out_dir / "metrics.json")
    png_path = None
    if not args.no_plot:
        n_show = min(8, len(X_test))
        png_path = out_dir / "detections.png"
        _draw_detections(
            X_test[:n_show],
            predictions[:n_show],
            y_test[:n_show],
            png_path,
            titles=[Path(n).name for n in (names[i] for i in test[:n_show])],
            class_names=None if class_names is None else list(class_names),
        )
        reporter.info(f"      wrote {png_path}")

    rows = [
        ("estimator", name),
        ("train / test images", f"{len(X_train)} / {len(X_test)}"),
        ("AP50", f"{scores['AP50']:.3f}"),
        ("AP (COCO, IoU .50:.95)", f"{scores['AP']:.3f}"),
        ("mean IoU", f"{scores['mean IoU']:.3f}"),
        ("fit time", f"{fit_time:.1f} s"),
        (
            "predict time",
            f"{predict_time:.2f} s ({1000 * metrics['predict_time_per_image_s']:.0f}"
            " ms / image)",
        ),
        ("model", str(model_path)),
    ]
    if png_path is not None:
        rows.append(("picture", str(png_path)))
    rows.append(("total time", f"{time.perf_counter() - t_start:.1f} s"))
    print(_format_table(rows, ["raccoon demo", "value"]))
    return 0


def _fit(estimator, X, y, name):
    try:
        if y is None:
            estimator.fit(X)
        else:
            estimator.fit(X, y)
    except (ValueError, TypeError) as exc:
        # Invalid parameter values and data the estimator cannot use are user
        # errors; sklearn reports both as ValueError/TypeError with a message
        # that says what to do.
        msg = " ".join(str(exc).split())
        raise CLIError(f"fitting {name} failed: {msg}") from exc
    return estimator


def _cmd_fit(args, reporter):
    settings = _parse_settings(args.set)
    estimator = _build_estimator(args.estimator, settings, args)
    from sklvision.base import is_detector

    if not is_detector(estimator):
        raise CLIError(
            f"{args.estimator} is not a detector; use 'sklvision classify fit' "
            "for classifiers"
        )
    images, targets, _, names = _load_detection_data(
        args.images, args.annotations, reporter
    )
    # Train on class names: the fitted classes_ (and the predicted labels) are
    # then names, which mean the same class in any other annotation file.
    targets = _named_targets(targets, names)
    reporter.info(f"training {type(estimator).__name__} on {len(images)} images")
    t0 = time.perf_counter()
    _fit(estimator, images, targets, args.estimator)
    reporter.info(f"trained in {time.perf_counter() - t0:.1f} s")
    _save_model(estimator, args.out, reporter)
    return 0


def _cmd_predict(args, reporter):
    if args.draw is not None:
        _require_matplotlib("--draw")
    model = _load_model(args.model)
    if not _is_detector(model):
        raise CLIError(
            f"{args.model} holds a classifier; use 'sklvision classify predict'"
        )
    _set_runtime_params(model, n_jobs=args.n_jobs, verbose=_estimator_verbose(args))
    paths = _collect_image_paths(args.inputs)
    reporter.info(f"reading {len(paths)} images")
    images = [_read_image(p) for p in paths]
    predictions, elapsed = _predict_in_chunks(model, images, reporter)
    reporter.info(f"predicted in {elapsed:.2f} s")
    predictions = [_filter_prediction(p, args.score_threshold) for p in predictions]
    records = []
    for path, pred in zip(paths, predictions):
        records.append(
            {
                "file": str(path),
                "boxes": pred["boxes"],
                "scores": pred["scores"],
                "labels": pred["labels"],
            }
        )
    if args.json is not None:
        _write_json(records, args.json)
        if str(args.json) != "-":
            reporter.info(f"wrote {args.json}")
    if args.json is None or str(args.json) != "-":
        for rec in records:
            n = len(rec["scores"])
            if n:
                box = ", ".join(f"{v:.1f}" for v in np.asarray(rec["boxes"][0]))
                best = (
                    f"best [{box}] label {rec['labels'][0]} score "
                    f"{float(rec['scores'][0]):.3f}"
                )
            else:
                best = "no detection"
            print(f"{rec['file']}: {n} box{'es' if n != 1 else ''}, {best}")
    if args.draw is not None:
        out = _make_out_dir(args.draw)
        for path, img, pred in zip(paths, images, predictions):
            _draw_detections(
                [img], [pred], None, out / f"{Path(path).stem}.png", titles=[path.name]
            )
        reporter.info(f"drew {len(paths)} images into {out}")
    return 0


def _cmd_evaluate(args, reporter):
    model = _load_model(args.model)
    if not _is_detector(model):
        raise CLIError(
            f"{args.model} holds a classifier; use 'sklvision classify evaluate'"
        )
    _set_runtime_params(model, n_jobs=args.n_jobs, verbose=_estimator_verbose(args))
    images, targets, _, names = _load_detection_data(
        args.images, args.annotations, reporter
    )
    predictions, elapsed = _predict_in_chunks(model, images, reporter)
    if _predicts_names(model, predictions):
        targets = _named_targets(targets, names)
    elif names is not None and len(names) > 1:
        # A model trained on numbers (by an older 'sklvision fit' or in
        # Python): its labels can only be compared with this file's indices.
        reporter.info(
            f"warning: {args.model} predicts numeric labels; they are compared "
            f"with the indices of the sorted classes of {args.annotations} "
            f"({', '.join(names)}), which another file may number differently. "
            "Train with 'sklvision fit' to get class names.",
            level=0,
        )
    try:
        scores = _detection_metrics(targets, predictions)
    except ValueError as exc:
        raise CLIError(f"cannot score the predictions: {exc}") from exc
    scores["predict_time_s"] = elapsed
    scores["n_images"] = len(images)
    rows = [
        ("images", str(len(images))),
        ("AP50", f"{scores['AP50']:.4f}"),
        ("AP (COCO, IoU .50:.95)", f"{scores['AP']:.4f}"),
        ("mean IoU", f"{scores['mean IoU']:.4f}"),
        ("predict time", f"{elapsed:.2f} s"),
    ]
    # With --json - stdout is the JSON alone (as for predict): no table.
    if args.json is None or str(args.json) != "-":
        print(_format_table(rows, ["metric", "value"]))
    if args.json is not None:
        _write_json(scores, args.json)
    return 0


# ---- classification on image folders -------------------------------------- #
def _load_class_folder(path, reporter, *, allow_sizes=False):
    from sklvision.datasets import load_image_folder

    folder = _check_dir(path, "--images")
    reporter.info(f"reading class folders under {folder}")
    try:
        data = load_image_folder(folder)
    except (OSError, ValueError) as exc:
        msg = " ".join(str(exc).split())
        raise CLIError(f"cannot read image folder {folder}: {msg}") from exc
    images, labels = _images_labels(data)
    if len(images) == 0:
        raise CLIError(f"no images found under {folder}")
    shapes = {np.asarray(im).shape for im in images}
    if not allow_sizes and len(shapes) > 1:
        raise CLIError(
            f"the images under {folder} have {len(shapes)} different shapes; "
            "pass --size HEIGHT WIDTH to resize them"
        )
    classes = np.unique(labels)
    reporter.info(f"read {len(images)} images of {len(classes)} classes")
    return images, labels


def _images_labels(data):
    """Images and their labels, as class names when the loader gives them."""
    images, target = list(data["images"]), np.asarray(data["target"])
    names = data.get("target_names", None)
    if names is not None and target.dtype.kind in "iu":
        target = np.asarray(names)[target]
    return images, target


def _takes_image_stacks(estimator):
    """Whether ``estimator`` takes images ``(n, h, w[, c])`` (sklvision's
    classifiers declare it with the ``input_tags.three_d_array`` tag).
    """
    from sklearn.utils import get_tags

    try:
        return bool(get_tags(estimator).input_tags.three_d_array)
    except Exception:  # noqa: BLE001 - no usable tags: assume a plain estimator
        return False


def _classification_pipeline(estimator, args):
    steps = []
    if getattr(args, "gray", False):
        from sklvision.preprocessing import Grayscale

        steps.append(("grayscale", Grayscale()))
    if getattr(args, "size", None) is not None:
        from sklvision.preprocessing import Resize

        steps.append(("resize", Resize(output_shape=tuple(args.size))))
    if not _takes_image_stacks(estimator):
        # scikit-learn classifiers take (n_samples, n_features) only
        from sklvision.preprocessing import Flatten

        steps.append(("flatten", Flatten()))
    if not steps:
        return estimator
    from sklearn.pipeline import Pipeline

    return Pipeline([*steps, ("classifier", estimator)])


def _cmd_classify_fit(args, reporter):
    settings = _parse_settings(args.set)
    estimator = _build_estimator(args.estimator, settings, args)
    from sklearn.base import is_classifier

    if not is_classifier(estimator):
        raise CLIError(
            f"{args.estimator} is not a classifier; use 'sklvision fit' for detectors"
        )
    images, labels = _load_class_folder(
        args.images, reporter, allow_sizes=args.size is not None
    )
    model = _classification_pipeline(estimator, args)
    X = images if args.size is not None else np.stack(images)
    reporter.info(f"training {type(estimator).__name__} on {len(images)} images")
    t0 = time.perf_counter()
    _fit(model, X, labels, args.estimator)
    reporter.info(f"trained in {time.perf_counter() - t0:.1f} s")
    _save_model(model, args.out, reporter)
    return 0


def _classifier_input(model, images):
    shapes = {im.shape for im in images}
    if len(shapes) == 1 and not hasattr(model, "steps"):
        return np.stack(images)
    if hasattr(model, "steps"):
        return images
    raise CLIError(
        "the images have different sizes and the model does not resize them; "
        "train with 'sklvision classify fit --size HEIGHT WIDTH'"
    )


def _classify_predict(model, X, name):
    try:
        return np.asarray(model.predict(X))
    except ValueError as exc:
        msg = " ".join(str(exc).split())
        raise CLIError(f"{name} cannot predict these images: {msg}") from exc


def _read_for_model(paths, model):
    # a bare classifier whose feature count is one channel's pixels was
    # trained on gray images; decided on the first image (read twice: once
    # to decide, once in the mode)
    mode = "RGB"
    n_features = getattr(model, "n_features_in_", None)
    if n_features is not None and paths and not hasattr(model, "steps"):
        if _read_image(paths[0], mode)[..., 0].size == n_features:
            mode = "L"
    return [_read_image(p, mode) for p in paths]


def _cmd_classify_predict(args, reporter):
    from sklearn.base import is_classifier

    model = _load_model(args.model)
    if _is_detector(model) or not is_classifier(model):
        raise CLIError(f"{args.model} does not hold a classifier")
    _set_runtime_params(model, n_jobs=args.n_jobs, verbose=_estimator_verbose(args))
    paths = _collect_image_paths(args.inputs)
    images = _read_for_model(paths, model)
    labels = _classify_predict(model, _classifier_input(model, images), args.model)
    records = [{"file": str(p), "label": lab} for p, lab in zip(paths, labels)]
    if args.json is not None:
        _write_json(records, args.json)
    if args.json is None or str(args.json) != "-":
        for rec in records:
            print(f"{rec['file']}: {rec['label']}")
    return 0


def _cmd_classify_evaluate(args, reporter):
    from sklearn.base import is_classifier
    from sklearn.metrics import accuracy_score, confusion_matrix

    model = _load_model(args.model)
    if _is_detector(model) or not is_classifier(model):
        raise CLIError(f"{args.model} does not hold a classifier")
    _set_runtime_params(model, n_jobs=args.n_jobs, verbose=_estimator_verbose(args))
    images, labels = _load_class_folder(
        args.images, reporter, allow_sizes=hasattr(model, "steps")
    )
    pred = _classify_predict(model, _classifier_input(model, images), args.model)
    if pred.dtype.kind != labels.dtype.kind:
        pred = pred.astype(str)
        labels = labels.astype(str)
    acc = float(accuracy_score(labels, pred))
    classes = np.unique(np.concatenate([labels, pred]))
    cm = confusion_matrix(labels, pred, labels=classes)
    if args.json is None or str(args.json) != "-":  # stdout: the JSON alone
        print(
            _format_table(
                [("images", len(labels)), ("accuracy", f"{acc:.4f}")],
                ["metric", "value"],
            )
        )
        rows = [(str(c), *map(str, row)) for c, row in zip(classes, cm)]
        print(_format_table(rows, ["true \\ predicted", *map(str, classes)]))
    if args.json is not None:
        _write_json(
            {"accuracy": acc, "classes": classes, "confusion_matrix": cm}, args.json
        )
    return 0


# --------------------------------------------------------------------------- #
# Parser
# --------------------------------------------------------------------------- #
class _ArgumentParser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line on stderr and exit status 2."""

    def error(self, message):
        message = " ".join(message.split())
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _int_arg(text):
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None


def _n_jobs_arg(text):
    value = _int_arg(text)
    if value == 0:
        raise argparse.ArgumentTypeError(
            "0 is not a number of jobs; give a positive number, or -1 for all "
            "cores (-2 for all but one, ...)"
        )
    return value


def _positive_int_arg(text):
    value = _int_arg(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _add_common(parser):
    group = parser.add_argument_group("run options")
    group.add_argument(
        "--n-jobs",
        type=_n_jobs_arg,
        default=None,
        metavar="N",
        help="number of parallel jobs for the estimator's loops over images "
        "(-1: all cores; default: the estimator's own setting)",
    )
    verbosity = group.add_mutually_exclusive_group()
    verbosity.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=1,
        help="show more progress: -v adds the estimator's own progress output, "
        "-vv more of it",
    )
    verbosity.add_argument(
        "-q",
        "--quiet",
        action="store_const",
        const=0,
        default=1,
        dest="verbose",
        help="show no progress, only results and errors",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        help="show the full traceback of errors instead of a one-line message",
    )


def _add_set(parser):
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set an estimator parameter (repeatable); VALUE is read as a Python "
        "literal (3, 0.5, True, None, (64, 64), 'text'), as an instance of a "
        "class given as module:Class (estimator=sklearn.svm:LinearSVC) and "
        "otherwise as a string; nested parameters use '__' as in scikit-learn "
        "(estimator__C=0.1)",
    )


def _build_parser():
    parser = _ArgumentParser(
        prog="sklvision",
        description="Classical image classification and object detection as "
        "scikit-learn estimators. Boxes are (x_min, y_min, x_max, y_max) in "
        "pixels; models are saved with joblib (only load model files you trust).",
        epilog="Run 'sklvision COMMAND --help' for the options of a command.",
    )
    from sklvision import __version__

    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "demo",
        help="train and evaluate the best detector on the bundled raccoon data",
        description="Train the best available detector on the bundled raccoon "
        "data's training split, evaluate it on the test split, print a table "
        "(AP50, COCO AP, mean IoU, fit and predict time), and save the model "
        "(model.joblib), the metrics (metrics.json) and a picture of test images "
        "with predicted (solid) and true (dashed) boxes (detections.png).",
    )
    p.add_argument(
        "--out",
        default="sklvision-demo",
        metavar="DIR",
        help="output directory (default: ./sklvision-demo)",
    )
    p.add_argument(
        "--estimator",
        default=None,
        metavar="NAME",
        help="detector to train instead of the default: a class name (see "
        "'sklvision list') or 'module:Class'; its settings in "
        "sklvision.cli.DEMO_CANDIDATES apply, then --set",
    )
    _add_set(p)
    p.add_argument(
        "--max-train",
        type=_positive_int_arg,
        default=None,
        metavar="N",
        help="use only the first N training images (quicker, worse)",
    )
    p.add_argument(
        "--max-test",
        type=_positive_int_arg,
        default=None,
        metavar="N",
        help="evaluate on the first N test images only",
    )
    p.add_argument(
        "--no-plot", action="store_true", help="do not draw detections.png"
    )
    _add_common(p)
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser(
        "list",
        help="list the estimators the command line can train",
        description="List the detectors and classifiers available by name.",
    )
    _add_common(p)
    p.set_defaults(func=_cmd_list)

    ann_help = (
        "boxes: a folder of PASCAL VOC XML files, or a CSV file with columns "
        "filename,width,height,class,xmin,ymin,xmax,ymax"
    )
    p = sub.add_parser(
        "fit",
        help="train a detector on a folder of images with boxes",
        description="Train a detector on the images of a folder and their boxes, "
        "and save it with joblib. The box labels are the class names of the "
        "annotations, so predict prints them and evaluate matches them by name.",
    )
    p.add_argument(
        "estimator",
        metavar="ESTIMATOR",
        help="detector class name (see 'sklvision list') or 'module:Class'",
    )
    p.add_argument("--images", required=True, metavar="DIR", help="image folder")
    p.add_argument(
        "--annotations", required=True, metavar="VOC_DIR_OR_CSV", help=ann_help
    )
    p.add_argument(
        "--out", required=True, metavar="MODEL", help="where to save the model"
    )
    _add_set(p)
    _add_common(p)
    p.set_defaults(func=_cmd_fit)

    p = sub.add_parser(
        "predict",
        help="detect objects in images with a saved detector",
        description="Detect objects in images with a detector saved by "
        "'sklvision fit' (or joblib.dump). Prints one line per image.",
    )
    p.add_argument("model", metavar="MODEL", help="saved model (.joblib)")
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="IMAGE_OR_DIR",
        help="image files and/or folders of images",
    )
    p.add_argument(
        "--draw",
        metavar="OUT_DIR",
        default=None,
        help="write one PNG per image with its detections into OUT_DIR",
    )
    p.add_argument(
        "--json",
        metavar="FILE",
        default=None,
        help="write the detections as JSON to FILE ('-' for stdout)",
    )
    p.add_argument(
        "--score-threshold",
        type=float,
        default=None,
        metavar="S",
        help="drop detections whose score is below S",
    )
    _add_common(p)
    p.set_defaults(func=_cmd_predict)

    p = sub.add_parser(
        "evaluate",
        help="score a saved detector on annotated images",
        description="Score a saved detector on annotated images: AP50 (PASCAL "
        "VOC), COCO AP at IoU .50:.95 and mean IoU.",
    )
    p.add_argument("model", metavar="MODEL", help="saved model (.joblib)")
    p.add_argument("--images", required=True, metavar="DIR", help="image folder")
    p.add_argument(
        "--annotations", required=True, metavar="VOC_DIR_OR_CSV", help=ann_help
    )
    p.add_argument(
        "--json",
        metavar="FILE",
        default=None,
        help="also write the scores as JSON to FILE ('-': to stdout, instead of "
        "the table)",
    )
    _add_common(p)
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser(
        "classify",
        help="fit / predict / evaluate image classifiers on class folders",
        description="Image classification on folders with one sub-folder per "
        "class (the sub-folder name is the label).",
    )
    csub = p.add_subparsers(dest="classify_command", metavar="ACTION")
    csub.required = True

    c = csub.add_parser(
        "fit",
        help="train a classifier on a folder of class sub-folders",
        description="Train a classifier on DIR/<label>/*.png-style folders and "
        "save it (with its resizing/grayscale steps) with joblib.",
    )
    c.add_argument(
        "estimator",
        metavar="ESTIMATOR",
        help="classifier class name (see 'sklvision list') or 'module:Class', "
        "e.g. sklearn.svm:LinearSVC",
    )
    c.add_argument(
        "--images", required=True, metavar="DIR", help="folder of class sub-folders"
    )
    c.add_argument(
        "--out", required=True, metavar="MODEL", help="where to save the model"
    )
    c.add_argument(
        "--size",
        type=int,
        nargs=2,
        default=None,
        metavar=("HEIGHT", "WIDTH"),
        help="resize every image to HEIGHT x WIDTH (needed when sizes differ)",
    )
    c.add_argument(
        "--gray", action="store_true", help="convert images to grayscale first"
    )
    _add_set(c)
    _add_common(c)
    c.set_defaults(func=_cmd_classify_fit)

    c = csub.add_parser(
        "predict",
        help="classify images with a saved classifier",
        description="Print the predicted label of each image.",
    )
    c.add_argument("model", metavar="MODEL", help="saved model (.joblib)")
    c.add_argument(
        "inputs",
        nargs="+",
        metavar="IMAGE_OR_DIR",
        help="image files and/or folders of images",
    )
    c.add_argument(
        "--json",
        metavar="FILE",
        default=None,
        help="write the labels as JSON to FILE ('-' for stdout)",
    )
    _add_common(c)
    c.set_defaults(func=_cmd_classify_predict)

    c = csub.add_parser(
        "evaluate",
        help="accuracy and confusion matrix on a folder of class sub-folders",
        description="Accuracy and confusion matrix of a saved classifier.",
    )
    c.add_argument("model", metavar="MODEL", help="saved model (.joblib)")
    c.add_argument(
        "--images", required=True, metavar="DIR", help="folder of class sub-folders"
    )
    c.add_argument(
        "--json",
        metavar="FILE",
        default=None,
        help="also write the scores as JSON to FILE ('-': to stdout, instead of "
        "the table)",
    )
    _add_common(c)
    c.set_defaults(func=_cmd_classify_evaluate)
    return parser


def main(argv=None):
    """Run the ``sklvision`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments without the program name; None reads ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 on success, 2 on a user error (bad arguments, unreadable files,
        unknown estimators or parameters), 130 when interrupted, 141 when the
        program reading the output closed it early (as after SIGPIPE).

    Examples
    --------
    >>> from sklvision.cli import main
    >>> main(["fit"])  # missing arguments: a one-line message on stderr
    2
    """
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    reporter = _Reporter(args.verbose)
    try:
        return int(args.func(args, reporter) or 0)
    except CLIError as exc:
        if args.debug:
            raise
        msg = " ".join(str(exc).split())
        print(f"sklvision {args.command}: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sklvision: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of stdout went away (``sklvision list | head``): stop
        # quietly, as command-line tools killed by SIGPIPE do, and point stdout
        # at devnull so that Python's flush at exit does not fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
