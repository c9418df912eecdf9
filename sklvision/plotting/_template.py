"""Plots of the learned weights of a TemplateWeightDetector."""

import numbers

import numpy as np
from sklearn.utils.validation import check_is_fitted

from sklvision.base import _final_estimator
from sklvision.plotting._base import (
    _check_class_names_length,
    _check_matplotlib,
    _class_title,
    _subplot_grid,
)

__all__ = ["plot_template_weights"]


def _minmax(a):
    a = np.asarray(a, dtype=np.float64)
    lo, hi = a.min(), a.max()
    return (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)


def plot_template_weights(
    detector,
    *,
    iteration=None,
    kind="sum",
    show_templates=False,
    n_cols=4,
    cmap="viridis",
    class_names=None,
    figsize=None,
):
    """Show the learned weights of a fitted TemplateWeightDetector, per label.

    ``kind="sum"`` draws, like the original's ``plot_weights``, the weights
    summed over the channels with a colour map (bright = large weight, the
    learned "object" pixels); ``kind="rgb"`` draws the weights min-max scaled
    to [0, 1] as a colour image; ``kind="mask"`` draws ``masks_``.

    Parameters
    ----------
    detector : fitted TemplateWeightDetector or Pipeline
        The detector; ``weights_``, ``masks_``, ``templates_`` and
        ``classes_`` are used. A fitted :class:`~sklearn.pipeline.Pipeline`
        ending with the detector (e.g. after a ``Normalize`` step) stands for
        its last step.
    iteration : int, default=None
        Pass whose weights are drawn (0 = the random start, ``n_iter`` = the
        end; negative values count from the end). Needs a detector fitted
        with ``keep_history=True``. None draws the final ``weights_``.
    kind : {"sum", "rgb", "mask"}, default="sum"
        What to draw for each label (see above).
    show_templates : bool, default=False
        Add a second row per label group with the mean training crop
        (``templates_``) under the weights.
    n_cols : int, default=4
        Number of labels per row.
    cmap : str or matplotlib Colormap, default="viridis"
        Colour map for ``kind="sum"`` and ``"mask"``.
    class_names : list of str or dict, default=None
        Titles by position in ``classes_`` (list, at least one name per
        class) or by label (dict); by default the labels.
    figsize : tuple of float, default=None
        Figure size in inches; by default about 2.2 inches per cell.

    Returns
    -------
    fig : matplotlib Figure
        The figure; one axes per drawn image, in label order.

    Raises
    ------
    ImportError
        If matplotlib is not installed (install the ``plot`` extra:
        ``pip install sklvision[plot]``).
    TypeError
        If ``detector`` (or the last step of a Pipeline) is a fitted
        estimator without ``weights_``, or not an estimator; if
        ``iteration`` is not an int (bools included).
    ValueError
        For an ``iteration`` without ``keep_history=True`` or out of range,
        an unknown ``kind``, or a list ``class_names`` shorter than
        ``classes_``.

    See Also
    --------
    sklvision.detection.TemplateWeightDetector : The detector.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklvision.datasets import make_shapes
    >>> from sklvision.detection import TemplateWeightDetector
    >>> from sklvision.plotting import plot_template_weights
    >>> X, y = make_shapes(image_size=20)
    >>> det = TemplateWeightDetector(n_iter=5, keep_history=True, random_state=0)
    >>> det = det.fit(X, y)
    >>> fig = plot_template_weights(det, iteration=0)
    >>> len(fig.axes)
    8
    """
    plt = _check_matplotlib("plot_template_weights")
    detector = _final_estimator(detector)
    if not hasattr(detector, "weights_"):
        check_is_fitted(detector)  # NotFittedError before fit
        raise TypeError(
            f"{type(detector).__name__} has no weights_ attribute; "
            "plot_template_weights needs a fitted TemplateWeightDetector (or a "
            "fitted Pipeline ending with one)."
        )
    if kind not in ("sum", "rgb", "mask"):
        raise ValueError(f"kind must be 'sum', 'rgb' or 'mask', got {kind!r}.")
    if iteration is not None and (
        isinstance(iteration, (bool, np.bool_))
        or not isinstance(iteration, numbers.Integral)
    ):
        # (True was taken as pass 1 or gave matplotlib's "Invalid shape")
        raise TypeError(f"iteration must be an int or None, got {iteration!r}.")
    _check_class_names_length(class_names, detector.classes_)
    if iteration is None:
        weights = list(detector.weights_)
        it_title = ""
    else:
        history = getattr(detector, "weights_history_", None)
        if history is None:
            raise ValueError(
                "iteration needs the weights of every pass: fit the detector "
                "with keep_history=True (or pass iteration=None)."
            )
        n_steps = len(history[0])
        if not -n_steps <= iteration < n_steps:
            raise ValueError(
                f"iteration must be in [{-n_steps}, {n_steps - 1}], got {iteration}."
            )
        weights = [h[iteration] for h in history]
        it_title = f" (pass {int(iteration) % n_steps})"

    labels = detector.classes_
    n = len(weights)
    rows_per = 2 if show_templates else 1
    fig, axes, n_cols = _subplot_grid(
        plt, n, n_cols, (2.2, 2.4), figsize, rows_per_item=rows_per
    )
    for k in range(n):
        r, c = divmod(k, n_cols)
        ax = axes[r * rows_per, c]
        W = np.asarray(weights[k], dtype=np.float64)
        if kind == "sum":
            ax.imshow(W.sum(axis=2), cmap=cmap, interpolation="nearest")
        elif kind == "rgb":
            img = _minmax(W)
            ax.imshow(img[..., 0] if img.shape[2] == 1 else img[..., :3],
                      cmap="gray" if img.shape[2] == 1 else None,
                      interpolation="nearest")
        else:
            ax.imshow(detector.masks_[k], cmap=cmap, vmin=0, vmax=1,
                      interpolation="nearest")
        ax.set_title(_class_title(labels[k], k, class_names) + it_title, fontsize=9)
        if show_templates:
            T = np.clip(np.asarray(detector.templates_[k], dtype=np.float64), 0, 1)
            axt = axes[r * rows_per + 1, c]
            if T.shape[2] == 1:
                axt.imshow(T[..., 0], cmap="gray", vmin=0, vmax=1)
            else:
                axt.imshow(T[..., :3])
            axt.set_title("template", fontsize=8)
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
        if not ax.images:
            fig.delaxes(ax)
    fig.suptitle(
        {"sum": "Weights (sum over channels)", "rgb": "Weights (RGB, min-max)",
         "mask": "Object masks (W >= mean W)"}[kind]
    )
    return fig
