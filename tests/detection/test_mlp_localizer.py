"""Tests for NumpyMLPLocalizer."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.utils._param_validation import InvalidParameterError

from sklvision.datasets import make_blobs_localization
from sklvision.detection import NumpyMLPLocalizer
from sklvision.detection._mlp_localizer import _box_iou_rows, _to_pixels
from sklvision.metrics import ap50_scorer, mean_iou_score
from sklvision.utils.estimator_checks import check_detector

FAST = dict(
    hidden_layer_sizes=(16,),
    resize_shape=(16, 16),
    max_iter=5,
    batch_size=40,
    random_state=0,
)


@pytest.fixture(scope="module")
def blobs():
    X, y = make_blobs_localization(
        160, image_size=32, radius_range=(3, 12), dtype=np.float32, random_state=0
    )
    return X, y


def _fit(est, X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **kw)


def _boxes(pred):
    return np.vstack([p["boxes"] for p in pred])


def test_detector_checks():
    check_detector(NumpyMLPLocalizer(**FAST))


def test_learns_blobs():
    X, y = make_blobs_localization(
        500, image_size=32, radius_range=(3, 12), dtype=np.float32, random_state=0
    )
    loc = _fit(
        NumpyMLPLocalizer(
            hidden_layer_sizes=(64,), resize_shape=None, max_iter=100, random_state=0
        ),
        X[:400],
        y[:400],
    )
    pred = loc.predict(X[400:])
    assert len(pred) == 100
    for p in pred:
        assert p["boxes"].shape == (1, 4) and p["scores"].shape == (1,)
        assert_array_equal(p["labels"], [0])
        b = p["boxes"][0]
        assert 0 <= b[0] < b[2] <= 32 and 0 <= b[1] < b[3] <= 32
        assert 0 <= p["scores"][0] <= 1
    held_out = loc.score(X[400:], y[400:])
    assert held_out == pytest.approx(mean_iou_score(y[400:], pred))
    assert held_out > 0.55
    # far better than always predicting the mean training box
    mean_box = np.mean([t["boxes"][0] for t in y[:400]], axis=0)
    baseline = mean_iou_score(y[400:], [mean_box[None]] * 100)
    assert held_out > baseline + 0.2


def test_score_is_mean_iou_and_flip_score(blobs):
    X, y = blobs
    loc = _fit(NumpyMLPLocalizer(**FAST), X, y)
    pred = loc.predict(X[:10])
    const = _fit(NumpyMLPLocalizer(**FAST, score_method="constant"), X, y)
    pred_c = const.predict(X[:10])
    # same network (score_method does not affect training), same boxes
    assert_allclose(_boxes(pred), _boxes(pred_c))
    assert all(p["scores"][0] == 1.0 for p in pred_c)
    flip_scores = np.array([p["scores"][0] for p in pred])
    assert np.all((flip_scores >= 0) & (flip_scores <= 1))
    assert np.ptp(flip_scores) > 0
    # a horizontally symmetric image gives mirror-consistent boxes only if
    # the network is mirror symmetric: check the score is the IoU formula
    rel = np.array([[0.1, 0.1, 0.5, 0.5]])
    assert_allclose(_box_iou_rows(rel, rel), [1.0])
    assert_allclose(_box_iou_rows(rel, np.array([[0.3, 0.1, 0.7, 0.5]])), [1 / 3])


def test_targets_relative_and_image_sizes(blobs):
    X, y = blobs
    loc = _fit(NumpyMLPLocalizer(**FAST), X, y)
    # an image twice as large gets the same relative box, in its own pixels
    big = np.kron(X[:3], np.ones((2, 2), dtype=X.dtype))
    small_boxes = _boxes(loc.predict(X[:3]))
    big_boxes = _boxes(loc.predict(list(big)))
    assert_allclose(big_boxes, 2 * small_boxes, rtol=0.1, atol=1.5)
    # mixed sizes in one list
    mixed = loc.predict([X[0], big[1]])
    assert mixed[1]["boxes"][0, 2] <= 64


def test_float32_and_uint8_inputs(blobs):
    X, y = blobs
    loc32 = _fit(NumpyMLPLocalizer(**FAST), X, y)
    assert loc32.coefs_[0].dtype == np.float32
    assert loc32.feature_mean_.dtype == np.float32
    loc8 = _fit(NumpyMLPLocalizer(**FAST), (X * 255).astype(np.uint8), y)
    assert loc8.coefs_[0].dtype == np.float64
    # uint8 is scaled to [0, 1] before standardisation: same features
    assert_allclose(loc8.feature_mean_, loc32.feature_mean_, atol=1e-5)


@pytest.mark.parametrize(
    "param, value",
    [
        ("loss", "squared_error"),
        ("features", "hog"),
        ("resize_shape", (12, 12)),
        ("hidden_layer_sizes", (8, 4)),
        ("activation", "tanh"),
        ("solver", "sgd"),
        ("alpha", 1.0),
        ("learning_rate_init", 0.01),
        ("batch_size", 16),
        ("shuffle", False),
        ("random_state", 1),
        ("beta_1", 0.5),
        ("early_stopping", True),
        ("flip_augment", True),
    ],
)
def test_each_parameter_changes_the_model(blobs, param, value):
    X, y = blobs
    a = _fit(NumpyMLPLocalizer(**FAST), X, y).predict(X[:5])
    b = _fit(NumpyMLPLocalizer(**{**FAST, param: value}), X, y).predict(X[:5])
    assert not np.allclose(_boxes(a), _boxes(b))


def test_hog_parameters(blobs):
    X, y = blobs
    base = {**FAST, "features": "hog", "resize_shape": (32, 32)}
    a = _fit(NumpyMLPLocalizer(**base), X, y)
    b = _fit(NumpyMLPLocalizer(**base, hog_orientations=6), X, y)
    c = _fit(NumpyMLPLocalizer(**base, hog_pixels_per_cell=(16, 16)), X, y)
    d = _fit(NumpyMLPLocalizer(**base, hog_cells_per_block=(1, 1)), X, y)
    sizes = {m.feature_mean_.shape[0] for m in (a, b, c, d)}
    assert len(sizes) == 4


def test_reproducible_and_early_stopping(blobs):
    X, y = blobs
    a = _fit(NumpyMLPLocalizer(**FAST), X, y).predict(X[:5])
    b = _fit(NumpyMLPLocalizer(**FAST), X, y).predict(X[:5])
    assert_array_equal(_boxes(a), _boxes(b))
    es = _fit(
        NumpyMLPLocalizer(
            **{**FAST, "max_iter": 100, "tol": 0.02, "early_stopping": True}
        ),
        X,
        y,
    )
    assert es.n_iter_ < 100
    assert len(es.validation_scores_) == es.n_iter_
    assert all(0 <= s <= 1 for s in es.validation_scores_)  # mean IoU
    assert es.best_validation_score_ == max(es.validation_scores_)


def test_warm_start_and_verbose(blobs, capsys):
    X, y = blobs
    loc = _fit(NumpyMLPLocalizer(**FAST, warm_start=True, verbose=True), X, y)
    first = loc.coefs_[0].copy()
    _fit(loc, X, y)
    assert loc.t_ == 10 * len(X)
    assert not np.allclose(first, loc.coefs_[0])
    assert "Iteration 5, loss = " in capsys.readouterr().out
    with pytest.raises(ValueError, match="warm_start"):
        loc.fit(np.repeat(X[..., None], 3, axis=3), y)


def test_multiple_and_missing_boxes(blobs):
    X, y = blobs
    y2 = [t["boxes"] for t in y]
    y2[0] = np.vstack([y2[0], [[0, 0, 1, 1]]])  # the largest box is the target
    y2[1] = np.zeros((0, 4))  # skipped
    loc = _fit(NumpyMLPLocalizer(**FAST), X, y2)
    assert loc.n_train_images_ == len(X) - 1
    ref = _fit(NumpyMLPLocalizer(**FAST), np.delete(X, 1, axis=0), y2[:1] + y2[2:])
    assert_allclose(ref.coefs_[0], loc.coefs_[0], rtol=1e-5)
    with pytest.raises(ValueError, match="No image in y has a box"):
        NumpyMLPLocalizer(**FAST).fit(X[:3], [np.zeros((0, 4))] * 3)


def test_flip_augment_equals_training_on_mirrored_copies(blobs):
    X, y = blobs
    X, y = X[:40], y[:40]
    aug = _fit(NumpyMLPLocalizer(**FAST, flip_augment=True, shuffle=False), X, y)
    mirrored = []
    for t in y:
        x0, y0, x1, y1 = t["boxes"][0]
        mirrored.append(np.array([[32 - x1, y0, 32 - x0, y1]]))
    both = _fit(
        NumpyMLPLocalizer(**FAST, shuffle=False),
        np.concatenate([X, X[:, :, ::-1]]),
        [t["boxes"] for t in y] + mirrored,
    )
    assert aug.n_train_images_ == 40
    assert_allclose(aug.coefs_[0], both.coefs_[0], rtol=1e-4, atol=1e-6)


def test_n_jobs_gives_the_same_model(blobs):
    from joblib import parallel_config

    X, y = blobs
    one = _fit(NumpyMLPLocalizer(**FAST, features="hog"), X, y)
    with parallel_config(backend="threading"):
        two = _fit(NumpyMLPLocalizer(**FAST, features="hog", n_jobs=2), X, y)
        assert_allclose(_boxes(two.predict(X[:7])), _boxes(one.predict(X[:7])))
    assert_array_equal(two.feature_mean_, one.feature_mean_)


def test_sample_weight(blobs):
    X, y = blobs
    a = _fit(NumpyMLPLocalizer(**FAST), X, y)
    b = _fit(NumpyMLPLocalizer(**FAST), X, y, sample_weight=np.ones(len(X)))
    c = _fit(NumpyMLPLocalizer(**FAST), X, y, sample_weight=np.arange(len(X)) % 3)
    assert_allclose(a.coefs_[0], b.coefs_[0], rtol=1e-5)
    assert not np.allclose(a.coefs_[0], c.coefs_[0])
    with pytest.raises(ValueError, match="sample_weight"):
        NumpyMLPLocalizer(**FAST).fit(X, y, sample_weight=np.ones(3))
    # NaN / inf / negative / all-zero weights: a NaN weight used to return the
    # untrained initial weights (validation scores NaN) without an error, all
    # zeros a ZeroDivisionError, negatives a negative loss
    for bad, match in [
        (np.nan, "NaN"),
        (np.inf, "infinity"),
        (-1.0, "Negative values"),
    ]:
        sw = np.ones(len(X))
        sw[2] = bad
        with pytest.raises(ValueError, match=match):
            NumpyMLPLocalizer(**FAST).fit(X, y, sample_weight=sw)
    with pytest.raises(ValueError, match="non-zero"):
        NumpyMLPLocalizer(**FAST).fit(X, y, sample_weight=np.zeros(len(X)))
    no_box = [np.zeros((0, 4))] + list(y[1:])
    sw = np.zeros(len(X))
    sw[0] = 1.0  # the only weighted image has no box
    with pytest.raises(ValueError, match="0 for every image with a box"):
        NumpyMLPLocalizer(**FAST).fit(X, no_box, sample_weight=sw)


def test_bad_input(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="resize_shape"):
        NumpyMLPLocalizer(resize_shape=(0, 4)).fit(X, y)
    with pytest.raises(InvalidParameterError):
        NumpyMLPLocalizer(loss="hinge").fit(X, y)
    with pytest.raises(ValueError, match="different sizes"):
        NumpyMLPLocalizer(**{**FAST, "resize_shape": None}).fit(
            [X[0], np.zeros((20, 20), np.float32)], [y[0], np.array([[1, 1, 5, 5]])]
        )
    with pytest.raises(ValueError, match="outside its image"):
        NumpyMLPLocalizer(**FAST).fit(X[:2], [y[0], np.array([[0, 0, 500, 5]])])
    two_classes = [{"boxes": t["boxes"], "labels": [i % 2]} for i, t in enumerate(y)]
    with pytest.raises(ValueError, match="2 classes.*one object class"):
        NumpyMLPLocalizer(**FAST).fit(X, two_classes)
    X_nan = X.copy()
    X_nan[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        NumpyMLPLocalizer(**FAST).fit(X_nan, y)
    with pytest.raises(ValueError):
        NumpyMLPLocalizer(**FAST).fit(X, y[:-1])
    fitted = _fit(NumpyMLPLocalizer(**FAST), X, y)
    with pytest.raises(ValueError, match="features"):
        fitted.predict(np.repeat(X[:2, ..., None], 3, axis=3))


@pytest.mark.parametrize("label", [0, 3, "blob"])
def test_label_of_the_training_boxes_is_predicted(blobs, label):
    X, y = blobs
    labelled = [{"boxes": t["boxes"], "labels": [label] * len(t["boxes"])} for t in y]
    loc = _fit(NumpyMLPLocalizer(**FAST), X, labelled)
    assert loc.classes_.tolist() == [label]
    pred = loc.predict(X)
    assert all(p["labels"].tolist() == [label] for p in pred)
    # the AP scorer compares labels: same value whatever the label is
    plain = _fit(NumpyMLPLocalizer(**FAST), X, y)
    assert ap50_scorer(loc, X, labelled) == ap50_scorer(plain, X, y) > 0


def test_grid_search_with_mean_iou(blobs):
    X, y = blobs
    search = GridSearchCV(
        NumpyMLPLocalizer(**FAST),
        {"alpha": [1e-4, 1.0]},
        cv=KFold(2),
        error_score="raise",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    assert 0 <= search.best_score_ <= 1


def test_to_pixels_keeps_boxes_valid():
    rel = np.array([[0, 0, 0, 1.0], [0.5, 0.2, 0.5, 0.2], [1, 1, 1, 1]])
    shapes = np.array([[128, 128], [10, 20], [5, 5]], dtype=float)
    boxes = _to_pixels(rel, shapes)
    assert np.all(boxes[:, 2] > boxes[:, 0]) and np.all(boxes[:, 3] > boxes[:, 1])
    assert np.all(boxes[:, 2] <= shapes[:, 1]) and np.all(boxes[:, 3] <= shapes[:, 0])
    assert_allclose(boxes[0], [0, 0, 1, 128])


def test_score_sample_weight(blobs):
    from sklvision.metrics import mean_iou_score

    X, y = blobs
    est = _fit(NumpyMLPLocalizer(**FAST), X, y)
    pred = est.predict(X)
    per_image = np.array([mean_iou_score([t], [p]) for t, p in zip(y, pred)])
    assert est.score(X, y, sample_weight=np.ones(len(X))) == pytest.approx(
        est.score(X, y)
    )
    sw = np.arange(len(X)) % 3
    assert est.score(X, y, sample_weight=sw) == pytest.approx(
        np.average(per_image, weights=sw)  # one box per image here
    )
    with pytest.raises(ValueError, match="Negative"):
        est.score(X, y, sample_weight=-np.ones(len(X)))


def test_ap_score_has_no_sample_weight(blobs):
    from sklvision.detection import TemplateWeightDetector

    X, y = blobs
    det = TemplateWeightDetector(n_iter=2, random_state=0).fit(X[:4], y[:4])
    with pytest.raises(ValueError, match="no per-image weights"):
        det.score(X[:4], y[:4], sample_weight=np.ones(4))


def test_early_stopping_keeps_an_image_and_its_mirror_together(blobs, monkeypatch):
    # with flip_augment the 2n rows (images, then mirrors) were split at
    # random: 38 of 43 validation images had their mirror in training
    import sklvision.classification._mlp_core as core

    X, y = blobs
    seen = []
    real = core.train_test_split

    def spy(*arrays, **kw):
        seen.append(np.asarray(arrays[0]).copy())
        return real(*arrays, **kw)

    monkeypatch.setattr(core, "train_test_split", spy)
    kw = dict(FAST, flip_augment=True, early_stopping=True, validation_fraction=0.2)
    _fit(NumpyMLPLocalizer(**kw), X[:60], y[:60])
    (split_on,) = seen
    assert len(split_on) == 60  # one entry per image, not per row


def test_input_size_is_checked(blobs):
    # with resize_shape=None only the feature count was compared: a 16x64
    # image passed for a 32x32 one, in fit, predict and warm_start
    X, y = blobs
    est = _fit(NumpyMLPLocalizer(**dict(FAST, resize_shape=None)), X[:40], y[:40])
    assert est.input_shape_ == (32, 32)
    with pytest.raises(ValueError, match="fitted on 32x32 input images"):
        est.predict(np.zeros((2, 16, 64), np.float32))
    mixed = list(X[:39]) + [np.zeros((16, 64), np.float32)]
    with pytest.raises(ValueError, match=r"different sizes \(.*resize_shape is None"):
        NumpyMLPLocalizer(**dict(FAST, resize_shape=None)).fit(
            mixed, list(y[:39]) + [np.array([[2.0, 2, 10, 10]])]
        )
    est = _fit(NumpyMLPLocalizer(**FAST, warm_start=True), X[:40], y[:40])
    est.set_params(resize_shape=(8, 32))
    with pytest.raises(ValueError, match="warm_start continues that network"):
        est.fit(X[:40], y[:40])
    with pytest.raises(ValueError, match="fitted on 16x16 input images"):
        est.predict(X[:2])


@pytest.mark.parametrize(
    "param, value",
    [
        ("hog_pixels_per_cell", (0, 0)),
        ("hog_pixels_per_cell", (4,)),
        ("hog_pixels_per_cell", (4.5, 4.5)),
        ("hog_cells_per_block", (2, -1)),
        ("resize_shape", (16, True)),
        ("resize_shape", np.array([[16, 16]])),
        ("hog_cells_per_block", np.array([[2], [2]])),
    ],
)
def test_pair_parameters_are_checked(blobs, param, value):
    # (0, 0) was a ZeroDivisionError inside skimage, (4,) an unpacking error,
    # and (4.5, 4.5) was accepted; 2-D arrays were flattened into a pair
    X, y = blobs
    with pytest.raises(ValueError, match=f"{param} must be"):
        NumpyMLPLocalizer(**dict(FAST, features="hog", **{param: value})).fit(
            X[:10], y[:10]
        )


def test_resize_shape_may_be_an_array(blobs):
    X, y = blobs
    est = NumpyMLPLocalizer(**dict(FAST, resize_shape=np.array([16, 16])))
    est = _fit(est, X[:20], y[:20])
    assert est.input_shape_ == (16, 16)


def test_n_jobs_none_follows_parallel_config(blobs, monkeypatch):
    # scikit-learn's rule: n_jobs=None means 1 unless inside parallel_config;
    # the features were computed in one chunk (one task) even inside it
    from joblib import parallel_config

    import sklvision.detection._mlp_localizer as module

    chunks = []
    real = module._image_features

    def recording(images, *args, **kwargs):
        chunks.append(len(images))
        return real(images, *args, **kwargs)

    monkeypatch.setattr(module, "_image_features", recording)
    X, y = blobs
    one = _fit(NumpyMLPLocalizer(**FAST, features="hog"), X, y)
    assert chunks == [len(X)]
    chunks.clear()
    with parallel_config(backend="threading", n_jobs=2):
        two = _fit(NumpyMLPLocalizer(**FAST, features="hog"), X, y)
    assert len(chunks) > 1 and sum(chunks) == len(X)
    assert_array_equal(two.feature_mean_, one.feature_mean_)
    assert_allclose(two.coefs_[0], one.coefs_[0])
