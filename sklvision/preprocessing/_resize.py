"""Resizing images to one fixed size."""

from numbers import Integral

import numpy as np
from skimage.transform import resize

from sklvision.preprocessing._base import _cast_like, _ImageTransformer, _map_images
from sklvision.utils._sklearn_compat import Interval
from sklvision.utils._validation import _check_int_pair

__all__ = ["Resize"]


def _resize_images(images, *, output_shape, order, anti_aliasing):
    """Resize a chunk of images (joblib worker)."""
    out = []
    for image in images:
        dtype = image.dtype
        shape = tuple(output_shape) + image.shape[2:]
        aa = anti_aliasing
        if aa is None:
            # skimage's default, decided on the *input* dtype: the casts
            # below would otherwise turn it on for bool and for small
            # integers with order=0 (nearest neighbour must not blur labels).
            aa = (
                dtype.kind != "b"
                and not (dtype.kind in "ui" and order == 0)
                and any(o < i for o, i in zip(shape, image.shape))
            )
        if dtype.kind == "b":
            image = image.astype(np.float64)
        elif dtype.kind in "ui" and dtype.itemsize <= 2:
            # float32 holds 16-bit integers exactly and makes skimage work in
            # float32 (about 1.3x faster than its float64 default); the
            # result is rounded back to the integer dtype anyway.
            image = image.astype(np.float32)
        if image.shape == shape:
            resized = image.copy()
        else:
            resized = resize(
                image,
                shape,
                order=order,
                mode="reflect",
                anti_aliasing=aa,
                preserve_range=True,
            )
        if dtype.kind != "b":
            resized = _cast_like(resized, dtype)
        elif order == 0 and not aa:
            # nearest neighbour of 0/1 values: exactly a mask again (bool,
            # as skimage gives); interpolated masks stay float64 fractions.
            resized = resized.astype(bool)
        out.append(resized)
    return out


class Resize(_ImageTransformer):
    """Resize images to one fixed ``(height, width)``.

    Uses :func:`skimage.transform.resize` with ``preserve_range=True``:
    values keep their scale, uint8 (and other integer) images stay in their
    dtype (rounded and clipped), float32 stays float32. Boolean masks stay
    boolean with ``order=0`` (nearest neighbour, as in skimage); with
    ``order >= 1`` (which skimage refuses for booleans) or anti-aliasing
    they are interpolated as 0/1 values and give float64 values in [0, 1],
    the fraction of foreground (threshold them, e.g. with :class:`Binarize`,
    to get masks back). A list of images of different sizes becomes one
    stack, ready for :class:`Flatten`, :class:`HOGFeatures` or a classifier.
    The aspect ratio is not kept.

    Parameters
    ----------
    output_shape : tuple of int (height, width), default=(64, 64)
        Size of the output images; colour channels are kept.
    order : int, default=1
        Spline interpolation order (0: nearest, 1: bilinear, 3: bicubic).
    anti_aliasing : bool, default=None
        Gaussian smoothing before downscaling. None follows skimage's rule
        on the input dtype: on when an image is downscaled, except for
        boolean images and for integer images with ``order=0`` (so that
        nearest-neighbour resizing of a label mask only keeps its labels).
    n_jobs : int, default=None
        Number of jobs resizing chunks of images in parallel. ``None`` means
        1 unless in a :obj:`joblib.parallel_backend` context, ``-1`` means all
        processors.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen in :meth:`fit`, only set when ``X`` is a 2-D
        array (``n_samples`` gray images of one row each). Image stacks and
        lists of any size are accepted by :meth:`transform` in any case.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns seen in :meth:`fit`, only set when ``X`` is a
        DataFrame with string column names.

    See Also
    --------
    skimage.transform.resize : The function applied to each image.
    sklvision.datasets.load_image_folder : Can resize while reading files.

    Notes
    -----
    The output is always an array of shape ``(n_samples, height, width)``
    or ``(n_samples, height, width, channels)``, also for a list input. A
    2-D array ``(n_samples, n_features)`` is read as gray images of shape
    ``(1, n_features)``. Images that already have the output size are
    copied unchanged (bool images with ``order >= 1`` still become float64
    0/1 values, as every bool image interpolated does). This transformer is
    stateless.

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.preprocessing import Resize
    >>> images = [np.zeros((10, 20, 3), np.uint8), np.ones((30, 15, 3), np.uint8)]
    >>> X = Resize(output_shape=(8, 8)).fit_transform(images)
    >>> X.shape, X.dtype
    ((2, 8, 8, 3), dtype('uint8'))
    """

    _parameter_constraints: dict = {
        "output_shape": [tuple, list],
        "order": [Interval(Integral, 0, 5, closed="both")],
        "anti_aliasing": ["boolean", None],
        "n_jobs": [Integral, None],
    }

    def __init__(self, output_shape=(64, 64), order=1, anti_aliasing=None, n_jobs=None):
        self.output_shape = output_shape
        self.order = order
        self.anti_aliasing = anti_aliasing
        self.n_jobs = n_jobs

    def transform(self, X):
        """Resize each image.

        Parameters
        ----------
        X : ndarray of shape (n_samples, height, width[, channels]) or list \
                of ndarray of shape (height_i, width_i[, channels])
            Images. A 2-D array ``(n_samples, n_features)`` is read as
            ``n_samples`` gray images of one row each.

        Returns
        -------
        X_out : ndarray of shape (n_samples, out_height, out_width[, channels])
            The resized images as one stack.
        """
        self._validate_params()
        shape = _check_int_pair(self.output_shape, "output_shape")
        X = self._validate(X, reset=False)
        if isinstance(X, np.ndarray) and X.ndim == 2:
            X = X[:, np.newaxis, :]
        params = dict(output_shape=shape, order=self.order)
        params["anti_aliasing"] = self.anti_aliasing
        return np.stack(_map_images(_resize_images, X, params, self.n_jobs))
