import numpy as np
import pytest

from sklvision.detection import non_max_suppression
from sklvision.metrics import box_iou


def _reference_nms(boxes, scores, thr, labels=None):
    order = np.argsort(-scores, kind="stable")
    iou = box_iou(boxes, boxes)
    keep = []
    for i in order:
        over = iou[i, keep] > thr
        if labels is not None:
            over &= labels[keep] == labels[i]
        if not over.any():
            keep.append(i)
    return np.array(keep, dtype=np.intp)


def _random_boxes(rng, n, size=100.0):
    xy = rng.uniform(0, size, (n, 2))
    wh = rng.uniform(1, size / 4, (n, 2))
    return np.hstack([xy, xy + wh])


@pytest.fixture(params=["sparse", "blocks"])
def method(request, monkeypatch):
    import sklvision.detection._nms as nms_module

    if request.param == "sparse":
        monkeypatch.setattr(nms_module, "_SPARSE_PAIR_FRACTION", 1.0)
    else:
        monkeypatch.setattr(nms_module, "_SPARSE_PAIR_FRACTION", 0.0)
        monkeypatch.setattr(nms_module, "_SPARSE_MIN_PAIRS", -1)
        monkeypatch.setattr(nms_module, "_BLOCK", 7)
    return request.param


@pytest.mark.parametrize("thr", [0.0, 0.3, 0.5, 0.9])
@pytest.mark.parametrize("with_labels", [False, True])
def test_nms_matches_sequential_reference(thr, with_labels, method):
    rng = np.random.RandomState(0)
    boxes = _random_boxes(rng, 300)
    scores = rng.randint(0, 20, 300).astype(float)  # many ties
    labels = rng.randint(0, 3, 300) if with_labels else None
    keep = non_max_suppression(boxes, scores, thr, labels=labels)
    np.testing.assert_array_equal(keep, _reference_nms(boxes, scores, thr, labels))
    assert np.all(np.diff(scores[keep]) <= 0)


def test_nms_dense_overlaps(method):
    rng = np.random.RandomState(1)
    boxes = _random_boxes(rng, 100, size=40.0)
    scores = rng.rand(100)
    keep = non_max_suppression(boxes, scores, 0.4)
    np.testing.assert_array_equal(keep, _reference_nms(boxes, scores, 0.4))


def test_nms_hand_case(method):
    boxes = [[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 10, 10]]
    scores = [0.8, 0.9, 0.5, 0.8]
    # 1 is best; 0 and 3 overlap it with IoU 81/119 = 0.68
    np.testing.assert_array_equal(non_max_suppression(boxes, scores, 0.5), [1, 2])
    np.testing.assert_array_equal(non_max_suppression(boxes, scores, 0.7), [1, 0, 2])
    np.testing.assert_array_equal(non_max_suppression(boxes, scores, 1.0), [1, 0, 3, 2])
    keep = non_max_suppression(boxes, scores, 0.5, labels=["a", "b", "a", "a"])
    np.testing.assert_array_equal(keep, [1, 0, 2])


def test_nms_empty_and_dtype():
    keep = non_max_suppression(np.zeros((0, 4)), np.zeros(0))
    assert keep.shape == (0,) and keep.dtype == np.intp


def test_nms_does_not_modify_inputs():
    rng = np.random.RandomState(0)
    boxes = _random_boxes(rng, 50)
    scores = rng.rand(50)
    b, s = boxes.copy(), scores.copy()
    non_max_suppression(boxes, scores, 0.5)
    np.testing.assert_array_equal(boxes, b)
    np.testing.assert_array_equal(scores, s)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"scores": [1.0]}, "one score per box"),
        ({"iou_threshold": 1.5}, "iou_threshold"),
        ({"labels": [0]}, "one label per box"),
        ({"scores": [np.nan, 1.0]}, "NaN"),
    ],
)
def test_nms_errors(kwargs, match):
    args = {"boxes": [[0, 0, 1, 1], [0, 0, 2, 2]], "scores": [0.5, 0.6]}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        non_max_suppression(**args)


def test_nms_bad_boxes():
    with pytest.raises(ValueError, match="x_max < x_min"):
        non_max_suppression([[2, 0, 1, 1]], [1.0])


def test_nms_10000_boxes_fast():
    import time

    rng = np.random.RandomState(0)
    boxes = _random_boxes(rng, 10_000, size=1000.0)
    scores = rng.rand(10_000)
    tic = time.perf_counter()
    keep = non_max_suppression(boxes, scores, 0.5)
    assert time.perf_counter() - tic < 5.0
    # kept boxes do not overlap each other above the threshold
    iou = box_iou(boxes[keep[:500]], boxes[keep[:500]])
    np.fill_diagonal(iou, 0)
    assert iou.max() <= 0.5


def test_non_numeric_scores_are_a_value_error_as_non_numeric_boxes():
    # the boxes' check says ValueError (as check_array for strings); the
    # scores said TypeError
    with pytest.raises(ValueError, match="scores must be numeric"):
        non_max_suppression([[0, 0, 1, 1]], ["a"])
    with pytest.raises(ValueError, match="boxes must be numeric"):
        non_max_suppression([["a", 0, 1, 1]], [1.0])
