"""White discs on black with their bounding box: a synthetic localisation task."""

import numbers

import numpy as np
from sklearn.utils import check_random_state

from sklvision.utils._validation import _check_int_pair

__all__ = ["make_blobs_localization"]


def make_blobs_localization(
    n_samples=100,
    *,
    image_size=128,
    radius_range=(4, 60),
    noise=0.0,
    dtype=np.float64,
    random_state=None,
):
    """Make images of one white disc on black and the disc's bounding box.

    The synthetic first task of the "object localisation by regression"
    tutorial: every image holds exactly one disc; the target is its box. The
    radius is drawn uniformly from ``radius_range`` (clipped to half the image
    size), then the centre uniformly among the positions where the whole disc
    fits in the image. Pixel ``(row, col)`` is white when its centre
    ``(row + 0.5, col + 0.5)`` lies within the radius of the disc's centre, so
    the box ``(cx - r, cy - r, cx + r, cy + r)`` is the disc's exact extent in
    continuous pixel coordinates.

    Parameters
    ----------
    n_samples : int, default=100
        Number of images.
    image_size : int or tuple of (int, int), default=128
        Image side, or ``(height, width)``.
    radius_range : tuple of (float, float), default=(4, 60)
        Smallest and largest disc radius in pixels (``low <= high``, both
        positive); radii beyond half the smaller image side are clipped to it.
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to every pixel (the images
        are not clipped, so the values may leave [0, 1]).
    dtype : {np.float64, np.float32, np.uint8}, default=np.float64
        Image dtype; discs are 1.0 for float images and 255 for uint8
        (``noise`` must be 0 for uint8).
    random_state : int, RandomState instance or None, default=None
        Seed for reproducible output.

    Returns
    -------
    images : ndarray of shape (n_samples, height, width)
        Gray images, background 0, disc 1 (or 255).
    targets : list of dict
        One dict per image, ``"boxes"``: float64 array of shape ``(1, 4)``,
        ``(x_min, y_min, x_max, y_max)`` in pixels (x = column, y = row), and
        ``"labels"``: ``array([0])``.

    See Also
    --------
    sklvision.detection.NumpyMLPLocalizer : Learns to predict these boxes.

    Examples
    --------
    >>> from sklvision.datasets import make_blobs_localization
    >>> images, targets = make_blobs_localization(3, image_size=32,
    ...                                           radius_range=(4, 8),
    ...                                           random_state=0)
    >>> images.shape, targets[0]["boxes"].shape
    ((3, 32, 32), (1, 4))
    >>> box = targets[0]["boxes"][0]
    >>> bool(box[2] - box[0] >= 8 and box[2] - box[0] <= 16)
    True
    """
    if not isinstance(n_samples, numbers.Integral) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
    if isinstance(image_size, numbers.Integral) and not isinstance(image_size, bool):
        height = width = int(image_size)
    else:
        # (16.9, 20.5) became 16x20 images through int()
        height, width = _check_int_pair(image_size, "image_size")
    if height < 4 or width < 4:
        raise ValueError(f"image_size must be at least 4 pixels, got {image_size!r}.")
    try:
        r_low, r_high = (float(v) for v in radius_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"radius_range must be a (low, high) pair, got {radius_range!r}."
        ) from None
    if not (0 < r_low <= r_high):
        raise ValueError(
            f"radius_range must satisfy 0 < low <= high, got {radius_range!r}."
        )
    if not (isinstance(noise, numbers.Real) and noise >= 0):
        raise ValueError(f"noise must be a non-negative number, got {noise!r}.")
    dtype = np.dtype(dtype)
    if dtype not in (np.float64, np.float32, np.uint8):
        raise ValueError(f"dtype must be float64, float32 or uint8, got {dtype}.")
    if dtype == np.uint8 and noise:
        raise ValueError("noise must be 0 for uint8 images; use a float dtype.")
    r_max = min(height, width) / 2.0
    r_low, r_high = min(r_low, r_max), min(r_high, r_max)
    rng = check_random_state(random_state)

    radius = rng.uniform(r_low, r_high, n_samples)
    cx = rng.uniform(radius, width - radius)
    cy = rng.uniform(radius, height - radius)

    rows = np.arange(height, dtype=np.float64) + 0.5
    cols = np.arange(width, dtype=np.float64) + 0.5
    fg = 255 if dtype == np.uint8 else 1
    images = np.empty((n_samples, height, width), dtype=dtype)
    chunk = max(1, 2_000_000 // (height * width))
    for s in range(0, n_samples, chunk):
        sl = slice(s, s + chunk)
        d2 = (rows[None, :, None] - cy[sl, None, None]) ** 2 + (
            cols[None, None, :] - cx[sl, None, None]
        ) ** 2
        images[sl] = (d2 <= (radius[sl] ** 2)[:, None, None]) * fg
    if noise:
        images += rng.normal(0.0, noise, images.shape).astype(dtype, copy=False)

    boxes = np.stack([cx - radius, cy - radius, cx + radius, cy + radius], axis=1)
    targets = [
        {"boxes": boxes[i : i + 1].copy(), "labels": np.zeros(1, dtype=np.int64)}
        for i in range(n_samples)
    ]
    return images, targets
