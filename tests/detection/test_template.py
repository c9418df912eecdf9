import math
import pickle

import numpy as np
import pytest
from sklearn.utils import check_random_state

from sklvision.datasets import make_shapes, make_shapes_scene
from sklvision.detection import TemplateWeightDetector, _template
from sklvision.detection._template import (
    _CACHES,
    _fft_shape,
    _peaks,
    _prepare_image,
    _resize,
    _scaled_shape,
    _score_maps,
    _second_stage_weights,
)
from sklvision.metrics import average_precision_score, box_iou


def _whole(images, labels):
    return [
        {"boxes": np.array([[0.0, 0.0, im.shape[1], im.shape[0]]]), "labels": [lab]}
        for im, lab in zip(images, labels)
    ]


def _sigmoid(v):
    return np.float32(1.0 / (1.0 + math.exp(-float(v))))


def _reference_weights(crops, seed, n_iter, lr, noise):
    """The rule written pixel by pixel, drawing the same random numbers."""
    rng = np.random.default_rng(seed)
    shape = crops[0].shape
    W = rng.random(shape, dtype=np.float32)
    for _ in range(n_iter):
        for T in crops:
            U = rng.random(shape, dtype=np.float32)
            for i in range(shape[0]):
                for j in range(shape[1]):
                    for c in range(shape[2]):
                        t = T[i, j, c]
                        x = t + np.float32(noise) * U[i, j, c]
                        w = W[i, j, c]
                        out = _sigmoid(w * x)
                        err = t - out
                        W[i, j, c] = w + np.float32(lr) * _sigmoid(
                            w * err * out * (1 - out) * x
                        )
    return W


def test_vectorised_training_equals_per_pixel_rule():
    rng = np.random.RandomState(0)
    images = rng.rand(3, 6, 5, 3).astype(np.float32)
    labels = [0, 1, 0]  # label 0 has two images, label 1 one
    det = TemplateWeightDetector(
        n_iter=4, learning_rate=0.7, noise=0.05, random_state=3
    ).fit(images, _whole(images, labels))
    seeds = check_random_state(3).randint(np.iinfo(np.int32).max, size=2)
    for k, idx in enumerate([[0, 2], [1]]):
        ref = _reference_weights(images[idx], seeds[k], 4, 0.7, 0.05)
        np.testing.assert_allclose(det.weights_[k], ref, rtol=1e-5, atol=1e-6)
        assert det.weights_[k].dtype == np.float32
        np.testing.assert_array_equal(
            det.masks_[k], np.any(ref >= ref.mean(), axis=2)
        )
        np.testing.assert_allclose(det.templates_[k], images[idx].mean(axis=0))
    # the rule only adds positive steps: the weights grew
    assert np.all(det.weights_[0] > 4 * 0.7 * 0.4)


def _loop_maps(det, image):
    """Score maps of every template by an explicit loop over windows."""
    image = image.astype(np.float64)
    if det.background == "natural":
        image = image - image.mean()
        image /= image.std()
        image -= image.min()
        image /= image.max()
    maps = []
    for W, mask in zip(det.weights_, det.masks_):
        W = W.astype(np.float64)
        h, w = W.shape[:2]
        H, Wd = image.shape[:2]
        out = np.zeros((H - h + 1, Wd - w + 1))
        m = mask[:, :, None] if det.background == "natural" else 1.0
        Wz = W - W.mean()
        for r in range(out.shape[0]):
            for c in range(out.shape[1]):
                s = image[r : r + h, c : c + w]
                if det.scoring == "weighted_error":
                    err = np.sum(np.abs(s - W * s) * m)
                    norm = np.sum(np.abs(1 - W) * m)
                    sign = -1.0 if det.background == "natural" else 1.0
                    out[r, c] = sign * err / norm
                else:
                    sz = s - s.mean()
                    den = np.sqrt(np.sum(sz * sz) * np.sum(Wz * Wz))
                    ok = np.sqrt(np.sum(sz * sz) / s.size) > 1e-3 * np.abs(image).max()
                    out[r, c] = np.sum(sz * Wz) / den if ok else 0.0
        maps.append(out)
    return maps


@pytest.mark.parametrize("scoring", ["weighted_error", "ncc"])
@pytest.mark.parametrize("background", ["dark", "natural"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fft_score_maps_equal_window_loop(scoring, background, dtype):
    rng = np.random.RandomState(1)
    train = rng.rand(2, 7, 9, 3)
    det = TemplateWeightDetector(
        n_iter=30, scoring=scoring, background=background, combine="max",
        random_state=0,
    ).fit(train, _whole(train, [0, 1]))
    image = rng.rand(23, 31, 3).astype(dtype)
    prepared = image.astype(np.float64)
    if background == "natural":
        prepared = (prepared - prepared.mean()) / prepared.std()
        prepared = (prepared - prepared.min()) / (prepared - prepared.min()).max()
    prepared = prepared.astype(dtype)
    fshape = _fft_shape(image.shape[:2])
    kft, spec = det._kernel_transforms([(fshape, np.dtype(dtype).str)])
    fft_maps = _score_maps(prepared, kft[(fshape, np.dtype(dtype).str)], spec, fshape)
    loop_maps = _loop_maps(det, image)
    rtol = 1e-6 if dtype == np.float64 else 2e-5
    for (fm, h, w), lm in zip(fft_maps, loop_maps):
        assert (h, w) == (7, 9) and fm.shape == lm.shape == (17, 23)
        assert fm.dtype == np.float64 or fm.dtype == dtype
        scale = np.abs(lm).max()
        np.testing.assert_allclose(fm, lm, rtol=0, atol=rtol * scale)

    # combine="mean": one map, the mean of the per-template maps
    det.set_params(combine="mean")
    kft, spec = det._kernel_transforms([(fshape, np.dtype(dtype).str)])
    (fm, _, _), = _score_maps(
        prepared, kft[(fshape, np.dtype(dtype).str)], spec, fshape
    )
    lm = np.mean(loop_maps, axis=0)
    np.testing.assert_allclose(fm, lm, rtol=0, atol=rtol * np.abs(lm).max())


@pytest.fixture(scope="module")
def shapes_detector():
    X, y = make_shapes(dtype=np.float32)
    return TemplateWeightDetector(n_iter=100, random_state=0).fit(X, y)


def test_original_demo_100_scenes(shapes_detector):
    # the original: 8 objects (H, H, T, T, |, H, H, -), 100 passes, one object
    # in each 300 x 300 scene; box IoU >= 0.9 and the right object
    scenes, truth = make_shapes_scene(100, dtype=np.float32, random_state=42)
    pred = shapes_detector.predict(scenes)
    right = [
        box_iou(p["boxes"], t["boxes"])[0, 0] >= 0.9
        and p["labels"][0] == t["labels"][0]
        for p, t in zip(pred, truth)
    ]
    assert np.mean(right) >= 0.95
    assert all(len(p["boxes"]) == 1 for p in pred)


def test_several_detections_after_nms(shapes_detector):
    scenes, truth = make_shapes_scene(
        3, n_objects=2, scene_size=320, dtype=np.float32, random_state=7
    )
    det = pickle.loads(pickle.dumps(shapes_detector))
    det.set_params(max_detections=2, score_threshold=0.02)
    for p, t in zip(det.predict(scenes), truth):
        assert len(p["boxes"]) == 2
        iou = box_iou(p["boxes"], t["boxes"])
        assert np.all(iou.max(axis=0) >= 0.9)
        assert np.all(np.diff(p["scores"]) <= 0)
    det.set_params(max_detections=None, score_threshold=0.99)
    assert all(len(p["boxes"]) == 0 for p in det.predict(scenes))


def test_image_pyramid_finds_larger_object():
    X, y = make_shapes(shapes=["T"], colors=[[0, 1, 0]], image_size=40)
    det = TemplateWeightDetector(n_iter=30, random_state=0).fit(X, y)
    scenes, truth = make_shapes_scene(
        2, shapes=["T"], colors=[[0, 1, 0]], image_size=80, scene_size=200,
        random_state=0,
    )
    plain = det.predict(scenes)
    assert plain[0]["boxes"][0, 2] - plain[0]["boxes"][0, 0] == 40
    det.set_params(scales=(1.0, 0.5))
    for p, t in zip(det.predict(scenes), truth):
        assert box_iou(p["boxes"], t["boxes"])[0, 0] >= 0.9


def test_fitted_attributes_and_history():
    X, y = make_shapes(shapes=["H", "-"], colors=[[1, 0, 0], [0, 0, 1]],
                       image_size=20)
    det = TemplateWeightDetector(n_iter=6, random_state=0).fit(X, y)
    assert not hasattr(det, "weights_history_")
    np.testing.assert_array_equal(det.classes_, [0, 1])
    assert det.template_sizes_ == [(20, 20), (20, 20)]
    assert [w.shape for w in det.weights_] == [(20, 20, 3)] * 2
    assert [m.shape for m in det.masks_] == [(20, 20)] * 2
    det.set_params(keep_history=True).fit(X, y)
    hist = det.weights_history_
    assert [h.shape for h in hist] == [(7, 20, 20, 3)] * 2
    np.testing.assert_array_equal(hist[1][-1], det.weights_[1])
    assert np.all(np.diff(hist[0].mean(axis=(1, 2, 3))) > 0)
    det.set_params(keep_history=False).fit(X, y)
    assert not hasattr(det, "weights_history_")


def test_natural_background_rescales_weights_and_uint8():
    rng = np.random.RandomState(0)
    images = (rng.rand(3, 40, 40, 3) * 80).astype(np.uint8)
    images[:, 10:25, 12:30] = [200, 150, 40]
    boxes = [np.array([[12.0, 10.0, 30.0, 25.0]])] * 3
    det = TemplateWeightDetector(
        n_iter=20, background="natural", scoring="weighted_error", random_state=0
    ).fit(images, boxes)
    W = det.weights_[0]
    assert W.shape == (15, 18, 3)
    assert W.min() == pytest.approx(0.0) and W.max() == pytest.approx(1.0)
    pred = det.predict(images[:1])
    assert pred[0]["scores"][0] < 0  # minus an error: higher is better
    det.set_params(scoring="ncc")
    pred = det.predict(images[:1])
    assert box_iou(pred[0]["boxes"], boxes[0])[0, 0] > 0.9


def test_n_jobs_and_containers_agree(shapes_detector):
    scenes, _ = make_shapes_scene(4, scene_size=150, random_state=3)
    a = shapes_detector.predict(scenes)
    det = pickle.loads(pickle.dumps(shapes_detector)).set_params(n_jobs=2)
    assert det not in _CACHES  # transforms are not pickled
    assert not any("cache" in k for k in vars(det))
    b = det.predict(list(scenes))
    for p, q in zip(a, b):
        np.testing.assert_allclose(p["boxes"], q["boxes"])
        np.testing.assert_allclose(p["scores"], q["scores"], rtol=1e-6)
        np.testing.assert_array_equal(p["labels"], q["labels"])


def test_float32_scores_in_float32_and_cache_per_size(shapes_detector):
    scenes, _ = make_shapes_scene(1, scene_size=130, dtype=np.float32)
    shapes_detector.predict(scenes)
    key = (_fft_shape((130, 130)), np.dtype(np.float32).str)
    assert key[0] == (135, 135)  # scipy.fft.next_fast_len(130, real=True)
    assert key in _CACHES[shapes_detector]
    kft = _CACHES[shapes_detector][key]
    assert kft.dtype == np.complex64


def test_small_image_and_string_labels():
    X, _ = make_shapes(shapes=["|", "-"], colors=[[1, 1, 1], [1, 0, 0]],
                       image_size=20)
    y = _whole(X, ["bar", "dash"])
    det = TemplateWeightDetector(n_iter=5, random_state=0).fit(X, y)
    np.testing.assert_array_equal(det.classes_, ["bar", "dash"])
    pred = det.predict([np.zeros((10, 10, 3)), X[1]])
    assert pred[0]["boxes"].shape == (0, 4)
    assert pred[1]["labels"][0] == "dash"


def test_bad_input_messages():
    X, y = make_shapes(shapes=["H"], colors=[[1, 0, 0]], image_size=16)
    det = TemplateWeightDetector(n_iter=2)
    with pytest.raises(ValueError, match="no box"):
        det.fit(X, [np.zeros((0, 4))])
    # (True, True) gave 1x1 templates and (4.5, 4) was refused but (8.0, 8.0)
    # taken: the shared pair rule (ints >= 1, as Interval(Integral, 1, None))
    for size in [(0, 3), (True, True), (8.0, 8.0), (4,), [[4, 4]]]:
        with pytest.raises(ValueError, match="template_size"):
            TemplateWeightDetector(n_iter=2, template_size=size).fit(X, y)
    TemplateWeightDetector(n_iter=2, template_size=np.array([8, 8])).fit(X, y)
    det.fit(X, y)
    with pytest.raises(ValueError, match="channel"):
        det.predict(X[:, :, :, 0])
    with pytest.raises(ValueError, match="scales"):
        det.set_params(scales=(1.0, -1.0)).predict(X)
    two = [X[0], np.pad(X[0], ((0, 8), (0, 8), (0, 0)))]
    y2 = [
        {"boxes": [[0, 0, 16, 16]], "labels": [0]},
        {"boxes": [[0, 0, 24, 24]], "labels": [1]},
    ]
    with pytest.raises(ValueError, match="combine='max'"):  # at fit, not later
        TemplateWeightDetector(n_iter=2, combine="mean").fit(two, y2)
    det = TemplateWeightDetector(n_iter=2, combine="max").fit(two, y2)
    with pytest.raises(ValueError, match="combine='max'"):
        det.set_params(combine="mean").predict(two)
    det.set_params(combine="auto")  # falls back to "max" for mixed sizes
    assert len(det.predict(two)[1]["boxes"]) == 1


def test_project_detector_checks():
    estimator_checks = pytest.importorskip("sklvision.utils.estimator_checks")
    estimator_checks.check_detector(
        TemplateWeightDetector(n_iter=5, random_state=0)
    )


def test_gray_images_and_list_of_sizes():
    X, y = make_shapes(shapes=["T", "-"], colors=[[1, 1, 1], [1, 1, 1]],
                       image_size=30)
    gray = X.mean(axis=3)
    det = TemplateWeightDetector(n_iter=100, random_state=0).fit(gray, y)
    assert det.n_channels_ == 1 and det.weights_[0].shape == (30, 30, 1)
    scenes, truth = make_shapes_scene(
        3, shapes=["T", "-"], colors=[[1, 1, 1], [1, 1, 1]], image_size=30,
        scene_size=70, random_state=2,
    )
    images = [scenes[0].mean(axis=2), scenes[1, :50, :60].mean(axis=2)]
    pred = det.predict(images)
    assert box_iou(pred[0]["boxes"], truth[0]["boxes"])[0, 0] == 1.0
    assert pred[0]["labels"][0] == truth[0]["labels"][0]
    assert np.all(pred[1]["boxes"][:, 2:] <= [60, 50])


def test_labels_right_when_labels_have_unequal_numbers_of_crops():
    # Trained on scenes, labels get different numbers of crops; the second
    # stage must still pick the right template (it used to pick one label for
    # every window, because per-label weights grow with the number of crops).

    X, y = make_shapes_scene(
        40, shapes=("H", "T"), colors=((1, 1, 1), (1, 1, 1)), random_state=0
    )
    counts = np.bincount(np.concatenate([t["labels"] for t in y[:20]]))
    assert counts[0] != counts[1]
    det = TemplateWeightDetector(n_iter=30, random_state=0).fit(X[:20], y[:20])
    pred = det.predict(X[20:])
    truth = np.concatenate([t["labels"] for t in y[20:]])
    found = np.concatenate([p["labels"] for p in pred])
    assert len(set(truth)) == 2
    np.testing.assert_array_equal(found, truth)
    assert average_precision_score(y[20:], pred) == pytest.approx(1.0)


def _loop_predict(det, images):
    """``predict`` written with a loop over peaks and one second stage per box."""
    from sklvision.detection import non_max_suppression

    cache = det._get_kernel_cache()
    weights = _second_stage_weights(det.weights_)
    out = []
    for image in images:
        img = _prepare_image(image, det.background)
        H, W = img.shape[:2]
        cands, scaled = [], []
        for si, scale in enumerate(det.scales):
            shape = _scaled_shape((H, W), scale)
            im = img if shape == (H, W) else _resize(img, shape)
            scaled.append(im)
            fshape = _fft_shape(shape)
            maps = _score_maps(im, cache.get(fshape, img.dtype), cache.spec, fshape)
            sy, sx = shape[0] / H, shape[1] / W
            for score, h, w in maps:
                if score is None:
                    continue
                idx, vals = _peaks(score, det.max_detections, det.score_threshold)
                for i, v in zip(idx, vals):
                    r, c = divmod(int(i), score.shape[1])
                    box = (c / sx, r / sy, min((c + w) / sx, W), min((r + h) / sy, H))
                    cands.append((float(v), box, si, r, c, h, w))
        scores = np.array([c[0] for c in cands])
        boxes = np.array([c[1] for c in cands]).reshape(-1, 4)
        order = np.argsort(-scores, kind="stable")
        if det.max_detections == 1:
            keep = order[:1]
        else:
            keep = order[
                non_max_suppression(
                    boxes[order], scores[order], iou_threshold=det.nms_threshold
                )
            ][: det.max_detections]
        labels = []
        for i in keep:
            _, _, si, r, c, h, w = cands[i]
            window = scaled[si][r : r + h, c : c + w]
            errors = [
                float(np.mean(np.abs(T - Wk * _resize(window, T.shape[:2]))))
                for T, Wk in zip(det.templates_, weights)
            ]
            labels.append(int(np.argmin(errors)))
        out.append((boxes[keep], scores[keep], det.classes_[np.array(labels, int)]))
    return out


def _mixed_size_data():
    """Three labels whose median boxes differ in size (combine='max')."""
    X, _ = make_shapes(
        shapes=["H", "T", "|"], colors=[[1, 0, 0], [0, 1, 0], [1, 1, 1]],
        image_size=20, dtype=np.float32,
    )
    sizes = [(20, 20), (14, 18), (20, 9)]
    y = [
        {"boxes": np.array([[0.0, 0.0, w, h]]), "labels": [k]}
        for k, (h, w) in enumerate(sizes)
    ]
    return X, y


_PREDICT_CASES = {
    # many peaks (no threshold, nothing suppressed), two scales, 3 labels
    "max_ncc_scales": dict(
        combine="max", max_detections=None, nms_threshold=1.0, scales=(1.0, 0.7)
    ),
    "mean_weighted_error": dict(
        scoring="weighted_error", max_detections=40, scales=(1.2, 0.5)
    ),
    "natural_threshold": dict(
        background="natural", max_detections=None, score_threshold=0.0,
        nms_threshold=0.5,
    ),
    "best_window": dict(scales=(1.0, 0.8)),
    "mixed_sizes": dict(max_detections=None, nms_threshold=0.8, scales=(1.0, 0.6)),
    "mixed_sizes_natural": dict(
        background="natural", scoring="weighted_error", max_detections=25
    ),
    "gray_float64": dict(max_detections=None, nms_threshold=0.9),
}


@pytest.mark.parametrize("case", list(_PREDICT_CASES))
def test_vectorised_predict_equals_loop_over_peaks(case):
    # predict builds boxes with array arithmetic and labels all windows of a
    # scale at once; it must give exactly the boxes, scores, labels and order
    # of a loop over the peaks with one second stage per box
    if case.startswith("mixed"):
        X, y = _mixed_size_data()
    else:
        X, y = make_shapes(
            shapes=["H", "T", "-"], colors=[[1, 0, 0], [0, 1, 0], [0, 0, 1]],
            image_size=20, dtype=np.float32,
        )
    scenes, _ = make_shapes_scene(
        3, shapes=["H", "T"], colors=[[1, 0, 0], [0, 1, 0]], image_size=20,
        scene_size=70, n_objects=2, dtype=np.float32, random_state=0,
    )
    images = list(scenes) + [scenes[0, :45, :60]]
    if case == "gray_float64":
        X = X.mean(axis=3).astype(np.float64)
        images = [im.mean(axis=2).astype(np.float64) for im in images]
    det = TemplateWeightDetector(n_iter=5, random_state=0, **_PREDICT_CASES[case])
    det.fit(X, y)
    if case.startswith("mixed"):
        assert len(set(det.template_sizes_)) == 3
    pred = det.predict(images)
    ref = _loop_predict(det, images)
    n_labels = set()
    for p, (boxes, scores, labels) in zip(pred, ref):
        np.testing.assert_array_equal(p["boxes"], boxes)
        np.testing.assert_array_equal(p["scores"], scores)
        np.testing.assert_array_equal(p["labels"], labels)
        assert p["boxes"].dtype == p["scores"].dtype == np.float64
        n_labels |= set(labels.tolist())
    if det.max_detections != 1:
        assert sum(len(p["boxes"]) for p in pred) > 20
    if case == "max_ncc_scales":
        assert len(n_labels) == 3


def test_second_stage_blocks_give_the_same_labels(monkeypatch):
    X, y = _mixed_size_data()
    det = TemplateWeightDetector(
        n_iter=5, max_detections=None, random_state=0
    ).fit(X, y)
    scenes, _ = make_shapes_scene(
        2, shapes=["H", "T"], colors=[[1, 0, 0], [0, 1, 0]], image_size=20,
        scene_size=60, dtype=np.float32, random_state=1,
    )
    a = det.predict(scenes)
    monkeypatch.setattr(_template, "_BLOCK_ELEMENTS", 1000)  # 2-5 windows
    b = det.predict(scenes)
    for p, q in zip(a, b):
        for key in ("boxes", "scores", "labels"):
            np.testing.assert_array_equal(p[key], q[key])


def test_n_jobs_none_follows_parallel_config(shapes_detector, monkeypatch):
    # n_jobs=None means 1 unless inside joblib.parallel_config (scikit-learn's
    # rule); predict ignored the context and ran one chunk
    from joblib import parallel_config

    scenes, _ = make_shapes_scene(4, scene_size=130, random_state=3)
    expected = shapes_detector.predict(scenes)
    calls = []
    chunk = _template._detect_chunk

    def recording_chunk(images, model):
        calls.append(len(images))
        return chunk(images, model)

    monkeypatch.setattr(_template, "_detect_chunk", recording_chunk)
    assert shapes_detector.n_jobs is None
    shapes_detector.predict(scenes)
    assert calls == [4]
    calls.clear()
    with parallel_config(backend="threading", n_jobs=2):
        got = shapes_detector.predict(scenes)
    assert sorted(calls) == [1, 1, 1, 1]  # 4 chunks per job, at most 1 per image
    for p, q in zip(expected, got):
        for key in ("boxes", "scores", "labels"):
            np.testing.assert_array_equal(p[key], q[key])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_scales_refused(bad):
    X, y = make_shapes(shapes=["H"], colors=[[1, 0, 0]], image_size=16)
    det = TemplateWeightDetector(n_iter=2, scales=(1.0, bad)).fit(X, y)
    with pytest.raises(ValueError, match="scales must be .* positive finite"):
        det.predict(X)


def test_verbose_1_reports_training_progress(capsys):
    # verbose=1 printed one line after the whole fit (26 s on the raccoon
    # images); now a line after every tenth of the passes, every pass at 2
    X, y = make_shapes(shapes=["H", "T"], colors=[[1, 0, 0], [0, 1, 0]],
                       image_size=16)
    TemplateWeightDetector(n_iter=20, verbose=1, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    passes = [line for line in lines if " pass " in line]
    assert [line.split(" pass ")[1].split(",")[0] for line in passes] == [
        f"{p}/20" for p in range(2, 21, 2)
    ]
    assert all(line.endswith(" s elapsed") for line in passes)
    assert "trained 2 template(s)" in lines[-1]

    TemplateWeightDetector(n_iter=19, verbose=1, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert sum(" pass " in line for line in lines) == 10  # 2, 4, ..., 18, 19
    TemplateWeightDetector(n_iter=3, verbose=2, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert sum(" pass " in line for line in lines) == 3

    # one group of lines per template size
    X, y = _mixed_size_data()
    TemplateWeightDetector(n_iter=5, verbose=1, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert sum("20x20 template(s): pass" in line for line in lines) == 5
    assert sum(" pass " in line for line in lines) == 15

    TemplateWeightDetector(n_iter=5, random_state=0).fit(X, y)
    assert capsys.readouterr().out == ""
