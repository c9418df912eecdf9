"""Synthetic coloured letter shapes (H, T, |, -) on black, and scenes of them."""

import numbers

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["make_shapes", "make_shapes_scene"]

# The eight objects of the weight-template demo: shapes and RGB colours in [0, 1].
_DEFAULT_SHAPES = ("H", "H", "T", "T", "|", "H", "H", "-")
_DEFAULT_COLORS = (
    (1.0, 0.0, 0.0),
    (1.0, 0.5, 0.0),
    (0.0, 1.0, 0.5),
    (0.25, 0.0, 1.0),
    (0.25, 1.0, 1.0),
    (1.0, 1.0, 1.0),
    (0.0, 0.0, 1.0),
    (1.0, 1.0, 1.0),
)

# Filled rectangles (row_start, row_stop, col_start, col_stop) of each letter on
# a 100 x 100 canvas; other canvas sizes scale these coordinates.
_STROKES = {
    "H": ((30, 75, 60, 70), (50, 55, 40, 60), (30, 75, 30, 40)),
    "T": ((30, 38, 30, 70), (38, 75, 45, 55)),
    "|": ((30, 75, 45, 55),),
    "-": ((50, 55, 40, 60),),
}


def _check_objects(shapes, colors):
    if shapes is None and colors is None:
        return list(_DEFAULT_SHAPES), np.asarray(_DEFAULT_COLORS, dtype=np.float64)
    if shapes is None or colors is None:
        raise ValueError(
            "Pass both shapes and colors (one colour per shape), or neither for "
            "the eight objects of the original demo."
        )
    shapes = list(shapes)
    if len(shapes) == 0:
        raise ValueError("shapes is empty; give at least one of 'H', 'T', '|', '-'.")
    for s in shapes:
        if s not in _STROKES:
            raise ValueError(
                f"Unknown shape {s!r}; choose among {sorted(_STROKES)}."
            )
    colors = np.asarray(colors, dtype=np.float64)
    if colors.ndim != 2 or colors.shape != (len(shapes), 3):
        raise ValueError(
            f"colors must have shape (n_shapes, 3) = ({len(shapes)}, 3) with RGB "
            f"values in [0, 1], got shape {colors.shape}."
        )
    if not np.all(np.isfinite(colors)) or colors.min() < 0 or colors.max() > 1:
        raise ValueError("colors must hold finite RGB values in [0, 1].")
    return shapes, colors


def _check_int(value, name, low):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}.")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}.")
    return int(value)


def _strokes(shape, size):
    """Rectangles of ``shape`` on a ``size`` x ``size`` canvas."""
    f = size / 100.0
    out = []
    for r0, r1, c0, c1 in _STROKES[shape]:
        r0, c0 = int(round(r0 * f)), int(round(c0 * f))
        r1, c1 = max(int(round(r1 * f)), r0 + 1), max(int(round(c1 * f)), c0 + 1)
        out.append((r0, r1, c0, c1))
    return out


def _draw(canvas, shape, color, size, row, col):
    for r0, r1, c0, c1 in _strokes(shape, size):
        canvas[row + r0 : row + r1, col + c0 : col + c1, :] = color


def _tight_box(shape, size, row, col):
    rects = np.asarray(_strokes(shape, size), dtype=np.float64)
    return [
        col + rects[:, 2].min(),
        row + rects[:, 0].min(),
        col + rects[:, 3].max(),
        row + rects[:, 1].max(),
    ]


def _add_noise(images, noise, rng):
    if noise:
        images += noise * rng.random_sample(images.shape).astype(images.dtype)
        np.clip(images, 0.0, 1.0, out=images)
    return images


def _check_noise_and_dtype(noise, dtype):
    """Validate the generators' ``noise`` and ``dtype``; return the dtype."""
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite value >= 0, got {noise}.")
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}.")
    return dtype


def make_shapes(
    n_samples=None,
    *,
    shapes=None,
    colors=None,
    image_size=100,
    noise=0.0,
    dtype=np.float64,
    random_state=None,
):
    """Make images of coloured letter shapes (H, T, |, -) on a black background.

    Each image is one object (a letter drawn with filled rectangles in one
    RGB colour) on a black ``image_size`` x ``image_size`` canvas; the letter
    occupies rows 30-75 and columns 30-70 of a 100-pixel canvas (scaled for
    other sizes). By default the eight objects of the original weight-template
    demo are made once each, in order: H red, H orange, T green, T violet,
    | cyan, H white, H blue, - white.

    Parameters
    ----------
    n_samples : int, default=None
        Number of images. None makes every object once, in order (label ``i``
        for object ``i``); an int draws that many objects uniformly at random.
    shapes : sequence of {"H", "T", "|", "-"}, default=None
        Letter of each object. None (with ``colors=None``) gives the demo's
        eight objects.
    colors : array-like of shape (n_objects, 3), default=None
        RGB colour in [0, 1] of each object.
    image_size : int, default=100
        Height and width of each image in pixels (at least 10).
    noise : float, default=0.0
        Amplitude of uniform noise added to every pixel (then clipped to
        [0, 1]); 0 gives exact shapes.
    dtype : {np.float32, np.float64}, default=np.float64
        dtype of the images.
    random_state : int, RandomState instance or None, default=None
        Seed for the object draws and the noise; the output is deterministic
        for a fixed int.

    Returns
    -------
    X : ndarray of shape (n_samples, image_size, image_size, 3)
        Images, channels last, values in [0, 1].
    y : list of dict
        One target per image: ``{"boxes": ndarray of shape (1, 4), "labels":
        ndarray of shape (1,)}``; the box ``(x_min, y_min, x_max, y_max)``
        covers the whole image (the set-up of the original demo) and the label
        is the object's index in ``shapes``.

    See Also
    --------
    make_shapes_scene : Larger scenes with the same objects placed at random.

    Examples
    --------
    >>> from sklvision.datasets import make_shapes
    >>> X, y = make_shapes()
    >>> X.shape, y[2]["boxes"], y[2]["labels"]
    ((8, 100, 100, 3), array([[  0.,   0., 100., 100.]]), array([2]))
    >>> X[0, 50, 35], X[0, 0, 0]
    (array([1., 0., 0.]), array([0., 0., 0.]))
    """
    shapes, colors = _check_objects(shapes, colors)
    image_size = _check_int(image_size, "image_size", 10)
    dtype = _check_noise_and_dtype(noise, dtype)
    rng = check_random_state(random_state)
    if n_samples is None:
        objects = np.arange(len(shapes))
    else:
        n_samples = _check_int(n_samples, "n_samples", 1)
        objects = rng.randint(len(shapes), size=n_samples)
    X = np.zeros((len(objects), image_size, image_size, 3), dtype=dtype)
    y = []
    for i, k in enumerate(objects):
        _draw(X[i], shapes[k], colors[k], image_size, 0, 0)
        y.append(
            {
                "boxes": np.array([[0.0, 0.0, image_size, image_size]]),
                "labels": np.array([k], dtype=np.int64),
            }
        )
    return _add_noise(X, noise, rng), y


def make_shapes_scene(
    n_samples=1,
    *,
    scene_size=300,
    n_objects=1,
    shapes=None,
    colors=None,
    image_size=100,
    box="patch",
    allow_overlap=False,
    noise=0.0,
    dtype=np.float64,
    random_state=None,
):
    """Make black scenes with coloured letter shapes placed at random.

    Each scene is a black ``scene_size`` x ``scene_size`` RGB image holding
    ``n_objects`` objects of :func:`make_shapes`: an ``image_size`` patch
    with the object is pasted at a random position fully inside the scene
    (the original demo: one object in a 300 x 300 scene).

    Parameters
    ----------
    n_samples : int, default=1
        Number of scenes.
    scene_size : int or tuple of (int, int), default=300
        Height and width of the scenes (an int for square scenes).
    n_objects : int, default=1
        Number of objects per scene.
    shapes : sequence of {"H", "T", "|", "-"}, default=None
        Letter of each object kind; None (with ``colors=None``) gives the
        eight objects of the original demo.
    colors : array-like of shape (n_objects, 3), default=None
        RGB colour in [0, 1] of each object kind.
    image_size : int, default=100
        Size of the patch each object is drawn on (as in :func:`make_shapes`).
    box : {"patch", "tight"}, default="patch"
        The returned box: the whole ``image_size`` patch (what a detector
        trained on :func:`make_shapes` images finds) or the tight bounding box
        of the letter's pixels.
    allow_overlap : bool, default=False
        Whether patches of different objects may overlap. When False the
        positions are redrawn until no two patches overlap (a ValueError is
        raised when the scene is too small for that).
    noise : float, default=0.0
        Amplitude of uniform noise added to every pixel (then clipped to
        [0, 1]).
    dtype : {np.float32, np.float64}, default=np.float64
        dtype of the scenes.
    random_state : int, RandomState instance or None, default=None
        Seed for objects, positions and noise.

    Returns
    -------
    X : ndarray of shape (n_samples, height, width, 3)
        Scenes, channels last, values in [0, 1].
    y : list of dict
        One target per scene: ``{"boxes": ndarray of shape (n_objects, 4),
        "labels": ndarray of shape (n_objects,)}`` with boxes
        ``(x_min, y_min, x_max, y_max)`` in pixels (x = column) and labels the
        objects' indices in ``shapes``.

    See Also
    --------
    make_shapes : The single-object training images.

    Examples
    --------
    >>> from sklvision.datasets import make_shapes_scene
    >>> X, y = make_shapes_scene(2, random_state=0)
    >>> X.shape, y[0]["boxes"].shape, y[0]["labels"].shape
    ((2, 300, 300, 3), (1, 4), (1,))
    >>> x0, y0, x1, y1 = y[0]["boxes"][0]
    >>> print(x1 - x0, y1 - y0)
    100.0 100.0
    """
    shapes, colors = _check_objects(shapes, colors)
    n_samples = _check_int(n_samples, "n_samples", 1)
    n_objects = _check_int(n_objects, "n_objects", 1)
    image_size = _check_int(image_size, "image_size", 10)
    if isinstance(scene_size, numbers.Integral):
        scene_size = (scene_size, scene_size)
    height, width = (_check_int(int(s), "scene_size", 1) for s in scene_size)
    if height < image_size or width < image_size:
        raise ValueError(
            f"scene_size {(height, width)} is smaller than image_size "
            f"{image_size}; every object patch must fit in the scene."
        )
    if box not in ("patch", "tight"):
        raise ValueError(f"box must be 'patch' or 'tight', got {box!r}.")
    dtype = _check_noise_and_dtype(noise, dtype)
    rng = check_random_state(random_state)

    X = np.zeros((n_samples, height, width, 3), dtype=dtype)
    y = []
    for i in range(n_samples):
        objects = rng.randint(len(shapes), size=n_objects)
        # Redraw all positions of the scene until no two patches overlap.
        for _attempt in range(1000):
            rows = rng.randint(height - image_size + 1, size=n_objects)
            cols = rng.randint(width - image_size + 1, size=n_objects)
            apart = (np.abs(rows[:, None] - rows) >= image_size) | (
                np.abs(cols[:, None] - cols) >= image_size
            )
            np.fill_diagonal(apart, True)
            if allow_overlap or apart.all():
                break
        else:
            raise ValueError(
                f"Could not place {n_objects} non-overlapping patches of size "
                f"{image_size} in a {height} x {width} scene; use a larger "
                "scene, fewer objects or allow_overlap=True."
            )
        positions = list(zip(rows.tolist(), cols.tolist()))
        boxes = []
        for k, (row, col) in zip(objects, positions):
            _draw(X[i], shapes[k], colors[k], image_size, row, col)
            if box == "patch":
                boxes.append([col, row, col + image_size, row + image_size])
            else:
                boxes.append(_tight_box(shapes[k], image_size, row, col))
        y.append(
            {
                "boxes": np.asarray(boxes, dtype=np.float64),
                "labels": objects.astype(np.int64),
            }
        )
    return _add_noise(X, noise, rng), y
