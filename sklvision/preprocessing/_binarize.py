"""Thresholding of images into foreground (1) and background (0)."""

from numbers import Real

import numpy as np
from skimage.filters import threshold_otsu

from sklvision.preprocessing._base import _ImageTransformer
from sklvision.utils._sklearn_compat import StrOptions

__all__ = ["Binarize"]


def _midpoint(dtype):
    """Midpoint of the value range of a dtype: 127.5 for uint8, 0.5 for floats.

    Signed integer dtypes raise: -0.5 (int16) or 0.0 (int64) would silently
    make most 0-255 images all foreground.
    """
    dtype = np.dtype(dtype)
    if dtype.kind == "i":
        raise ValueError(
            f"threshold=None uses the midpoint of the image dtype's range, "
            f"which means nothing for signed integer images ({dtype}: "
            f"{np.iinfo(dtype).min} to {np.iinfo(dtype).max}). Pass a number "
            f"(e.g. threshold=127.5 for 0-255 values), 'mean' or 'otsu', or "
            f"cast the images to uint8 / float in [0, 1]."
        )
    if dtype.kind == "u":
        info = np.iinfo(dtype)
        return (float(info.min) + float(info.max)) / 2
    return 0.5


def _otsu(image):
    # All values of the image pooled (colour channels too, which also avoids
    # skimage's "looks like an RGB image" warning). skimage returns the value
    # itself for a flat image (Otsu is undefined there): all background.
    values = image.ravel()
    if values.dtype == bool:
        # the same 0/1 values skimage would use, without its "Converting
        # input from bool to uint8" warning
        values = values.view(np.uint8)
    return float(threshold_otsu(values))


class Binarize(_ImageTransformer):
    """Threshold images into foreground (1) and background (0).

    A pixel value is foreground when it is above the threshold
    (``foreground="bright"``) or below it (``foreground="dark"``, e.g. dark
    ink on white paper); a value equal to the threshold is background. Each
    channel of a colour image is thresholded on its own; apply
    :class:`Grayscale` first to get one mask per image.

    Parameters
    ----------
    threshold : float or {"mean", "otsu"}, default=None
        The threshold:

        - None: the midpoint of the range of the image dtype, i.e. 127.5 for
          uint8 (``(min + max) / 2`` of the integer type in general, e.g.
          32767.5 for uint16) and 0.5 for float and bool images (which are
          assumed to lie in [0, 1]); signed integer images (e.g. int64 from
          ``np.array`` of Python ints) raise a ValueError, as their range
          says nothing about the values: pass a number for them;
        - a number: this fixed value for all images;
        - ``"mean"``: the mean value of each image;
        - ``"otsu"``: Otsu's threshold of each image
          (:func:`skimage.filters.threshold_otsu` on all its values); a
          constant image is all background. skimage finds an integer
          threshold for integer images and one of 256 bins over the range
          for floats, so a uint8 picture and its float / 255 form can differ
          at pixels lying on the threshold (a fraction of a percent of the
          pixels of random images).

    foreground : {"bright", "dark"}, default="bright"
        Whether values above (``"bright"``) or below (``"dark"``) the
        threshold are foreground.

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
    sklearn.preprocessing.Binarizer : The same for tabular features.
    skimage.filters.threshold_otsu : Otsu's method.
    Grayscale : Convert colour images to gray first.

    Notes
    -----
    The output has the shape and the dtype of the input (uint8 stays uint8,
    float32 stays float32) with values 0 and 1, like
    :class:`sklearn.preprocessing.Binarizer`. This transformer is stateless:
    :meth:`fit` only validates ``X``. Per-image thresholds (``"mean"``,
    ``"otsu"``) of a 2-D array are computed row by row.

    References
    ----------
    .. [1] N. Otsu, "A threshold selection method from gray-level
       histograms", IEEE Transactions on Systems, Man, and Cybernetics,
       9(1), 62-66, 1979.

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.preprocessing import Binarize
    >>> X = np.array([[[0, 100, 200]], [[50, 128, 255]]], dtype=np.uint8)
    >>> Binarize().fit_transform(X)
    array([[[0, 0, 1]],
    <BLANKLINE>
           [[0, 1, 1]]], dtype=uint8)
    >>> Binarize(threshold="mean", foreground="dark").fit_transform(X)
    array([[[1, 0, 0]],
    <BLANKLINE>
           [[1, 1, 0]]], dtype=uint8)
    """

    _parameter_constraints: dict = {
        "threshold": [Real, StrOptions({"mean", "otsu"}), None],
        "foreground": [StrOptions({"bright", "dark"})],
    }

    def __init__(self, threshold=None, foreground="bright"):
        self.threshold = threshold
        self.foreground = foreground

    def _thresholds(self, X, per_image_axes):
        """Threshold per image, broadcastable against X."""
        if self.threshold is None:
            return _midpoint(X.dtype)
        if self.threshold == "mean":
            return X.mean(axis=per_image_axes, keepdims=True, dtype=np.float64)
        if self.threshold == "otsu":
            t = np.array([_otsu(image) for image in X])
            return t.reshape((-1,) + (1,) * (X.ndim - 1))
        return float(self.threshold)

    def _apply(self, X, thresholds):
        mask = X > thresholds if self.foreground == "bright" else X < thresholds
        return mask.astype(X.dtype)

    def _transform_image(self, image):
        return self._transform_stack(image[np.newaxis])[0]

    def _transform_stack(self, X):
        axes = tuple(range(1, X.ndim))
        return self._apply(X, self._thresholds(X, axes))
