"""Colour to gray conversion."""

import numpy as np

from sklvision.preprocessing._base import (
    _cast_like,
    _ImageTransformer,
)
from sklvision.utils._sklearn_compat import StrOptions
from sklvision.utils._validation import (
    _LUMINANCE,
    _check_sequence_image,
    _is_image_sequence,
)

__all__ = ["Grayscale"]


def _gray(X, method):
    """Gray version of images with channels on the last axis (any leading dims)."""
    channels = X.shape[-1]
    if channels == 1:
        return X[..., 0].copy()
    # Alpha channels (gray+alpha, RGBA) do not take part in the gray level.
    colour = X[..., :1] if channels == 2 else X[..., :3] if channels == 4 else X
    if colour.shape[-1] == 1:
        return colour[..., 0].copy()
    work = np.float32 if X.dtype in (np.uint8, np.int8, np.float32) else np.float64
    colour = colour.astype(work, copy=False)
    if method == "mean":
        gray = colour.mean(axis=-1, dtype=work)
    elif colour.shape[-1] == 3:
        gray = colour @ _LUMINANCE.astype(work)
    else:
        raise ValueError(
            f"Grayscale(method='luminance') needs images with 1 (gray), 2 (gray "
            f"+ alpha), 3 (RGB) or 4 (RGBA) channels, got {channels}; use "
            "method='mean' to average the channels."
        )
    if X.dtype.kind in "uif":
        return _cast_like(gray, X.dtype)
    return gray.astype(np.float64)


def _channel_counts(images):
    """Distinct channel counts (0 for 2-D) of the 2-D/3-D arrays in a list."""
    return {
        image.shape[2] if image.ndim == 3 else 0
        for image in images
        if isinstance(image, np.ndarray) and image.ndim in (2, 3)
    }


class Grayscale(_ImageTransformer):
    """Convert colour images to gray.

    ``"luminance"`` weighs red, green and blue like
    :func:`skimage.color.rgb2gray` (ITU-R BT.709: 0.2125 R + 0.7154 G +
    0.0721 B); ``"mean"`` is the plain channel average some users expect.
    Unlike ``rgb2gray``, values are not rescaled: uint8 images stay uint8 in
    [0, 255] (rounded), other integer types keep their type, float32 stays
    float32 and float64 stays float64.

    Gray images (2-D images, stacks of shape ``(n, h, w)`` and 2-D arrays)
    are returned unchanged (copied); ``(h, w, 1)`` images lose their channel
    axis; the alpha channel of RGBA (4 channels) and gray+alpha (2 channels)
    images is ignored. A list may mix gray and colour images (as a folder
    of photos often does) and gives a list of gray images, each in its own
    dtype.

    Parameters
    ----------
    method : {"luminance", "mean"}, default="luminance"
        How to combine the colour channels. ``"mean"`` also accepts any
        number of channels (averaged), ``"luminance"`` takes 1 (gray), 2 (gray
        + alpha), 3 (RGB) or 4 (RGBA) channels, alpha left out.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen in :meth:`fit`, only set when ``X`` is a 2-D
        array (``n_samples`` flattened gray images). Image stacks and lists
        of any size are accepted by :meth:`transform` in any case.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns seen in :meth:`fit`, only set when ``X`` is a
        DataFrame with string column names.

    See Also
    --------
    skimage.color.rgb2gray : The same weights, with scaling to [0, 1].
    Binarize : Threshold gray images.

    Notes
    -----
    This transformer is stateless: :meth:`fit` only validates ``X``, and
    :meth:`transform` may be called without it. An array input gives an
    array of shape ``(n_samples, height, width)`` (a 2-D array keeps its
    shape), a list input gives a list of 2-D arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.preprocessing import Grayscale
    >>> X = np.zeros((2, 4, 5, 3), dtype=np.uint8)
    >>> X[..., 1] = 200  # pure green
    >>> Grayscale().fit_transform(X)[0, 0, :3]
    array([143, 143, 143], dtype=uint8)
    >>> Grayscale(method="mean").fit_transform(X)[0, 0, :3]
    array([67, 67, 67], dtype=uint8)
    >>> [im.shape for im in Grayscale().transform([X[0], X[1, :2]])]
    [(4, 5), (2, 5)]
    >>> gray = np.zeros((3, 3), dtype=np.uint8)
    >>> [im.shape for im in Grayscale().transform([gray, X[0]])]
    [(3, 3), (4, 5)]
    """

    _parameter_constraints: dict = {"method": [StrOptions({"luminance", "mean"})]}

    def __init__(self, method="luminance"):
        self.method = method

    def _validate(self, X, *, reset):
        # A list of images may mix gray and colour images (a folder of photos
        # often does): converting them is this transformer's job, so such a
        # list is checked image by image instead of by validate_images, which
        # requires one channel count across the list.
        if not _is_image_sequence(X) or len(_channel_counts(X)) < 2:
            return super()._validate(X, reset=reset)
        if reset:
            for attr in ("n_features_in_", "feature_names_in_"):
                if hasattr(self, attr):
                    delattr(self, attr)
        return [
            _check_sequence_image(image, "numeric", f"X[{i}]")
            for i, image in enumerate(X)
        ]

    def _transform_image(self, image):
        if image.ndim == 2:
            return image.copy()
        return _gray(image, self.method)

    def _transform_stack(self, X):
        if X.ndim == 3:
            return X.copy()
        return _gray(X, self.method)
