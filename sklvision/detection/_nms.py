"""Greedy non-maximum suppression of scored boxes."""

import reprlib

import numpy as np

from sklvision.metrics._boxes import _check_boxes, _pairwise_iou
from sklvision.metrics._detection import _check_iou_threshold

# Block method: boxes are processed in blocks of this many (in decreasing score
# order); a block is compared with all boxes kept so far in one vectorised IoU
# call, and only the boxes of the block that overlap each other are resolved
# one by one. Memory stays O(n_kept * _BLOCK) instead of O(n ** 2).
_BLOCK = 256
# Use the sparse method when the x-overlapping pairs are at most this fraction
# of n ** 2 (or fewer than _SPARSE_MIN_PAIRS), else the block method.
_SPARSE_PAIR_FRACTION = 1 / 16
_SPARSE_MIN_PAIRS = 100_000
# Candidate pairs evaluated at once by the sparse method (bounds memory).
_PAIR_CHUNK = 1 << 20


def non_max_suppression(boxes, scores, iou_threshold=0.5, labels=None):
    """Greedy non-maximum suppression (NMS).

    Boxes are visited by decreasing score; a box is kept unless it overlaps an
    already kept box with IoU strictly greater than ``iou_threshold``. When
    ``labels`` are given the suppression is class-aware: a box is only
    suppressed by kept boxes of its own label.

    Parameters
    ----------
    boxes : array-like of shape (n_boxes, 4)
        Boxes ``(x_min, y_min, x_max, y_max)`` in pixels, x = column, y = row
        (continuous coordinates, see :func:`sklvision.metrics.box_iou`).
    scores : array-like of shape (n_boxes,)
        Confidence of each box; higher is better. Ties keep the input order.
    iou_threshold : float, default=0.5
        Boxes whose IoU with a kept box is greater than this are discarded.
        In [0, 1]: 1 keeps every box, 0 keeps only boxes that do not overlap
        a kept box at all.
    labels : array-like of shape (n_boxes,), default=None
        Class of each box. None suppresses across all boxes.

    Returns
    -------
    keep : ndarray of shape (n_kept,), dtype intp
        Indices into ``boxes`` of the kept boxes, by decreasing score.

    See Also
    --------
    sklvision.metrics.box_iou : The overlap measure used here.

    Notes
    -----
    The result is exactly that of the sequential greedy algorithm (as in
    ``torchvision.ops.nms`` and ``batched_nms``). It is computed on the sparse
    graph of overlapping pairs, found by a sweep along x, when boxes are
    spread out, and block-wise against the kept boxes when they overlap
    heavily, so that 10,000 boxes take well under a second.

    Examples
    --------
    >>> from sklvision.detection import non_max_suppression
    >>> boxes = [[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]]
    >>> non_max_suppression(boxes, [0.9, 0.8, 0.7], iou_threshold=0.5)
    array([0, 2])
    >>> non_max_suppression(boxes, [0.9, 0.8, 0.7], labels=[0, 1, 0])
    array([0, 1, 2])
    """
    boxes = _check_boxes(boxes, "boxes")
    n = len(boxes)
    try:
        scores = np.asarray(scores, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            "scores must be numeric (one number per box); got "
            f"{reprlib.repr(scores)}."
        ) from None
    if scores.ndim != 1 or scores.shape[0] != n:
        raise ValueError(
            f"scores must have shape ({n},), one score per box; got {scores.shape}."
        )
    if not np.isfinite(scores).all():
        raise ValueError("scores contain NaN or infinite values.")
    iou_threshold = _check_iou_threshold(iou_threshold)
    codes = None
    if labels is not None:
        labels = np.asarray(labels)
        if labels.ndim != 1 or labels.shape[0] != n:
            raise ValueError(
                f"labels must have shape ({n},), one label per box; got {labels.shape}."
            )
        codes = np.unique(labels, return_inverse=True)[1].reshape(-1)
    if n == 0:
        return np.zeros(0, dtype=np.intp)

    order = np.argsort(-scores, kind="stable")
    if iou_threshold >= 1.0:
        return order.astype(np.intp, copy=False)
    sorted_boxes = boxes[order]
    sorted_codes = None if codes is None else codes[order]
    # Boxes that overlap at all must overlap along x. Sweeping the boxes by
    # x_min counts those candidate pairs cheaply: when they are few (boxes
    # spread over the image) the exact IoU of just those pairs gives a sparse
    # suppression graph; when they are many (heavily overlapping boxes, hence
    # few kept boxes) comparing blocks with the kept boxes is cheaper. A sparse
    # pair costs about 4 times a block pair; the block method evaluates about
    # n_kept * n / 2 pairs.
    by_x = np.argsort(sorted_boxes[:, 0], kind="stable")
    x0 = sorted_boxes[by_x, 0]
    ends = np.searchsorted(x0, sorted_boxes[by_x, 2], side="left")
    counts = np.maximum(ends - np.arange(1, n + 1), 0)
    if counts.sum() <= max(_SPARSE_PAIR_FRACTION * n * n, _SPARSE_MIN_PAIRS):
        alive = _nms_sparse(sorted_boxes, sorted_codes, iou_threshold, by_x, counts)
        return order[alive].astype(np.intp, copy=False)
    return order[_nms_blocks(sorted_boxes, sorted_codes, iou_threshold)].astype(
        np.intp, copy=False
    )


def _nms_sparse(boxes, codes, thr, by_x, counts):
    """Greedy NMS over the graph of pairs with IoU > thr (boxes score-sorted).

    ``by_x`` orders the boxes by x_min; ``counts[p]`` is the number of boxes
    after position p in that order that start before box p ends along x.
    """
    n = len(boxes)
    bx = boxes[by_x]
    x0, y0, x1, y1 = (np.ascontiguousarray(bx[:, c]) for c in range(4))
    area = (x1 - x0) * (y1 - y0)
    cx = None if codes is None else codes[by_x]
    firsts = np.cumsum(counts) - counts
    src_parts, dst_parts = [], []
    cuts = np.searchsorted(
        np.cumsum(counts), np.arange(_PAIR_CHUNK, counts.sum(), _PAIR_CHUNK)
    )
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, n]):
        c = counts[lo:hi]
        total = int(c.sum())
        if total == 0:
            continue
        p = np.repeat(np.arange(lo, hi), c)
        q = p + 1 + np.arange(total) - np.repeat(firsts[lo:hi] - firsts[lo], c)
        # The same IoU as box_iou (same operations, same order of operands).
        iw = np.minimum(x1[p], x1[q]) - np.maximum(x0[p], x0[q])
        ih = np.minimum(y1[p], y1[q]) - np.maximum(y0[p], y0[q])
        np.maximum(iw, 0.0, out=iw)
        np.maximum(ih, 0.0, out=ih)
        inter = np.multiply(iw, ih, out=iw)
        union = np.add(area[p], area[q], out=ih)
        union -= inter
        iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        over = iou > thr
        if cx is not None:
            over &= cx[p] == cx[q]
        i, j = by_x[p[over]], by_x[q[over]]
        src_parts.append(np.minimum(i, j))
        dst_parts.append(np.maximum(i, j))
    alive = np.ones(n, dtype=bool)
    if src_parts:
        src = np.concatenate(src_parts)
        dst = np.concatenate(dst_parts)
        by_src = np.argsort(src, kind="stable")
        src, dst = src[by_src], dst[by_src]
        heads, starts = np.unique(src, return_index=True)
        stops = np.r_[starts[1:], len(src)]
        for h, a, b in zip(heads.tolist(), starts.tolist(), stops.tolist()):
            if alive[h]:
                alive[dst[a:b]] = False
    return np.flatnonzero(alive)


def _nms_blocks(sorted_boxes, sorted_codes, iou_threshold):
    """Greedy NMS block by block against the boxes kept so far."""
    n = len(sorted_boxes)
    kept_blocks = []
    n_kept = 0
    kept_boxes = np.empty((n, 4))
    kept_codes = np.empty(n, dtype=np.intp)
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        block = sorted_boxes[start:stop]
        alive = np.ones(stop - start, dtype=bool)
        if n_kept:
            over = _pairwise_iou(kept_boxes[:n_kept], block) > iou_threshold
            if sorted_codes is not None:
                over &= kept_codes[:n_kept, None] == sorted_codes[None, start:stop]
            alive &= ~over.any(axis=0)
        over = np.triu(_pairwise_iou(block, block) > iou_threshold, k=1)
        if sorted_codes is not None:
            block_codes = sorted_codes[start:stop]
            over &= block_codes[:, None] == block_codes[None, :]
        for i in np.flatnonzero(over.any(axis=1)):
            if alive[i]:
                alive &= ~over[i]
        idx = np.flatnonzero(alive) + start
        kept_blocks.append(idx)
        kept_boxes[n_kept : n_kept + len(idx)] = sorted_boxes[idx]
        if sorted_codes is not None:
            kept_codes[n_kept : n_kept + len(idx)] = sorted_codes[idx]
        n_kept += len(idx)
    return np.concatenate(kept_blocks)
