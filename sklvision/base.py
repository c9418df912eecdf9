"""Base classes shared by sklvision's estimators."""

__all__ = ["DetectorMixin", "is_detector"]


class DetectorMixin:
    """Mixin class for all object detectors in sklvision.

    A detector's ``fit(X, y)`` takes images ``X`` (a stack ``(n, h, w[, c])`` or
    a list of differently sized images) and one target per image ``y`` (an
    array of boxes ``(k_i, 4)`` or a dict ``{"boxes", "labels"}``; boxes are
    ``(x_min, y_min, x_max, y_max)`` in pixels, x = column, y = row). Its
    ``predict(X)`` returns a 1-D object array of dicts ``{"boxes", "scores",
    "labels"}`` sorted by decreasing score.

    The mixin

    - sets the estimator tags: ``input_tags.two_d_array=False``,
      ``input_tags.three_d_array=True``, ``target_tags.required=True`` and
      leaves ``estimator_type`` at None, so cross-validation uses ``KFold`` and
      scorers take the non-classifier path;
    - provides :meth:`score`, the PASCAL VOC average precision at IoU 0.5
      (mean over classes when targets carry labels).

    Put it left of :class:`~sklearn.base.BaseEstimator` in the bases.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.base import BaseEstimator
    >>> from sklvision.base import DetectorMixin
    >>> from sklvision.utils import make_detections
    >>> class WholeImage(DetectorMixin, BaseEstimator):
    ...     def fit(self, X, y):
    ...         self.fitted_ = True
    ...         return self
    ...     def predict(self, X):
    ...         boxes = [[[0, 0, im.shape[1], im.shape[0]]] for im in X]
    ...         return make_detections(boxes, [[1.0]] * len(X))
    >>> X = np.zeros((2, 8, 8))
    >>> y = [np.array([[0, 0, 8, 8]]), np.array([[0, 0, 4, 4]])]
    >>> WholeImage().fit(X, y).score(X, y)
    0.5
    """

    def score(self, X, y, sample_weight=None):
        """Average precision at IoU 0.5 of ``predict(X)`` against ``y``.

        PASCAL VOC all-point AP (VOC 2010 and later); with labelled targets
        the mean over classes (mAP).

        Parameters
        ----------
        X : ndarray of shape (n_samples, height, width[, channels]) or list \
                of ndarray
            Images.
        y : list of ndarray of shape (k_i, 4) or list of dict
            True boxes per image, ``(x_min, y_min, x_max, y_max)`` in pixels.
        sample_weight : None
            Must be None. AP ranks the detections of all images together and
            has no per-image weights; the argument exists because
            scikit-learn's metadata routing passes it to the ``score`` of a
            Pipeline's last step (without it, ``cross_val_score`` of a
            detector Pipeline fails when routing is enabled).

        Returns
        -------
        score : float
            AP50 in [0, 1].
        """
        from sklvision.metrics import average_precision_score

        if sample_weight is not None:
            raise ValueError(
                f"{type(self).__name__}.score (AP50) has no per-image weights; "
                "pass sample_weight=None, or score with the 'mean_iou' scorer, "
                "which weights images."
            )
        return float(average_precision_score(y, self.predict(X), iou_threshold=0.5))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.target_tags.required = True
        tags.target_tags.one_d_labels = False
        return tags


def is_detector(estimator):
    """Return True if ``estimator`` is an sklvision detector.

    Parameters
    ----------
    estimator : object
        Estimator instance or class.

    Returns
    -------
    out : bool
        True when it derives from :class:`DetectorMixin`, or is a Pipeline
        ending in a detector or a search (``GridSearchCV``...) over one, as
        :func:`sklearn.base.is_classifier` sees through them for classifiers.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklvision.base import is_detector
    >>> from sklvision.detection import TemplateWeightDetector
    >>> from sklvision.preprocessing import Grayscale
    >>> is_detector(LogisticRegression())
    False
    >>> is_detector(make_pipeline(Grayscale(), TemplateWeightDetector()))
    True
    """
    if isinstance(estimator, type):
        return issubclass(estimator, DetectorMixin)
    # (detectors leave estimator_type at None, so the tags cannot tell)
    return isinstance(_final_estimator(estimator), DetectorMixin)


def _final_estimator(estimator):
    """The estimator that does the work: a Pipeline's last step, a search's.

    Nested Pipelines and searches are unwrapped; a fitted search gives its
    ``best_estimator_`` (what it predicts with), an unfitted one its
    ``estimator``. Anything else is returned as it is.
    """
    from sklearn.pipeline import Pipeline

    from sklvision.utils._sklearn_compat import BaseSearchCV

    while True:
        if isinstance(estimator, Pipeline) and estimator.steps:
            estimator = estimator.steps[-1][1]
        elif isinstance(estimator, BaseSearchCV):
            estimator = getattr(estimator, "best_estimator_", estimator.estimator)
        else:
            return estimator
