import warnings

import numpy as np
import pytest
from sklearn.exceptions import UndefinedMetricWarning

from sklvision.metrics import (
    average_precision_score,
    coco_average_precision_score,
    coco_evaluate,
    mean_iou_score,
    precision_recall_curve,
)


def _pred(boxes, scores, labels=None):
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    out = {"boxes": boxes, "scores": np.asarray(scores, dtype=float)}
    if labels is not None:
        out["labels"] = np.asarray(labels)
    return out


BOX = [0, 0, 10, 10]
FAR = [50, 50, 60, 60]


def test_ap_perfect_and_empty_predictions():
    y_true = [np.array([BOX]), np.array([FAR])]
    y_pred = [_pred([BOX], [0.9]), _pred([FAR], [0.8])]
    assert average_precision_score(y_true, y_pred) == 1.0
    empty = [_pred(np.zeros((0, 4)), []), _pred(np.zeros((0, 4)), [])]
    assert average_precision_score(y_true, empty) == 0.0


def test_ap_hand_computed_all_points_and_11_points():
    # order: 0.9 TP, 0.85 FP, 0.8 TP -> P = 1, 1/2, 2/3 at R = 1/2, 1/2, 1
    y_true = [np.array([BOX]), np.array([BOX])]
    y_pred = [_pred([BOX], [0.9]), _pred([BOX, FAR], [0.8, 0.85])]
    ap = average_precision_score(y_true, y_pred)
    assert ap == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    ap11 = average_precision_score(y_true, y_pred, method="11_points")
    assert ap11 == pytest.approx((6 * 1 + 5 * 2 / 3) / 11)


def test_ap_duplicates_are_false_positives():
    y_true = [np.array([BOX])]
    y_pred = [_pred([BOX, BOX], [0.9, 0.8])]
    # TP then FP: P = 1, 1/2; R = 1, 1 -> AP 1
    assert average_precision_score(y_true, y_pred) == 1.0
    y_pred = [_pred([BOX, BOX], [0.8, 0.9])]
    assert average_precision_score(y_true, y_pred) == 1.0
    # a duplicate scored above the only true box of another image hurts
    y_true = [np.array([BOX]), np.array([FAR])]
    y_pred = [_pred([BOX, BOX], [0.9, 0.8]), _pred([FAR], [0.7])]
    # TP, FP, TP: P = 1, 1/2, 2/3 at R = 1/2, 1/2, 1
    assert average_precision_score(y_true, y_pred) == pytest.approx(0.5 + 1 / 3)


def test_ap_voc_assigns_best_overlap_even_if_taken():
    # Two true boxes; the second detection overlaps the first box most (taken)
    # and the second box enough: VOC counts it a false positive.
    gt = np.array([[0, 0, 10, 10], [0, 0, 10, 16]], dtype=float)
    y_true = [gt]
    y_pred = [_pred([[0, 0, 10, 10], [0, 0, 10, 11]], [0.9, 0.8])]
    # IoU(det1, gt0) = 10/11, IoU(det1, gt1) = 11/16 >= 0.5 but not the best
    assert average_precision_score(y_true, y_pred) == pytest.approx(0.5)


def test_ap_ties_follow_image_order():
    # Same score: the detection of image 0 comes first.
    y_true = [np.array([BOX]), np.array([BOX])]
    y_pred = [_pred([BOX], [1.0]), _pred([FAR], [1.0])]
    # TP then FP: AP = 0.5 * 1
    assert average_precision_score(y_true, y_pred) == pytest.approx(0.5)
    y_pred = [_pred([FAR], [1.0]), _pred([BOX], [1.0])]
    # FP then TP: P = 0, 1/2 at R = 0, 1/2
    assert average_precision_score(y_true, y_pred) == pytest.approx(0.25)


def test_ap_iou_threshold_is_inclusive():
    y_true = [np.array([[0, 0, 10, 10]])]
    y_pred = [_pred([[0, 0, 10, 5]], [1.0])]  # IoU exactly 0.5
    assert average_precision_score(y_true, y_pred, iou_threshold=0.5) == 1.0
    assert average_precision_score(y_true, y_pred, iou_threshold=0.51) == 0.0


def test_ap_images_without_ground_truth():
    y_true = [np.array([BOX]), np.zeros((0, 4))]
    y_pred = [_pred([BOX], [0.5]), _pred([BOX], [0.9])]
    # FP (0.9) then TP: AP = 0.5
    assert average_precision_score(y_true, y_pred) == pytest.approx(0.5)


def test_ap_per_class_and_mean():
    y_true = [
        {"boxes": np.array([BOX, FAR]), "labels": np.array(["cat", "dog"])},
    ]
    y_pred = [_pred([BOX, FAR], [0.9, 0.8], ["cat", "cat"])]
    per_class = average_precision_score(y_true, y_pred, average=None)
    assert per_class == {"cat": 1.0, "dog": 0.0}
    assert average_precision_score(y_true, y_pred) == 0.5
    # classes only in the predictions are not scored
    y_pred = [_pred([BOX, FAR], [0.9, 0.8], ["cat", "bird"])]
    assert average_precision_score(y_true, y_pred, average=None) == {
        "cat": 1.0,
        "dog": 0.0,
    }


def test_ap_crowd_boxes_are_ignored():
    y_true = [
        {
            "boxes": np.array([BOX, FAR]),
            "labels": np.array([0, 0]),
            "iscrowd": np.array([False, True]),
        }
    ]
    y_pred = [_pred([FAR, BOX], [0.9, 0.8])]
    # the detection on the crowd box is neither TP nor FP
    assert average_precision_score(y_true, y_pred) == 1.0


def test_ap_no_ground_truth_warns():
    with pytest.warns(UndefinedMetricWarning):
        score = average_precision_score([np.zeros((0, 4))], [_pred([BOX], [1.0])])
    assert score == 0.0


def test_ap_accepts_array_predictions_and_object_arrays():
    y_true = np.empty(2, dtype=object)
    y_true[:] = [np.array([BOX]), np.array([FAR])]
    y_pred = [np.array([BOX + [0.9]]), np.array([FAR + [0.8]])]
    assert average_precision_score(y_true, y_pred) == 1.0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"iou_threshold": 1.5}, "iou_threshold"),
        ({"method": "voc"}, "method"),
        ({"average": "micro"}, "average"),
    ],
)
def test_ap_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        average_precision_score([np.array([BOX])], [_pred([BOX], [1.0])], **kwargs)


def test_ap_count_mismatch():
    with pytest.raises(ValueError, match="entries"):
        average_precision_score([np.array([BOX])] * 2, [_pred([BOX], [1.0])])


def test_mixed_label_types_error():
    y_true = [{"boxes": np.array([BOX]), "labels": np.array(["a"])}]
    with pytest.raises(TypeError, match="numbers or all strings"):
        average_precision_score(y_true, [_pred([BOX], [1.0], [0])])


def test_inputs_not_modified():
    y_true = [np.array([BOX], dtype=float)]
    y_pred = [_pred([BOX], [0.9])]
    before = (y_true[0].copy(), y_pred[0]["boxes"].copy())
    average_precision_score(y_true, y_pred)
    mean_iou_score(y_true, y_pred)
    np.testing.assert_array_equal(y_true[0], before[0])
    np.testing.assert_array_equal(y_pred[0]["boxes"], before[1])


def test_mean_iou_hand_cases():
    y_true = [np.array([[0, 0, 4, 4], [10, 10, 12, 12]]), np.zeros((0, 4))]
    y_pred = [np.array([[0, 0, 4, 2], [0, 0, 4, 3]]), np.zeros((0, 4))]
    # best IoUs 0.75 and 0, plus 1 for the empty-empty image
    assert mean_iou_score(y_true, y_pred) == pytest.approx(1.75 / 3)
    # predictions on an image without ground truth count 0
    y_pred[1] = np.array([[0, 0, 1, 1]])
    assert mean_iou_score(y_true, y_pred) == pytest.approx(0.75 / 3)
    # no prediction for an image with ground truth: 0 per box
    assert mean_iou_score([np.array([BOX])], [np.zeros((0, 4))]) == 0.0
    # labels are not used: string targets against unlabelled boxes are fine
    y_true = [{"boxes": np.array([[0, 0, 4, 4]]), "labels": np.array(["raccoon"])}]
    assert mean_iou_score(y_true, [np.array([[0, 0, 4, 2]])]) == 0.5


def test_pr_curve_hand_case():
    y_true = [np.array([BOX]), np.array([BOX])]
    y_pred = [_pred([BOX], [0.9]), _pred([BOX, FAR], [0.8, 0.85])]
    precision, recall, thresholds = precision_recall_curve(y_true, y_pred)
    np.testing.assert_allclose(precision, [2 / 3, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(recall, [1.0, 0.5, 0.5, 0.0])
    np.testing.assert_allclose(thresholds, [0.8, 0.85, 0.9])


def test_pr_curve_ties_collapse_to_one_point():
    y_true = [np.array([BOX]), np.array([BOX])]
    y_pred = [_pred([BOX], [0.5]), _pred([FAR], [0.5])]
    precision, recall, thresholds = precision_recall_curve(y_true, y_pred)
    np.testing.assert_allclose(precision, [0.5, 1.0])
    np.testing.assert_allclose(recall, [0.5, 0.0])
    np.testing.assert_allclose(thresholds, [0.5])


def test_pr_curve_label_selection():
    y_true = [{"boxes": np.array([BOX, FAR]), "labels": np.array([1, 2])}]
    y_pred = [_pred([BOX, FAR], [0.9, 0.8], [1, 1])]
    with pytest.raises(ValueError, match="label="):
        precision_recall_curve(y_true, y_pred)
    precision, recall, _ = precision_recall_curve(y_true, y_pred, label=1)
    np.testing.assert_allclose(recall, [1.0, 1.0, 0.0])
    np.testing.assert_allclose(precision, [0.5, 1.0, 1.0])
    with pytest.raises(ValueError, match="not among"):
        precision_recall_curve(y_true, y_pred, label=3)
    with pytest.raises(ValueError, match="no box at all"):
        precision_recall_curve([np.zeros((0, 4))], [np.zeros((0, 5))])
    with pytest.raises(ValueError, match="no \\(non-crowd\\) ground-truth"):
        precision_recall_curve([np.zeros((0, 4))], [np.array([BOX + [1.0]])])


def test_pr_curve_consistent_with_ap():
    rng = np.random.RandomState(0)
    y_true, y_pred = [], []
    for _ in range(20):
        xy = rng.uniform(0, 50, (3, 2))
        gt = np.hstack([xy, xy + rng.uniform(5, 20, (3, 2))])
        det = gt[rng.randint(0, 3, 6)] + rng.normal(0, 3, (6, 4))
        det[:, 2:] = np.maximum(det[:, 2:], det[:, :2] + 1)
        y_true.append(gt)
        y_pred.append(_pred(det, rng.rand(6)))
    precision, recall, _ = precision_recall_curve(y_true, y_pred)
    # with distinct scores the step-wise area equals the all-point AP
    env = np.maximum.accumulate(precision)
    ap = float(np.sum(-np.diff(recall) * env[:-1]))
    assert ap == pytest.approx(average_precision_score(y_true, y_pred))


# --- property tests -----------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def detection_data(draw):
    n_images = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.RandomState(seed)
    y_true, y_pred = [], []
    n_det_total = 0
    counts = []
    for _ in range(n_images):
        k = int(rng.randint(0, 4))
        m = int(rng.randint(0, 6))
        counts.append((k, m))
        n_det_total += m
    # distinct scores, so that the result does not depend on tie order
    scores = rng.permutation(n_det_total) / max(n_det_total, 1) + 0.01
    pos = 0
    for k, m in counts:
        xy = rng.uniform(0, 40, (k, 2))
        gt = np.hstack([xy, xy + rng.uniform(2, 20, (k, 2))])
        gl = rng.randint(0, 2, k)
        if k:
            src = rng.randint(0, k, m)
            det = gt[src] + rng.normal(0, 2, (m, 4))
        else:
            xy = rng.uniform(0, 40, (m, 2))
            det = np.hstack([xy, xy + 5])
        det[:, 2:] = np.maximum(det[:, 2:], det[:, :2] + 0.5)
        y_true.append({"boxes": gt, "labels": gl})
        y_pred.append(_pred(det, scores[pos : pos + m], rng.randint(0, 2, m)))
        pos += m
    perm = draw(st.permutations(range(n_images)))
    return y_true, y_pred, list(perm)


@settings(max_examples=40, deadline=None)
@given(detection_data(), st.sampled_from(["all_points", "11_points"]))
def test_ap_properties(data, method):
    y_true, y_pred, perm = data
    has_gt = any(len(t["boxes"]) for t in y_true)
    if not has_gt:
        return
    ap = average_precision_score(y_true, y_pred, method=method)
    assert 0.0 <= ap <= 1.0
    shuffled = average_precision_score(
        [y_true[i] for i in perm], [y_pred[i] for i in perm], method=method
    )
    assert shuffled == pytest.approx(ap, abs=1e-12)
    per_class = average_precision_score(y_true, y_pred, method=method, average=None)
    assert all(0.0 <= v <= 1.0 for v in per_class.values())
    # perfect predictions score 1
    perfect = [
        _pred(t["boxes"], np.linspace(1, 0.5, len(t["boxes"])), t["labels"])
        for t in y_true
    ]
    assert average_precision_score(y_true, perfect, method=method) == 1.0
    # COCO numbers are in [0, 1] (or -1 when undefined) and order-invariant
    stats = coco_evaluate(y_true, y_pred)
    assert all(v == -1.0 or 0.0 <= v <= 1.0 for v in stats.values())
    stats_perm = coco_evaluate([y_true[i] for i in perm], [y_pred[i] for i in perm])
    for key, value in stats.items():
        assert stats_perm[key] == pytest.approx(value, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(detection_data())
def test_mean_iou_in_unit_interval(data):
    y_true, y_pred, perm = data
    score = mean_iou_score(y_true, y_pred)
    assert 0.0 <= score <= 1.0
    assert mean_iou_score(
        [y_true[i] for i in perm], [y_pred[i] for i in perm]
    ) == pytest.approx(score)


# --- display ------------------------------------------------------------------


def test_detection_pr_display():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sklvision.plotting import DetectionPRDisplay

    y_true = [np.array([BOX]), np.array([BOX])]
    y_pred = [_pred([BOX], [0.9]), _pred([BOX, FAR], [0.8, 0.85])]
    display = DetectionPRDisplay.from_predictions(y_true, y_pred, name="det")
    precision, recall, _ = precision_recall_curve(y_true, y_pred)
    np.testing.assert_allclose(display.line_.get_xdata(), recall)
    np.testing.assert_allclose(display.line_.get_ydata(), precision)
    assert display.average_precision == pytest.approx(0.5 + 1 / 3)
    assert display.line_.get_label() == "det (AP@0.5 = 0.83)"
    assert display.ax_.get_xlabel().startswith("Recall")

    class Fixed:
        def predict(self, X):
            return y_pred

    fig, ax = plt.subplots()
    display = DetectionPRDisplay.from_estimator(Fixed(), None, y_true, ax=ax)
    assert display.ax_ is ax and display.line_.get_label().startswith("Fixed")
    plt.close("all")


def test_detection_pr_display_without_matplotlib(monkeypatch):
    import sys

    from sklvision.plotting import DetectionPRDisplay

    # a None entry in sys.modules makes `import matplotlib` raise ImportError
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"sklvision\[plot\]"):
        DetectionPRDisplay([1.0, 0.0], [0.0, 1.0]).plot()


def test_string_iscrowd_refused_not_read_as_true():
    # "0" cast to bool is True: every box was a crowd box and AP was 0.0
    y_true = [{"boxes": [BOX, FAR], "labels": [0, 0], "iscrowd": np.array(["0", "0"])}]
    y_pred = [_pred([BOX, FAR], [0.9, 0.8], [0, 0])]
    with pytest.raises(TypeError, match="iscrowd"):
        average_precision_score(y_true, y_pred)
    y_true[0]["iscrowd"] = np.array([0, 0])
    assert average_precision_score(y_true, y_pred) == 1.0


def test_labels_mixing_ints_and_strings_refused():
    # within y_true, int 0 and "0" were merged into one class "0"
    y_true = [
        {"boxes": np.array([BOX]), "labels": np.array([0])},
        {"boxes": np.array([BOX]), "labels": np.array(["0"])},
    ]
    y_pred = [_pred([BOX], [0.9], ["0"]), _pred([BOX], [0.9], ["0"])]
    with pytest.raises(TypeError, match="one label type"):
        average_precision_score(y_true, y_pred)
    # between y_true and y_pred: a clear message too
    y_true = [{"boxes": np.array([BOX]), "labels": np.array([0])}]
    for y_pred in ([_pred([BOX], [0.9], ["0"])], [_pred([BOX], [0.9], [b"0"])]):
        with pytest.raises(TypeError, match="one label type"):
            average_precision_score(y_true, y_pred)


def test_object_array_labels_match_numeric_labels():
    # object arrays of ints were refused against int predictions
    y_true = [{"boxes": np.array([BOX]), "labels": np.array([1], dtype=object)}]
    assert average_precision_score(y_true, [_pred([BOX], [0.9], [1])]) == 1.0


def test_zero_size_predictions_match_nothing():
    # a box clipped to the image border may keep zero width or height: it
    # overlaps nothing (IoU 0), as in box_iou, pycocotools and torchmetrics
    line = [0, 0, 0, 10]  # zero width, on the edge of BOX
    flat = [2, 5, 8, 5]  # zero height, inside BOX
    y_true = [np.array([BOX])]
    y_pred = [_pred([line, flat, BOX], [0.95, 0.9, 0.8])]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # two false positives, then the true positive: precision 1/3 at recall 1
        assert average_precision_score(y_true, y_pred) == pytest.approx(1 / 3)
        precision, recall, _ = precision_recall_curve(y_true, y_pred)
        np.testing.assert_allclose(precision, [1 / 3, 0, 0, 1])
        np.testing.assert_allclose(recall, [1, 0, 0, 0])
        assert mean_iou_score(y_true, [_pred([line, flat], [0.9, 0.8])]) == 0.0
        assert mean_iou_score([np.zeros((0, 4))], [_pred([line], [0.9])]) == 0.0
        # a zero-size prediction on a crowd box is not ignored: no overlap
        crowd = [{"boxes": [BOX], "labels": [0], "iscrowd": [True]}, [FAR]]
        pred = [_pred([flat], [0.9]), _pred([FAR], [0.8])]
        assert average_precision_score(crowd, pred) == pytest.approx(0.5)
    for boxes in ([[5, 0, 4, 10]], [[0, 5, 10, 4]]):
        with pytest.raises(ValueError, match="x_max < x_min or y_max < y_min"):
            average_precision_score(y_true, [_pred(boxes, [0.9])])
    # ground truth keeps needing a positive width and height
    with pytest.raises(ValueError, match="x_max <= x_min"):
        average_precision_score([np.array([line])], y_pred)


def test_mean_iou_sample_weight():
    # mean_iou_scorer(est, X, y, sample_weight=w) raised TypeError: the metric
    # took no weights (and DetectorMixin.score pointed users to it)
    from sklvision.metrics import mean_iou_scorer

    y_true = [
        np.array([[0, 0, 4, 4], [10, 10, 12, 12]]),
        np.zeros((0, 4)),
        np.array([[0, 0, 2, 2]]),
    ]
    y_pred = [np.array([[0, 0, 4, 2]]), np.zeros((0, 4)), np.array([[0, 0, 2, 2]])]
    # terms: image 0: 0.5 and 0; image 1: 1 (nothing to find); image 2: 1
    assert mean_iou_score(y_true, y_pred) == pytest.approx(2.5 / 4)
    w = np.array([2.0, 0.0, 1.0])
    assert mean_iou_score(y_true, y_pred, sample_weight=w) == pytest.approx(
        (2 * 0.5 + 1.0) / (2 * 2 + 1)
    )
    assert mean_iou_score(y_true, y_pred, sample_weight=np.ones(3)) == pytest.approx(
        mean_iou_score(y_true, y_pred)
    )
    with pytest.raises(ValueError, match="Negative"):
        mean_iou_score(y_true, y_pred, sample_weight=[1, -1, 1])
    with pytest.raises(ValueError):
        mean_iou_score(y_true, y_pred, sample_weight=[1, 1])

    from sklearn.base import BaseEstimator

    class Fixed(BaseEstimator):
        def predict(self, X):
            return y_pred

    assert mean_iou_scorer(Fixed(), [0, 1, 2], y_true, sample_weight=w) == (
        pytest.approx((2 * 0.5 + 1.0) / 5)
    )


@pytest.mark.parametrize(
    "metric",
    [
        mean_iou_score,
        average_precision_score,
        precision_recall_curve,
        coco_evaluate,
        coco_average_precision_score,
    ],
)
def test_metrics_refuse_empty_input(metric):
    # as scikit-learn's metrics: no image, no score (was 1.0, 0.0 or -1)
    with pytest.raises(ValueError, match="Found empty input"):
        metric([], [])


@pytest.mark.parametrize(
    "metric", [mean_iou_score, average_precision_score, coco_average_precision_score]
)
def test_metrics_refuse_swapped_arguments(metric):
    y = [np.array([[0.0, 0.0, 10.0, 10.0]])]
    pred = [{"boxes": np.array([[0.0, 0.0, 10.0, 5.0]]), "scores": np.array([0.9])}]
    metric(y, pred)  # the right order works
    with pytest.raises(ValueError, match="look swapped"):
        metric(pred, y)
    # as a detector's predict returns them: a 1-D object array
    pred_array = np.empty(1, dtype=object)
    pred_array[0] = pred[0]
    with pytest.raises(ValueError, match="look swapped"):
        metric(pred_array, y)
    # both scored (two detectors compared): not a swap
    metric(pred, pred)
