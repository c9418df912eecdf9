"""Draw detection boxes (predicted and true) on images."""

import numbers

import numpy as np

from sklvision.plotting._base import (
    _check_matplotlib,
    _get_ax,
    _image_for_display,
    _is_name_list,
    _label_key,
    _subplot_grid,
)
from sklvision.utils._validation import (
    _as_labels,
    _check_boxes,
    _refuse_one_colour_image,
)

_PRED_COLORS = (
    "#e6194b",
    "#4363d8",
    "#f58231",
    "#911eb4",
    "#f032e6",
    "#ffe119",
    "#42d4f4",
    "#9a6324",
    "#800000",
    "#000075",
)


def _refuse_several_images(value, name):
    """Refuse a whole ``predict`` output (one item per image) for one image.

    ``np.asarray`` of a sequence of dicts failed with "float() argument must
    be ... not 'dict'", and a list of box arrays with a shape error.
    """
    if isinstance(value, np.ndarray) and value.dtype == object:
        items = value.reshape(-1)
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        return
    if len(items) and (
        isinstance(items[0], dict)
        or (isinstance(items[0], np.ndarray) and items[0].ndim >= 2)
    ):
        raise TypeError(
            f"{name} holds {len(items)} items of type {type(items[0]).__name__}, "
            "one per image (like the output of a detector's predict); "
            f"plot_detections draws one image: pass that image's {name}, e.g. "
            f"{name}[0], or draw every image with plot_detection_grid."
        )


# One image's boxes: a single box or (n_boxes, 5) with scores is fine too;
# zero-size boxes as for predictions; copied (nothing passed in is modified).
_PLOT_BOXES = dict(zero_size=True, score_column=True, single_box=True, copy=True)


def _parse_boxes(value, name, *, with_scores):
    """Return ``(boxes, scores, labels)`` from a dict or an array of boxes.

    Boxes must be finite with ``x_min <= x_max`` and ``y_min <= y_max``
    (the check of predicted boxes of :func:`sklvision.utils.validate_predictions`),
    scores finite, labels numbers or strings of one kind.
    """
    if value is None:
        return np.zeros((0, 4)), np.zeros(0), None
    _refuse_several_images(value, name)
    labels = None
    if isinstance(value, dict):
        if "boxes" not in value:
            raise ValueError(f"{name} dict must have a 'boxes' key.")
        boxes = _check_boxes(value["boxes"], name, **_PLOT_BOXES)[:, :4]
        n = boxes.shape[0]
        scores = value.get("scores") if with_scores else None
        scores = (
            np.ones(n) if scores is None else np.array(scores, dtype=np.float64)
        ).reshape(-1)
        labels = value.get("labels")
        if labels is not None:
            n_labels = np.size(labels)
        if scores.shape[0] != n or (labels is not None and n_labels != n):
            raise ValueError(
                f"{name}: 'boxes', 'scores' and 'labels' must have the same length."
            )
        if labels is not None:
            labels = _as_labels(labels, n, name)
    else:
        boxes = _check_boxes(value, name, **_PLOT_BOXES)
        scores = boxes[:, 4] if boxes.shape[1] == 5 else np.ones(boxes.shape[0])
        boxes = boxes[:, :4]
    if not np.all(np.isfinite(scores)):
        raise ValueError(f"{name}: scores contain NaN or infinite values.")
    return boxes, scores, labels


def _check_class_names(class_names, label_arrays):
    """A list of names is indexed by label: labels must be integers in range."""
    if not _is_name_list(class_names, "indexed by label"):
        return
    n = len(class_names)
    names = None
    for labels in label_arrays:
        for label in [] if labels is None else labels:
            key = _label_key(label)
            k = _int_label(key)
            if k is not None and 0 <= k < n:
                continue
            if k is None and not isinstance(key, numbers.Real):
                # labels that are names already (e.g. string labels)
                names = (
                    set(np.asarray(class_names).tolist()) if names is None else names
                )
                if key in names:
                    continue
            raise ValueError(
                f"class_names is a list of {n} names, indexed by label, but "
                f"there is a label {key!r}, neither an integer in [0, {n - 1}] "
                "nor one of the names; pass a dict {label: name} for other "
                "labels."
            )


def _int_label(label):
    """The label as an int when it is an integral number, else None."""
    if isinstance(label, (bool, np.bool_, numbers.Integral)):
        return int(label)
    if isinstance(label, numbers.Real) and float(label).is_integer():
        return int(label)
    return None


def _label_sort_key(label):
    # labels of several kinds (numbers, str, bytes) must sort without errors
    if isinstance(label, numbers.Real):
        return (0, float(label), "")
    return (1, 0.0, str(label))


def _label_colors(label_arrays, class_names):
    """Colour of each label of ``label_arrays``, a function of the label.

    An integral label ``k`` gets colour ``k`` of the palette (modulo its
    size), whatever else is drawn; so with a list ``class_names`` a label's
    colour is that of its name's position. Other labels (strings...) get the
    colour of their position in ``class_names`` (a dict's keys, a list's
    names), and those not there the next colours, in sorted order of the
    labels of ``label_arrays`` (all the images of a grid), so that a grid and
    calls with the same labels agree.
    """
    named = {}
    if class_names is not None:  # (a list's names are string labels too)
        named = {_label_key(k): i for i, k in enumerate(class_names)}
    n = len(_PRED_COLORS)
    colors, others = {}, set()
    for labels in label_arrays:
        if labels is None:
            continue
        for label in labels:
            key = _label_key(label)
            if key in colors or key in others:
                continue
            k = _int_label(key)
            if k is None:
                k = named.get(key)
            if k is None:
                others.add(key)
            else:
                colors[key] = _PRED_COLORS[k % n]
    for j, key in enumerate(sorted(others, key=_label_sort_key)):
        colors[key] = _PRED_COLORS[(len(named) + j) % n]
    return colors


def _label_name(label, class_names):
    if class_names is None:
        return str(label)
    if isinstance(class_names, dict):
        return str(class_names.get(label, label))
    k = _int_label(_label_key(label))
    # checked by _check_class_names: an index in range, or a name already
    return str(label if k is None else class_names[k])


def plot_detections(
    image,
    prediction=None,
    target=None,
    *,
    ax=None,
    score_threshold=None,
    max_detections=None,
    class_names=None,
    show_scores=True,
    show_labels=True,
    pred_color=None,
    true_color="#3cb44b",
    linewidth=2.0,
    title=None,
):
    """Draw one image with its predicted and (optionally) true boxes.

    Predicted boxes are drawn as solid rectangles with their label and score;
    true boxes as dashed rectangles in ``true_color``. Boxes are
    ``(x_min, y_min, x_max, y_max)`` in pixels, x = column, y = row, the layout
    of every sklvision detector and dataset.

    Parameters
    ----------
    image : ndarray of shape (height, width) or (height, width, channels)
        The image, channels last (1, 3 or 4 channels). uint8 images (on
        [0, 255]), uint16 images (on [0, 65535]) and float images in [0, 1] are
        shown as they are, gray ones too (no contrast stretching: a dark image
        stays dark); other images (float images outside [0, 1], other integer
        dtypes) are min-max scaled for display. The image is not modified.
    prediction : dict, ndarray of shape (n_boxes, 4) or (n_boxes, 5), default=None
        One item of a detector's ``predict`` output (``pred[i]``, not the
        whole output): a dict with ``"boxes"``, ``"scores"`` and optionally
        ``"labels"``, or an array of boxes with an optional score column.
        Boxes must be finite with ``x_min <= x_max`` and ``y_min <= y_max``,
        scores finite.
    target : dict or ndarray of shape (n_boxes, 4), default=None
        The true boxes: a dict with ``"boxes"`` (and optionally ``"labels"``) or a
        box array, checked like ``prediction``. Drawn dashed.
    ax : matplotlib Axes, default=None
        Axes to draw on. A new figure is created when None.
    score_threshold : float, default=None
        Hide predicted boxes whose score is below this value.
    max_detections : int, default=None
        Draw at most this many predicted boxes (the highest scoring), a
        number >= 0; None draws them all.
    class_names : list of str or dict, default=None
        Display names of the labels: a list indexed by label (the labels must
        then be integers in ``[0, len(class_names) - 1]``, or be names of the
        list already), or a dict ``{label: name}`` (labels missing from it
        are shown as they are).
    show_scores : bool, default=True
        Write the score next to each predicted box.
    show_labels : bool, default=True
        Write the label next to each box.
    pred_color : str or dict, default=None
        Colour of predicted boxes: one colour for all, a dict
        ``{label: colour}``, or None for one colour per label: an integer
        label ``k`` (the index into a list ``class_names``) gets colour ``k``
        of a fixed palette of 10 colours (cycling), the same in every call;
        another label (a string) the colour of its position in
        ``class_names`` (among a dict's keys or a list's names), or, without
        ``class_names``, of its position among the sorted labels drawn in
        this call (so pass ``class_names`` for colours that agree across
        calls). Labels missing from a ``pred_color``
        dict get the colour None would give them.
    true_color : str, default="#3cb44b"
        Colour of true boxes.
    linewidth : float, default=2.0
        Width of the box outlines.
    title : str, default=None
        Axes title.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Raises
    ------
    ValueError
        For NaN, infinite or inverted boxes, NaN scores, a negative
        ``max_detections``, or labels that a list ``class_names`` does not
        cover.
    TypeError
        For a whole ``predict`` output (one item per image) instead of one
        image's item, or a ``max_detections`` that is not an integer.

    See Also
    --------
    plot_detection_grid : The same for several images.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklvision.plotting import plot_detections
    >>> image = np.zeros((60, 80, 3), dtype=np.uint8)
    >>> image[10:40, 20:50] = 255
    >>> prediction = {"boxes": np.array([[18.0, 12.0, 52.0, 41.0]]),
    ...               "scores": np.array([0.9]), "labels": np.array([0])}
    >>> ax = plot_detections(image, prediction, target=np.array([[20, 10, 50, 40]]))
    >>> len(ax.patches)
    2
    """
    _check_matplotlib("plot_detections")
    from matplotlib.patches import Rectangle

    if max_detections is not None:
        if isinstance(max_detections, (bool, np.bool_)) or not isinstance(
            max_detections, numbers.Integral
        ):
            raise TypeError(
                f"max_detections must be an int or None, got {max_detections!r}."
            )
        if max_detections < 0:
            raise ValueError(
                "max_detections must be >= 0 (or None to draw every box), got "
                f"{max_detections}."
            )
    img, cmap, clim = _image_for_display(image)
    pboxes, pscores, plabels = _parse_boxes(prediction, "prediction", with_scores=True)
    tboxes, _, tlabels = _parse_boxes(target, "target", with_scores=False)
    if show_labels:
        _check_class_names(class_names, [plabels, tlabels])

    order = np.argsort(-pscores, kind="stable")
    if score_threshold is not None:
        order = order[pscores[order] >= score_threshold]
    if max_detections is not None:
        order = order[: int(max_detections)]

    fig, ax = _get_ax(ax, "plot_detections")
    # gray: fixed limits, imshow's default autoscaling would stretch the contrast
    vmin, vmax = clim if clim is not None else (None, None)
    ax.imshow(img, cmap=cmap, vmin=vmin, vmax=vmax)
    ax.set_axis_off()
    text_kw = {"fontsize": 8, "va": "bottom", "ha": "left", "clip_on": True}

    for i, (x0, y0, x1, y1) in enumerate(tboxes):
        ax.add_patch(
            Rectangle(
                (x0, y0),
                x1 - x0,
                y1 - y0,
                fill=False,
                edgecolor=true_color,
                linewidth=linewidth,
                linestyle="--",
            )
        )
        if show_labels and tlabels is not None:
            ax.text(
                x0,
                y1,
                _label_name(tlabels[i], class_names),
                color="black",
                bbox={"facecolor": true_color, "alpha": 0.7, "pad": 1, "lw": 0},
                **{**text_kw, "va": "top"},
            )

    if pred_color is None or isinstance(pred_color, dict):
        label_colors = _label_colors([plabels, tlabels], class_names)
        if pred_color is not None:
            label_colors.update({_label_key(k): v for k, v in pred_color.items()})
    for i in order:
        x0, y0, x1, y1 = pboxes[i]
        label = None if plabels is None else plabels[i]
        if pred_color is not None and not isinstance(pred_color, dict):
            color = pred_color
        elif label is None:
            color = _PRED_COLORS[0]
        else:
            color = label_colors[_label_key(label)]
        ax.add_patch(
            Rectangle(
                (x0, y0),
                x1 - x0,
                y1 - y0,
                fill=False,
                edgecolor=color,
                linewidth=linewidth,
            )
        )
        parts = []
        if show_labels and label is not None:
            parts.append(_label_name(label, class_names))
        if show_scores:
            parts.append(f"{pscores[i]:.2f}")
        if parts:
            # above the box, or inside it when the box touches the top edge
            inside = y0 < 0.06 * img.shape[0]
            ax.text(
                x0,
                y0,
                " ".join(parts),
                color="white",
                bbox={"facecolor": color, "alpha": 0.7, "pad": 1, "lw": 0},
                **{**text_kw, "va": "top" if inside else "bottom"},
            )
    if title is not None:
        ax.set_title(title)
    return ax


def plot_detection_grid(
    images,
    predictions=None,
    targets=None,
    *,
    n_cols=4,
    titles=None,
    figsize=None,
    **kwargs,
):
    """Draw several images with their predicted and true boxes in a grid.

    Parameters
    ----------
    images : list of ndarray or ndarray of shape (n_images, height, width[, channels])
        The images (channels last). One image is ``[image]``: a single
        ``(height, width, 3)`` array is refused, not drawn as ``height``
        one-row images.
    predictions : array-like of dict, default=None
        A detector's ``predict`` output for ``images`` (one item per image), or
        None to draw only the true boxes.
    targets : list of dict or list of ndarray of shape (n_boxes, 4), default=None
        The true boxes of each image, or None.
    n_cols : int, default=4
        Number of columns of the grid.
    titles : list of str, default=None
        One title per image.
    figsize : tuple of float, default=None
        Figure size in inches; by default 3 inches per cell.
    **kwargs : dict
        Passed to :func:`plot_detections` (``score_threshold``,
        ``max_detections``, ``class_names``, ``pred_color``...). With
        ``pred_color=None`` a label has the same colour in every cell (for
        string labels: their position among the sorted labels of all the
        images).

    Returns
    -------
    fig : matplotlib Figure
        The figure; ``fig.axes`` holds one axes per image (empty cells are
        removed).

    Raises
    ------
    ValueError
        For one image given as a 2-D or ``(height, width, 3 or 4)`` array
        (pass ``[image]``), item counts that differ from the number of
        images, and the errors of :func:`plot_detections`.

    See Also
    --------
    plot_detections : Draw one image.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklvision.plotting import plot_detection_grid
    >>> images = [np.zeros((40, 40), dtype=np.uint8) for _ in range(3)]
    >>> targets = [np.array([[5.0, 5.0, 20.0, 20.0]])] * 3
    >>> fig = plot_detection_grid(images, targets=targets, n_cols=2)
    >>> len(fig.axes)
    3
    """
    plt = _check_matplotlib("plot_detection_grid")
    if isinstance(images, np.ndarray) and images.dtype != object:
        if images.ndim == 2:
            raise ValueError(
                f"images is a 2-D array of shape {images.shape}: one gray image "
                "(its rows would be drawn as 1-D images). For one image, pass "
                "[image]; a stack of images has shape (n, h, w[, c])."
            )
        _refuse_one_colour_image(images, False, "images")
    for name, value in (("predictions", predictions), ("targets", targets)):
        if isinstance(value, dict):
            raise TypeError(
                f"{name} is a single dict; pass a list with one item per image."
            )
    n = len(images)
    if n == 0:
        raise ValueError("images is empty: pass at least one image.")
    for name, value in (("predictions", predictions), ("targets", targets)):
        if value is not None and len(value) != n:
            raise ValueError(f"{name} has {len(value)} items but there are {n} images.")
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles has {len(titles)} items but there are {n} images.")
    pred_color = kwargs.get("pred_color")
    if predictions is not None and (pred_color is None or isinstance(pred_color, dict)):
        # one label -> colour map for the whole grid: string labels are
        # numbered among the labels of all the images, not of each cell
        labels = [
            _parse_boxes(value, f"{name}[{i}]", with_scores=False)[2]
            for name, values in (("predictions", predictions), ("targets", targets))
            if values is not None
            for i, value in enumerate(values)
        ]
        colors = _label_colors(labels, kwargs.get("class_names"))
        if pred_color is not None:
            colors.update({_label_key(k): v for k, v in pred_color.items()})
        kwargs = {**kwargs, "pred_color": colors}
    fig, axes, _ = _subplot_grid(plt, n, n_cols, (3.0, 3.0), figsize)
    for i, ax in enumerate(axes.ravel()):
        if i >= n:
            fig.delaxes(ax)
            continue
        plot_detections(
            images[i],
            None if predictions is None else predictions[i],
            None if targets is None else targets[i],
            ax=ax,
            title=None if titles is None else titles[i],
            **kwargs,
        )
    fig.tight_layout()
    return fig
