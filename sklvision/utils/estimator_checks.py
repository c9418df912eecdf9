"""Checks that every sklvision detector must pass.

scikit-learn's common checks need 1-D targets and 2-D tabular input, so they
skip detectors (``input_tags.two_d_array=False``). This module is the
project's own suite for them, in the spirit of imbalanced-learn's
``imblearn.utils.estimator_checks``: each check is a plain function
``check_x(name, estimator, X, y)`` that raises ``AssertionError`` on failure,
and :func:`check_detector` runs them all (each on its own copy of the data)
together with scikit-learn's data-free API checks, naming the check that
failed.
"""

import copy
import pickle
import warnings
from numbers import Integral
from unittest import SkipTest

import joblib
import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import (
    check_estimator_cloneable,
    check_estimator_repr,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_param_validation,
    check_parameters_default_constructible,
    check_set_params,
)

from sklvision.base import DetectorMixin, is_detector
from sklvision.utils._validation import validate_predictions

__all__ = [
    "check_detector",
    "check_detector_bad_targets",
    "check_detector_boxes_in_image",
    "check_detector_clone_and_pickle",
    "check_detector_containers",
    "check_detector_dict_unchanged",
    "check_detector_does_not_modify_input",
    "check_detector_dont_overwrite_parameters",
    "check_detector_empty_targets",
    "check_detector_fit_returns_self",
    "check_detector_float_images",
    "check_detector_grid_search",
    "check_detector_gray_images",
    "check_detector_labels",
    "check_detector_mixin_order",
    "check_detector_not_fitted",
    "check_detector_pipeline",
    "check_detector_predict_format",
    "check_detector_ragged_images",
    "check_detector_refit",
    "check_detector_score",
    "check_detector_subset_invariance",
    "make_detector_check_data",
    "yield_detector_checks",
]


#: Smallest ``size`` of :func:`make_detector_check_data`: its squares have
#: sides of 12 to 20 pixels and need at least one free column and row.
_MIN_CHECK_SIZE = 21


def make_detector_check_data(
    n_images=12, size=48, random_state=0, *, ragged=False, labels=None
):
    """Small synthetic detection data used by the detector checks.

    Each image is a dark noisy RGB ``uint8`` image with one bright square of
    side 12-20 pixels; the last image has no object (its target has shape
    ``(0, 4)``).

    Parameters
    ----------
    n_images : int, default=12
        Number of images.
    size : int, default=48
        Height and width of every image.
    random_state : int, default=0
        Seed.
    ragged : bool, default=False
        If True, return the images as a list of differently sized images:
        image ``i`` gets ``4 * (i % 3)`` black rows at the bottom and
        ``4 * ((i + 1) % 3)`` black columns on the right (the boxes stay
        valid).
    labels : array-like of shape (n_classes,), default=None
        If given, the targets are dicts ``{"boxes", "labels"}`` and the
        object of image ``i`` has label ``labels[i % n_classes]`` (ints or
        strings; the labels array of the image without objects is empty, of
        the same dtype). None gives box arrays.

    Returns
    -------
    X : ndarray of shape (n_images, size, size, 3), dtype uint8, or list of \
            ndarray of shape (height_i, width_i, 3)
        Images (a list when ``ragged=True``).
    y : list of ndarray of shape (k_i, 4), or list of dict
        Boxes ``(x_min, y_min, x_max, y_max)``, one per image but the last;
        with ``labels``, dicts ``{"boxes": (k_i, 4), "labels": (k_i,)}``.

    Raises
    ------
    ValueError
        If ``n_images < 1`` or ``size < 21`` (the squares need room to move).

    Examples
    --------
    >>> from sklvision.utils.estimator_checks import make_detector_check_data
    >>> X, y = make_detector_check_data(n_images=3)
    >>> X.shape, [b.shape for b in y]
    ((3, 48, 48, 3), [(1, 4), (1, 4), (0, 4)])
    >>> X, y = make_detector_check_data(n_images=3, ragged=True)
    >>> [im.shape for im in X]
    [(48, 52, 3), (52, 56, 3), (56, 48, 3)]
    >>> X, y = make_detector_check_data(n_images=3, labels=["cat", "dog"])
    >>> [t["labels"].tolist() for t in y]
    [['cat'], ['dog'], []]
    """
    if not isinstance(n_images, Integral) or n_images < 1:
        raise ValueError(f"n_images must be an integer >= 1, got {n_images!r}.")
    if not isinstance(size, Integral) or size < _MIN_CHECK_SIZE:
        raise ValueError(
            f"size must be an integer >= {_MIN_CHECK_SIZE} (each image holds a "
            f"square of side up to {_MIN_CHECK_SIZE - 1} pixels at a random "
            f"position), got {size!r}."
        )
    rng = np.random.RandomState(random_state)
    X = rng.randint(0, 40, size=(n_images, size, size, 3)).astype(np.uint8)
    y = []
    for i in range(n_images):
        if i == n_images - 1:
            y.append(np.zeros((0, 4)))
            continue
        side = rng.randint(12, 21)
        x0, y0 = rng.randint(0, size - side, size=2)
        X[i, y0 : y0 + side, x0 : x0 + side] = rng.randint(200, 256)
        y.append(np.array([[x0, y0, x0 + side, y0 + side]], dtype=float))
    if ragged:
        X = _pad_to_ragged(X)
    if labels is not None:
        y = _labelled_targets(y, labels)
    return X, y


def _labelled_targets(y, labels):
    """Dict targets: the boxes of image ``i`` all get ``labels[i % n_classes]``.

    Labels already in ``y`` are replaced; every labels array (empty ones
    too) has the dtype of ``np.asarray(labels)``.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not len(labels):
        raise ValueError(f"labels must be a non-empty 1-D array-like, got {labels!r}.")
    out = []
    for i, t in enumerate(y):
        boxes = np.asarray(t["boxes"] if isinstance(t, dict) else t, dtype=float)
        boxes = boxes.reshape(-1, 4)
        j = i % len(labels)
        out.append({"boxes": boxes, "labels": np.repeat(labels[j : j + 1], len(boxes))})
    return out


def _pad_to_ragged(X):
    """List of the images of ``X``, padded with zeros to different sizes.

    Image ``i`` gets ``4 * (i % 3)`` rows at the bottom and ``4 * ((i + 1) %
    3)`` columns on the right, so box coordinates stay valid and two
    neighbouring images never share a shape.
    """
    out = []
    for i, im in enumerate(X):
        im = np.asarray(im)
        pad = [(0, 4 * (i % 3)), (0, 4 * ((i + 1) % 3))] + [(0, 0)] * (im.ndim - 2)
        out.append(np.pad(im, pad))
    return out


def _take(X, indices):
    """The images ``X[indices]`` in ``X``'s container (stack, object array, list)."""
    if isinstance(X, np.ndarray):
        return X[list(indices)]
    return [X[i] for i in indices]


def _assert_same_detections(a, b, msg, rtol=1e-6, atol=1e-6):
    assert len(a) == len(b), f"{msg}: {len(a)} vs {len(b)} images"
    for i, (pa, pb) in enumerate(zip(a, b)):
        assert pa["boxes"].shape == pb["boxes"].shape, (
            f"{msg}: image {i} has {len(pa['boxes'])} vs {len(pb['boxes'])} boxes"
        )
        np.testing.assert_allclose(
            pa["boxes"], pb["boxes"], rtol=rtol, atol=atol, err_msg=msg
        )
        np.testing.assert_allclose(
            pa["scores"], pb["scores"], rtol=rtol, atol=atol, err_msg=msg
        )
        np.testing.assert_array_equal(pa["labels"], pb["labels"], err_msg=msg)


def check_detector_mixin_order(name, estimator, X, y):
    """``DetectorMixin`` comes before ``BaseEstimator`` and its tags are set.

    As scikit-learn's ``check_mixin_order``: with ``BaseEstimator`` first,
    its ``__sklearn_tags__`` (which does not call ``super()``) drops the
    mixin's tags. The tags must be ``input_tags.two_d_array=False``,
    ``input_tags.three_d_array=True``, ``target_tags.required=True`` and
    ``estimator_type=None`` (no classifier or regressor mixin: it would make
    cross-validation stratify and scorers want ``classes_``). ``X`` and
    ``y`` are not used. A Pipeline or search over a detector (which
    :func:`~sklvision.base.is_detector` also accepts) takes its tags from its
    steps and is not checked here.
    """
    if not isinstance(estimator, DetectorMixin):
        return
    mro = type(estimator).__mro__
    if BaseEstimator in mro:
        assert mro.index(DetectorMixin) < mro.index(BaseEstimator), (
            f"{name} inherits BaseEstimator before DetectorMixin, which drops "
            f"the mixin's tags; write class {name}(DetectorMixin, BaseEstimator)"
        )
    tags = get_tags(estimator)
    wrong = [
        f"{tag}={value!r} (expected {expected!r})"
        for tag, value, expected in (
            ("input_tags.two_d_array", tags.input_tags.two_d_array, False),
            ("input_tags.three_d_array", tags.input_tags.three_d_array, True),
            ("target_tags.required", tags.target_tags.required, True),
            ("estimator_type", tags.estimator_type, None),
        )
        if value != expected
    ]
    assert not wrong, (
        f"{name} lacks the tags DetectorMixin sets: {', '.join(wrong)}; put "
        "DetectorMixin first among the bases and build __sklearn_tags__ on "
        "super().__sklearn_tags__()"
    )


def check_detector_fit_returns_self(name, estimator, X, y):
    """``fit`` returns the estimator itself."""
    est = clone(estimator)
    assert est.fit(X, y) is est, f"{name}.fit must return self"


def check_detector_not_fitted(name, estimator, X, y):
    """``predict`` and ``score`` raise ``NotFittedError`` before ``fit``."""
    est = clone(estimator)
    for method in ("predict", "score"):
        args = (X,) if method == "predict" else (X, y)
        try:
            getattr(est, method)(*args)
        except NotFittedError:
            continue
        except Exception as exc:
            raise AssertionError(
                f"{name}.{method} must raise NotFittedError before fit, but "
                f"raised {type(exc).__name__}: {exc} (start with check_is_fitted)"
            ) from exc
        raise AssertionError(f"{name}.{method} must raise NotFittedError before fit")


def _assert_detections(name, pred, n_images, what="predict(X)"):
    """Assert that ``pred`` is the detection output for ``n_images`` images."""
    assert isinstance(pred, np.ndarray) and pred.dtype == object, (
        f"{name}.{what} must return a 1-D object ndarray, got "
        f"{type(pred).__name__} of dtype {getattr(pred, 'dtype', None)}"
    )
    assert pred.shape == (n_images,), (
        f"{name}.{what} returned shape {pred.shape} for {n_images} images; "
        f"expected ({n_images},), one detection dict per image"
    )
    for i, p in enumerate(pred):
        where = f"{name}.{what}[{i}]"
        assert isinstance(p, dict), f"{where} is a {type(p).__name__}, not a dict"
        assert set(p) >= {"boxes", "scores", "labels"}, (
            f"{where} has keys {sorted(p)}; expected 'boxes', 'scores', 'labels'"
        )
        boxes, scores, labels = p["boxes"], p["scores"], p["labels"]
        for key, value in (("boxes", boxes), ("scores", scores), ("labels", labels)):
            assert isinstance(value, np.ndarray), (
                f"{where}[{key!r}] is a {type(value).__name__}, not an ndarray"
            )
        assert boxes.ndim == 2 and boxes.shape[1] == 4, (
            f"{where}['boxes'] has shape {boxes.shape}; expected (m, 4)"
        )
        assert np.issubdtype(boxes.dtype, np.floating), (
            f"{where}['boxes'] has dtype {boxes.dtype}; expected a float dtype"
        )
        assert scores.shape == (len(boxes),) and labels.shape == (len(boxes),), (
            f"{where}: {len(boxes)} boxes but scores of shape {scores.shape} and "
            f"labels of shape {labels.shape}"
        )
        assert scores.dtype.kind in "fiu", (
            f"{where}['scores'] has dtype {scores.dtype}; expected numbers"
        )
        assert np.all(np.isfinite(boxes)) and np.all(np.isfinite(scores)), (
            f"{where} has NaN or infinite boxes or scores"
        )
        if len(boxes):
            # zero width or height is fine (a box clipped to the image; see
            # make_detections and validate_predictions), inverted is not
            inverted = (boxes[:, 2] < boxes[:, 0]) | (boxes[:, 3] < boxes[:, 1])
            assert not inverted.any(), (
                f"{where}: box {int(np.flatnonzero(inverted)[0])} = "
                f"{boxes[inverted][0].tolist()} has x_max < x_min or y_max < y_min"
            )
            assert np.all(np.diff(scores) <= 0), (
                f"{where} is not sorted by decreasing score"
            )
    try:
        validate_predictions(pred, n_images=n_images)
    except (ValueError, TypeError) as exc:
        raise AssertionError(
            f"{name}.{what} is refused by validate_predictions: {exc}"
        ) from exc


def check_detector_predict_format(name, estimator, X, y):
    """``predict`` returns a 1-D object array of sorted detection dicts.

    Each dict holds ``"boxes"`` (float ``(m, 4)``, finite, ``x_min <= x_max``
    and ``y_min <= y_max``: zero width or height is allowed, as after
    clipping to the image), ``"scores"`` (``(m,)``, finite, decreasing) and
    ``"labels"`` (``(m,)``); :func:`~sklvision.utils.validate_predictions`
    accepts the output.
    """
    est = clone(estimator).fit(X, y)
    _assert_detections(name, est.predict(X), len(X))


def _assert_boxes_in_images(name, pred, images, what, tol=1e-6):
    """Assert ``0 <= x <= width`` and ``0 <= y <= height`` for every box."""
    for i, (p, im) in enumerate(zip(pred, images)):
        boxes = np.asarray(p["boxes"], dtype=float).reshape(-1, 4)
        h, w = np.shape(im)[:2]
        outside = (
            (boxes[:, :2] < -tol).any(axis=1)
            | (boxes[:, 2] > w + tol)
            | (boxes[:, 3] > h + tol)
        )
        assert not outside.any(), (
            f"{name}.{what}[{i}]: box {int(np.flatnonzero(outside)[0])} = "
            f"{boxes[outside][0].tolist()} lies outside its image of width {w} "
            f"and height {h}; clip boxes to 0 <= x <= width, 0 <= y <= height"
        )


def check_detector_boxes_in_image(name, estimator, X, y):
    """Predicted boxes lie inside their image.

    ``0 <= x_min, x_max <= width`` and ``0 <= y_min, y_max <= height`` (up to
    1e-6 pixel), for ``X`` and for the images of ``X`` padded to different,
    larger sizes (a detector must use each image's own size).
    """
    est = clone(estimator).fit(X, y)
    _assert_boxes_in_images(name, est.predict(X), X, "predict(X)")
    ragged = _pad_to_ragged(X)
    _assert_boxes_in_images(
        name, est.predict(ragged), ragged, "predict(differently sized images)"
    )


def check_detector_empty_targets(name, estimator, X, y):
    """Images without objects are valid training input and valid predict input."""
    est = clone(estimator)
    assert any(
        len(np.asarray(t["boxes"] if isinstance(t, dict) else t)) == 0 for t in y
    ), "the check data must contain an image without boxes"
    est.fit(X, y)
    blank = np.zeros_like(np.asarray(X[0]))[np.newaxis]
    _assert_detections(name, est.predict(blank), 1, "predict(blank image)")


def _as_containers(X):
    """``X`` as a stack (None for differently sized images), list, object array."""
    images = list(X)
    as_object = np.empty(len(images), dtype=object)
    for i, im in enumerate(images):
        as_object[i] = im
    shapes = {np.shape(im) for im in images}
    stack = np.stack(images) if len(shapes) == 1 else None
    return stack, images, as_object


def check_detector_containers(name, estimator, X, y):
    """A stack, a list and an object array of the same images agree.

    For differently sized images (no stack) the list and the object array.
    """
    stack, as_list, as_object = _as_containers(X)
    containers = [("list", as_list), ("object array", as_object)]
    if stack is not None:
        containers.insert(0, ("stack", stack))
    preds = []
    for _, Xc in containers:
        est = clone(estimator).fit(Xc, y)
        preds.append(est.predict(Xc))
    first = containers[0][0]
    for (what, _), pred in zip(containers[1:], preds[1:]):
        _assert_same_detections(preds[0], pred, f"{name}: {first} vs {what}")


def check_detector_ragged_images(name, estimator, X, y):
    """A list of differently sized images works in ``fit`` and ``predict``.

    The images of ``X`` are padded at the bottom and right to different
    sizes (boxes stay valid). ``predict`` must return one detection dict per
    image, each the same as predicting that image alone.
    """
    ragged = _pad_to_ragged(X)
    est = clone(estimator).fit(ragged, y)
    pred = est.predict(ragged)
    _assert_detections(name, pred, len(ragged), "predict(differently sized images)")
    alone = [est.predict([im])[0] for im in ragged]
    _assert_same_detections(
        pred, alone, f"{name}: differently sized images together vs one at a time"
    )


def _gray_images(X):
    """``X`` with every colour image replaced by its channel mean (same dtype)."""

    def gray(im):
        im = np.asarray(im)
        if im.ndim == 2:
            return im
        out = im.mean(axis=-1)
        if im.dtype.kind in "uib":
            out = np.rint(out).astype(im.dtype)
        return out

    images = [gray(im) for im in X]
    if isinstance(X, np.ndarray) and X.dtype != object:
        return np.stack(images)
    return images


def _float_images(X, dtype):
    """``X`` as floats of ``dtype``; integers divided by their dtype's maximum."""

    def as_float(im):
        im = np.asarray(im)
        if im.dtype.kind in "ui":
            return (im / np.iinfo(im.dtype).max).astype(dtype)
        return im.astype(dtype)

    images = [as_float(im) for im in X]
    if isinstance(X, np.ndarray) and X.dtype != object:
        return np.stack(images)
    return images


def check_detector_gray_images(name, estimator, X, y):
    """Gray images ``(n, h, w)`` (channel mean of ``X``) work in fit and predict.

    Like scikit-learn's ``check_estimators_dtypes``, the check wants the
    input accepted: a detector made for colour images only should refuse
    gray ones with a clear ``ValueError`` and skip this check
    (``skip=["check_detector_gray_images"]``, saying why).
    """
    X_gray = _gray_images(X)
    est = clone(estimator).fit(X_gray, y)
    _assert_detections(name, est.predict(X_gray), len(X_gray), "predict(gray images)")


def check_detector_float_images(name, estimator, X, y):
    """Float images in [0, 1] work in fit (float64) and predict (float64, float32).

    Integer images are divided by their dtype's maximum (uint8 by 255). Like
    scikit-learn's ``check_estimators_dtypes``, the check wants the input
    accepted; a detector for one dtype only skips it with
    ``skip=["check_detector_float_images"]`` (saying why).
    """
    X64 = _float_images(X, np.float64)
    est = clone(estimator).fit(X64, y)
    _assert_detections(name, est.predict(X64), len(X64), "predict(float64 images)")
    X32 = _float_images(X, np.float32)
    _assert_detections(name, est.predict(X32), len(X32), "predict(float32 images)")


def check_detector_subset_invariance(name, estimator, X, y):
    """Predicting the images one at a time gives what predicting all gives.

    Boxes, scores and labels of each image must not depend on the other
    images of the batch (scikit-learn's ``check_methods_subset_invariance``).
    Each image is passed in ``X``'s own container (a stack of one image for
    a stack).
    """
    est = clone(estimator).fit(X, y)
    together = est.predict(X)
    alone = [est.predict(_take(X, [i]))[0] for i in range(len(X))]
    _assert_same_detections(
        together, alone, f"{name}.predict: all images together vs one at a time"
    )


def check_detector_labels(name, estimator, X, y):
    """With labelled targets, predicted labels are classes seen in ``fit``.

    The targets become dicts whose boxes all have one class, first the
    integer 3, then the string ``"object"`` (one class, so that detectors of
    a single object class run it too). Every predicted label must be that
    class, of the same kind: ints stay ints (not class indices, not floats),
    strings stay strings. Images without detections are not checked.
    """
    for classes in (np.array([3]), np.array(["object"])):
        est = clone(estimator).fit(X, _labelled_targets(y, classes))
        pred = est.predict(X)
        is_str = classes.dtype.kind == "U"
        for i, p in enumerate(pred):
            labels = np.asarray(p["labels"])
            if not len(labels):
                continue
            where = f"{name}.predict(X)[{i}]['labels']"
            if is_str:
                ok_kind = all(isinstance(lab, str) for lab in labels)
            else:
                ok_kind = labels.dtype.kind in "iu"
            assert ok_kind, (
                f"{where} has dtype {labels.dtype} ({labels[:3].tolist()}...) for "
                f"the {'string' if is_str else 'integer'} class labels "
                f"{classes.tolist()} of fit; keep the labels' kind (predict "
                "labels taken from classes_)"
            )
            unseen = sorted(set(labels.tolist()) - set(classes.tolist()), key=str)
            assert not unseen, (
                f"{where} holds {unseen[:5]}, not among the classes seen in fit "
                f"{classes.tolist()}"
            )


def check_detector_does_not_modify_input(name, estimator, X, y):
    """Neither ``fit`` nor ``predict`` changes the images or the targets."""
    X_orig, y_orig = copy.deepcopy((X, y))

    def assert_unchanged(method):
        for i, (a, b) in enumerate(zip(X, X_orig)):
            np.testing.assert_array_equal(
                a, b, err_msg=f"{name}.{method} modified image X[{i}] in place"
            )
        for i, (a, b) in enumerate(zip(y, y_orig)):
            err_msg = f"{name}.{method} modified target y[{i}] in place"
            if isinstance(b, dict):
                assert isinstance(a, dict) and set(a) == set(b), err_msg
                for k in b:
                    np.testing.assert_array_equal(a[k], b[k], err_msg=err_msg)
            else:
                np.testing.assert_array_equal(a, b, err_msg=err_msg)

    est = clone(estimator).fit(X, y)
    assert_unchanged("fit")
    est.predict(X)
    assert_unchanged("predict")


def _set_random_state(estimator, seed=0):
    """Fix every ``random_state`` parameter (nested ones too) to ``seed``."""
    params = estimator.get_params()
    seeds = {k: seed for k in params if k.split("__")[-1] == "random_state"}
    if seeds:
        estimator.set_params(**seeds)


def _hash(value):
    """``joblib.hash`` of ``value``; its identity if it cannot be pickled."""
    try:
        return joblib.hash(value)
    except Exception:
        return ("unpicklable", id(value))


def check_detector_dont_overwrite_parameters(name, estimator, X, y):
    """``fit`` leaves the parameters alone and adds only ``_`` attributes.

    As scikit-learn's ``check_dont_overwrite_parameters`` and
    ``check_estimators_overwrite_params``: ``fit`` adds no public attribute
    whose name does not end with ``_``, rebinds no public attribute (the
    constructor parameters), and mutates no parameter value in place
    (``get_params()`` hashes the same with :func:`joblib.hash` before and
    after ``fit``; ``random_state`` parameters are fixed to 0 first). A
    Pipeline or search over a detector (which fits and rebinds its steps by
    design) is not checked here.
    """
    if not isinstance(estimator, DetectorMixin):
        return
    est = clone(estimator)
    _set_random_state(est)
    params = est.get_params()
    hashes = {k: _hash(v) for k, v in params.items()}
    before = est.__dict__.copy()
    est.fit(X, y)
    after = est.__dict__

    def is_public(key):
        return not (key.startswith("_") or key.endswith("_"))

    added = sorted(k for k in after if is_public(k) and k not in before)
    assert not added, (
        f"{name}.fit added public attribute(s) {added}; fitted attributes must "
        "end with '_' (or start with '_' if private)"
    )
    rebound = sorted(
        k
        for k in before
        if is_public(k) and (k not in after or after[k] is not before[k])
    )
    assert not rebound, (
        f"{name}.fit changed or deleted public attribute(s) {rebound}; fit must "
        "leave the constructor parameters as given (store derived values in "
        "attributes ending with '_')"
    )
    new_params = est.get_params()
    mutated = sorted(k for k in params if _hash(new_params.get(k)) != hashes[k])
    assert not mutated, (
        f"{name}.fit changed the value of parameter(s) {mutated} (in place); "
        "fit must not modify its parameters (clone an estimator parameter "
        "before fitting it, copy a list before sorting it)"
    )


def check_detector_dict_unchanged(name, estimator, X, y):
    """``predict`` does not change the fitted detector's ``__dict__``.

    No attribute is added, removed, rebound or modified in place (compared
    with :func:`joblib.hash`), as in scikit-learn's ``check_dict_unchanged``.
    """
    est = clone(estimator)
    _set_random_state(est)
    est.fit(X, y)
    before = {k: _hash(v) for k, v in est.__dict__.items()}
    est.predict(X)
    after = {k: _hash(v) for k, v in est.__dict__.items()}
    changed = sorted(
        k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
    )
    assert not changed, (
        f"{name}.predict changed the estimator's __dict__ (attribute(s) "
        f"{changed}); predict must not modify the fitted detector"
    )


def check_detector_clone_and_pickle(name, estimator, X, y):
    """A fitted detector pickles with identical predictions; clone is unfitted."""
    est = clone(estimator).fit(X, y)
    pred = est.predict(X)
    restored = pickle.loads(pickle.dumps(est))
    _assert_same_detections(pred, restored.predict(X), f"{name}: pickle round-trip")
    fresh = clone(est)
    try:
        fresh.predict(X)
    except NotFittedError:
        pass
    else:
        raise AssertionError(f"clone of a fitted {name} must not be fitted")


def check_detector_refit(name, estimator, X, y):
    """Fitting twice gives the same model (refit forgets the previous fit)."""
    est = clone(estimator)
    if "random_state" in est.get_params():
        est.set_params(random_state=0)
    first = est.fit(X, y).predict(X)
    n = max(2, len(X) // 2)
    est.fit(X[:n], y[:n])
    second = est.fit(X, y).predict(X)
    _assert_same_detections(first, second, f"{name}: refit", rtol=1e-5, atol=1e-5)


def check_detector_score(name, estimator, X, y):
    """``score`` returns a float in [0, 1]."""
    est = clone(estimator).fit(X, y)
    score = est.score(X, y)
    assert isinstance(score, float), f"{name}.score returned {type(score)}"
    assert 0.0 <= score <= 1.0, f"{name}.score = {score} outside [0, 1]"


def check_detector_bad_targets(name, estimator, X, y):
    """Wrong target counts and inverted boxes raise a ``ValueError``."""
    for bad, what in (
        (list(y[:-1]), "one target fewer than images"),
        ([np.array([[5.0, 5.0, 1.0, 9.0]])] + list(y[1:]), "x_max < x_min"),
        ([np.array([[0.0, 0.0, np.nan, 4.0]])] + list(y[1:]), "NaN box"),
    ):
        try:
            clone(estimator).fit(X, bad)
        except ValueError:
            continue
        raise AssertionError(f"{name}.fit accepted bad targets ({what})")


def check_detector_pipeline(name, estimator, X, y):
    """The detector works as the last step of a Pipeline."""
    pipe = Pipeline(
        [("identity", FunctionTransformer(validate=False)), ("det", clone(estimator))]
    )
    pred = pipe.fit(X, y).predict(X)
    direct = clone(estimator).fit(X, y).predict(X)
    _assert_same_detections(pred, direct, f"{name}: inside a Pipeline")
    score = pipe.score(X, y)
    assert 0.0 <= score <= 1.0, f"score of a Pipeline ending in {name}: {score}"


def check_detector_grid_search(name, estimator, X, y):
    """GridSearchCV with the AP50 scorer runs and refits, errors raised."""
    from sklvision.metrics import get_scorer

    params = estimator.get_params(deep=False)
    key = next(
        (
            k
            for k, v in sorted(params.items())
            if isinstance(v, (int, float, str))
            and not isinstance(v, bool)
            and k not in ("n_jobs", "verbose")
        ),
        None,
    )
    grid = {key: [params[key]]} if key else {}
    search = GridSearchCV(
        clone(estimator),
        grid,
        scoring=get_scorer("ap50"),
        cv=KFold(2),
        error_score="raise",
    )
    search.fit(X, y)
    assert np.isfinite(search.best_score_), (
        f"GridSearchCV over {name}: best_score_ = {search.best_score_}"
    )
    n_pred = len(search.predict(X))
    assert n_pred == len(X), (
        f"GridSearchCV over {name} predicted {n_pred} results for {len(X)} images"
    )


def yield_detector_checks():
    """Yield every detector check function.

    Yields
    ------
    check : callable
        A function ``check(name, estimator, X, y)``.

    Examples
    --------
    >>> from sklvision.utils.estimator_checks import yield_detector_checks
    >>> len(list(yield_detector_checks())) > 5
    True
    """
    yield check_detector_mixin_order
    yield check_detector_fit_returns_self
    yield check_detector_not_fitted
    yield check_detector_predict_format
    yield check_detector_empty_targets
    yield check_detector_containers
    yield check_detector_ragged_images
    yield check_detector_boxes_in_image
    yield check_detector_gray_images
    yield check_detector_float_images
    yield check_detector_subset_invariance
    yield check_detector_labels
    yield check_detector_does_not_modify_input
    yield check_detector_dont_overwrite_parameters
    yield check_detector_dict_unchanged
    yield check_detector_clone_and_pickle
    yield check_detector_refit
    yield check_detector_score
    yield check_detector_bad_targets
    yield check_detector_pipeline
    yield check_detector_grid_search


_API_CHECKS = (
    check_estimator_cloneable,
    check_estimator_repr,
    check_no_attributes_set_in_init,
    check_get_params_invariance,
    check_set_params,
    check_parameters_default_constructible,
    check_param_validation,
)


def _yield_api_checks(estimator):
    """Yield the scikit-learn data-free API checks that apply to ``estimator``.

    ``check_param_validation`` reads ``_parameter_constraints``, private
    scikit-learn API that third-party detectors need not use (scikit-learn's
    own test suite runs it for its estimators, which all declare it): it runs
    only for detectors that declare the constraints. It fits on a small table
    with 1-D labels, which works because the parameter validation of
    ``@_fit_context`` refuses the invalid parameters before ``fit`` reads the
    data.
    """
    for check in _API_CHECKS:
        if check is check_param_validation and not hasattr(
            estimator, "_parameter_constraints"
        ):
            continue
        yield check


def check_detector(estimator, X=None, y=None, *, skip=()):
    """Run the project's detector checks and sklearn's data-free API checks.

    Parameters
    ----------
    estimator : detector instance
        An unfitted sklvision detector (derived from
        :class:`~sklvision.base.DetectorMixin`). Settings that make it fast on
        small images are the caller's business.
    X : ndarray of shape (n_images, height, width[, channels]) or list of \
            ndarray, default=None
        Images: a stack (the checks also pass it as a list and an object
        array) or a list of differently sized images. The default is
        :func:`make_detector_check_data`.
    y : list of ndarray of shape (k_i, 4) or list of dict, default=None
        Targets, one per image (box arrays or dicts ``{"boxes",
        "labels"}``); must include an image without boxes.
    skip : iterable of str, default=()
        Names of checks not to run (say why where you call it); see Notes.

    Raises
    ------
    AssertionError
        For the first check that failed; the message starts with the
        check's name. An exception other than ``AssertionError`` met inside
        a check (for example a ``TypeError`` raised by the detector) is
        turned into an ``AssertionError`` naming the check and the
        exception, chained to it (``__cause__``).
    TypeError
        If ``estimator`` is not a detector.
    ValueError
        If ``skip`` names something that is not a check, or only one of
        ``X`` and ``y`` is given.

    Notes
    -----
    Every check gets its own copy of ``X`` and ``y``: a check never sees
    what another check's detector did to its input, and the caller's data
    are never modified.

    scikit-learn's API checks, run on an unfitted clone without data:

    - ``check_estimator_cloneable``, ``check_estimator_repr``,
      ``check_no_attributes_set_in_init``, ``check_get_params_invariance``,
      ``check_set_params``, ``check_parameters_default_constructible``;
    - ``check_param_validation``, only for detectors that declare
      ``_parameter_constraints`` (private scikit-learn API that third-party
      detectors need not use): invalid constructor parameters raise
      scikit-learn's ``InvalidParameterError`` in ``fit``.

    The detector checks, in the order they run (see each function):

    - :func:`check_detector_mixin_order`: ``DetectorMixin`` comes before
      ``BaseEstimator`` and the tags it sets are present;
    - :func:`check_detector_fit_returns_self`: ``fit`` returns ``self``;
    - :func:`check_detector_not_fitted`: ``predict`` and ``score`` raise
      ``NotFittedError`` before ``fit``;
    - :func:`check_detector_predict_format`: ``predict`` returns a 1-D
      object array of dicts ``{"boxes", "scores", "labels"}``, sorted by
      decreasing score;
    - :func:`check_detector_empty_targets`: images without boxes are valid
      training and prediction input;
    - :func:`check_detector_containers`: a stack, a list and an object
      array of the same images give the same detections;
    - :func:`check_detector_ragged_images`: a list of differently sized
      images works, with one result per image, each as predicted alone;
    - :func:`check_detector_boxes_in_image`: predicted boxes lie inside
      their image (also for images of other sizes than in ``fit``);
    - :func:`check_detector_gray_images`: gray images ``(n, h, w)`` work;
    - :func:`check_detector_float_images`: float images in [0, 1] work
      (float64 and float32);
    - :func:`check_detector_subset_invariance`: predicting images one at a
      time gives the same boxes, scores and labels as predicting them
      together;
    - :func:`check_detector_labels`: with labelled targets (an int class,
      then a string class), predicted labels are that class, of that kind;
    - :func:`check_detector_does_not_modify_input`: ``fit`` and ``predict``
      leave ``X`` and ``y`` unchanged;
    - :func:`check_detector_dont_overwrite_parameters`: ``fit`` neither
      changes the constructor parameters nor adds public attributes not
      ending with ``_``;
    - :func:`check_detector_dict_unchanged`: ``predict`` does not change
      the detector's ``__dict__``;
    - :func:`check_detector_clone_and_pickle`: pickling keeps predictions,
      a clone is unfitted;
    - :func:`check_detector_refit`: fitting again forgets the previous fit;
    - :func:`check_detector_score`: ``score`` is a float in [0, 1];
    - :func:`check_detector_bad_targets`: wrong target counts, inverted and
      NaN boxes raise ``ValueError``;
    - :func:`check_detector_pipeline`: works as a Pipeline's last step;
    - :func:`check_detector_grid_search`: ``GridSearchCV`` with the AP50
      scorer runs.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.base import BaseEstimator
    >>> from sklearn.utils.validation import check_is_fitted
    >>> from sklvision.base import DetectorMixin
    >>> from sklvision.utils import make_detections, validate_images
    >>> from sklvision.utils import validate_targets
    >>> from sklvision.utils.estimator_checks import check_detector
    >>> class WholeImage(DetectorMixin, BaseEstimator):
    ...     def fit(self, X, y):
    ...         X = validate_images(X)
    ...         targets = validate_targets(y, n_images=len(X))
    ...         # every box gets the first class seen (ints or strings)
    ...         labels = np.concatenate([t["labels"] for t in targets])
    ...         self.label_ = labels[:1] if len(labels) else np.array([0])
    ...         return self
    ...     def predict(self, X):
    ...         check_is_fitted(self)
    ...         X = validate_images(X)
    ...         boxes = [[[0, 0, im.shape[1], im.shape[0]]] for im in X]
    ...         labels = [self.label_] * len(X)
    ...         return make_detections(boxes, [[1.0]] * len(X), labels)
    >>> # classes defined in a doctest cannot be pickled, so skip that check
    >>> check_detector(WholeImage(), skip=["check_detector_clone_and_pickle"])
    """
    if not is_detector(estimator):
        raise TypeError(f"{type(estimator).__name__} is not an sklvision detector.")
    skip = {skip} if isinstance(skip, str) else set(skip)
    known = {check.__name__ for check in _API_CHECKS}
    known.update(check.__name__ for check in yield_detector_checks())
    unknown = skip - known
    if unknown:
        raise ValueError(
            f"skip names {sorted(unknown)}, which are not detector checks; the "
            f"checks are {sorted(known)}."
        )
    if (X is None) != (y is None):
        raise ValueError("Pass both X and y, or neither (for the default data).")
    name = type(estimator).__name__
    if X is None:
        X, y = make_detector_check_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        for check in _yield_api_checks(estimator):
            if check.__name__ not in skip:
                _run_check(check, name, clone(estimator))
    for check in yield_detector_checks():
        if check.__name__ not in skip:
            # a fresh copy per check: a detector that writes into its input
            # must not change what later checks (and the caller) see
            X_check, y_check = copy.deepcopy((X, y))
            _run_check(check, name, estimator, X_check, y_check)


def _run_check(check, name, *args):
    """Run one check; failures name the check and keep the original error.

    An ``AssertionError`` gets the check's name in front of its message; any
    other exception (raised by the detector, or by the check reading its
    malformed output) becomes an ``AssertionError`` chained to it, so the
    report says which check met it. ``SkipTest`` passes through.
    """
    try:
        check(name, *args)
    except SkipTest:
        raise
    except AssertionError as exc:
        msg = str(exc).strip() or "assertion failed (no message)"
        raise AssertionError(f"{check.__name__} failed for {name}: {msg}") from exc
    except Exception as exc:
        raise AssertionError(
            f"{check.__name__} failed for {name}: it raised {type(exc).__name__}: {exc}"
        ) from exc
