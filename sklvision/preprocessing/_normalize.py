"""Per-image intensity normalisation."""

import numpy as np

from sklvision.preprocessing._base import _ImageTransformer
from sklvision.utils import as_float_image
from sklvision.utils._sklearn_compat import StrOptions

__all__ = ["Normalize"]


def _minmax(X, axes):
    # min/max on the input dtype (cheap for uint8), then one float copy
    # scaled in place.
    lo = X.min(axis=axes, keepdims=True)
    hi = X.max(axis=axes, keepdims=True)
    out = X.astype(_float_dtype(X), copy=True)
    lo = lo.astype(out.dtype)
    span = hi.astype(out.dtype) - lo
    out -= lo
    # A flat image (or channel) becomes all zeros instead of 0 / 0.
    out /= np.where(span > 0, span, 1)
    return out


def _float_dtype(X):
    return np.float32 if X.dtype == np.float32 else np.float64


def _zscore(X, axes):
    mean = X.mean(axis=axes, keepdims=True)
    std = X.std(axis=axes, keepdims=True)
    return (X - mean) / np.where(std > 0, std, 1)


class Normalize(_ImageTransformer):
    """Normalise the intensities of each image (or each channel).

    - ``"minmax"``: ``(x - min) / (max - min)``, values in [0, 1];
    - ``"zscore"``: ``(x - mean) / std``, zero mean and unit variance;
    - ``"zscore-minmax"``: z-score, then shift so the minimum is 0, then
      scale so the maximum is 1 — the recipe of some image tutorials. As both
      steps are affine, the result equals ``"minmax"`` up to rounding; it is
      offered so that such pipelines can be ported literally.

    Statistics are computed per image over all its pixels and channels
    (``per="image"``) or per image and channel (``per="channel"``). A
    constant image (or channel) becomes all zeros.

    Parameters
    ----------
    method : {"minmax", "zscore", "zscore-minmax"}, default="minmax"
        The normalisation.
    per : {"image", "channel"}, default="image"
        Whether colour channels share one set of statistics per image or
        get their own. Gray images are the same either way.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen in :meth:`fit`, only set when ``X`` is a 2-D
        array (``n_samples`` flattened gray images, normalised row by row).
        Image stacks and lists of any size are accepted by :meth:`transform`
        in any case.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns seen in :meth:`fit`, only set when ``X`` is a
        DataFrame with string column names.

    See Also
    --------
    sklearn.preprocessing.MinMaxScaler : Per-feature scaling learned on a
        training set (not per image).
    sklearn.preprocessing.StandardScaler : Per-feature z-score.

    Notes
    -----
    Output images are float32 for float32 input and float64 otherwise, with
    the input's shape. This transformer is stateless: :meth:`fit` only
    validates ``X``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.preprocessing import Normalize
    >>> X = np.array([[[0, 50, 100]], [[10, 10, 10]]], dtype=np.uint8)
    >>> Normalize().fit_transform(X)
    array([[[0. , 0.5, 1. ]],
    <BLANKLINE>
           [[0. , 0. , 0. ]]])
    >>> Normalize(method="zscore").fit_transform(X)[0].round(3)
    array([[-1.225,  0.   ,  1.225]])
    """

    _parameter_constraints: dict = {
        "method": [StrOptions({"minmax", "zscore", "zscore-minmax"})],
        "per": [StrOptions({"image", "channel"})],
    }

    def __init__(self, method="minmax", per="image"):
        self.method = method
        self.per = per

    def _transform_image(self, image):
        return self._transform_stack(image[np.newaxis])[0]

    def _transform_stack(self, X):
        if X.ndim == 4 and self.per == "channel":
            axes = (1, 2)
        else:
            axes = tuple(range(1, X.ndim))
        if self.method == "minmax":
            return _minmax(X, axes)
        out = _zscore(as_float_image(X), axes)
        if self.method == "zscore-minmax":
            out = _minmax(out, axes)
        return out
