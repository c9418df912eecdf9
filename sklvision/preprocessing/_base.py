"""Shared machinery of the stateless image transformers."""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import validate_data

from sklvision.utils import validate_images
from sklvision.utils._parallel import _chunk_indices
from sklvision.utils._sklearn_compat import _fit_context


class _ImageTransformer(TransformerMixin, BaseEstimator):
    """Base of sklvision's stateless image transformers.

    ``fit`` only validates ``X`` and returns ``self``; ``transform`` works
    image by image and can be called without ``fit`` (``requires_fit=False``).

    Input handling, shared by all subclasses:

    * a stack ``(n, h, w)`` (gray) or ``(n, h, w, c)`` (channels last);
    * a list, tuple or 1-D object array of 2-D/3-D images of any sizes;
    * a 2-D array ``(n, n_features)``, treated as ``n`` gray images of shape
      ``(1, n_features)`` (flattened images; it also lets scikit-learn's
      common checks run). Only for this input ``fit`` records
      ``n_features_in_`` (and ``feature_names_in_`` for a DataFrame), and
      ``transform`` then checks that a 2-D input has that many columns.
      Image stacks and lists of any size are accepted after any ``fit``:
      the transformers learn nothing, so a size seen in ``fit`` says nothing
      about the images to transform (think of :class:`Resize` in a
      pipeline fitted on large photos and applied to small ones).

    Big-endian images (``>f4``...) are read in the machine's byte order, so
    they get the dtype rules of their type (float32 stays float32).
    """

    # dtype argument of validate_images; "numeric" keeps uint8 etc.
    _input_dtype = "numeric"

    def _validate(self, X, *, reset):
        X_checked = validate_images(X, dtype=self._input_dtype)
        tabular = isinstance(X_checked, np.ndarray) and X_checked.ndim == 2
        if tabular and (reset or hasattr(self, "n_features_in_")):
            # Records / checks n_features_in_ and feature_names_in_ only.
            validate_data(self, X, reset=reset, skip_check_array=True)
        elif reset:
            for attr in ("n_features_in_", "feature_names_in_"):
                if hasattr(self, attr):
                    delattr(self, attr)
        return X_checked

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Validate the images; nothing is learned.

        Parameters
        ----------
        X : ndarray of shape (n_samples, height, width[, channels]) or list \
                of ndarray of shape (height_i, width_i[, channels])
            Images. A 2-D array ``(n_samples, n_features)`` is read as
            ``n_samples`` gray images of one row each.
        y : Ignored
            Not used, present here for API consistency by convention.

        Returns
        -------
        self : object
            Fitted transformer.
        """
        self._validate(X, reset=True)
        return self

    def transform(self, X):
        """Transform each image.

        Parameters
        ----------
        X : ndarray of shape (n_samples, height, width[, channels]) or list \
                of ndarray of shape (height_i, width_i[, channels])
            Images. A 2-D array ``(n_samples, n_features)`` is read as
            ``n_samples`` gray images of one row each.

        Returns
        -------
        X_out : ndarray or list of ndarray
            The transformed images: an array for an array input, a list for
            a sequence input (see the class description for shapes).
        """
        self._validate_params()
        X = self._validate(X, reset=False)
        if isinstance(X, np.ndarray):
            if X.ndim == 2:
                return self._transform_rows(X)
            return self._transform_stack(X)
        return [self._transform_image(image) for image in X]

    # Subclasses implement _transform_image(image) -> image and may override
    # the stack path with a vectorised version.
    def _transform_stack(self, X):
        return np.stack([self._transform_image(image) for image in X])

    def _transform_rows(self, X):
        # n flattened gray images -> (n, 1, f) stack -> back to (n, f).
        out = self._transform_stack(X[:, np.newaxis, :])
        return out.reshape(out.shape[0], -1)

    def __sklearn_is_fitted__(self):
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = True
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _map_images(func, images, params, n_jobs):
    """Apply ``func(chunk, **params)`` over chunks of images, maybe in parallel.

    ``func`` takes a list of images and returns a list of results; one
    joblib task is one chunk of images, not one image.
    """
    chunks = _chunk_indices(len(images), n_jobs)
    if len(chunks) <= 1:
        return func(list(images), **params)
    chunks = Parallel(n_jobs=n_jobs)(
        delayed(func)([images[i] for i in idx], **params) for idx in chunks
    )
    return [item for chunk in chunks for item in chunk]


def _cast_like(values, dtype):
    """Cast float results back to an integer input dtype (rounded, clipped)."""
    dtype = np.dtype(dtype)
    if dtype.kind in "ui":
        info = np.iinfo(dtype)
        return np.clip(np.rint(values), info.min, info.max).astype(dtype)
    if dtype.kind == "f":
        return values.astype(dtype, copy=False)
    return values
