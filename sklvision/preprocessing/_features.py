"""Feature extractors turning images into (n_samples, n_features) arrays."""

from numbers import Integral

import numpy as np
from skimage.feature import hog
from sklearn.base import ClassNamePrefixFeaturesOutMixin

from sklvision.preprocessing._base import _ImageTransformer, _map_images
from sklvision.utils._sklearn_compat import Interval, StrOptions, _fit_context
from sklvision.utils._validation import _check_int_pair

__all__ = ["Flatten", "HOGFeatures"]


def _as_image_list(X):
    """2-D arrays are rows of gray images of height 1."""
    if isinstance(X, np.ndarray) and X.ndim == 2:
        return X[:, np.newaxis, :]
    return X


def _common_shape(X, name):
    """The one shape shared by all images, or a ValueError saying to resize."""
    if isinstance(X, np.ndarray):
        return X.shape[1:]
    shapes = {image.shape for image in X}
    if len(shapes) > 1:
        raise ValueError(
            f"{name} needs images of one size to give the same number of "
            f"features per image, got shapes {sorted(shapes)[:3]}"
            f"{'...' if len(shapes) > 3 else ''}; put a "
            "sklvision.preprocessing.Resize step first."
        )
    return next(iter(shapes))


class _FeatureExtractor(ClassNamePrefixFeaturesOutMixin, _ImageTransformer):
    """Image -> feature-vector transformers; they name their output columns."""

    def _n_features(self, image_shape):
        raise NotImplementedError

    def _check_values(self, X):
        """Refuse pixel values the extractor cannot use (hook, no-op here)."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Validate the images and record the number of output features.

        Parameters
        ----------
        X : ndarray of shape (n_samples, height, width[, channels]) or list \
                of ndarray of shape (height, width[, channels])
            Images, all of one size. A 2-D array ``(n_samples, n_features)``
            is read as ``n_samples`` gray images of one row each.
        y : Ignored
            Not used, present here for API consistency by convention.

        Returns
        -------
        self : object
            Fitted transformer.
        """
        X = _as_image_list(self._validate(X, reset=True))
        shape = _common_shape(X, type(self).__name__)
        self._check_values(X)
        self._n_features_out = self._n_features(shape)
        self._fit_image_shape = tuple(shape)
        return self

    def _check_features_out(self, image_shape):
        """Number of output features; after fit, it must be the fitted one.

        Otherwise the columns would disagree with
        :meth:`get_feature_names_out` and with what a following estimator
        was fitted on (scikit-learn's "X has N features, but ... is
        expecting M" rule, applied to the output).
        """
        n = self._n_features(image_shape)
        fitted = getattr(self, "_n_features_out", None)
        if fitted is not None and n != fitted:
            raise ValueError(
                f"X has images of shape {tuple(image_shape)}, giving {n} "
                f"features, but {type(self).__name__} was fitted on images of "
                f"shape {self._fit_image_shape}, giving {fitted}. Resize the "
                "images to the fitted size (sklvision.preprocessing.Resize) "
                "or fit again."
            )
        return n


class HOGFeatures(_FeatureExtractor):
    """Histogram of Oriented Gradients (HOG) descriptor of each image.

    Applies :func:`skimage.feature.hog` to every image and returns one
    feature vector per image. For colour images the gradient of the channel
    with the largest gradient magnitude is used at each pixel (skimage's
    ``channel_axis=-1``, as in Dalal & Triggs). All images must have the
    same size; put a :class:`Resize` step first otherwise.

    Parameters
    ----------
    orientations : int, default=9
        Number of orientation bins.
    pixels_per_cell : tuple of int (rows, cols), default=(8, 8)
        Size of a cell in pixels.
    cells_per_block : tuple of int (rows, cols), default=(3, 3)
        Number of cells in each block (the unit of normalisation).
    block_norm : {"L1", "L1-sqrt", "L2", "L2-Hys"}, default="L2-Hys"
        Block normalisation method.
    transform_sqrt : bool, default=False
        Apply power-law compression (square root) to the image first. The
        images must not hold negative values (a ``ValueError`` says so):
        after ``Normalize(method="zscore")`` use ``transform_sqrt=False`` or
        ``Normalize(method="minmax")`` (values in [0, 1]) instead.
    n_jobs : int, default=None
        Number of jobs computing chunks of images in parallel. ``None`` means
        1 unless in a :obj:`joblib.parallel_backend` context, ``-1`` means all
        processors.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen in :meth:`fit`, only set when ``X`` is a 2-D
        array (``n_samples`` gray images of one row each).

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns seen in :meth:`fit`, only set when ``X`` is a
        DataFrame with string column names.

    See Also
    --------
    skimage.feature.hog : The descriptor computed for each image.
    Flatten : Raw pixels as features.
    Resize : Bring images to one size first.

    Notes
    -----
    An image of ``h x w`` pixels gives
    ``n_blocks_row * n_blocks_col * cells_per_block[0] * cells_per_block[1]
    * orientations`` features with ``n_blocks_row = h // pixels_per_cell[0]
    - cells_per_block[0] + 1`` (likewise for columns); an image smaller than
    one block raises a ``ValueError``. The output is float32 for float32
    input and float64 otherwise (also for float16, which skimage alone
    would compute in float32). :meth:`fit` records the number of output
    features (for :meth:`get_feature_names_out`) from the image size;
    :meth:`transform` may be called without it, and after it requires
    images giving that many features.

    References
    ----------
    .. [1] N. Dalal and B. Triggs, "Histograms of Oriented Gradients for
       Human Detection", IEEE CVPR, 2005.

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.preprocessing import HOGFeatures
    >>> X = np.random.RandomState(0).rand(3, 32, 32)
    >>> hog = HOGFeatures(pixels_per_cell=(8, 8), cells_per_block=(2, 2))
    >>> hog.fit_transform(X).shape
    (3, 324)
    >>> hog.get_feature_names_out()[:2]
    array(['hogfeatures0', 'hogfeatures1'], dtype=object)
    """

    _parameter_constraints: dict = {
        "orientations": [Interval(Integral, 1, None, closed="left")],
        "pixels_per_cell": [tuple, list],
        "cells_per_block": [tuple, list],
        "block_norm": [StrOptions({"L1", "L1-sqrt", "L2", "L2-Hys"})],
        "transform_sqrt": ["boolean"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        orientations=9,
        pixels_per_cell=(8, 8),
        cells_per_block=(3, 3),
        block_norm="L2-Hys",
        transform_sqrt=False,
        n_jobs=None,
    ):
        self.orientations = orientations
        self.pixels_per_cell = pixels_per_cell
        self.cells_per_block = cells_per_block
        self.block_norm = block_norm
        self.transform_sqrt = transform_sqrt
        self.n_jobs = n_jobs

    def _n_features(self, image_shape):
        ppc = _check_int_pair(self.pixels_per_cell, "pixels_per_cell")
        cpb = _check_int_pair(self.cells_per_block, "cells_per_block")
        h, w = image_shape[:2]
        n_blocks = [h // ppc[0] - cpb[0] + 1, w // ppc[1] - cpb[1] + 1]
        if min(n_blocks) < 1:
            raise ValueError(
                f"Images of {h}x{w} pixels are smaller than one HOG block of "
                f"{cpb[0] * ppc[0]}x{cpb[1] * ppc[1]} pixels (cells_per_block="
                f"{cpb} x pixels_per_cell={ppc}); use larger images (Resize) "
                "or smaller cells/blocks."
            )
        return n_blocks[0] * n_blocks[1] * cpb[0] * cpb[1] * self.orientations

    def _check_values(self, X):
        # skimage's hog takes np.sqrt of the image: negative values give NaN
        # features with only numpy's RuntimeWarning.
        if not self.transform_sqrt:
            return
        for image in [X] if isinstance(X, np.ndarray) else X:
            if image.dtype.kind in "if" and image.size and image.min() < 0:
                raise ValueError(
                    "HOGFeatures(transform_sqrt=True) takes the square root of "
                    "the pixel values, but the images hold negative values "
                    f"(minimum {float(image.min()):.3g}), e.g. after "
                    "Normalize(method='zscore'); their square root is NaN. Use "
                    "transform_sqrt=False, or scale the images to [0, 1] first "
                    "(Normalize(method='minmax'))."
                )

    def transform(self, X):
        """Compute the HOG descriptor of each image.

        Parameters
        ----------
        X : ndarray of shape (n_samples, height, width[, channels]) or list \
                of ndarray of shape (height, width[, channels])
            Images, all of one size. A 2-D array ``(n_samples, n_features)``
            is read as ``n_samples`` gray images of one row each.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            One HOG descriptor per row.
        """
        self._validate_params()
        X = _as_image_list(self._validate(X, reset=False))
        self._check_features_out(_common_shape(X, "HOGFeatures"))
        self._check_values(X)
        params = dict(
            orientations=self.orientations,
            pixels_per_cell=_check_int_pair(self.pixels_per_cell, "pixels_per_cell"),
            cells_per_block=_check_int_pair(self.cells_per_block, "cells_per_block"),
            block_norm=self.block_norm,
            transform_sqrt=self.transform_sqrt,
        )
        return np.stack(_map_images(_hog_images, X, params, self.n_jobs))


def _hog_images(images, **params):
    """HOG of a chunk of images (joblib worker)."""
    out = []
    for image in images:
        if image.dtype.kind == "b" or image.dtype == np.float16:
            # skimage would compute float16 in float32; the documented rule
            # (and the preserves_dtype tag, whose first entry is the output
            # of other dtypes) is float64, as for Normalize.
            image = image.astype(np.float64)
        channel_axis = -1 if image.ndim == 3 else None
        out.append(hog(image, channel_axis=channel_axis, **params))
    return out


class Flatten(_FeatureExtractor):
    """Flatten each image into one row of pixel values.

    Images of shape ``(h, w)`` or ``(h, w, c)`` become rows of ``h * w`` or
    ``h * w * c`` values (C order: row by row, channels innermost), ready
    for any scikit-learn estimator. The dtype is kept. All images must have
    the same size; put a :class:`Resize` step first otherwise.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen in :meth:`fit`, only set when ``X`` is a 2-D
        array (already flat; it is returned as a copy).

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns seen in :meth:`fit`, only set when ``X`` is a
        DataFrame with string column names.

    See Also
    --------
    HOGFeatures : Gradient-orientation features instead of raw pixels.
    Resize : Bring images to one size first.

    Notes
    -----
    :meth:`fit` records the number of output features (for
    :meth:`get_feature_names_out`); :meth:`transform` may be called without
    it, and after it requires images with that many pixel values.

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.preprocessing import Flatten
    >>> X = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    >>> Flatten().fit_transform(X)
    array([[ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11],
           [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]], dtype=uint8)
    >>> Flatten().fit([np.zeros((2, 2, 3))]).get_feature_names_out()[-1]
    'flatten11'
    """

    _parameter_constraints: dict = {}

    def _n_features(self, image_shape):
        return int(np.prod(image_shape))

    def transform(self, X):
        """Flatten each image.

        Parameters
        ----------
        X : ndarray of shape (n_samples, height, width[, channels]) or list \
                of ndarray of shape (height, width[, channels])
            Images, all of one size. A 2-D array is returned as a copy.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_pixel_values)
            One image per row, in the input dtype.
        """
        X = self._validate(X, reset=False)
        self._check_features_out(_common_shape(_as_image_list(X), "Flatten"))
        if not isinstance(X, np.ndarray):
            X = np.stack(X)
        return X.reshape(X.shape[0], -1).copy()
