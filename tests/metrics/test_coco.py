import warnings

import numpy as np
import pytest

from sklvision.metrics import coco_evaluate

KEYS = ["AP", "AP50", "AP75", "APs", "APm", "APl",
        "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]  # fmt: skip


def test_keys_and_perfect_detection():
    y_true = [np.array([[0, 0, 50, 50]])]  # medium (area 2500)
    y_pred = [np.array([[0, 0, 50, 50, 0.9]])]
    stats = coco_evaluate(y_true, y_pred)
    assert list(stats) == KEYS
    assert all(isinstance(v, float) for v in stats.values())
    # pycocotools' precision is tp / (tp + fp + eps): 1 - 2.2e-16, not 1
    for key in ["AP", "AP50", "AP75", "APm", "AR1", "AR10", "AR100", "ARm"]:
        assert stats[key] == pytest.approx(1.0, abs=1e-12)
    for key in ["APs", "APl", "ARs", "ARl"]:
        assert stats[key] == -1.0  # no ground truth of that size


def test_hand_computed_iou_levels():
    # IoU 0.8: matched at thresholds .5 .. .8 (7 of 10) -> AP = AR = 0.7
    y_true = [np.array([[0, 0, 100, 100]])]
    y_pred = [np.array([[0, 0, 100, 80, 0.5]])]
    stats = coco_evaluate(y_true, y_pred)
    assert stats["AP"] == pytest.approx(0.7)
    assert stats["AR100"] == pytest.approx(0.7)
    assert stats["AP50"] == pytest.approx(1.0) and stats["AP75"] == pytest.approx(1)


def test_false_positive_first_and_101_point_interpolation():
    # FP (0.9) then TP: precision 1/2 at recall 1 -> every recall point 0.5
    y_true = [np.array([[0, 0, 100, 100]])]
    y_pred = [np.array([[200, 200, 300, 300, 0.9], [0, 0, 100, 100, 0.8]])]
    stats = coco_evaluate(y_true, y_pred)
    assert stats["AP"] == pytest.approx(0.5)
    assert stats["AR1"] == 0.0 and stats["AR10"] == 1.0


def test_crowd_and_area_override():
    y_true = [
        {
            "boxes": np.array([[0, 0, 100, 100], [200, 200, 300, 300]]),
            "labels": np.array([0, 0]),
            "iscrowd": np.array([False, True]),
            "area": np.array([500.0, 10000.0]),  # the first counts as small
        }
    ]
    # the detection on the crowd region is ignored, not a false positive
    y_pred = [np.array([[210, 210, 290, 290, 0.9], [0, 0, 100, 100, 0.8]])]
    stats = coco_evaluate(y_true, y_pred)
    assert stats["AP"] == pytest.approx(1.0)
    assert stats["APs"] == pytest.approx(1.0) and stats["APl"] == -1.0


def test_no_detections_and_no_ground_truth():
    y_true = [np.array([[0, 0, 10, 10]]), np.zeros((0, 4))]
    stats = coco_evaluate(y_true, [np.zeros((0, 5)), np.zeros((0, 5))])
    assert stats["AP"] == 0.0 and stats["AR100"] == 0.0
    stats = coco_evaluate([np.zeros((0, 4))], [np.array([[0, 0, 5, 5, 1.0]])])
    assert all(v == -1.0 for v in stats.values())


def test_at_most_100_detections_per_image_and_class():
    # 100 false positives scored above the true one: it is cut off
    y_true = [np.array([[0, 0, 50, 50]])]
    fps = np.array([[100 + i, 100, 110 + i, 110, 0.9] for i in range(100)])
    y_pred = [np.vstack([fps, [[0, 0, 50, 50, 0.1]]])]
    assert coco_evaluate(y_true, y_pred)["AR100"] == 0.0
    y_pred = [np.vstack([fps[:99], [[0, 0, 50, 50, 0.1]]])]
    assert coco_evaluate(y_true, y_pred)["AR100"] == 1.0


def test_string_labels_and_order_of_classes():
    y_true = [{"boxes": np.array([[0, 0, 50, 50]]), "labels": np.array(["b"])}]
    y_pred = [
        {
            "boxes": np.array([[0, 0, 50, 50], [0, 0, 50, 50]]),
            "scores": np.array([0.9, 0.8]),
            "labels": np.array(["a", "b"]),
        }
    ]
    # class "a" has no ground truth and is not scored
    assert coco_evaluate(y_true, y_pred)["AP"] == pytest.approx(1.0)


def _random_case(seed, n_images=12, n_classes=3, crowd=True, ties=True):
    rng = np.random.RandomState(seed)
    y_true, y_pred = [], []
    for i in range(n_images):
        k = rng.randint(0, 6)
        side = np.exp(rng.uniform(np.log(4), np.log(200), (k, 2)))
        xy = rng.uniform(0, 300, (k, 2))
        gt = np.hstack([xy, xy + side])
        gl = rng.randint(0, n_classes, k)
        target = {"boxes": gt, "labels": gl}
        if crowd:
            target["iscrowd"] = rng.rand(k) < 0.15
        if seed % 2 and k:
            target["area"] = (side[:, 0] * side[:, 1]) * rng.uniform(0.3, 1.2, k)
        m = rng.randint(0, 40) if i else 120  # one image above 100 detections
        if k:
            src = rng.randint(0, k, m)
            det = gt[src] + rng.normal(0, 0.12, (m, 4)) * np.tile(side[src], 2)
            dl = np.where(rng.rand(m) < 0.8, gl[src], rng.randint(0, n_classes, m))
        else:
            xy = rng.uniform(0, 300, (m, 2))
            det = np.hstack([xy, xy + rng.uniform(4, 100, (m, 2))])
            dl = rng.randint(0, n_classes, m)
        det[:, 2:] = np.maximum(det[:, 2:], det[:, :2] + 0.5)
        scores = rng.rand(m)
        if ties:
            scores = np.round(scores, 1)
        y_true.append(target)
        y_pred.append({"boxes": det, "scores": scores, "labels": dl})
    return y_true, y_pred


@pytest.mark.parametrize("seed", range(8))
def test_equal_to_pycocotools(seed):
    pytest.importorskip("pycocotools")
    from _coco_reference import pycocotools_stats

    y_true, y_pred = _random_case(seed, ties=seed % 3 != 0, crowd=seed % 4 != 1)
    expected = pycocotools_stats(y_true, y_pred)
    got = np.array(list(coco_evaluate(y_true, y_pred).values()))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_equal_to_pycocotools_duplicates_and_exact_ties():
    pytest.importorskip("pycocotools")
    from _coco_reference import pycocotools_stats

    gt = np.array([[0, 0, 40, 40], [0, 0, 40, 40], [10, 10, 50, 50]], dtype=float)
    y_true = [
        {"boxes": gt, "labels": np.zeros(3, int), "iscrowd": np.array([0, 0, 1])},
        {"boxes": gt[:2], "labels": np.zeros(2, int)},
    ]
    det = np.array([[0, 0, 40, 40], [0, 0, 40, 40], [0, 0, 40, 40], [10, 10, 50, 50]])
    y_pred = [
        {"boxes": det, "scores": np.array([0.5, 0.5, 0.5, 0.5])},
        {"boxes": det[:3], "scores": np.array([0.5, 0.5, 0.7])},
    ]
    expected = pycocotools_stats(y_true, y_pred)
    got = np.array(list(coco_evaluate(y_true, y_pred).values()))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_equal_to_faster_coco_eval():
    pytest.importorskip("faster_coco_eval")
    from _coco_reference import pycocotools_stats

    y_true, y_pred = _random_case(3, crowd=False)
    expected = pycocotools_stats(y_true, y_pred, module="faster_coco_eval")
    got = np.array(list(coco_evaluate(y_true, y_pred).values()))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_equal_to_pycocotools_small_match_chunks(monkeypatch):
    pytest.importorskip("pycocotools")
    from _coco_reference import pycocotools_stats

    import sklvision.metrics._coco as coco_module

    monkeypatch.setattr(coco_module, "_MATCH_ELEMENTS", 50)
    y_true, y_pred = _random_case(5)
    expected = pycocotools_stats(y_true, y_pred)
    got = np.array(list(coco_evaluate(y_true, y_pred).values()))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_equal_to_pycocotools_crowded_images():
    # many ground truths of one class per image: wide padded buckets
    pytest.importorskip("pycocotools")
    from _coco_reference import pycocotools_stats

    rng = np.random.RandomState(7)
    y_true, y_pred = [], []
    for k in (40, 3, 17):
        xy = rng.uniform(0, 400, (k, 2))
        gt = np.hstack([xy, xy + rng.uniform(10, 80, (k, 2))])
        src = rng.randint(0, k, 150)
        det = gt[src] + rng.normal(0, 4, (150, 4))
        det[:, 2:] = np.maximum(det[:, 2:], det[:, :2] + 1)
        y_true.append({"boxes": gt, "iscrowd": rng.rand(k) < 0.1})
        y_pred.append({"boxes": det, "scores": np.round(rng.rand(150), 2)})
    expected = pycocotools_stats(y_true, y_pred)
    got = np.array(list(coco_evaluate(y_true, y_pred).values()))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_zero_size_predictions_match_nothing_as_in_pycocotools():
    # detectors clip boxes to the image, which can leave zero width or height
    pytest.importorskip("pycocotools")
    from _coco_reference import pycocotools_stats

    y_true, y_pred = _random_case(2)
    for i, p in enumerate(y_pred):
        boxes = p["boxes"].copy()
        boxes[::3, 2] = boxes[::3, 0]  # zero width
        boxes[1::3, 3] = boxes[1::3, 1]  # zero height
        y_pred[i] = {**p, "boxes": boxes}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats = coco_evaluate(y_true, y_pred)
    expected = pycocotools_stats(y_true, y_pred)
    np.testing.assert_allclose(list(stats.values()), expected, rtol=0, atol=1e-9)
