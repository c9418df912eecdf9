"""Shared helpers for the optional matplotlib plotting functions."""

import importlib
import math

import numpy as np

_MISSING_MATPLOTLIB = (
    "{caller} requires matplotlib, which is not installed. Install the optional "
    "plotting dependencies with `pip install sklvision[plot]` (or "
    "`pip install matplotlib`)."
)


def _check_matplotlib(caller_name="This function"):
    """Import matplotlib or raise an ImportError naming the ``plot`` extra.

    Parameters
    ----------
    caller_name : str, default="This function"
        Name of the public function or class used in the error message.

    Returns
    -------
    plt : module
        The ``matplotlib.pyplot`` module.
    """
    try:
        importlib.import_module("matplotlib")
    except ImportError as exc:
        raise ImportError(_MISSING_MATPLOTLIB.format(caller=caller_name)) from exc
    return importlib.import_module("matplotlib.pyplot")


def _get_ax(ax, caller_name="This function", figsize=None):
    """Return ``(fig, ax)``, creating a new figure when ``ax`` is None."""
    plt = _check_matplotlib(caller_name)
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure
    return fig, ax


def _label_key(label):
    """A label as a plain Python value (``np.int64(1)`` -> ``1``)."""
    return label.item() if isinstance(label, np.generic) else label


def _subplot_grid(
    plt, n, n_cols, cell_size, figsize=None, rows_per_item=1, extra_width=0.0
):
    """A figure with a grid of axes for ``n`` items, at most ``n_cols`` a row.

    Parameters
    ----------
    plt : module
        ``matplotlib.pyplot``.
    n : int
        Number of items.
    n_cols : int
        Items per row (clipped to [1, n]).
    cell_size : tuple of float
        Default ``(width, height)`` in inches of one item's cell, used when
        ``figsize`` is None.
    figsize : tuple of float or None, default=None
        Figure size in inches.
    rows_per_item : int, default=1
        Rows of axes per row of items (an item's axes are stacked vertically).
    extra_width : float, default=0.0
        Inches added to the default width (room for a colour bar).

    Returns
    -------
    fig : matplotlib Figure
    axes : ndarray of Axes of shape (n_rows * rows_per_item, n_cols)
    n_cols : int
        The clipped number of items per row.
    """
    n_cols = max(1, min(int(n_cols), n))
    n_rows = math.ceil(n / n_cols)
    if figsize is None:
        width = cell_size[0] * n_cols + extra_width
        figsize = (width, cell_size[1] * n_rows * rows_per_item)
    fig, axes = plt.subplots(
        n_rows * rows_per_item, n_cols, figsize=figsize, squeeze=False
    )
    return fig, axes, n_cols


def _is_name_list(class_names, order):
    """False for None or a dict; True for a list of names; else TypeError.

    ``order`` says how the list is read ("in the order of classes_",
    "indexed by label"), for the message.
    """
    if class_names is None or isinstance(class_names, dict):
        return False
    if isinstance(class_names, (str, bytes)) or not hasattr(class_names, "__len__"):
        raise TypeError(
            f"class_names must be a list of names {order} or a dict "
            f"{{label: name}}, got {type(class_names).__name__}."
        )
    return True


def _check_class_names_length(class_names, labels):
    """A list of titles, by position in ``classes_``, must cover every class."""
    if not _is_name_list(class_names, "in the order of classes_"):
        return
    if len(class_names) < len(labels):
        raise ValueError(
            f"class_names has {len(class_names)} names but there are "
            f"{len(labels)} classes {list(np.asarray(labels).tolist())}; give "
            "one name per class, in the order of classes_, or a dict "
            "{label: name}."
        )


def _class_title(label, index, class_names):
    """Title of class ``label`` (position ``index``) from optional names."""
    if class_names is None:
        return str(label)
    if isinstance(class_names, dict):
        return str(class_names.get(label, label))
    return str(class_names[index])


def _image_for_display(image):
    """Return ``(array, cmap, clim)`` that ``imshow`` shows without clipping warnings.

    uint8 images are shown as they are, on [0, 255]; uint16 images on their
    full range [0, 65535] (scaled to [0, 1] as :func:`skimage.util.img_as_float`
    does); float (and bool) images in [0, 1] as they are; other images
    (float images outside [0, 1], other integer types) are min-max scaled to
    [0, 1] per image. 2-D images and single-channel 3-D images are shown in
    gray, 4-channel images as RGBA. ``clim`` is the ``(vmin, vmax)`` to pass
    to ``imshow`` for gray images (the range above, so a dark image is not
    contrast-stretched to white), None for colour images. The input is never
    modified.
    """
    img = np.asarray(image)
    if img.ndim == 3 and img.shape[-1] == 1:
        img = img[..., 0]
    if img.ndim not in (2, 3) or (img.ndim == 3 and img.shape[-1] not in (3, 4)):
        raise ValueError(
            "image must be 2-D (height, width) or 3-D (height, width, channels) "
            f"with 1, 3 or 4 channels; got an array of shape {img.shape}."
        )
    if not (np.issubdtype(img.dtype, np.number) or img.dtype == bool):
        raise TypeError(f"image must be numeric, got dtype {img.dtype}.")
    if img.dtype == np.uint8:
        out = img
    elif img.dtype == np.uint16:
        out = img / 65535.0
    else:
        out = img.astype(np.float64)
        finite = out[np.isfinite(out)]
        lo = float(finite.min()) if finite.size else 0.0
        hi = float(finite.max()) if finite.size else 1.0
        if lo < 0.0 or hi > 1.0:
            out = (out - lo) / (hi - lo) if hi > lo else np.zeros_like(out)
        out = np.nan_to_num(out, nan=0.0, posinf=1.0, neginf=0.0)
    if out.ndim == 2:
        return out, "gray", (0, 255) if out.dtype == np.uint8 else (0.0, 1.0)
    return out, None, None
