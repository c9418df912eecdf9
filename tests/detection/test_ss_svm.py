"""Tests of SelectiveSearchSVMDetector and its proposal features."""

import threading

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from sklvision.datasets import make_shapes_scene
from sklvision.detection import (
    BagOfVisualWords,
    ProposalCrops,
    SelectiveSearchSVMDetector,
)
from sklvision.detection._features import _integral_histograms, _pyramid_histograms
from sklvision.detection._ss_svm import _box_voting, _chunks, _proposals, _shrink
from sklvision.metrics import get_scorer
from sklvision.utils._sklearn_compat import _get_threadpool_controller
from sklvision.utils.estimator_checks import check_detector, make_detector_check_data

FAST = dict(
    proposal_mode="single",
    feature=BagOfVisualWords(16, step=4, radius=6),
    n_hard_negative_rounds=1,
    flip_augment=False,
    random_state=0,
)
SCENE = dict(
    scene_size=144,
    image_size=56,
    shapes=["H", "T"],
    colors=[[1.0, 0.2, 0.2], [0.2, 0.6, 1.0]],
    box="tight",
    n_objects=2,
)


@pytest.fixture(scope="module")
def check_data():
    return make_detector_check_data()


@pytest.fixture(scope="module")
def scenes():
    X, y = make_shapes_scene(12, random_state=0, **SCENE)
    X_test, y_test = make_shapes_scene(6, random_state=1, **SCENE)
    return X, y, X_test, y_test


@pytest.fixture(scope="module")
def fitted_scene_detector(scenes):
    X, y, _, _ = scenes
    det = SelectiveSearchSVMDetector(
        proposal_mode="single",
        feature=BagOfVisualWords(32, step=4, radius=8, kernel_map="sqrt"),
        random_state=0,
    )
    return det.fit(X, y)


def test_shapes_scene_ap50(scenes, fitted_scene_detector):
    """Two letter classes, two objects per scene: held-out AP50 >= 0.9."""
    _, _, X_test, y_test = scenes
    det = fitted_scene_detector
    np.testing.assert_array_equal(det.classes_, [0, 1])
    assert det.score(X_test, y_test) >= 0.9
    pred = det.predict(X_test)
    # The best detection of each scene is one of its objects, with its class.
    for p, t in zip(pred, y_test):
        from sklvision.metrics import box_iou

        overlap = box_iou(p["boxes"][:1], t["boxes"])[0]
        assert overlap.max() >= 0.5
        assert p["labels"][0] == t["labels"][overlap.argmax()]


def test_project_detector_checks(check_data):
    X, y = check_data
    check_detector(SelectiveSearchSVMDetector(**FAST), X, y)


def test_grid_search_ap50_scorer(check_data):
    X, y = check_data
    pipe = Pipeline(
        [
            ("identity", FunctionTransformer()),
            ("det", SelectiveSearchSVMDetector(**FAST)),
        ]
    )
    search = GridSearchCV(
        pipe,
        {"det__nms_iou": [0.3, 0.5]},
        scoring=get_scorer("ap50"),
        cv=KFold(2),
        error_score="raise",
    ).fit(X, y)
    assert 0.5 <= search.best_score_ <= 1.0
    assert search.best_params_["det__nms_iou"] in (0.3, 0.5)


def test_finds_the_square(check_data):
    X, y = check_data
    det = SelectiveSearchSVMDetector(**FAST).fit(X[:8], y[:8])
    assert det.score(X[8:11], y[8:11]) >= 0.9
    pred = det.predict(X[8:11])
    for p in pred:
        assert len(p["boxes"]) <= det.max_detections
        assert np.all(p["labels"] == 0)
        assert p["boxes"].dtype == np.float64


def test_max_detections_and_threshold(check_data):
    X, y = check_data
    det = SelectiveSearchSVMDetector(**FAST).fit(X, y)
    all_scores = np.concatenate([p["scores"] for p in det.predict(X)])
    det.set_params(max_detections=1)
    assert all(len(p["boxes"]) <= 1 for p in det.predict(X))
    det.set_params(max_detections=100, score_threshold=float(np.median(all_scores)))
    kept = np.concatenate([p["scores"] for p in det.predict(X)])
    assert len(kept) < len(all_scores)
    assert np.all(kept >= np.median(all_scores))


def test_box_voting_weighted_mean():
    kept = np.array([[0.0, 0, 10, 10], [50, 50, 60, 60]])
    boxes = np.array(
        [[0.0, 0, 10, 10], [1, 1, 11, 11], [0, 0, 10, 30], [50, 50, 60, 60]]
    )
    scores = np.array([2.0, 1.0, 0.5, -3.0])
    # [0, 0, 10, 30] overlaps the first kept box by 1/3 < 0.5: no vote
    got = _box_voting(kept, boxes, scores, 0.5, 1.0)
    w = np.exp([2.0, 1.0])
    np.testing.assert_allclose(got[0], (w @ boxes[:2]) / w.sum())
    np.testing.assert_array_equal(got[1], kept[1])  # alone: unchanged
    # sharpness 0 is the plain mean; the 1/3-overlap box votes at IoU 0.3
    np.testing.assert_allclose(
        _box_voting(kept, boxes, scores, 0.3, 0.0)[0], boxes[:3].mean(axis=0)
    )
    # very low scores (exp underflows without the per-box shift) stay finite
    far = _box_voting(kept, boxes, scores - 1e4, 0.5, 8.0)
    assert np.isfinite(far).all()
    np.testing.assert_array_equal(far[1], kept[1])


def test_box_voting_changes_boxes_not_scores(check_data):
    X, y = check_data
    det = SelectiveSearchSVMDetector(**FAST, box_voting_iou=None).fit(X[:8], y[:8])
    plain = det.predict(X[8:11])
    voted = det.set_params(box_voting_iou=0.3).predict(X[8:11])
    moved = False
    for p, v in zip(plain, voted):
        np.testing.assert_array_equal(p["scores"], v["scores"])
        moved |= not np.allclose(p["boxes"], v["boxes"])
    assert moved


def test_full_size_input_is_shrunk_and_boxes_mapped_back(check_data):
    """Upscaled images give boxes in the coordinates of the input."""
    X, y = check_data
    big = np.repeat(np.repeat(X, 2, axis=1), 2, axis=2)
    y_big = [t * 2 for t in y]
    det = SelectiveSearchSVMDetector(**{**FAST, "max_side": 48}).fit(big, y_big)
    pred = det.predict(big[:3])
    for p, t in zip(pred, y_big[:3]):
        assert p["boxes"].max() <= 96
        from sklvision.metrics import box_iou

        assert box_iou(p["boxes"][:1], t).max() >= 0.5


def test_n_jobs_and_containers_agree(check_data):
    X, y = check_data
    a = SelectiveSearchSVMDetector(**FAST).fit(X, y).predict(X[:4])
    # The threading backend exercises the chunked parallel code paths without
    # the start-up cost of worker processes.
    with parallel_config(backend="threading"):
        det = SelectiveSearchSVMDetector(**FAST, n_jobs=2).fit(list(X), y)
        b = det.predict(X[:4])
    for pa, pb in zip(a, b):
        np.testing.assert_allclose(pa["boxes"], pb["boxes"])
        np.testing.assert_allclose(pa["scores"], pb["scores"])


def _assert_same_model(a, b):
    np.testing.assert_array_equal(a.estimator_.coef_, b.estimator_.coef_)
    np.testing.assert_array_equal(a.estimator_.intercept_, b.estimator_.intercept_)
    assert a.n_positives_ == b.n_positives_
    assert a.n_negatives_ == b.n_negatives_


def test_n_jobs_gives_the_same_model_and_detections(check_data):
    # Proposals, descriptors and the mining's scoring run in chunks of images
    # in the workers; the model and the detections must not depend on how
    # the images are chunked or where the chunks run.
    X, y = check_data
    params = {**FAST, "flip_augment": True, "n_hard_negative_rounds": 2}
    ref = SelectiveSearchSVMDetector(**params, n_jobs=1).fit(X, y)
    expected = ref.predict(X[:4])
    two = SelectiveSearchSVMDetector(**params, n_jobs=2).fit(X, y)
    with parallel_config(backend="threading", n_jobs=3):
        ctx = SelectiveSearchSVMDetector(**params).fit(X, y)
        got_ctx = ctx.predict(X[:4])
    for det, got in ((two, two.predict(X[:4])), (ctx, got_ctx)):
        _assert_same_model(ref, det)
        for p, q in zip(expected, got):
            for key in ("boxes", "scores", "labels"):
                np.testing.assert_array_equal(p[key], q[key])


_THREADS = []


class _ThreadRecordingWords(BagOfVisualWords):
    """BagOfVisualWords recording the thread of every prepare/describe call."""

    def prepare(self, extracted):
        _THREADS.append(("prepare", threading.get_ident()))
        return super().prepare(extracted)

    def describe(self, prepared, boxes):
        _THREADS.append(("describe", threading.get_ident()))
        return super().describe(prepared, boxes)


def test_n_jobs_none_follows_parallel_config(check_data):
    # scikit-learn's rule: n_jobs=None means 1 unless in a parallel_config
    # context. The detector cut the images into one chunk for n_jobs=None
    # whatever the context, and fit prepared and described every training
    # view (and scored the mining candidates) in the calling thread.
    X, y = check_data
    assert len(_chunks(12, None)) == 1
    assert len(_chunks(12, None, verbose=2)) == 10
    with parallel_config(backend="threading", n_jobs=2):
        assert len(_chunks(12, None)) == 8
        assert len(_chunks(12, 1)) == 1
    feature = _ThreadRecordingWords(16, step=4, radius=6)
    params = {**FAST, "feature": feature, "flip_augment": True}
    ref = SelectiveSearchSVMDetector(**params, n_jobs=1).fit(X, y)
    del _THREADS[:]
    with parallel_config(backend="threading", n_jobs=2):
        det = SelectiveSearchSVMDetector(**params).fit(X, y)
    _assert_same_model(ref, det)
    main = threading.get_ident()
    calls = {name for name, _ in _THREADS}
    assert calls == {"prepare", "describe"}
    assert main not in {ident for _, ident in _THREADS}


def test_threads_leave_the_blas_thread_count_alone(check_data):
    # The workers' k-means predict sets and restores the process-wide BLAS
    # thread count; from concurrent threads the restores interleaved and left
    # BLAS at one thread after fit/predict.
    X, y = check_data
    controller = _get_threadpool_controller()
    before = [i["num_threads"] for i in controller.info()]
    det = SelectiveSearchSVMDetector(**{**FAST, "flip_augment": True}, n_jobs=2)
    for _ in range(3):  # the interleaving differs from run to run
        with parallel_config(backend="threading"):
            det.fit(X, y).predict(X)
        assert [i["num_threads"] for i in controller.info()] == before


def _flatten(X):
    return np.asarray(X).reshape(len(X), -1)


def test_box_regression_and_crop_features(check_data):
    X, y = check_data
    flatten = FunctionTransformer(_flatten)
    det = SelectiveSearchSVMDetector(
        **{
            **FAST,
            "feature": ProposalCrops(flatten, size=(8, 8)),
            "box_regression": True,
        }
    ).fit(X, y)
    assert det.regressor_ is not None
    assert det.feature_.transformer_ is not flatten
    pred = det.predict(X[:2])
    assert pred[0]["boxes"].shape[1] == 4
    assert det.estimator_.coef_.shape[1] == 8 * 8 * 3
    # A plain image transformer is wrapped in ProposalCrops (64x64 crops).
    wrapped = SelectiveSearchSVMDetector(feature=flatten)._make_feature()
    assert isinstance(wrapped, ProposalCrops)
    assert wrapped.size == (64, 64)


def test_verbose(check_data, capsys):
    X, y = check_data
    SelectiveSearchSVMDetector(**FAST, verbose=1).fit(X, y).predict(X[:2])
    out = capsys.readouterr().out
    assert "proposals and descriptors of 12 images" in out
    assert "mining round 1" in out or "no hard negatives" in out
    assert "detected objects in 2 images" in out


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(negative_iou=(0.5, 0.2)), "negative_iou"),
        (dict(negative_iou=(0.2, 0.8)), "positive_iou"),
        (dict(proposal_params={"random_state": 0}), "random_state"),
        # the detector's own parameters: not silently overridden
        (dict(proposal_params={"mode": "quality"}), "'proposal_mode'"),
        (dict(proposal_params={"max_proposals": 3}), "'max_proposals'"),
    ],
)
def test_bad_params(check_data, params, match):
    X, y = check_data
    with pytest.raises(ValueError, match=match):
        SelectiveSearchSVMDetector(**{**FAST, **params}).fit(X, y)


def test_targets_outside_the_image_and_empty_labels(check_data):
    X, y = check_data
    outside = [y[0], np.array([[30.0, 10.0, 60.0, 20.0]]), *y[2:6]]  # 48 x 48
    with pytest.raises(ValueError, match="outside its image"):
        SelectiveSearchSVMDetector(**FAST).fit(X[:6], outside)
    # an image written {"boxes": [], "labels": []} keeps the labels' dtype
    labelled = [{"boxes": b, "labels": [1] * len(b)} for b in y[:6]]
    labelled[5] = {"boxes": [], "labels": []}
    det = SelectiveSearchSVMDetector(**FAST).fit(X[:6], labelled)
    assert det.classes_.dtype.kind == "i" and det.classes_.tolist() == [1]
    assert all(p["labels"].dtype.kind == "i" for p in det.predict(X[6:8]))


def test_a_class_unknown_to_the_estimator_is_never_detected():
    from sklearn.svm import LinearSVC

    from sklvision.detection._ss_svm import _foreground_scores

    rng = np.random.RandomState(0)
    feats = rng.rand(20, 3)
    svm = LinearSVC().fit(feats, np.r_[[-1] * 10, [0] * 10])
    scores = _foreground_scores(svm, feats, 2)
    assert scores.shape == (20, 2)
    np.testing.assert_array_equal(scores[:, 0], svm.decision_function(feats))
    assert np.all(np.isneginf(scores[:, 1]))


def test_no_objects_at_all(check_data):
    X, _ = check_data
    with pytest.raises(ValueError, match="no box"):
        SelectiveSearchSVMDetector(**FAST).fit(X[:3], [np.zeros((0, 4))] * 3)


def test_pyramid_histograms_match_brute_force():
    rng = np.random.RandomState(0)
    words = rng.randint(5, size=(7, 9))
    ii = _integral_histograms(words, 5)
    step = 4
    boxes = np.array([[0, 0, 36, 28], [3.5, 2, 17, 13], [10, 10, 11, 11]])
    got = _pyramid_histograms(ii, boxes, step, (1, 2), 0.0)
    rows, cols = np.mgrid[0:7, 0:9] * step
    for box, feat in zip(boxes, got):
        x0, y0, x1, y1 = box
        cells = [(x0, y0, x1, y1)]
        xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
        cells += [
            (x0, y0, xm, ym),
            (xm, y0, x1, ym),
            (x0, ym, xm, y1),
            (xm, ym, x1, y1),
        ]
        expected = []
        for a0, b0, a1, b1 in cells:
            inside = (cols >= a0) & (cols < a1) & (rows >= b0) & (rows < b1)
            expected.append(np.bincount(words[inside], minlength=5))
        expected = np.concatenate(expected).astype(float)
        total = expected[:5].sum()
        expected /= max(total, 1) * 2
        np.testing.assert_allclose(feat, expected, atol=1e-6)


def test_bag_of_visual_words_transformer():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(3, 40, 40, 3)).astype(np.float32)
    bow = BagOfVisualWords(8, colour="opponent", kernel_map="chi2", random_state=0)
    bow.fit(X)
    Xt = bow.transform(X)
    # 1x1 + 2x2 + 3x3 pyramid and the surround block, times 3 for the chi2 map
    assert Xt.shape == (3, 8 * 15 * 3) == (3, bow.n_features_out_)
    assert Xt.dtype == np.float32
    np.testing.assert_allclose(
        clone(bow).fit(X).transform(X),
        Xt,
    )
    raw = BagOfVisualWords(8, kernel_map="none", random_state=0).fit(X)
    h = raw.transform(X)
    np.testing.assert_allclose(h[:, :8].sum(axis=1), 1 / 3, rtol=1e-5)
    # the surround block is normalised on its own
    np.testing.assert_allclose(h[:, 112:120].sum(axis=1), 1.0, rtol=1e-5)
    no_surround = BagOfVisualWords(
        8, pyramid=(1, 2), surround=None, random_state=0
    ).fit(X)
    assert no_surround.transform(X).shape == (3, 8 * 5) == (
        3,
        no_surround.n_features_out_,
    )
    with pytest.raises(ValueError, match="n_words"):
        BagOfVisualWords(10_000).fit(X)
    with pytest.raises(ValueError, match=r"one RGB image.*pass \[image\]"):
        bow.transform(X[0])  # was read as 40 gray images 40 x 3


def _raccoon_photo():
    from importlib.resources import files

    from PIL import Image

    path = files("sklvision.datasets") / "data/raccoon/images/raccoon-1.jpg"
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


@pytest.mark.parametrize("max_side", [None, 128])
def test_one_picture_in_any_dtype_gets_the_same_proposals(max_side):
    # uint16 images reached selective search as integers (shrunk or not) and
    # were stretched to their own range, while the features divided them by
    # 65535: the uint16 form of a picture got other proposals and detections
    # than its uint8 or float form (120 vs 84 proposals, 3 in common). And a
    # shrunk uint8 image was resized in float32, its float64 / 255 form in
    # float64: proposals differed in 3 of 20 raccoon test images.
    photo = _raccoon_photo()
    params = {"mode": "single"}
    forms = [photo, photo / 255.0, photo.astype(np.uint16) * 257, photo > 128]
    small = [_shrink(im, max_side)[0] for im in forms]
    np.testing.assert_array_equal(small[2], small[1])
    if max_side is not None:  # (unshrunk uint8 stays uint8, / 255 inside)
        np.testing.assert_array_equal(small[0], small[1])
    expected = _proposals(small[0], params, 0)
    for im in small[1:3]:
        np.testing.assert_array_equal(_proposals(im, params, 0), expected)
    assert small[3].dtype.kind == "f"  # bool: 0.0 / 1.0


def test_shrink_scales_each_axis_by_its_own_rounding():
    # one factor for both axes mapped a box over the whole shrunk 6 x 256
    # image back to y_max 23.4 for an image 22 pixels high
    image = np.zeros((22, 1000, 3))
    small, scale = _shrink(image, 256)
    assert small.shape[:2] == (6, 256)
    whole = np.array([0.0, 0.0, 256, 6])
    np.testing.assert_allclose(whole / scale, [0, 0, 1000, 22])
    assert _shrink(image, 1000)[1] == 1.0
