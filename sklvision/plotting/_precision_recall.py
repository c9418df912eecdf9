"""Precision-recall curve of detections (optional matplotlib)."""

from sklvision.plotting._base import _get_ax


class DetectionPRDisplay:
    """Precision-recall curve of an object detector.

    Like :class:`sklearn.metrics.PrecisionRecallDisplay`, for detections:
    the points come from :func:`sklvision.metrics.precision_recall_curve`
    (PASCAL VOC matching at one IoU threshold, one class). Create it with
    :meth:`from_predictions` or :meth:`from_estimator`; drawing needs
    matplotlib (``pip install sklvision[plot]``), which is imported only then.

    Parameters
    ----------
    precision : ndarray of shape (n_thresholds + 1,)
        Precision values.
    recall : ndarray of shape (n_thresholds + 1,)
        Recall values.
    average_precision : float, default=None
        All-point average precision, shown in the legend when given.
    iou_threshold : float, default=None
        IoU threshold of the matching, shown in the legend when given.
    label : int or str, default=None
        The class the curve is for.
    name : str, default=None
        Name of the detector, shown in the legend.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The precision-recall curve.
    ax_ : matplotlib Axes
        Axes with the curve.
    figure_ : matplotlib Figure
        Figure containing the curve.

    See Also
    --------
    sklvision.metrics.precision_recall_curve : The curve's points.
    sklvision.metrics.average_precision_score : Area under the curve.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklvision.plotting import DetectionPRDisplay
    >>> y_true = [np.array([[0, 0, 10, 10]]), np.array([[0, 0, 10, 10]])]
    >>> y_pred = [np.array([[0, 0, 10, 10, 0.9]]),
    ...           np.array([[0, 0, 10, 10, 0.8], [20, 20, 30, 30, 0.85]])]
    >>> display = DetectionPRDisplay.from_predictions(y_true, y_pred, name="demo")
    >>> display.line_.get_label()
    'demo (AP@0.5 = 0.83)'
    """

    def __init__(
        self,
        precision,
        recall,
        *,
        average_precision=None,
        iou_threshold=None,
        label=None,
        name=None,
    ):
        self.precision = precision
        self.recall = recall
        self.average_precision = average_precision
        self.iou_threshold = iou_threshold
        self.label = label
        self.name = name

    def plot(self, ax=None, *, name=None, **kwargs):
        """Plot the curve.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure.
        name : str, default=None
            Legend name; None uses the ``name`` given at construction.
        **kwargs : dict
            Passed to matplotlib's ``plot``.

        Returns
        -------
        display : DetectionPRDisplay
            The object, with ``line_``, ``ax_`` and ``figure_`` set.
        """
        fig, ax = _get_ax(ax, "DetectionPRDisplay.plot")
        name = self.name if name is None else name
        parts = []
        if self.average_precision is not None:
            at = "" if self.iou_threshold is None else f"@{self.iou_threshold:g}"
            parts.append(f"AP{at} = {self.average_precision:.2f}")
        if name is not None:
            label = f"{name} ({parts[0]})" if parts else str(name)
        else:
            label = parts[0] if parts else None
        line_kwargs = {"drawstyle": "steps-post"}
        if label is not None:
            line_kwargs["label"] = label
        line_kwargs.update(kwargs)
        (self.line_,) = ax.plot(self.recall, self.precision, **line_kwargs)
        xlabel = "Recall"
        if self.label is not None:
            xlabel += f" (class: {self.label})"
        ax.set(
            xlabel=xlabel,
            ylabel="Precision",
            xlim=(-0.01, 1.01),
            ylim=(-0.01, 1.01),
            aspect="equal",
        )
        if label is not None:
            ax.legend(loc="lower left")
        self.ax_ = ax
        self.figure_ = fig
        return self

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_pred,
        *,
        iou_threshold=0.5,
        label=None,
        name=None,
        ax=None,
        **kwargs,
    ):
        """Plot the precision-recall curve of given detections.

        Parameters
        ----------
        y_true : sequence of ndarray of shape (k_i, 4) or of dict
            True boxes per image, ``(x_min, y_min, x_max, y_max)`` in pixels
            (x = column, y = row), or dicts with ``"boxes"`` and ``"labels"``.
        y_pred : sequence of dict or of ndarray
            Detections per image (dicts ``{"boxes", "scores", "labels"}`` or
            arrays ``(m_i, 5)``).
        iou_threshold : float, default=0.5
            Minimum IoU for a true positive.
        label : int or str, default=None
            Class of the curve; may be None when the data hold one class.
        name : str, default=None
            Legend name.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure.
        **kwargs : dict
            Passed to matplotlib's ``plot``.

        Returns
        -------
        display : DetectionPRDisplay
            The drawn display.
        """
        from sklvision.metrics import average_precision_score, precision_recall_curve

        precision, recall, _ = precision_recall_curve(
            y_true, y_pred, iou_threshold=iou_threshold, label=label
        )
        per_class = average_precision_score(
            y_true, y_pred, iou_threshold=iou_threshold, average=None
        )
        if label is None:
            label = next(iter(per_class))
        display = cls(
            precision,
            recall,
            average_precision=per_class[label],
            iou_threshold=iou_threshold,
            label=label,
            name=name,
        )
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        iou_threshold=0.5,
        label=None,
        name=None,
        ax=None,
        **kwargs,
    ):
        """Plot the precision-recall curve of a fitted detector on ``(X, y)``.

        Parameters
        ----------
        estimator : fitted detector
            Its ``predict(X)`` gives the detections.
        X : ndarray of shape (n_samples, height, width[, channels]) or list \
                of ndarray
            Images.
        y : sequence of ndarray of shape (k_i, 4) or of dict
            True boxes per image, ``(x_min, y_min, x_max, y_max)`` in pixels.
        iou_threshold : float, default=0.5
            Minimum IoU for a true positive.
        label : int or str, default=None
            Class of the curve; may be None when the data hold one class.
        name : str, default=None
            Legend name; None uses the estimator's class name.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure.
        **kwargs : dict
            Passed to matplotlib's ``plot``.

        Returns
        -------
        display : DetectionPRDisplay
            The drawn display.
        """
        if name is None:
            name = type(estimator).__name__
        return cls.from_predictions(
            y,
            estimator.predict(X),
            iou_threshold=iou_threshold,
            label=label,
            name=name,
            ax=ax,
            **kwargs,
        )
