"""COCO bounding-box evaluation (the 12 numbers of pycocotools), vectorised."""

import numpy as np

from sklvision.metrics._detection import _check_y, _flatten, _order_by_score

# pycocotools' Params.setDetParams, computed the same way (np.arange would
# give slightly different thresholds).
_IOU_THRS = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1)
_REC_THRS = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1)
_MAX_DETS = (1, 10, 100)
_AREA_RNG = np.array(
    [[0**2, 1e5**2], [0**2, 32**2], [32**2, 96**2], [96**2, 1e5**2]], dtype=float
)
# Bound on the elements of the per-bucket matching arrays (memory).
_MATCH_ELEMENTS = 1 << 22
_KEYS = (
    "AP", "AP50", "AP75", "APs", "APm", "APl",
    "AR1", "AR10", "AR100", "ARs", "ARm", "ARl",
)  # fmt: skip


def _xywh_iou(dx, dy, dw, dh, gx, gy, gw, gh, crowd):
    """IoU of detection/ground-truth pairs exactly as pycocotools' ``bbIou``.

    Same operations in the same order on ``(x, y, w, h)`` boxes, so that the
    values are bit-identical; for a crowd ground truth the union is the
    detection's area.
    """
    iw = np.minimum(dw + dx, gw + gx) - np.maximum(dx, gx)
    ih = np.minimum(dh + dy, gh + gy) - np.maximum(dy, gy)
    inter = np.maximum(iw, 0.0) * np.maximum(ih, 0.0)
    da = dw * dh
    union = np.where(crowd, da, da + gw * gh - inter)
    return np.divide(inter, union, out=np.zeros_like(inter), where=inter > 0)


def _outside(area):
    """(n, A) flags: ``area`` outside each COCO area range (bounds included)."""
    return (area[:, None] < _AREA_RNG[None, :, 0]) | (
        area[:, None] > _AREA_RNG[None, :, 1]
    )


def _segments(keys):
    """Start of the run of equal values each item of sorted ``keys`` is in."""
    n = len(keys)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if n else keys[:0]
    return np.repeat(starts, np.diff(np.r_[starts, n]))


def _dense_rank(x):
    """Rank of each value along the last axis, equal values sharing a rank."""
    order = np.argsort(x, axis=-1, kind="stable")
    xs = np.take_along_axis(x, order, axis=-1)
    step = np.zeros(x.shape, dtype=np.intp)
    step[..., 1:] = xs[..., 1:] > xs[..., :-1]
    rank = np.empty_like(step)
    np.put_along_axis(rank, order, np.cumsum(step, axis=-1), axis=-1)
    return rank


def _match(ious, n_cand, gt_ig, gt_crowd, n_areas):
    """Greedy COCO matching of one bucket of (image, class) groups.

    Parameters
    ----------
    ious : ndarray of shape (B, C, G)
        IoU of the c-th candidate detection (by decreasing score) of group b
        with its g-th ground truth; -1 for padding.
    n_cand : ndarray of shape (B,)
        Number of candidate detections per group, decreasing.
    gt_ig : ndarray of shape (B, A, G)
        Ground truth ignored for area range a (crowd or area out of range).
    gt_crowd : ndarray of shape (B, G)
        Crowd ground truth (may be matched any number of times).

    Returns
    -------
    matched, matched_ig : ndarray of shape (B, C, A, T)
        Detection matched, and matched to an ignored ground truth.

    Notes
    -----
    pycocotools visits the detections by decreasing score; a ground truth
    qualifies when its IoU is >= t and it is free (not matched yet, or a
    crowd); non-ignored ones are preferred and, among the preferred, the
    highest IoU wins, the last one on ties. Here one step handles the j-th
    detection of every group, area range and threshold at once, with an
    integer key per ground truth: its IoU's dense rank among the
    detection's IoUs (ties share a rank), plus G when it is not ignored.
    The ground truths are reversed so that argmax (first maximum) picks the
    last one.
    """
    n_groups, n_c, n_g = ious.shape
    n_t = len(_IOU_THRS)
    ious = np.ascontiguousarray(ious[:, :, ::-1])
    gt_ig = np.ascontiguousarray(gt_ig[:, :, ::-1])
    gt_crowd = np.ascontiguousarray(gt_crowd[:, ::-1])
    key_dtype = np.int16 if 2 * n_g < np.iinfo(np.int16).max else np.int32
    # rank + 1 in [1, G]; + G for non-ignored ground truths: [G + 1, 2G]
    rank1 = (_dense_rank(ious) + 1).astype(key_dtype)  # (B, C, G)
    bonus = np.where(gt_ig, 0, n_g).astype(key_dtype)[:, :, None, :]  # (B,A,1,G)
    # free[b, a, t, g]: not matched yet at (area a, threshold t), or a crowd
    free = np.ones((n_groups, n_areas, n_t, n_g), dtype=bool)
    matched = np.zeros((n_groups, n_c, n_areas, n_t), dtype=bool)
    matched_ig = np.zeros_like(matched)
    thr = _IOU_THRS[None, :, None]
    active = len(n_cand) - np.searchsorted(n_cand[::-1], np.arange(n_c), "right")
    for j in range(n_c):
        nj = int(active[j])
        cand = (ious[:nj, j, None, :] >= thr)[:, None] & free[:nj]  # (nj,A,T,G)
        if n_g == 1:
            has = cand[..., 0]
            b, a, t = np.nonzero(has)
            g = np.zeros(len(b), dtype=np.intp)
            matched_ig[b, j, a, t] = gt_ig[b, a, 0]
        else:
            key = cand * (rank1[:nj, j, None, None, :] + bonus[:nj])
            m = np.argmax(key, axis=-1)  # (nj, A, T)
            best = np.take_along_axis(key, m[..., None], axis=-1)[..., 0]
            has = best > 0
            b, a, t = np.nonzero(has)
            g = m[b, a, t]
            matched_ig[b, j, a, t] = best[b, a, t] <= n_g
        free[b, a, t, g] = gt_crowd[b, g]
        matched[:nj, j] = has
    return matched, matched_ig


def _match_bucket(
    sel, c_count, c_first, cand, grp_ng, grp_gs, ng, offs, gs, pair_d, pair_g,
    pair_iou, g_ig, g_crowd, dtm, dtm_ig,
):  # fmt: skip
    """Match the groups ``sel`` (by decreasing candidate count); fill dtm."""
    n_a = g_ig.shape[1]
    n_b, n_c = len(sel), int(c_count[sel].max())
    n_g = int(grp_ng[sel].max())
    # candidate detections of each group: (slot b, position c, det)
    cnt = c_count[sel]
    b_of = np.repeat(np.arange(n_b), cnt)
    c_of = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    det = cand[c_first[sel][b_of] + c_of]
    # their pairs with the group's ground truths
    k = ng[det]
    pb, pc = np.repeat(b_of, k), np.repeat(c_of, k)
    start = np.repeat(offs[det] - (np.cumsum(k) - k), k)
    pidx = start + np.arange(int(k.sum()))
    pg = pair_g[pidx] - gs[pair_d[pidx]]
    ious = np.full((n_b, n_c, n_g), -1.0)
    ious[pb, pc, pg] = pair_iou[pidx]
    # ground-truth flags of each group, padded
    slot_g = grp_gs[sel][:, None] + np.arange(n_g)[None, :]
    valid = np.arange(n_g)[None, :] < grp_ng[sel][:, None]
    slot_g = np.where(valid, slot_g, 0)
    gt_ig = np.where(valid[:, None, :], g_ig[slot_g].transpose(0, 2, 1), True)
    gt_crowd = valid & g_crowd[slot_g]
    matched, matched_ig = _match(ious, cnt, gt_ig, gt_crowd, n_a)
    dtm[:, :, det] = matched[b_of, c_of].transpose(1, 2, 0)
    dtm_ig[:, :, det] = matched_ig[b_of, c_of].transpose(1, 2, 0)


def _evaluate(flat):
    """Return pycocotools' ``precision`` (T, R, K, A, M) and ``recall``."""
    n_classes = len(flat["classes"])
    n_t, n_a = len(_IOU_THRS), len(_AREA_RNG)
    max_det = _MAX_DETS[-1]

    # Detections: per (image, class) by decreasing score (ties: input order),
    # the first 100 only.
    d_img, d_cls, d_score = flat["dt_img"], flat["dt_cls"], flat["dt_scores"]
    n_dt = len(d_score)
    group = d_img * n_classes + d_cls
    order = _order_by_score(group, d_score)  # ties keep the input order
    group = group[order]
    rank = np.arange(n_dt) - _segments(group)
    keep = rank < max_det
    order, group, rank = order[keep], group[keep], rank[keep]
    d_img, d_cls, d_score = d_img[order], d_cls[order], d_score[order]
    db = flat["dt_boxes"][order]
    dx, dy = db[:, 0], db[:, 1]
    dw, dh = db[:, 2] - db[:, 0], db[:, 3] - db[:, 1]
    d_area = dw * dh  # COCO.loadRes: bbox w * h
    n_dt = len(order)

    # Ground truth, by (image, class), input order within.
    g_img, g_cls = flat["gt_img"], flat["gt_cls"]
    g_order = np.lexsort((g_cls, g_img))  # stable: input order within
    g_group = (g_img * n_classes + g_cls)[g_order]
    gb = flat["gt_boxes"][g_order]
    gx, gy = gb[:, 0], gb[:, 1]
    gw, gh = gb[:, 2] - gb[:, 0], gb[:, 3] - gb[:, 1]
    g_crowd = flat["gt_crowd"][g_order]
    g_ig = g_crowd[:, None] | _outside(flat["gt_area"][g_order])  # (n_gt, A)

    # All (detection, ground truth) pairs of the same image and class.
    gs = np.searchsorted(g_group, group, side="left")
    ng = np.searchsorted(g_group, group, side="right") - gs
    offs = np.cumsum(ng) - ng
    n_pairs = int(ng.sum())
    pair_d = np.repeat(np.arange(n_dt), ng)
    pair_g = np.repeat(gs - offs, ng) + np.arange(n_pairs)
    pair_iou = _xywh_iou(
        dx[pair_d], dy[pair_d], dw[pair_d], dh[pair_d],
        gx[pair_g], gy[pair_g], gw[pair_g], gh[pair_g], g_crowd[pair_g],
    )  # fmt: skip
    best = np.full(n_dt, -1.0)
    with_gt = ng > 0
    if n_pairs:
        best[with_gt] = np.maximum.reduceat(pair_iou, offs[with_gt])
    # Detections below the lowest threshold with every gt never match: only
    # the others go through the sequential greedy matching.
    cand = np.flatnonzero(best >= _IOU_THRS[0])

    dtm = np.zeros((n_a, n_t, n_dt), dtype=bool)
    dtm_ig = np.zeros((n_a, n_t, n_dt), dtype=bool)
    if len(cand):
        c_group = group[cand]
        c_first = np.flatnonzero(np.r_[True, c_group[1:] != c_group[:-1]])
        c_count = np.diff(np.r_[c_first, len(cand)])
        grp_ng = ng[cand[c_first]]
        grp_gs = gs[cand[c_first]]
        # Buckets of groups with similar numbers of gts (padded to a power of 2).
        bucket = np.ceil(np.log2(grp_ng)).astype(int)
        for bk in np.unique(bucket):
            sel = np.flatnonzero(bucket == bk)
            sel = sel[np.argsort(-c_count[sel], kind="stable")]
            # groups per call, so that the (B, C, G) and (B, A, T, G) arrays
            # stay small (most candidates first, so the first chunk is widest)
            n_c, n_g = int(c_count[sel].max()), int(grp_ng[sel].max())
            per_group = max(n_c * n_g, n_a * n_t * n_g, n_c * n_a * n_t)
            step = max(1, _MATCH_ELEMENTS // per_group)
            for lo in range(0, len(sel), step):
                _match_bucket(
                    sel[lo : lo + step], c_count, c_first, cand, grp_ng, grp_gs,
                    ng, offs, gs, pair_d, pair_g, pair_iou, g_ig, g_crowd,
                    dtm, dtm_ig,
                )  # fmt: skip
    npig = np.zeros((n_classes, n_a), dtype=np.intp)
    for a in range(n_a):
        npig[:, a] = np.bincount(g_cls[g_order][~g_ig[:, a]], minlength=n_classes)
    return _accumulate(dtm, dtm_ig, cand, d_cls, d_score, d_area, rank, npig)


def _accumulate(dtm, dtm_ig, cand, d_cls, d_score, d_area, rank, npig):
    """Compute pycocotools' ``accumulate`` from the matched detections only.

    Detections come sorted by image, class and decreasing score (ties in
    input order); ``rank`` is their position within their (image, class).
    Per class, the detections of all images are ranked by decreasing score
    (ties: image order, then rank: pycocotools' mergesort of the concatenated
    per-image lists). A detection is ignored when matched to an ignored
    ground truth, or unmatched and outside the area range; a true positive
    when matched otherwise; else a false positive.

    pycocotools builds the precision ``tp / (fp + tp + eps)`` at every
    detection, takes its running maximum from the right and reads it at the
    first detection reaching each recall threshold. That position is always
    a true positive, and the precision after a true positive never exceeds
    its value there, so the same numbers follow from the precision at the
    true positives alone: the c-th true positive of a row has precision
    ``c / (fp_before + c + eps)``, where ``fp_before`` counts the detections
    before it that are neither matched nor outside the area range. Only
    ``(A, n)`` running counts and the sparse matches are needed instead of
    ``(A, T, n)`` cumulative sums, and every value is computed with the same
    floating-point operations as in pycocotools.
    """
    n_a, n_t, n_dt = dtm.shape
    n_classes = npig.shape[0]
    n_r, n_m = len(_REC_THRS), len(_MAX_DETS)
    precision = -np.ones((n_t, n_r, n_classes, n_a, n_m))
    recall = -np.ones((n_t, n_classes, n_a, n_m))
    valid = npig.T > 0  # (A, K)
    if not valid.any():
        return precision, recall
    eps = np.spacing(1)

    # Ties keep the (image, rank) order of the input.
    acc = _order_by_score(d_cls, d_score)
    pos = np.empty(n_dt, dtype=np.intp)
    pos[acc] = np.arange(n_dt)
    class_start = np.searchsorted(d_cls[acc], np.arange(n_classes))
    inside_acc = ~_outside(d_area[acc]).T  # (A, n)
    rank_acc = rank[acc]

    # Matches (only candidates can be), sorted by area, threshold and
    # position, hence by row (area, threshold, class) and position.
    cand = cand[np.argsort(pos[cand])]
    a_e, t_e, i_e = np.nonzero(dtm[:, :, cand])
    d_e = cand[i_e]
    p_e = pos[d_e]
    k_e = d_cls[d_e]
    tp_e = ~dtm_ig[a_e, t_e, d_e]
    inside_e = inside_acc[a_e, p_e]
    row_e = (a_e * n_t + t_e) * n_classes + k_e
    r_e = rank[d_e]
    n_rows = n_a * n_t * n_classes

    # Recall thresholds as numbers of true positives: the first c with
    # c / npig >= threshold (pycocotools' searchsorted on tp / npig).
    need = np.ones((n_a, n_classes, n_r), dtype=np.intp)
    for a, k in zip(*np.nonzero(valid)):
        steps = np.arange(npig[k, a] + 1) / npig[k, a]
        need[a, k] = np.maximum(np.searchsorted(steps, _REC_THRS, side="left"), 1)
    need = need[:, None]  # (A, 1, K, R)

    for mi, md in enumerate(_MAX_DETS):
        # detections not outside the area range, counted before each position
        before = np.zeros((n_a, n_dt + 1), dtype=np.int64)
        np.cumsum(inside_acc & (rank_acc < md), axis=1, out=before[:, 1:])
        keep = r_e < md
        row, a, k, p = row_e[keep], a_e[keep], k_e[keep], p_e[keep]
        tp, inside = tp_e[keep], inside_e[keep]
        # per row: matched-and-inside detections before each match, and the
        # true-positive count up to it
        first = np.searchsorted(row, np.arange(n_rows))[row]
        cum_in = np.cumsum(inside) - inside
        cum_tp = np.cumsum(tp)
        if len(row):
            cum_in = cum_in - cum_in[first]
            cum_tp = cum_tp - (cum_tp[first] - tp[first])
        fp_before = before[a, p] - before[a, class_start[k]] - cum_in
        c, fp_before, row = cum_tp[tp], fp_before[tp], row[tp]
        cf = c.astype(np.float64)
        prec_tp = cf / (fp_before.astype(np.float64) + cf + eps)
        n_tp = np.bincount(row, minlength=n_rows)
        # running maximum from the right, per row (rows padded with zeros)
        width = max(int(n_tp.max()), 1)
        table = np.zeros((n_rows, width + 1))
        table[row, c - 1] = prec_tp
        table = np.maximum.accumulate(table[:, ::-1], axis=1)[:, ::-1]
        n_tp = n_tp.reshape(n_a, n_t, n_classes)
        table = table.reshape(n_a, n_t, n_classes, width + 1)
        # precision at the recall thresholds; 0 beyond the reached recall
        idx = np.broadcast_to(np.minimum(need, width) - 1, (*n_tp.shape, n_r))
        q = np.take_along_axis(table, idx, axis=3)  # (A, T, K, R)
        q = np.where(need <= n_tp[..., None], q, 0.0)
        q = np.where(valid[:, None, :, None], q, -1.0)
        rec = n_tp / np.maximum(npig.T, 1)[:, None, :]
        rec = np.where(valid[:, None, :], rec, -1.0)  # (A, T, K)
        precision[..., mi] = q.transpose(1, 3, 2, 0)
        recall[..., mi] = rec.transpose(1, 2, 0)
    return precision, recall


def _summarize(precision, recall, ap, iou_thr=None, area=0, max_det=2):
    """Compute one number as pycocotools' ``COCOeval.summarize._summarize``."""
    if ap:
        s = precision
        if iou_thr is not None:
            s = s[np.where(iou_thr == _IOU_THRS)[0]]
        s = s[:, :, :, area, max_det]
    else:
        s = recall
        if iou_thr is not None:
            s = s[np.where(iou_thr == _IOU_THRS)[0]]
        s = s[:, :, area, max_det]
    valid = s[s > -1]
    return float(np.mean(valid)) if valid.size else -1.0


def coco_evaluate(y_true, y_pred):
    """COCO bounding-box evaluation: AP@[.5:.95] and its 11 companion numbers.

    Computes the 12 summary numbers of pycocotools'
    ``COCOeval(gt, dt, "bbox")`` (``evaluate``, ``accumulate``,
    ``summarize``), equal to its ``stats`` (to floating-point rounding of the
    final means) on the same boxes, with all of COCO's rules: IoU thresholds
    0.5:0.05:0.95, 101 recall points with the precision envelope, at most
    1/10/100 detections per image and class, the small/medium/large area
    ranges (ground truth outside the range is ignored, and so are unmatched
    detections outside it), crowd ground truth (``"iscrowd"``: ignored,
    matchable any number of times, IoU relative to the detection's area),
    and pycocotools' order for tied scores. The evaluation is vectorised over
    images and classes.

    Parameters
    ----------
    y_true : sequence of ndarray of shape (k_i, 4) or of dict
        True boxes per image, ``(x_min, y_min, x_max, y_max)`` in pixels
        (x = column, y = row, continuous coordinates: pycocotools' ``bbox``
        is ``[x_min, y_min, x_max - x_min, y_max - y_min]``), or dicts with
        ``"boxes"``, ``"labels"`` and optionally ``"iscrowd"`` (bool per box)
        and ``"area"`` (per box, used for the area ranges; default the box
        area, as pycocotools' ``area`` field).
    y_pred : sequence of dict or of ndarray
        Detections per image: dicts ``{"boxes", "scores", "labels"}`` as
        returned by a detector's ``predict``, or arrays ``(m_i, 5)`` of
        ``(x_min, y_min, x_max, y_max, score)``. Boxes of zero width or
        height are accepted and overlap nothing, as in pycocotools.

    Returns
    -------
    stats : dict of str to float
        Keys ``"AP"`` (IoU 0.5:0.95), ``"AP50"``, ``"AP75"``, ``"APs"``,
        ``"APm"``, ``"APl"`` (small, medium, large), ``"AR1"``, ``"AR10"``,
        ``"AR100"`` (at most 1, 10, 100 detections per image),
        ``"ARs"``, ``"ARm"``, ``"ARl"``: pycocotools' ``stats[0]`` to
        ``stats[11]``. A number without any ground truth to measure it on is
        -1, as in pycocotools.

    See Also
    --------
    sklvision.metrics.average_precision_score : PASCAL VOC AP at one IoU.

    Notes
    -----
    Images are those of ``y_true`` in their order (pycocotools' sorted image
    ids); classes are the labels found in ``y_true`` and ``y_pred`` (classes
    without ground truth do not count, as in pycocotools). Detections are
    matched greedily by decreasing score, each to the best (highest IoU,
    non-ignored first) ground truth still free. IoUs are computed with
    pycocotools' own arithmetic on ``(x, y, w, h)`` with
    ``w = x_max - x_min``, so the results are identical to pycocotools fed
    with ``bbox = [x_min, y_min, x_max - x_min, y_max - y_min]`` (boxes
    converted the other way round may differ in the last bit, which only
    matters for an IoU exactly at a threshold).

    References
    ----------
    .. [1] T.-Y. Lin et al., "Microsoft COCO: Common Objects in Context",
       ECCV 2014. https://cocodataset.org/#detection-eval

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.metrics import coco_evaluate
    >>> y_true = [np.array([[10, 10, 110, 110]]), np.array([[0, 0, 20, 20]])]
    >>> y_pred = [np.array([[10, 10, 110, 100, 0.9]]),
    ...           np.array([[0, 0, 20, 20, 0.8], [50, 50, 60, 60, 0.7]])]
    >>> stats = coco_evaluate(y_true, y_pred)
    >>> round(stats["AP"], 4), round(stats["APl"], 4), stats["APm"]
    (0.9252, 0.9, -1.0)
    """
    precision, recall = _evaluate(_flatten(*_check_y(y_true, y_pred)))
    p, r = precision, recall
    values = (
        _summarize(p, r, True),
        _summarize(p, r, True, iou_thr=0.5),
        _summarize(p, r, True, iou_thr=0.75),
        _summarize(p, r, True, area=1),
        _summarize(p, r, True, area=2),
        _summarize(p, r, True, area=3),
        _summarize(p, r, False, max_det=0),
        _summarize(p, r, False, max_det=1),
        _summarize(p, r, False, max_det=2),
        _summarize(p, r, False, area=1),
        _summarize(p, r, False, area=2),
        _summarize(p, r, False, area=3),
    )
    return dict(zip(_KEYS, values))


def coco_average_precision_score(y_true, y_pred):
    """COCO AP@[.5:.95]: ``coco_evaluate(y_true, y_pred)["AP"]``.

    The primary COCO metric (pycocotools' ``stats[0]``): average precision
    over the IoU thresholds 0.5, 0.55, ..., 0.95, 101 recall points, at most
    100 detections per image and class, mean over classes. It is the metric
    behind the ``"ap"`` scorer.

    Parameters
    ----------
    y_true : sequence of ndarray of shape (k_i, 4) or of dict
        True boxes per image, ``(x_min, y_min, x_max, y_max)`` in pixels
        (x = column, y = row), or dicts with ``"boxes"``, ``"labels"`` and
        optionally ``"iscrowd"`` and ``"area"``.
    y_pred : sequence of dict or of ndarray
        Detections per image: dicts ``{"boxes", "scores", "labels"}`` or
        arrays ``(m_i, 5)`` of ``(x_min, y_min, x_max, y_max, score)``.

    Returns
    -------
    score : float
        AP in [0, 1]; -1 when ``y_true`` holds no (non-crowd) box, as in
        pycocotools.

    See Also
    --------
    coco_evaluate : All 12 COCO numbers.

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.metrics import coco_average_precision_score
    >>> y_true = [np.array([[0, 0, 100, 100]])]
    >>> y_pred = [np.array([[0, 0, 100, 80, 0.5]])]  # IoU 0.8: 7 of 10 thresholds
    >>> round(coco_average_precision_score(y_true, y_pred), 6)
    0.7
    """
    return coco_evaluate(y_true, y_pred)["AP"]
