"""Pairwise intersection over union of axis-aligned boxes."""

import numpy as np

# (also the box check of non_max_suppression and the region features)
from sklvision.utils._validation import _check_boxes


def _box_area(boxes):
    """Area ``(x_max - x_min) * (y_max - y_min)`` of float boxes (n, 4)."""
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def _paired_iou(a, ia, b, ib):
    """IoU of the pairs ``(a[ia[k]], b[ib[k]])``, computed as in _pairwise_iou."""
    ax0, ay0, ax1, ay1 = (np.ascontiguousarray(a[:, c])[ia] for c in range(4))
    bx0, by0, bx1, by1 = (np.ascontiguousarray(b[:, c])[ib] for c in range(4))
    iw = np.minimum(ax1, bx1)
    iw -= np.maximum(ax0, bx0)
    np.maximum(iw, 0.0, out=iw)
    ih = np.minimum(ay1, by1)
    ih -= np.maximum(ay0, by0)
    np.maximum(ih, 0.0, out=ih)
    inter = np.multiply(iw, ih, out=iw)
    union = (ax1 - ax0) * (ay1 - ay0)
    union += (bx1 - bx0) * (by1 - by0)
    union -= inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def _same_group_pairs(query_group, ref_group):
    """All pairs (i, j) with ``query_group[i] == ref_group[j]``.

    ``ref_group`` must be sorted. Pairs come ordered by i, then j.

    Returns
    -------
    pair_q, pair_r : ndarray of int
        Query and reference index of each pair.
    count : ndarray of int
        Number of pairs of each query item.
    offset : ndarray of int
        Index of the first pair of each query item.
    """
    start = np.searchsorted(ref_group, query_group, side="left")
    count = np.searchsorted(ref_group, query_group, side="right") - start
    offset = np.cumsum(count) - count
    total = int(count.sum())
    pair_q = np.repeat(np.arange(len(query_group)), count)
    pair_r = np.repeat(start - offset, count) + np.arange(total)
    return pair_q, pair_r, count, offset


# Rows of the IoU matrix computed at once: keeps the temporaries in cache.
_BLOCK_ELEMENTS = 1 << 16


def _pairwise_iou(a, b):
    """IoU matrix (n, m) of validated float64 boxes ``a`` (n, 4), ``b`` (m, 4).

    Pairs whose union is 0 (two degenerate boxes) get IoU 0.
    """
    n, m = len(a), len(b)
    out = np.empty((n, m))
    if n == 0 or m == 0:
        return out
    area_a = _box_area(a)
    area_b = _box_area(b)
    ax0, ay0, ax1, ay1 = (a[:, i, None] for i in range(4))
    bx0, by0, bx1, by1 = (np.ascontiguousarray(b[:, i]) for i in range(4))
    empty_union = bool((area_a == 0).any() and (area_b == 0).any())
    rows = max(1, _BLOCK_ELEMENTS // m)
    buf = np.empty((min(rows, n), m))
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        sl = slice(start, stop)
        iw = out[sl]
        tmp = buf[: stop - start]
        np.minimum(ax1[sl], bx1, out=iw)
        np.maximum(ax0[sl], bx0, out=tmp)
        iw -= tmp
        np.maximum(iw, 0.0, out=iw)
        np.minimum(ay1[sl], by1, out=tmp)
        ih = tmp
        ih -= np.maximum(ay0[sl], by0)
        np.maximum(ih, 0.0, out=ih)
        inter = np.multiply(iw, ih, out=iw)
        union = np.add(area_a[sl, None], area_b, out=ih)
        union -= inter
        if empty_union:
            np.divide(inter, union, out=inter, where=union > 0)
            inter[union <= 0] = 0.0
        else:
            np.divide(inter, union, out=inter)
    return out


def box_iou(boxes_a, boxes_b):
    """Pairwise intersection over union (Jaccard index) of two sets of boxes.

    Boxes are ``(x_min, y_min, x_max, y_max)`` with x = column and y = row, in
    **continuous** pixel coordinates: a box's area is
    ``(x_max - x_min) * (y_max - y_min)`` (no ``+ 1`` as in the original PASCAL
    VOC devkit; this is the convention of COCO, torchvision and pycocotools).

    Parameters
    ----------
    boxes_a : array-like of shape (n, 4)
        First set of boxes.
    boxes_b : array-like of shape (m, 4)
        Second set of boxes.

    Returns
    -------
    iou : ndarray of shape (n, m), dtype float64
        ``iou[i, j]`` is the area of the intersection of ``boxes_a[i]`` and
        ``boxes_b[j]`` divided by the area of their union, in [0, 1]. Disjoint
        or merely touching boxes get 0, identical boxes 1 (two identical
        zero-area boxes get 0: their union is empty).

    Raises
    ------
    ValueError
        If a set is not numeric, not of shape (k, 4), holds NaN or infinite
        values, or has a box with ``x_max < x_min`` or ``y_max < y_min``.

    See Also
    --------
    sklvision.metrics.mean_iou_score : Mean best IoU of the ground-truth boxes.
    sklvision.detection.non_max_suppression : Greedy suppression by IoU.

    Examples
    --------
    >>> from sklvision.metrics import box_iou
    >>> box_iou([[0, 0, 2, 2]], [[1, 1, 3, 3], [0, 0, 2, 2], [5, 5, 6, 6]])
    array([[0.14285714, 1.        , 0.        ]])
    """
    a = _check_boxes(boxes_a, "boxes_a")
    b = _check_boxes(boxes_b, "boxes_b")
    return _pairwise_iou(a, b)
