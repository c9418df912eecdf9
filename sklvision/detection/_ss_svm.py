"""Selective-search proposals + SVM detector (Uijlings et al., IJCV 2013)."""

import numbers
import time

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.linear_model import Ridge
from sklearn.svm import LinearSVC
from sklearn.utils import check_random_state
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted

from sklvision.base import DetectorMixin
from sklvision.detection._features import BagOfVisualWords, ProposalCrops
from sklvision.detection._nms import non_max_suppression
from sklvision.detection._selective_search import selective_search
from sklvision.metrics._boxes import _pairwise_iou
from sklvision.utils._integer_images import _check_integer_images
from sklvision.utils._parallel import _chunk_indices, _one_blas_thread_if_parallel
from sklvision.utils._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
)
from sklvision.utils._validation import (
    _detections,
    _target_classes,
    validate_images,
    validate_targets,
)
from sklvision.utils._verbose import _log_stage

__all__ = ["SelectiveSearchSVMDetector"]

_BACKGROUND = -1  # estimator label of background proposals


# --------------------------------------------------------------------------
# Per-image work (module level so joblib can ship it to workers)
# --------------------------------------------------------------------------
def _shrink(image, max_side):
    """The image the detector works on, and its scale to the original.

    Integer and bool images other than uint8 become floats in [0, 1] divided
    by the dtype's maximum (what the proposal features do; selective search
    would stretch them to their own range instead, so a uint16 picture got
    other proposals than the same picture in uint8 or as floats). uint8 stays
    uint8 (both divide it by 255) unless shrunk. Images whose longer side
    exceeds ``max_side`` are shrunk, from float64 values so that uint8 and its
    float64 / 255 form give the same pixels. Returns ``(image, scale)``:
    ``scale`` is 1.0, or the per-axis factors ``[sx, sy, sx, sy]``
    (small / original; the two sides are rounded separately) by which boxes
    are multiplied into the small image.
    """
    dtype = image.dtype
    if dtype.kind == "b":
        image = image.astype(np.float64)
    elif dtype.kind in "iu" and dtype != np.uint8:
        image = image / float(np.iinfo(dtype).max)
    h, w = image.shape[:2]
    if max_side is None or max(h, w) <= max_side:
        return image, 1.0
    from skimage.transform import resize

    factor = max_side / max(h, w)
    shape = (max(1, round(h * factor)), max(1, round(w * factor)))
    if image.dtype == np.uint8:
        image = image / 255.0
    small = resize(image, shape, order=1, anti_aliasing=True, preserve_range=True)
    scale = np.array([shape[1] / w, shape[0] / h] * 2)
    return small.astype(np.float32, copy=False), scale


def _proposals(small, params, seed):
    # One job per image unless proposal_params asks otherwise: the detector
    # parallelises over images.
    params = {"n_jobs": 1, **params}
    boxes = selective_search(small, random_state=seed, max_side=None, **params)
    if len(boxes) == 0:
        h, w = small.shape[:2]
        boxes = np.array([[0.0, 0.0, w, h]])
    return boxes


def _flip_boxes(boxes, width):
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    return np.c_[width - boxes[:, 2], boxes[:, 1], width - boxes[:, 0], boxes[:, 3]]


def _extract_chunk(images, feature, params, max_side, seed, flip):
    """Proposals and dense features of training images (before fitting)."""
    out = []
    for image in images:
        small, scale = _shrink(image, max_side)
        boxes = _proposals(small, params, seed)
        extracted = [feature.extract(small)]
        if flip:
            extracted.append(feature.extract(small[:, ::-1]))
        out.append((scale, small.shape[:2], boxes, extracted))
    return out


def _describe_chunk(feature, views, keep_prepared):
    """Prepare training views and describe the given boxes of each.

    ``views`` holds ``(extracted, box_sets)`` pairs (output of the feature's
    ``extract``, then box arrays or None). Returns per view the features of
    each box set (None for None) and, if ``keep_prepared``, the prepared view
    for the hard-negative mining (else None).
    """
    out = []
    for extracted, box_sets in views:
        prepared = feature.prepare(extracted)
        feats = [None if b is None else feature.describe(prepared, b) for b in box_sets]
        out.append((feats, prepared if keep_prepared else None))
    return out


def _mine_chunk(feature, estimator, n_classes, margin, max_new, views):
    """Hard negatives of training views.

    ``views`` holds ``(prepared, boxes)`` pairs. Returns per view the indices
    (into ``boxes``) of at most ``max_new`` boxes scoring above ``margin``
    for some class, highest first, and their features.
    """
    out = []
    for prepared, boxes in views:
        feats = feature.describe(prepared, boxes)
        top = _foreground_scores(estimator, feats, n_classes).max(axis=1)
        order = np.argsort(-top, kind="stable")
        order = order[top[order] > margin][:max_new]
        out.append((order, feats[order]))
    return out


def _foreground_scores(estimator, features, n_classes):
    """Scores of every foreground class, shape (n_samples, n_classes).

    Column ``c`` is class index ``c``; a class the estimator never saw
    (possible with a user-supplied estimator) scores ``-inf``, i.e. is never
    detected.
    """
    out = np.full((len(features), n_classes), -np.inf)
    if len(features) == 0:
        return out
    classes = estimator.classes_
    fg = classes != _BACKGROUND
    if hasattr(estimator, "decision_function"):
        d = np.asarray(estimator.decision_function(features), dtype=np.float64)
        if d.ndim == 1:  # binary: the positive column is classes_[1]
            d = np.c_[-d, d]
    else:
        d = np.asarray(estimator.predict_proba(features), dtype=np.float64)
    out[:, classes[fg].astype(np.intp)] = d[:, fg]
    return out


def _regress(boxes, deltas):
    """Apply R-CNN box deltas (dx, dy, log dw, log dh) to boxes."""
    w = boxes[:, 2] - boxes[:, 0]
    h = boxes[:, 3] - boxes[:, 1]
    cx = boxes[:, 0] + w / 2 + deltas[:, 0] * w
    cy = boxes[:, 1] + h / 2 + deltas[:, 1] * h
    nw = w * np.exp(np.clip(deltas[:, 2], -1.0, 1.0))
    nh = h * np.exp(np.clip(deltas[:, 3], -1.0, 1.0))
    return np.c_[cx - nw / 2, cy - nh / 2, cx + nw / 2, cy + nh / 2]


def _box_deltas(proposals, targets):
    pw = proposals[:, 2] - proposals[:, 0]
    ph = proposals[:, 3] - proposals[:, 1]
    tw = targets[:, 2] - targets[:, 0]
    th = targets[:, 3] - targets[:, 1]
    return np.c_[
        (targets[:, 0] + tw / 2 - proposals[:, 0] - pw / 2) / pw,
        (targets[:, 1] + th / 2 - proposals[:, 1] - ph / 2) / ph,
        np.log(tw / pw),
        np.log(th / ph),
    ]


def _box_voting(kept, boxes, scores, iou, sharpness):
    """Replace each kept box by the weighted mean of the boxes overlapping it.

    Box voting (Gidaris and Komodakis, ICCV 2015): the weights of the boxes
    with IoU >= ``iou`` are ``exp(sharpness * score)``, shifted per kept box
    by the largest voter score so that they never all underflow (every kept
    box votes for itself, IoU 1). The boxes come from the detector, already
    clipped and non-degenerate, so the IoU skips ``box_iou``'s validation.
    """
    kept = np.asarray(kept, dtype=np.float64)
    boxes = np.asarray(boxes, dtype=np.float64)
    votes = _pairwise_iou(kept, boxes) >= iou
    s = np.where(votes, sharpness * np.asarray(scores, dtype=np.float64), -np.inf)
    weights = np.exp(s - s.max(axis=1, keepdims=True))
    return (weights @ boxes) / weights.sum(axis=1, keepdims=True)


def _detect_chunk(images, model):
    """Detections of a chunk of images with a fitted model (a dict)."""
    out = []
    feature, estimator = model["feature"], model["estimator"]
    regressor, classes = model["regressor"], model["classes"]
    for image in images:
        small, scale = _shrink(image, model["max_side"])
        boxes = _proposals(small, model["proposal_params"], model["seed"])
        features = feature.describe(feature.prepare(feature.extract(small)), boxes)
        scores = _foreground_scores(estimator, features, len(classes))
        if regressor is not None:
            boxes = _regress(boxes, regressor.predict(features))
        h, w = small.shape[:2]
        boxes = np.clip(boxes, 0, [w, h, w, h])
        valid = (boxes[:, 2] - boxes[:, 0] > 1e-6) & (boxes[:, 3] - boxes[:, 1] > 1e-6)
        all_boxes, all_scores, all_labels = [], [], []
        for c in range(len(classes)):
            s = scores[:, c]
            keep = valid & np.isfinite(s)
            if model["score_threshold"] is not None:
                keep &= s >= model["score_threshold"]
            idx = np.flatnonzero(keep)
            if idx.size == 0:
                continue
            kept = idx[non_max_suppression(boxes[idx], s[idx], model["nms_iou"])]
            kept_boxes = boxes[kept]
            if model["box_voting_iou"] is not None:
                kept_boxes = _box_voting(
                    kept_boxes,
                    boxes[idx],
                    s[idx],
                    model["box_voting_iou"],
                    model["box_voting_sharpness"],
                )
            all_boxes.append(kept_boxes)
            all_scores.append(s[kept])
            all_labels.append(np.full(len(kept), c))
        if all_boxes:
            b = np.concatenate(all_boxes) / scale
            s = np.concatenate(all_scores)
            lab = classes[np.concatenate(all_labels)]
            order = np.argsort(-s, kind="stable")[: model["max_detections"]]
            b, s, lab = b[order], s[order], lab[order]
            H, W = image.shape[:2]
            b = np.clip(b, 0, [W, H, W, H])
        else:
            b, s, lab = np.zeros((0, 4)), np.zeros(0), classes[:0]
        out.append((b, s, lab))
    return out


def _chunks(n, n_jobs, verbose=0):
    """Chunks of image indices: 4 per effective job (``n_jobs=None`` follows
    :func:`joblib.parallel_config`), at least 10 when ``verbose >= 2`` so that
    joblib reports progress over the images.
    """
    return _chunk_indices(n, n_jobs, progress=verbose >= 2)


def _seed_params(estimator, rng):
    """Give every unset ``random_state`` of ``estimator`` a seed from ``rng``."""
    params = estimator.get_params()
    seeds = {
        key: rng.randint(np.iinfo(np.int32).max)
        for key in sorted(params)
        if (key == "random_state" or key.endswith("__random_state"))
        and params[key] is None
    }
    if seeds:
        estimator.set_params(**seeds)
    return estimator


class SelectiveSearchSVMDetector(DetectorMixin, BaseEstimator):
    """Object detector: selective-search proposals described and scored by a
    linear SVM, trained with hard-negative mining.

    The classic recipe of Uijlings et al. (2013), the one R-CNN started from:

    1. every image is shrunk so its longer side is at most ``max_side`` and
       :func:`~sklvision.detection.selective_search` proposes boxes;
    2. each proposal is described by ``feature`` (default: a bag of dense
       DAISY visual words with a 1x1 + 2x2 + 3x3 spatial pyramid over the
       box, one more histogram of the box enlarged by half its size on every
       side, and the Hellinger kernel map, :class:`BagOfVisualWords`);
    3. training: the ground-truth boxes and proposals overlapping one by at
       least ``positive_iou`` are positives (labelled with the box's class),
       proposals overlapping a ground truth by ``negative_iou[0]`` to
       ``negative_iou[1]`` are the first negatives (label "background"); one
       classifier (``estimator``) is trained over the classes plus
       background, then ``n_hard_negative_rounds`` times the highest-scoring
       background proposals (IoU below ``negative_iou[1]``) it gets wrong or
       inside the margin are added and it is retrained;
    4. prediction: all proposals are scored per class, optionally moved by a
       ridge box regressor (as R-CNN), and kept after non-maximum
       suppression; box voting then replaces each kept box by the
       score-weighted mean of the proposals it overlaps.

    Parameters
    ----------
    proposal_mode : {"single", "fast", "quality"}, default="fast"
        Diversification mode of :func:`~sklvision.detection.selective_search`.
    max_side : int or None, default=256
        Images are shrunk (never enlarged) so their longer side is at most
        this before proposals and features; boxes are returned in the
        coordinates of the input image. None works at full size (slow).
    max_proposals : int or None, default=None
        Keep only the best-ranked proposals of each image.
    proposal_params : dict or None, default=None
        Further keyword arguments of
        :func:`~sklvision.detection.selective_search` (``ks``, ``sigma``,
        ``color_spaces``, ``strategies``, ``min_size``).
    feature : object or None, default=None
        How a proposal is described. Either an object with the proposal
        protocol of :class:`BagOfVisualWords` (``extract``,
        ``fit_extracted``, ``prepare``, ``describe``) or any image
        transformer, which is wrapped in :class:`ProposalCrops` (crops
        resized to 64x64). None means ``BagOfVisualWords()``.
    estimator : classifier or None, default=None
        Classifier of the proposal features (with ``decision_function`` or
        ``predict_proba``). None means ``LinearSVC(C=0.01)`` (strong
        regularisation; see Notes for how it compared).
    positive_iou : float, default=0.7
        Proposals overlapping a ground-truth box by at least this IoU are
        extra positives (the ground-truth boxes always are).
    negative_iou : tuple of (float, float), default=(0.2, 0.5)
        Proposals whose best IoU with the ground truth is in this range are
        the initial negatives; hard negatives are mined among all proposals
        below the upper bound.
    n_hard_negative_rounds : int, default=1
        Rounds of hard-negative mining (retraining each time). One round is
        cheap (5 s of a 41 s fit in ``sklvision demo`` on 2 cores) and
        matters when training images have no object (their first negatives
        are random); see Notes for what 0 and 2 rounds gave.
    hard_negatives_per_image : int, default=50
        At most this many new hard negatives per image and round (the
        highest scoring ones).
    flip_augment : bool, default=True
        Also train on the left-right mirrored images.
    box_regression : bool, default=False
        Fit a ridge regressor from the features of proposals with IoU >= 0.6
        to the offsets of their ground-truth box (R-CNN's bounding-box
        regression, class-agnostic) and apply it at prediction.
    regression_alpha : float, default=10.0
        Ridge penalty of the box regressor.
    nms_iou : float, default=0.2
        IoU above which a lower-scoring detection of the same class is
        suppressed.
    box_voting_iou : float or None, default=0.3
        Box voting (Gidaris and Komodakis, 2015): after non-maximum
        suppression every detection's box is replaced by the weighted mean of
        the boxes of its class (before suppression) that overlap it by at
        least this IoU, itself included; its score is unchanged. Many
        overlapping proposals that all score well agree on the object's
        extent better than the single best one does. None keeps the boxes as
        they are.
    box_voting_sharpness : float, default=4.0
        Voting weights are ``exp(box_voting_sharpness * score)``: 0 gives a
        plain mean, larger values trust the higher-scoring boxes more. The
        scale is that of the classifier's ``decision_function`` (or
        ``predict_proba``) values, so retune it with another ``estimator``.
    score_threshold : float or None, default=None
        Detections scoring below this are dropped (None keeps all, best for
        average precision).
    max_detections : int, default=100
        Detections kept per image after NMS.
    random_state : int, RandomState instance or None, default=None
        Seeds the proposals' tie-breaking, the vocabulary and the
        classifier (unset ``random_state`` parameters of ``feature`` and
        ``estimator`` are seeded from it).
    n_jobs : int or None, default=None
        Parallel jobs over images (one task = a chunk of images): proposals,
        descriptors and the hard-negative mining's scoring in ``fit``,
        detection in ``predict``. ``None`` means 1 unless in a
        :func:`joblib.parallel_config` context; ``-1`` means all processors.
        The fitted model and the detections do not depend on it.
    verbose : int, default=0
        Progress messages: 1 prints each stage of ``fit`` (proposals and
        descriptors, vocabulary, training, every mining round) and
        ``predict`` with elapsed times; 2 and more also reports progress
        over the images (joblib's messages, images in 10 or more chunks).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Object classes (labels of the targets; 0 for box-array targets).
    feature_ : object
        The fitted proposal feature.
    estimator_ : classifier
        The fitted classifier (background label -1).
    regressor_ : Ridge or None
        The fitted box regressor.
    n_positives_ : int
        Positive training samples (including flips).
    n_negatives_ : list of int
        Negative training samples after the initial training and each
        mining round.
    n_features_in_ : int
        Not set: images of any size are accepted.

    See Also
    --------
    sklvision.detection.selective_search : The proposals.
    BagOfVisualWords : The default proposal features.

    Notes
    -----
    **dtypes.** Images of any numeric dtype but signed integers are read as
    floats in [0, 1] (unsigned integers divided by their dtype's maximum).
    The proposal features are float32 for every input dtype, so float32
    images are never promoted to float64 on the image side (selective search
    segments in float64; liblinear, behind ``LinearSVC``, works in float64
    whatever it is given).

    **How the defaults were chosen.** By cross-validation on the 160 raccoon
    training images only (``benchmarks/bench_detection_cv.py``: full-size
    images, 5 shuffled folds, the held-out detections of all folds pooled
    into one AP50, ``random_state=0``); the test split was not used to
    choose. Each row changes one thing from the defaults:

    ==========================================================  =====  ========
    setting                                                     AP50   mean IoU
    ==========================================================  =====  ========
    **defaults**                                                0.794  0.715
    previous defaults (pyramid on the box enlarged by 20 %,     0.517  0.635
    no surround, NMS 0.3, no box voting)
    no box voting                                               0.634  0.638
    NMS 0.3 (box voting 0.3)                                    0.755  0.741
    box voting sharpness 8                                      0.765  0.744
    no surround block                                           0.782  0.714
    pyramid 1x1 + 2x2 (no 3x3)                                  0.770  0.716
    512 words                                                   0.771  0.720
    ``C=0.03``                                                  0.783  0.736
    0 hard-negative rounds                                      0.785  0.713
    2 hard-negative rounds                                      0.795  0.715
    no flipped training images                                  0.777  0.700
    box regression (ridge, alpha 10)                            0.792  0.718
    ==========================================================  =====  ========

    Box voting and the descriptor's separate surround block made the
    difference (the previous defaults had been picked from single runs on the
    test split); the other choices are within about 0.02, the spread between
    random seeds of one setting, and were kept for speed (256 words, one
    mining round) or robustness (``C=0.01``). Gray DAISY was kept (opponent
    colour costs 3x the descriptor time) and images are shrunk to 256 px
    (raccoon-sized objects need no more pixels, while proposals and
    descriptors cost time in the pixel count).

    On the raccoon test split (``benchmarks/bench_detection.py``, full-size
    images, ``n_jobs=2``) the defaults reach AP50 0.78 and mean IoU 0.70
    with a 41-42 s fit, against AP50 0.44 for dlib's HOG + structural SVM
    (C=5, 70 s); the previous defaults reached 0.55 there. Most of the fit
    is selective search and the dense descriptors.

    References
    ----------
    .. [1] J. R. R. Uijlings, K. E. A. van de Sande, T. Gevers and A. W. M.
       Smeulders, "Selective Search for Object Recognition", IJCV 104, 2013.
    .. [2] R. Girshick, J. Donahue, T. Darrell and J. Malik, "Rich feature
       hierarchies for accurate object detection and semantic segmentation",
       CVPR 2014 (box regression, hard-negative mining).
    .. [3] S. Gidaris and N. Komodakis, "Object detection via a multi-region
       & semantic segmentation-aware CNN model", ICCV 2015 (box voting).

    Examples
    --------
    >>> from sklvision.datasets import make_shapes_scene
    >>> from sklvision.detection import BagOfVisualWords, SelectiveSearchSVMDetector
    >>> scenes = dict(scene_size=128, image_size=40, shapes=["H"],
    ...               colors=[[1, 0.2, 0.2]], box="tight")
    >>> X, y = make_shapes_scene(8, random_state=0, **scenes)
    >>> X_test, y_test = make_shapes_scene(4, random_state=1, **scenes)
    >>> det = SelectiveSearchSVMDetector(
    ...     proposal_mode="single", feature=BagOfVisualWords(32, step=4, radius=8),
    ...     n_hard_negative_rounds=1, random_state=0).fit(X, y)
    >>> pred = det.predict(X_test[:1])
    >>> sorted(pred[0])
    ['boxes', 'labels', 'scores']
    >>> det.score(X_test, y_test) >= 0.9  # AP at IoU 0.5 on held-out scenes
    True
    """

    _parameter_constraints: dict = {
        "proposal_mode": [StrOptions({"single", "fast", "quality"})],
        "max_side": [Interval(numbers.Integral, 16, None, closed="left"), None],
        "max_proposals": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "proposal_params": [dict, None],
        "feature": [HasMethods(["fit", "transform"]), None],
        "estimator": [HasMethods(["fit"]), None],
        "positive_iou": [Interval(numbers.Real, 0, 1, closed="right")],
        "negative_iou": [tuple, list],
        "n_hard_negative_rounds": [Interval(numbers.Integral, 0, None, closed="left")],
        "hard_negatives_per_image": [
            Interval(numbers.Integral, 1, None, closed="left")
        ],
        "flip_augment": ["boolean"],
        "box_regression": ["boolean"],
        "regression_alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "nms_iou": [Interval(numbers.Real, 0, 1, closed="both")],
        "box_voting_iou": [Interval(numbers.Real, 0, 1, closed="right"), None],
        "box_voting_sharpness": [Interval(numbers.Real, 0, None, closed="left")],
        "score_threshold": [numbers.Real, None],
        "max_detections": [Interval(numbers.Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "n_jobs": [numbers.Integral, None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        proposal_mode="fast",
        max_side=256,
        max_proposals=None,
        proposal_params=None,
        feature=None,
        estimator=None,
        positive_iou=0.7,
        negative_iou=(0.2, 0.5),
        n_hard_negative_rounds=1,
        hard_negatives_per_image=50,
        flip_augment=True,
        box_regression=False,
        regression_alpha=10.0,
        nms_iou=0.2,
        box_voting_iou=0.3,
        box_voting_sharpness=4.0,
        score_threshold=None,
        max_detections=100,
        random_state=None,
        n_jobs=None,
        verbose=0,
    ):
        self.proposal_mode = proposal_mode
        self.max_side = max_side
        self.max_proposals = max_proposals
        self.proposal_params = proposal_params
        self.feature = feature
        self.estimator = estimator
        self.positive_iou = positive_iou
        self.negative_iou = negative_iou
        self.n_hard_negative_rounds = n_hard_negative_rounds
        self.hard_negatives_per_image = hard_negatives_per_image
        self.flip_augment = flip_augment
        self.box_regression = box_regression
        self.regression_alpha = regression_alpha
        self.nms_iou = nms_iou
        self.box_voting_iou = box_voting_iou
        self.box_voting_sharpness = box_voting_sharpness
        self.score_threshold = score_threshold
        self.max_detections = max_detections
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    # ------------------------------------------------------------------
    def _log(self, msg, t0):
        _log_stage(self, msg, t0)

    def _proposal_params(self):
        params = dict(self.proposal_params or {})
        own = {
            "random_state": "random_state",
            "max_side": "max_side",
            "image": "max_side",
            "mode": "proposal_mode",
            "max_proposals": "max_proposals",
        }
        for key, param in own.items():
            if key in params:
                raise ValueError(
                    f"proposal_params may not set {key!r}; use the detector's "
                    f"{param!r} parameter instead."
                )
        params["mode"] = self.proposal_mode
        params["max_proposals"] = self.max_proposals
        return params

    def _check_negative_iou(self):
        lo_hi = tuple(self.negative_iou)
        if (
            len(lo_hi) != 2
            or not all(isinstance(v, numbers.Real) for v in lo_hi)
            or not 0 <= lo_hi[0] < lo_hi[1] <= 1
        ):
            raise ValueError(
                "negative_iou must be a pair (low, high) with 0 <= low < high <= "
                f"1, got {self.negative_iou!r}."
            )
        if lo_hi[1] > self.positive_iou:
            raise ValueError(
                f"negative_iou's upper bound {lo_hi[1]} must not exceed "
                f"positive_iou={self.positive_iou}."
            )
        return float(lo_hi[0]), float(lo_hi[1])

    def _make_feature(self):
        if self.feature is None:
            return BagOfVisualWords()
        if all(
            hasattr(self.feature, m)
            for m in ("extract", "fit_extracted", "prepare", "describe")
        ):
            return clone(self.feature)
        return ProposalCrops(clone(self.feature))

    # ------------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Train the detector.

        Parameters
        ----------
        X : ndarray of shape (n_samples, height, width[, channels]) or list \
                of ndarray
            Training images, gray or RGB, channels last, any sizes. Integer
            images are read as divided by their dtype's maximum (uint8: 255,
            uint16: 65535), as by the other detectors; signed integer images
            are refused.
        y : list of ndarray of shape (k_i, 4) or list of dict
            Ground-truth boxes ``(x_min, y_min, x_max, y_max)`` in pixels
            (x = column) per image, or dicts with ``"boxes"`` and
            ``"labels"`` for several classes. Images without objects have
            ``(0, 4)`` boxes.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        t0 = time.perf_counter()
        images = validate_images(X, allow_flat=False)
        _check_integer_images(images, self)
        targets = validate_targets(
            y, n_images=len(images), image_shapes=[im.shape[:2] for im in images]
        )
        neg_lo, neg_hi = self._check_negative_iou()
        rng = check_random_state(self.random_state)
        params = self._proposal_params()
        self._proposal_seed = int(rng.randint(np.iinfo(np.int32).max))
        feature = _seed_params(self._make_feature(), rng)
        estimator = clone(
            LinearSVC(C=0.01) if self.estimator is None else self.estimator
        )
        estimator = _seed_params(estimator, rng)

        classes = _target_classes(targets)
        if not len(classes):
            raise ValueError(
                "The targets hold no box at all; the detector needs at least one "
                "ground-truth object to learn from."
            )
        self.classes_ = classes

        # 1. proposals and dense features, in parallel over images
        n = len(images)
        progress = self.verbose >= 2
        with _one_blas_thread_if_parallel(self.n_jobs):
            parts = Parallel(n_jobs=self.n_jobs, verbose=11 if progress else 0)(
                delayed(_extract_chunk)(
                    [images[i] for i in c],
                    feature,
                    params,
                    self.max_side,
                    self._proposal_seed,
                    self.flip_augment,
                )
                for c in _chunks(n, self.n_jobs, self.verbose)
            )
        per_image = [item for part in parts for item in part]
        del parts
        self._log(f"proposals and descriptors of {n} images", t0)

        # 2. vocabulary (or whatever the feature learns)
        feature.fit_extracted([e for item in per_image for e in item[3]])
        self._log("feature fitted", t0)

        # 3. training views: (extracted, proposals, gt boxes, gt class index)
        views = []
        for (scale, (h, w), boxes, extracted), target in zip(per_image, targets):
            gt = np.asarray(target["boxes"], dtype=np.float64) * scale
            gt = np.clip(gt, 0, [w, h, w, h])
            ok = (gt[:, 2] > gt[:, 0]) & (gt[:, 3] > gt[:, 1])
            gt_cls = np.searchsorted(self.classes_, target["labels"])[ok]
            gt = gt[ok]
            for k, ext in enumerate(extracted):
                if k == 1:  # mirrored view
                    views.append(
                        (ext, _flip_boxes(boxes, w), _flip_boxes(gt, w), gt_cls)
                    )
                else:
                    views.append((ext, boxes, gt, gt_cls))
        del per_image

        # 4. initial training set. The boxes to describe are chosen here, view
        # by view (the random negatives are drawn from rng in view order, as
        # in a serial loop); the workers prepare each view and describe them.
        requests, pos_y, pools, reg_t = [], [], [], []
        for _, boxes, gt, gt_cls in views:
            if len(gt):
                # valid float64 boxes (gt clipped and filtered above)
                overlap = _pairwise_iou(boxes, gt)
                best, arg = overlap.max(axis=1), overlap.argmax(axis=1)
            else:
                best, arg = np.zeros(len(boxes)), np.zeros(len(boxes), dtype=int)
            extra = best >= self.positive_iou
            pos_boxes = np.r_[gt, boxes[extra]]
            if len(pos_boxes):
                pos_y.append(np.r_[gt_cls, gt_cls[arg[extra]]])
            initial = (best >= neg_lo) & (best < neg_hi)
            if not initial.any():
                # No proposal in the IoU range (e.g. an image without objects):
                # start from a few random background proposals instead.
                below = np.flatnonzero(best < neg_hi)
                picked = rng.permutation(below)[: self.hard_negatives_per_image]
                initial[picked] = True
            pools.append(np.flatnonzero((best < neg_hi) & ~initial))
            reg_boxes = None
            if self.box_regression and len(gt):
                close = best >= 0.6
                if close.any():
                    reg_boxes = boxes[close]
                    reg_t.append(_box_deltas(reg_boxes, gt[arg[close]]))
            requests.append(
                (
                    pos_boxes if len(pos_boxes) else None,
                    boxes[initial] if initial.any() else None,
                    reg_boxes,
                )
            )
        # Threads: the work is numpy, BLAS and OpenMP code that releases the
        # GIL, and processes would pickle the descriptors in and the feature
        # rows (and prepared views) out, about 1 GB on the raccoon demo, which
        # cost more than the parallelism gained there. A parallel_config
        # backend still takes precedence (prefer is only a hint).
        mine = self.n_hard_negative_rounds > 0
        parallel = Parallel(
            n_jobs=self.n_jobs, verbose=11 if progress else 0, prefer="threads"
        )
        with _one_blas_thread_if_parallel(self.n_jobs):
            parts = parallel(
                delayed(_describe_chunk)(
                    feature, [(views[i][0], requests[i]) for i in c], mine
                )
                for c in _chunks(len(views), self.n_jobs, self.verbose)
            )
        described = [d for part in parts for d in part]
        del parts, requests
        # The mining needs the prepared views. They are kept (as the serial
        # loop did) rather than prepared again in every round: preparing cost
        # more than describing and scoring a view's candidates (27 vs 17 ms
        # per view on the demo) and made a mining round 1.3 s slower on 2
        # cores (6 s serially); not keeping them lowered the peak memory of
        # the demo's fit from 4.1 to 3.6 GB.
        views = [(d[1], v[1]) for d, v in zip(described, views)] if mine else None
        pos_X = [d[0][0] for d in described if d[0][0] is not None]
        neg_X = [d[0][1] for d in described if d[0][1] is not None]
        reg_X = [d[0][2] for d in described if d[0][2] is not None]
        del described
        if not neg_X:
            raise ValueError(
                "No background proposal was found in the training images (every "
                "proposal overlaps an object by at least "
                f"negative_iou[1]={neg_hi}); give images with background."
            )
        pos_X, pos_y = np.concatenate(pos_X), np.concatenate(pos_y)
        neg_X = np.concatenate(neg_X)
        self.n_positives_ = len(pos_X)

        def train(neg_X):
            X_train = np.concatenate([pos_X, neg_X])
            y_train = np.r_[pos_y, np.full(len(neg_X), _BACKGROUND)]
            estimator.fit(X_train, y_train.astype(np.int64))

        train(neg_X)
        self.n_negatives_ = [len(neg_X)]
        self._log(f"trained on {len(pos_X)} positives, {len(neg_X)} negatives", t0)

        # 5. hard-negative mining: the workers score the remaining background
        # proposals of their views and return the highest-scoring ones.
        margin = -1.0 if hasattr(estimator, "decision_function") else 0.5
        for r in range(self.n_hard_negative_rounds):
            todo = np.array([v for v, pool in enumerate(pools) if pool.size], int)
            with _one_blas_thread_if_parallel(self.n_jobs):
                parts = parallel(
                    delayed(_mine_chunk)(
                        feature,
                        estimator,
                        len(self.classes_),
                        margin,
                        self.hard_negatives_per_image,
                        [(views[i][0], views[i][1][pools[i]]) for i in todo[c]],
                    )
                    for c in _chunks(len(todo), self.n_jobs, self.verbose)
                )
            hard = []
            for v, (order, feats) in zip(todo, (m for part in parts for m in part)):
                if order.size:
                    hard.append(feats)
                    pools[v] = np.delete(pools[v], order)
            del parts
            if r == self.n_hard_negative_rounds - 1:
                views = None  # not needed by the last training
            if not hard:
                self._log(f"mining round {r + 1}: no hard negatives left", t0)
                break
            neg_X = np.concatenate([neg_X, *hard])
            train(neg_X)
            self.n_negatives_.append(len(neg_X))
            self._log(
                f"mining round {r + 1}/{self.n_hard_negative_rounds}: "
                f"{sum(len(h) for h in hard)} hard negatives, {len(neg_X)} in all",
                t0,
            )
        del views

        # 6. box regression
        self.regressor_ = None
        if self.box_regression and reg_X:
            self.regressor_ = Ridge(alpha=self.regression_alpha).fit(
                np.concatenate(reg_X), np.concatenate(reg_t)
            )
        self.feature_ = feature
        self.estimator_ = estimator
        return self

    def _model(self):
        return {
            "feature": self.feature_,
            "estimator": self.estimator_,
            "regressor": self.regressor_,
            "classes": self.classes_,
            "max_side": self.max_side,
            "proposal_params": self._proposal_params(),
            "seed": self._proposal_seed,
            "score_threshold": self.score_threshold,
            "nms_iou": self.nms_iou,
            "box_voting_iou": self.box_voting_iou,
            "box_voting_sharpness": self.box_voting_sharpness,
            "max_detections": self.max_detections,
        }

    def predict(self, X):
        """Detect objects.

        Parameters
        ----------
        X : ndarray of shape (n_samples, height, width[, channels]) or list \
                of ndarray
            Images, gray or RGB, channels last, any sizes.

        Returns
        -------
        detections : ndarray of object of shape (n_samples,)
            One dict per image with ``"boxes"`` (m, 4) ``(x_min, y_min, x_max,
            y_max)`` in pixels of that image, ``"scores"`` (m,) classifier
            scores (higher is more confident) and ``"labels"`` (m,) from
            ``classes_``, sorted by decreasing score.
        """
        check_is_fitted(self)
        t0 = time.perf_counter()
        images = validate_images(X, allow_flat=False)
        _check_integer_images(images, self)
        model = self._model()
        with _one_blas_thread_if_parallel(self.n_jobs):
            parts = Parallel(
                n_jobs=self.n_jobs, verbose=11 if self.verbose >= 2 else 0
            )(
                delayed(_detect_chunk)([images[i] for i in c], model)
                for c in _chunks(len(images), self.n_jobs, self.verbose)
            )
        results = [r for part in parts for r in part]
        self._log(f"detected objects in {len(images)} images", t0)
        return _detections(
            [r[0] for r in results], [r[1] for r in results], [r[2] for r in results]
        )
