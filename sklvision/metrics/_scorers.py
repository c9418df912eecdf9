"""Ready-made scorers for model selection of detectors.

``mean_iou_scorer``, ``ap50_scorer`` and ``ap_scorer`` are
:func:`sklearn.metrics.make_scorer` objects built on
:func:`~sklvision.metrics.mean_iou_score`,
:func:`~sklvision.metrics.average_precision_score` (PASCAL VOC AP at IoU 0.5)
and :func:`~sklvision.metrics.coco_average_precision_score` (COCO
AP@[.5:.95]). They call the detector's ``predict`` (whose ``scores`` rank the
detections) and can be passed as ``scoring=`` to ``GridSearchCV``,
``cross_validate``, ... either as objects or by name through
:func:`get_scorer`.
"""

import copy

from sklearn.metrics import get_scorer as _sklearn_get_scorer
from sklearn.metrics import make_scorer

from sklvision.metrics._coco import coco_average_precision_score
from sklvision.metrics._detection import average_precision_score, mean_iou_score

mean_iou_scorer = make_scorer(mean_iou_score)
ap50_scorer = make_scorer(average_precision_score)
ap_scorer = make_scorer(coco_average_precision_score)

_CALL = """

Call it as ``scorer(estimator, X, y)``: ``estimator.predict(X)`` against the
true boxes ``y`` (a list with one ``(k_i, 4)`` array or dict per image;
boxes ``(x_min, y_min, x_max, y_max)`` in pixels, x = column). Pass it (or
its name, through :func:`get_scorer`) as ``scoring=`` to ``GridSearchCV``,
``cross_validate``, ...
"""
# (the API reference documents these objects: give them docstrings)
mean_iou_scorer.__doc__ = (
    "Scorer of :func:`~sklvision.metrics.mean_iou_score`, in [0, 1]."
    + _CALL
    + "``sample_weight=`` (image weights) is passed on to the metric.\n"
)
ap50_scorer.__doc__ = (
    "Scorer of :func:`~sklvision.metrics.average_precision_score`: PASCAL VOC "
    "AP at IoU 0.5 (mean over classes), in [0, 1]."
    + _CALL
    + "AP ranks the detections of all images together: it takes no\n"
    "``sample_weight``.\n"
)
ap_scorer.__doc__ = (
    "Scorer of :func:`~sklvision.metrics.coco_average_precision_score`: COCO "
    "AP@[.5:.95], in [0, 1], or -1 on data without ground-truth boxes."
    + _CALL
    + "AP ranks the detections of all images together: it takes no\n"
    "``sample_weight``.\n"
)

_SCORERS = {
    "ap": ap_scorer,
    "ap50": ap50_scorer,
    "mean_iou": mean_iou_scorer,
}


def get_scorer_names():
    """Names of the detection scorers :func:`get_scorer` resolves.

    Returns
    -------
    names : list of str
        ``["ap", "ap50", "mean_iou"]``. Other names are looked up in
        scikit-learn (:func:`sklearn.metrics.get_scorer_names`).

    Examples
    --------
    >>> from sklvision.metrics import get_scorer_names
    >>> get_scorer_names()
    ['ap', 'ap50', 'mean_iou']
    """
    return sorted(_SCORERS)


def get_scorer(scoring):
    """Get a scorer from its name, for detectors and everything else.

    Detection scorers (higher is better, in [0, 1] but for the "ap" case
    below):

    - ``"mean_iou"``: :func:`~sklvision.metrics.mean_iou_score`
      (``mean_iou_scorer``);
    - ``"ap50"``: PASCAL VOC all-point AP at IoU 0.5, mean over classes,
      :func:`~sklvision.metrics.average_precision_score` (``ap50_scorer``;
      also what a detector's ``score`` returns);
    - ``"ap"``: COCO AP averaged over IoU 0.5:0.05:0.95,
      :func:`~sklvision.metrics.coco_average_precision_score` (``ap_scorer``;
      -1 when a split holds no ground-truth box, as in pycocotools).

    Any other string, a callable or None is handed to
    :func:`sklearn.metrics.get_scorer`.

    Parameters
    ----------
    scoring : str, callable or None
        Scorer name, or an object returned unchanged by scikit-learn.

    Returns
    -------
    scorer : callable
        A copy of the scorer, ``scorer(estimator, X, y)``.

    Raises
    ------
    ValueError
        For a name that neither sklvision nor scikit-learn knows; the message
        lists the detection scorer names.

    See Also
    --------
    get_scorer_names : The detection scorer names.
    sklearn.metrics.make_scorer : Build a scorer from a metric.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.base import BaseEstimator
    >>> from sklvision.base import DetectorMixin
    >>> from sklvision.metrics import get_scorer
    >>> from sklvision.utils import make_detections
    >>> class WholeImage(DetectorMixin, BaseEstimator):
    ...     def fit(self, X, y):
    ...         return self
    ...     def predict(self, X):
    ...         boxes = [[[0, 0, im.shape[1], im.shape[0]]] for im in X]
    ...         return make_detections(boxes, [[1.0]] * len(X))
    >>> X = np.zeros((2, 8, 8))
    >>> y = [np.array([[0, 0, 8, 8]]), np.array([[0, 0, 8, 4]])]
    >>> get_scorer("mean_iou")(WholeImage().fit(X, y), X, y)
    0.75
    >>> get_scorer("ap50")(WholeImage().fit(X, y), X, y)
    1.0
    """
    if isinstance(scoring, str) and scoring in _SCORERS:
        return copy.deepcopy(_SCORERS[scoring])
    try:
        return _sklearn_get_scorer(scoring)
    except ValueError as exc:
        if not isinstance(scoring, str):
            raise
        key = scoring.lower().replace("_", "")
        close = [n for n in _SCORERS if n.replace("_", "") == key]
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"{scoring!r} is neither a detection scorer ({get_scorer_names()}, "
            "from sklvision.metrics.get_scorer_names()) nor a scikit-learn "
            f"scorer (sklearn.metrics.get_scorer_names()).{hint}"
        ) from exc
