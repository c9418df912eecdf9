"""Precision-recall curve of detections (optional matplotlib)."""

import warnings

from sklvision.plotting._base import _check_matplotlib, _get_ax, _label_key

# ``label=`` used to select the class in the constructor and the ``from_*``
# methods while ``plot(label=...)`` set the legend text; the class selector
# is ``pos_label`` (sklearn's name) since 0.1.
_LABEL_REMOVED_IN = "0.3"


def _pop_deprecated_label(kwargs, pos_label, where):
    """``pos_label`` from the deprecated ``label=`` of ``kwargs``, if given.

    Returns ``(pos_label, deprecated)``; ``deprecated`` is True when the class
    came from ``label=``.
    """
    if "label" not in kwargs:
        return pos_label, False
    label = kwargs.pop("label")
    if pos_label is not None:
        raise ValueError(
            f"{where} got both pos_label={pos_label!r} and label={label!r}; "
            "label= is the deprecated name of pos_label (the class of the "
            "curve): pass only pos_label=. For the legend text use name= or "
            "curve_kwargs={'label': ...}."
        )
    warnings.warn(
        f"label= in {where} selects the class of the curve and is deprecated "
        f"since 0.1 (removed in {_LABEL_REMOVED_IN}): use pos_label= instead. "
        "For the legend text use name= or curve_kwargs={'label': ...}.",
        FutureWarning,
        stacklevel=3,
    )
    return label, True


def _merge_curve_kwargs(curve_kwargs, kwargs):
    if curve_kwargs is not None and kwargs:
        raise ValueError(
            "Pass matplotlib arguments either in curve_kwargs (a dict) or as "
            f"keyword arguments, not both; got curve_kwargs={curve_kwargs!r} "
            f"and {sorted(kwargs)}."
        )
    if curve_kwargs is None:
        return dict(kwargs)
    if not isinstance(curve_kwargs, dict):
        raise TypeError(
            "curve_kwargs must be a dict of arguments of matplotlib's plot, got "
            f"{type(curve_kwargs).__name__}."
        )
    return dict(curve_kwargs)


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
    pos_label : int or str, default=None
        The class the curve is for, shown in the axis labels when given.
    name : str, default=None
        Name of the detector, shown in the legend.
    label : int or str, default="deprecated"
        Deprecated name of ``pos_label``.

        .. deprecated:: 0.1
            ``label`` is deprecated and will be removed in 0.3; use
            ``pos_label``.

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

    Notes
    -----
    As in scikit-learn, the curve is drawn as steps (``drawstyle="steps-post"``),
    without interpolation; pass ``curve_kwargs={"drawstyle": "default"}`` to
    join the points by straight lines.

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
    >>> display.ax_.get_xlabel()  # one class, given without labels
    'Recall'
    """

    def __init__(
        self,
        precision,
        recall,
        *,
        average_precision=None,
        iou_threshold=None,
        pos_label=None,
        name=None,
        label="deprecated",
    ):
        if not (isinstance(label, str) and label == "deprecated"):
            pos_label, _ = _pop_deprecated_label(
                {"label": label}, pos_label, "DetectionPRDisplay"
            )
        self.precision = precision
        self.recall = recall
        self.average_precision = average_precision
        self.iou_threshold = iou_threshold
        self.pos_label = pos_label
        self.name = name

    @property
    def label(self):
        """Deprecated name of ``pos_label``, removed in 0.3."""
        warnings.warn(
            "DetectionPRDisplay.label is deprecated since 0.1 (removed in "
            f"{_LABEL_REMOVED_IN}): use pos_label.",
            FutureWarning,
            stacklevel=2,
        )
        return self.pos_label

    def plot(self, ax=None, *, name=None, curve_kwargs=None, despine=False, **kwargs):
        """Plot the curve.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure.
        name : str, default=None
            Name in the legend, followed by the average precision; None uses
            the ``name`` given at construction.
        curve_kwargs : dict, default=None
            Passed to matplotlib's ``plot``; ``curve_kwargs={"label": ...}``
            sets the whole legend text.
        despine : bool, default=False
            Whether to remove the top and right spines (as scikit-learn's
            displays do).
        **kwargs : dict
            Passed to matplotlib's ``plot`` as well (not together with
            ``curve_kwargs``); here ``label=`` is the legend text.

        Returns
        -------
        display : DetectionPRDisplay
            The object, with ``line_``, ``ax_`` and ``figure_`` set.
        """
        line_kwargs = _merge_curve_kwargs(curve_kwargs, kwargs)
        fig, ax = _get_ax(ax, "DetectionPRDisplay.plot")
        name = self.name if name is None else name
        parts = []
        if self.average_precision is not None:
            at = "" if self.iou_threshold is None else f"@{self.iou_threshold:g}"
            parts.append(f"AP{at} = {self.average_precision:.2f}")
        if name is not None:
            legend = f"{name} ({parts[0]})" if parts else str(name)
        else:
            legend = parts[0] if parts else None
        line_kwargs = {"drawstyle": "steps-post", "label": legend, **line_kwargs}
        if line_kwargs["label"] is None:
            del line_kwargs["label"]
        (self.line_,) = ax.plot(self.recall, self.precision, **line_kwargs)
        info = "" if self.pos_label is None else f" (class: {self.pos_label})"
        ax.set(
            xlabel="Recall" + info,
            ylabel="Precision" + info,
            xlim=(-0.01, 1.01),
            ylim=(-0.01, 1.01),
            aspect="equal",
        )
        if not str(self.line_.get_label()).startswith("_"):
            ax.legend(loc="lower left")
        if despine:
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            for side in ("bottom", "left"):
                ax.spines[side].set_bounds(0, 1)
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
        pos_label=None,
        name=None,
        ax=None,
        curve_kwargs=None,
        despine=False,
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
        pos_label : int or str, default=None
            Class of the curve; may be None when the data hold one class.
            The axis labels name the class when it is given, or when
            ``y_true`` has ``"labels"``.
        name : str, default=None
            Name in the legend, followed by the average precision.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure.
        curve_kwargs : dict, default=None
            Passed to matplotlib's ``plot``; ``curve_kwargs={"label": ...}``
            sets the whole legend text.
        despine : bool, default=False
            Whether to remove the top and right spines (as scikit-learn's
            displays do).
        **kwargs : dict
            Passed to matplotlib's ``plot`` (not together with
            ``curve_kwargs``), except ``label``.

            .. deprecated:: 0.1
                ``label=`` here selects the class, as ``pos_label=`` does
                now, and warns; it will be removed in 0.3.

        Returns
        -------
        display : DetectionPRDisplay
            The drawn display.
        """
        _check_matplotlib("DetectionPRDisplay.from_predictions")
        pos_label, deprecated = _pop_deprecated_label(
            kwargs, pos_label, "DetectionPRDisplay.from_predictions"
        )
        return cls._from_predictions(
            y_true,
            y_pred,
            iou_threshold=iou_threshold,
            pos_label=pos_label,
            deprecated_label=deprecated,
            name=name,
            ax=ax,
            curve_kwargs=curve_kwargs,
            despine=despine,
            **kwargs,
        )

    @classmethod
    def _from_predictions(
        cls,
        y_true,
        y_pred,
        *,
        iou_threshold,
        pos_label,
        deprecated_label,
        name,
        ax,
        curve_kwargs,
        despine,
        **kwargs,
    ):
        from sklvision.metrics import average_precision_score, precision_recall_curve
        from sklvision.utils import validate_predictions, validate_targets

        targets = validate_targets(y_true, input_name="y_true")
        preds = validate_predictions(y_pred, n_images=len(targets), input_name="y_pred")
        classes = {_label_key(v) for d in targets + preds for v in d["labels"].tolist()}
        try:
            classes = sorted(classes)
        except TypeError:  # numbers and strings: the metrics refuse them
            classes = list(classes)
        given = "label" if deprecated_label else "pos_label"
        if pos_label is not None and pos_label not in classes:
            hint = (
                " label= selects the class (deprecated, use pos_label=); for "
                "the legend text use name= or curve_kwargs={'label': ...}."
                if deprecated_label
                else ""
            )
            raise ValueError(
                f"{given}={pos_label!r} is not among the labels {classes}.{hint}"
            )
        if pos_label is None and len(classes) > 1:
            raise ValueError(
                f"The data hold {len(classes)} classes {classes}; pass "
                "pos_label= to choose the class whose curve to draw."
            )
        precision, recall, _ = precision_recall_curve(
            targets, preds, iou_threshold=iou_threshold, label=pos_label
        )
        per_class = average_precision_score(
            targets, preds, iou_threshold=iou_threshold, average=None
        )
        cls_label = classes[0] if pos_label is None else pos_label
        # name the class on the axes only when the user chose it or the
        # ground truth has labels (not the 0 of boxes given without labels)
        labelled = any(
            isinstance(t, dict) and t.get("labels") is not None for t in y_true
        )
        display = cls(
            precision,
            recall,
            average_precision=per_class[_label_key(cls_label)],
            iou_threshold=iou_threshold,
            pos_label=cls_label if pos_label is not None or labelled else None,
            name=name,
        )
        return display.plot(ax=ax, curve_kwargs=curve_kwargs, despine=despine, **kwargs)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        iou_threshold=0.5,
        pos_label=None,
        name=None,
        ax=None,
        curve_kwargs=None,
        despine=False,
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
        pos_label : int or str, default=None
            Class of the curve; may be None when the data hold one class.
            The axis labels name the class when it is given, or when ``y``
            has ``"labels"``.
        name : str, default=None
            Name in the legend; None uses the estimator's class name.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a new figure.
        curve_kwargs : dict, default=None
            Passed to matplotlib's ``plot``; ``curve_kwargs={"label": ...}``
            sets the whole legend text.
        despine : bool, default=False
            Whether to remove the top and right spines (as scikit-learn's
            displays do).
        **kwargs : dict
            Passed to matplotlib's ``plot`` (not together with
            ``curve_kwargs``), except ``label``.

            .. deprecated:: 0.1
                ``label=`` here selects the class, as ``pos_label=`` does
                now, and warns; it will be removed in 0.3.

        Returns
        -------
        display : DetectionPRDisplay
            The drawn display.
        """
        # before predict, which can take long
        _check_matplotlib("DetectionPRDisplay.from_estimator")
        pos_label, deprecated = _pop_deprecated_label(
            kwargs, pos_label, "DetectionPRDisplay.from_estimator"
        )
        if name is None:
            name = type(estimator).__name__
        return cls._from_predictions(
            y,
            estimator.predict(X),
            iou_threshold=iou_threshold,
            pos_label=pos_label,
            deprecated_label=deprecated,
            name=name,
            ax=ax,
            curve_kwargs=curve_kwargs,
            despine=despine,
            **kwargs,
        )
