"""Detection metrics: mean IoU, PASCAL VOC average precision, PR curves."""

import numbers
import warnings

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning

from sklvision.metrics._boxes import _paired_iou, _same_group_pairs
from sklvision.utils import validate_predictions, validate_targets
from sklvision.utils._sklearn_compat import _check_sample_weight
from sklvision.utils._validation import _label_kind

_METHODS = ("all_points", "11_points")


def _is_container(y):
    """A list, tuple or 1-D object array (what a detector's predict returns)."""
    if isinstance(y, np.ndarray):
        return y.dtype == object and y.ndim == 1
    return isinstance(y, (list, tuple))


def _check_y(y_true, y_pred):
    """Validate targets and predictions; return the two lists of dicts.

    As scikit-learn's metrics, refuses empty input (no image: there is no
    score to give) and, in one unambiguous case, swapped arguments: scored
    dicts as ``y_true`` and score-less box arrays as ``y_pred`` (what
    ``metric(detector.predict(X), y)`` passes when ``y`` holds box arrays).
    """
    targets = validate_targets(y_true, input_name="y_true")
    preds = validate_predictions(y_pred, n_images=len(targets), input_name="y_pred")
    if not targets:
        raise ValueError(
            "Found empty input: y_true and y_pred hold no image, while a "
            "detection metric needs at least one."
        )
    if (
        _is_container(y_true)
        and _is_container(y_pred)
        and all(isinstance(t, dict) and "scores" in t for t in y_true)
        and all(not isinstance(p, dict) and np.shape(p)[-1:] == (4,) for p in y_pred)
    ):
        raise ValueError(
            "y_true has 'scores' (a detector's output) and y_pred has none "
            "(box arrays): the arguments look swapped. Pass the ground truth "
            "first: metric(y_true, y_pred)."
        )
    return targets, preds


def _check_iou_threshold(iou_threshold):
    if (
        not isinstance(iou_threshold, numbers.Real)
        or isinstance(iou_threshold, bool)
        or not 0.0 <= iou_threshold <= 1.0
    ):
        raise ValueError(
            f"iou_threshold must be a real number in [0, 1], got {iou_threshold!r}."
        )
    return float(iou_threshold)


def _concat(arrays, empty_dtype=np.float64, width=None):
    """Concatenate per-image arrays, ignoring empty ones (their dtype is moot)."""
    parts = [a for a in arrays if len(a)]
    if parts:
        return np.concatenate(parts)
    shape = (0,) if width is None else (0, width)
    return np.zeros(shape, dtype=empty_dtype)


def _encode_labels(gt_labels, dt_labels):
    """Integer codes of the labels of both sides, and the sorted classes.

    Each side is of one kind (validation checked it); the two sides must be
    of the same kind, or the int 0 and the string "0" would be two classes
    (or fail to sort).
    """
    if len(gt_labels) and len(dt_labels):
        gt_kind, dt_kind = _label_kind(gt_labels), _label_kind(dt_labels)
        if gt_kind != dt_kind:
            raise TypeError(
                "labels of y_true and y_pred must be all numbers or all strings; "
                f"y_true has {gt_kind} ({gt_labels[0].item()!r}) and y_pred has "
                f"{dt_kind} ({dt_labels[0].item()!r}). Use one label type for "
                "both, e.g. the same ints or the same class names (predictions "
                "and boxes given without labels have label 0)."
            )
    both = _concat([gt_labels, dt_labels], np.int64)
    try:
        classes, codes = np.unique(both, return_inverse=True)
    except TypeError as exc:
        raise TypeError(f"labels could not be sorted and compared ({exc}).") from None
    codes = codes.reshape(-1)
    return classes, codes[: len(gt_labels)], codes[len(gt_labels) :]


def _order_by_score(primary, scores):
    """Indices sorting by ``primary`` (int), then decreasing score, then index.

    Same order as ``np.lexsort((-scores, primary))`` (a stable sort), about
    3 times faster: one stable sort of a single int64 key made of
    ``primary`` and the dense rank of ``-scores``.
    """
    uniq, inv = np.unique(-scores, return_inverse=True)
    key = primary.astype(np.int64) * max(len(uniq), 1) + inv.reshape(-1)
    return np.argsort(key, kind="stable")


def _flatten(targets, preds, *, labels=True):
    """Concatenate all images' boxes; return a dict of flat arrays.

    Ground truth: ``gt_img``, ``gt_boxes``, ``gt_cls``, ``gt_crowd``,
    ``gt_area`` (given area or box area). Detections: ``dt_img``, ``dt_boxes``,
    ``dt_scores``, ``dt_cls``. ``classes`` are the sorted unique labels.
    """
    n = len(targets)
    gt_counts = np.fromiter((len(t["boxes"]) for t in targets), np.intp, n)
    dt_counts = np.fromiter((len(p["boxes"]) for p in preds), np.intp, n)
    gt_boxes = _concat([t["boxes"] for t in targets], width=4)
    dt_boxes = _concat([p["boxes"] for p in preds], width=4)
    if labels:
        classes, gt_cls, dt_cls = _encode_labels(
            _concat([t["labels"] for t in targets], np.int64),
            _concat([p["labels"] for p in preds], np.int64),
        )
    else:  # class-agnostic
        classes = np.zeros(1, dtype=np.int64)
        gt_cls = np.zeros(len(gt_boxes), dtype=np.intp)
        dt_cls = np.zeros(len(dt_boxes), dtype=np.intp)
    gt_crowd = _concat(
        [t.get("iscrowd", np.zeros(len(t["boxes"]), bool)) for t in targets], bool
    ).astype(bool)
    box_area = (gt_boxes[:, 2] - gt_boxes[:, 0]) * (gt_boxes[:, 3] - gt_boxes[:, 1])
    if any("area" in t for t in targets):
        gt_area = _concat(
            [
                t["area"] if "area" in t else np.full(len(t["boxes"]), np.nan)
                for t in targets
            ]
        )
        missing = np.isnan(gt_area)
        gt_area[missing] = box_area[missing]
    else:
        gt_area = box_area
    return {
        "n_images": n,
        "classes": classes,
        "gt_counts": gt_counts,
        "gt_img": np.repeat(np.arange(n), gt_counts),
        "gt_boxes": gt_boxes,
        "gt_cls": gt_cls,
        "gt_crowd": gt_crowd,
        "gt_area": gt_area,
        "dt_counts": dt_counts,
        "dt_img": np.repeat(np.arange(n), dt_counts),
        "dt_boxes": dt_boxes,
        "dt_scores": _concat([p["scores"] for p in preds]),
        "dt_cls": dt_cls,
    }


def _voc_match(flat, iou_threshold):
    """PASCAL VOC matching of every detection.

    Each detection is assigned the ground-truth box of its image and class it
    overlaps most (first one on ties). Visiting detections by decreasing score
    (ties: image order, then order within the image), it is a true positive if
    that overlap is ``>= iou_threshold`` and the box is not taken yet, ignored
    if the box is a crowd ("difficult") box, and a false positive otherwise.

    Returns
    -------
    order : ndarray of int
        Detections sorted by class, then decreasing score, ties in input order.
    tp : ndarray of bool
        True positive flag of each detection (input order).
    ignored : ndarray of bool
        Detections that count neither as true nor false positive.
    n_pos : ndarray of int of shape (n_classes,)
        Number of non-crowd ground-truth boxes per class.
    """
    n_dt = len(flat["dt_scores"])
    n_groups = max(len(flat["classes"]), 1)
    # ground truth sorted by (image, class), input order within (stable)
    g_group = flat["gt_img"] * n_groups + flat["gt_cls"]
    g_order = np.argsort(g_group, kind="stable")
    d_group = flat["dt_img"] * n_groups + flat["dt_cls"]
    pair_d, pair_g, count, offset = _same_group_pairs(d_group, g_group[g_order])
    pair_g = g_order[pair_g]
    iou = _paired_iou(flat["dt_boxes"], pair_d, flat["gt_boxes"], pair_g)
    best_iou = np.full(n_dt, -1.0)
    best_gt = np.full(n_dt, -1, dtype=np.intp)
    has = count > 0
    if has.any():
        best_iou[has] = np.maximum.reduceat(iou, offset[has])
        # first ground truth (input order) reaching the best IoU
        first = np.where(iou == best_iou[pair_d], np.arange(len(iou)), len(iou))
        best_gt[has] = pair_g[np.minimum.reduceat(first, offset[has])]
    hit = best_iou >= iou_threshold
    crowd = flat["gt_crowd"]
    ignored = np.zeros(n_dt, dtype=bool)
    ignored[hit] = crowd[best_gt[hit]]
    order = _order_by_score(flat["dt_cls"], flat["dt_scores"])
    tp = np.zeros(n_dt, dtype=bool)
    cand = order[(hit & ~ignored)[order]]
    _, first = np.unique(best_gt[cand], return_index=True)
    tp[cand[first]] = True
    n_classes = len(flat["classes"])
    n_pos = np.bincount(flat["gt_cls"][~crowd], minlength=n_classes)
    return order, tp, ignored, n_pos


def _class_slices(order, dt_cls, n_classes):
    """Start/stop of each class in ``order`` (detections sorted by class)."""
    bounds = np.searchsorted(dt_cls[order], np.arange(n_classes + 1))
    return bounds[:-1], bounds[1:]


def _voc_ap(tp, n_pos, method):
    """AP of one class from the TP flags of its (non-ignored) detections."""
    tp_cum = np.cumsum(tp, dtype=np.float64)
    fp_cum = np.cumsum(~tp, dtype=np.float64)
    recall = tp_cum / n_pos
    precision = tp_cum / np.maximum(tp_cum + fp_cum, np.finfo(np.float64).eps)
    if method == "11_points":
        # The thresholds of the reference voc_eval.py (VOC 2007), including
        # arange's 0.30000000000000004. Summing before dividing keeps a
        # perfect score at exactly 1.0.
        total = 0.0
        for t in np.arange(0.0, 1.1, 0.1):
            above = precision[recall >= t]
            total += above.max() if above.size else 0.0
        return float(total / 11.0)
    mrec = np.concatenate([[0.0], recall, [1.0]])
    mpre = np.concatenate([[0.0], precision, [0.0]])
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    step = np.flatnonzero(mrec[1:] != mrec[:-1])
    return float(np.sum((mrec[step + 1] - mrec[step]) * mpre[step + 1]))


def average_precision_score(
    y_true, y_pred, *, iou_threshold=0.5, method="all_points", average="macro"
):
    """PASCAL VOC average precision (AP) of detections, mean over classes (mAP).

    Detections of each class are visited by decreasing score over the whole
    data set (ties: image order, then their order within the image). Following
    the PASCAL VOC devkit, each detection is assigned the ground-truth box of
    its image and class it overlaps most; it is a true positive when that IoU
    is ``>= iou_threshold`` and the box has not been matched yet (each
    ground-truth box is matched at most once), otherwise a false positive
    (a duplicate or a poor box). Detections assigned to a crowd box
    (``"iscrowd"``, VOC's "difficult") count neither way, and crowd boxes are
    not counted as positives. AP is the area under the interpolated
    precision-recall curve.

    Parameters
    ----------
    y_true : sequence of ndarray of shape (k_i, 4) or of dict
        True boxes per image, ``(x_min, y_min, x_max, y_max)`` in pixels
        (x = column, y = row, continuous coordinates), or dicts with
        ``"boxes"``, ``"labels"`` and optionally ``"iscrowd"``.
    y_pred : sequence of dict or of ndarray
        Detections per image: dicts ``{"boxes", "scores", "labels"}`` as
        returned by a detector's ``predict``, or arrays ``(m_i, 5)`` of
        ``(x_min, y_min, x_max, y_max, score)``. Boxes of zero width or
        height are accepted and overlap nothing (false positives).
    iou_threshold : float, default=0.5
        Minimum IoU for a true positive.
    method : {"all_points", "11_points"}, default="all_points"
        ``"all_points"``: area under the precision envelope at every recall
        level (VOC 2010 and later). ``"11_points"``: mean of the interpolated
        precision at recall 0, 0.1, ..., 1 (VOC 2007; the thresholds are those
        of the reference ``voc_eval.py``, ``np.arange(0, 1.1, 0.1)``).
    average : {"macro"} or None, default="macro"
        ``"macro"`` returns the mean AP over the classes that have at least
        one (non-crowd) ground-truth box; None returns a dict per class.

    Returns
    -------
    score : float or dict
        The mAP in [0, 1], or ``{label: AP}`` when ``average=None``. Classes
        that only occur in ``y_pred`` are not scored (as in COCO). With no
        ground-truth box at all the score is undefined: 0.0 is returned with
        an :class:`~sklearn.exceptions.UndefinedMetricWarning`.

    Raises
    ------
    ValueError
        For invalid boxes, scores or labels, for empty input (no image), and
        when the arguments look swapped (scored dicts as ``y_true`` with
        score-less box arrays as ``y_pred``).

    See Also
    --------
    sklvision.metrics.coco_evaluate : COCO AP@[.5:.95] and its 11 siblings.
    sklvision.metrics.precision_recall_curve : The curve AP summarises.

    References
    ----------
    .. [1] M. Everingham et al., "The PASCAL Visual Object Classes (VOC)
       Challenge", IJCV 88, 2010.

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.metrics import average_precision_score
    >>> y_true = [np.array([[0, 0, 10, 10]]), np.array([[0, 0, 10, 10]])]
    >>> y_pred = [np.array([[0, 0, 10, 10, 0.9]]),
    ...           np.array([[0, 0, 10, 10, 0.8], [20, 20, 30, 30, 0.85]])]
    >>> average_precision_score(y_true, y_pred)  # 0.5 * 1 + 0.5 * 2 / 3
    0.833...
    >>> average_precision_score(y_true, y_pred, method="11_points")
    0.848...
    """
    iou_threshold = _check_iou_threshold(iou_threshold)
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}.")
    if average not in ("macro", None):
        raise ValueError(f"average must be 'macro' or None, got {average!r}.")
    flat = _flatten(*_check_y(y_true, y_pred))
    order, tp, ignored, n_pos = _voc_match(flat, iou_threshold)
    starts, stops = _class_slices(order, flat["dt_cls"], len(flat["classes"]))
    per_class = {}
    for k, label in enumerate(flat["classes"]):
        if n_pos[k] == 0:
            continue
        idx = order[starts[k] : stops[k]]
        idx = idx[~ignored[idx]]
        per_class[label.item() if hasattr(label, "item") else label] = _voc_ap(
            tp[idx], n_pos[k], method
        )
    if average is None:
        return per_class
    if not per_class:
        warnings.warn(
            "y_true has no ground-truth box, average precision is undefined; "
            "returning 0.0.",
            UndefinedMetricWarning,
            stacklevel=2,
        )
        return 0.0
    return float(np.mean(list(per_class.values())))


def mean_iou_score(y_true, y_pred, *, sample_weight=None):
    """Mean over ground-truth boxes of the best IoU of any predicted box.

    For every ground-truth box the highest IoU with a predicted box of the
    same image is taken (labels and scores are not used; a box-array or a
    prediction without scores is fine), and these values are averaged over
    all ground-truth boxes of all images. An image without ground truth adds
    one term: 1 if it has no prediction either (nothing to find, nothing
    found), 0 if it has predictions (all of them are false alarms). With
    ``sample_weight``, every term of an image counts with its image's weight.

    Parameters
    ----------
    y_true : sequence of ndarray of shape (k_i, 4) or of dict
        True boxes per image, ``(x_min, y_min, x_max, y_max)`` in pixels
        (x = column, y = row, continuous coordinates).
    y_pred : sequence of dict or of ndarray
        Predicted boxes per image: dicts with ``"boxes"`` and ``"scores"``,
        arrays ``(m_i, 5)`` or arrays ``(m_i, 4)`` of boxes. Boxes of zero
        width or height are accepted and overlap nothing (IoU 0).
    sample_weight : array-like of shape (n_images,), default=None
        Non-negative image weights, not all zero (so ``mean_iou_scorer``
        can weight images, e.g. under scikit-learn's metadata routing).

    Returns
    -------
    score : float
        Mean best IoU in [0, 1].

    Raises
    ------
    ValueError
        For invalid boxes, scores or labels, for empty input (no image), and
        when the arguments look swapped (scored dicts as ``y_true`` with
        score-less box arrays as ``y_pred``).

    See Also
    --------
    sklvision.metrics.box_iou : Pairwise IoU.

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.metrics import mean_iou_score
    >>> y_true = [np.array([[0, 0, 4, 4], [10, 10, 12, 12]]), np.zeros((0, 4))]
    >>> y_pred = [np.array([[0, 0, 4, 2]]), np.zeros((0, 4))]
    >>> mean_iou_score(y_true, y_pred)  # (0.5 + 0 + 1) / 3
    0.5
    """
    targets, preds = _check_y(y_true, y_pred)
    flat = _flatten(targets, preds, labels=False)
    # every ground-truth box against every predicted box of its image
    pair_g, pair_d, count, offset = _same_group_pairs(flat["gt_img"], flat["dt_img"])
    iou = _paired_iou(flat["gt_boxes"], pair_g, flat["dt_boxes"], pair_d)
    has = count > 0
    no_gt = flat["gt_counts"] == 0
    if sample_weight is None:
        total = float(np.maximum.reduceat(iou, offset[has]).sum()) if has.any() else 0.0
        total += float(np.count_nonzero(no_gt & (flat["dt_counts"] == 0)))
        count = len(flat["gt_img"]) + int(np.count_nonzero(no_gt))
        return total / count
    w = _check_sample_weight(
        sample_weight, targets, dtype=np.float64, ensure_non_negative=True
    )
    best = np.zeros(len(flat["gt_img"]))
    if has.any():
        best[has] = np.maximum.reduceat(iou, offset[has])
    total = float(np.dot(best, w[flat["gt_img"]]))
    total += float(w[no_gt & (flat["dt_counts"] == 0)].sum())
    count = float(w[flat["gt_img"]].sum() + w[no_gt].sum())
    return total / count


def precision_recall_curve(y_true, y_pred, *, iou_threshold=0.5, label=None):
    """Precision-recall pairs of detections at every score threshold.

    Detections are matched to the ground truth as in
    :func:`average_precision_score` (PASCAL VOC rules). The output follows
    :func:`sklearn.metrics.precision_recall_curve`: one point per distinct
    score, thresholds increasing, and a last point of precision 1, recall 0.

    Parameters
    ----------
    y_true : sequence of ndarray of shape (k_i, 4) or of dict
        True boxes per image, ``(x_min, y_min, x_max, y_max)`` in pixels
        (x = column, y = row), or dicts with ``"boxes"`` and ``"labels"``.
    y_pred : sequence of dict or of ndarray
        Detections per image (dicts ``{"boxes", "scores", "labels"}`` or arrays
        ``(m_i, 5)``).
    iou_threshold : float, default=0.5
        Minimum IoU for a true positive.
    label : int or str, default=None
        Class whose curve to compute. May be None when the data hold a
        single class.

    Returns
    -------
    precision : ndarray of shape (n_thresholds + 1,)
        ``precision[i]`` is the precision of the detections with score
        ``>= thresholds[i]``; the last element is 1.
    recall : ndarray of shape (n_thresholds + 1,)
        Matching recall, decreasing; the last element is 0.
    thresholds : ndarray of shape (n_thresholds,)
        Distinct detection scores, increasing.

    See Also
    --------
    sklvision.metrics.average_precision_score : Area under this curve.
    sklvision.plotting.DetectionPRDisplay : Plot it.

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.metrics import precision_recall_curve
    >>> y_true = [np.array([[0, 0, 10, 10]]), np.array([[0, 0, 10, 10]])]
    >>> y_pred = [np.array([[0, 0, 10, 10, 0.9]]),
    ...           np.array([[0, 0, 10, 10, 0.8], [20, 20, 30, 30, 0.85]])]
    >>> precision, recall, thresholds = precision_recall_curve(y_true, y_pred)
    >>> precision
    array([0.66666667, 0.5       , 1.        , 1.        ])
    >>> recall
    array([1. , 0.5, 0.5, 0. ])
    >>> thresholds
    array([0.8 , 0.85, 0.9 ])
    """
    iou_threshold = _check_iou_threshold(iou_threshold)
    flat = _flatten(*_check_y(y_true, y_pred))
    classes = flat["classes"]
    if len(classes) == 0:
        raise ValueError(
            "y_true and y_pred hold no box at all; the curve is undefined."
        )
    if label is None:
        if len(classes) != 1:
            raise ValueError(
                f"The data hold {len(classes)} classes {classes.tolist()}; pass "
                "label= to choose the class whose curve to compute."
            )
        k = 0
    else:
        hit = np.flatnonzero(classes == label) if len(classes) else []
        if len(hit) == 0:
            raise ValueError(
                f"label={label!r} is not among the labels {classes.tolist()}."
            )
        k = int(hit[0])
    order, tp, ignored, n_pos = _voc_match(flat, iou_threshold)
    if n_pos[k] == 0:
        raise ValueError(
            f"y_true has no (non-crowd) ground-truth box of class {classes[k]!r}; "
            "recall and the curve are undefined."
        )
    starts, stops = _class_slices(order, flat["dt_cls"], len(classes))
    idx = order[starts[k] : stops[k]]
    idx = idx[~ignored[idx]]
    scores = flat["dt_scores"][idx]
    tps = np.cumsum(tp[idx], dtype=np.float64)
    fps = np.cumsum(~tp[idx], dtype=np.float64)
    last = np.r_[np.flatnonzero(np.diff(scores)), len(scores) - 1].astype(np.intp)
    if len(scores) == 0:
        last = last[:0]
    tps, fps, thresholds = tps[last], fps[last], scores[last]
    precision = tps / (tps + fps)
    recall = tps / n_pos[k]
    return (
        np.r_[precision[::-1], 1.0],
        np.r_[recall[::-1], 0.0],
        thresholds[::-1].copy(),
    )
