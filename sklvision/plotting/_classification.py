"""Plots for image classifiers: the learned class templates."""

import math

import numpy as np
from sklearn.utils.validation import check_is_fitted

from sklvision.base import _final_estimator, is_detector
from sklvision.plotting._base import (
    _check_class_names_length,
    _check_matplotlib,
    _class_title,
    _subplot_grid,
)
from sklvision.utils._validation import _check_int_pair

__all__ = ["plot_class_templates"]


def _templates_as_images(classifier, image_shape):
    templates = np.asarray(classifier.templates_, dtype=np.float64)
    n_classes = templates.shape[0]
    if image_shape is not None:
        # (whole floats such as np.array([8.0, 8.0]) were always accepted here)
        shape = h, w = _check_int_pair(image_shape, "image_shape", whole_floats=True)
        if h * w != templates[0].size:
            raise ValueError(
                f"image_shape={tuple(image_shape)} has {h * w} pixels but the "
                f"templates have {templates[0].size}."
            )
        recorded = getattr(classifier, "image_shape_", None)
        if recorded is None and templates.ndim == 3:
            recorded = templates.shape[1:]
        if recorded is not None and shape != tuple(recorded):
            # (a (2, 32) reading of 8 x 8 templates was drawn as stripes)
            raise ValueError(
                f"image_shape={shape} contradicts the {tuple(recorded)} images "
                "the classifier was fitted on; leave image_shape=None."
            )
        return templates.reshape(n_classes, h, w)
    if templates.ndim == 3:
        return templates
    side = math.isqrt(templates.shape[1])
    if side * side != templates.shape[1]:
        raise ValueError(
            f"The classifier was fitted on flattened images of "
            f"{templates.shape[1]} pixels, which is not a square; pass "
            "image_shape=(height, width)."
        )
    return templates.reshape(n_classes, side, side)


def plot_class_templates(
    classifier,
    *,
    image_shape=None,
    n_cols=5,
    cmap="gray",
    class_names=None,
    figsize=None,
    colorbar=True,
):
    """Show a fitted classifier's per-class templates as images.

    For :class:`~sklvision.classification.BinaryPixelMatchClassifier` a
    template is, for each pixel, the fraction of the class's training images
    whose bit is 1 there (0 = never, 1 = always), drawn on one shared [0, 1]
    colour scale so that the classes are comparable.

    Parameters
    ----------
    classifier : fitted estimator with a ``templates_`` attribute, or Pipeline
        For example a fitted
        :class:`~sklvision.classification.BinaryPixelMatchClassifier`;
        ``templates_`` has shape ``(n_classes, height, width)`` or
        ``(n_classes, n_pixels)``, ``classes_`` gives the titles. A fitted
        :class:`~sklearn.pipeline.Pipeline` ending with such a classifier
        (e.g. after a ``Resize`` step) stands for its last step.
    image_shape : tuple of int, default=None
        ``(height, width)`` of the images; needed only when the classifier
        was fitted on flattened images whose pixel count is not a square.
        A shape other than the one the classifier recorded at ``fit``
        (``image_shape_``) is refused.
    n_cols : int, default=5
        Number of columns of the grid.
    cmap : str or matplotlib Colormap, default="gray"
        Colour map of the templates.
    class_names : list of str or dict, default=None
        Names for the titles, indexed by position in ``classes_`` (list, at
        least one name per class) or by label (dict); by default the labels
        themselves.
    figsize : tuple of float, default=None
        Figure size in inches; by default 2 inches per cell.
    colorbar : bool, default=True
        Whether to add one colour bar for all the templates.

    Returns
    -------
    fig : matplotlib Figure
        The figure; the first ``n_classes`` axes hold the templates.

    Raises
    ------
    ImportError
        If matplotlib is not installed (install the ``plot`` extra).
    TypeError
        If the classifier (or the last step of a Pipeline) has no
        ``templates_``.
    ValueError
        For an ``image_shape`` that does not fit the templates or contradicts
        the recorded one, or a list ``class_names`` shorter than ``classes_``.

    See Also
    --------
    sklvision.classification.BinaryPixelMatchClassifier : The classifier.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from sklvision.classification import BinaryPixelMatchClassifier
    >>> from sklvision.plotting import plot_class_templates
    >>> digits = load_digits()
    >>> clf = BinaryPixelMatchClassifier(threshold=8)
    >>> clf = clf.fit(digits.images, digits.target)
    >>> fig = plot_class_templates(clf)
    >>> len(fig.axes)  # ten templates and the colour bar
    11
    """
    plt = _check_matplotlib("plot_class_templates")
    classifier = _final_estimator(classifier)
    if is_detector(classifier):
        raise TypeError(
            f"{type(classifier).__name__} is a detector; its templates_ are "
            "object templates of their own sizes: draw them with "
            "sklvision.plotting.plot_template_weights."
        )
    if not hasattr(type(classifier), "templates_") and not hasattr(
        classifier, "templates_"
    ):
        raise TypeError(
            f"{type(classifier).__name__} has no templates_ attribute; "
            "plot_class_templates needs a fitted classifier that learns one "
            "template per class, such as BinaryPixelMatchClassifier (or a "
            "fitted Pipeline ending with one)."
        )
    check_is_fitted(classifier)
    templates = _templates_as_images(classifier, image_shape)
    n_classes = templates.shape[0]
    labels = getattr(classifier, "classes_", np.arange(n_classes))
    _check_class_names_length(class_names, labels)
    fig, axes, _ = _subplot_grid(
        plt,
        n_classes,
        n_cols,
        (2.0, 2.2),
        figsize,
        extra_width=0.6 if colorbar else 0.0,
    )
    image = None
    for i, ax in enumerate(axes.ravel()[:n_classes]):
        image = ax.imshow(
            templates[i], cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest"
        )
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(_class_title(labels[i], i, class_names))
    for ax in axes.ravel()[n_classes:]:
        fig.delaxes(ax)
    if colorbar and image is not None:
        fig.colorbar(image, ax=axes.ravel()[:n_classes].tolist(), shrink=0.8)
    return fig
