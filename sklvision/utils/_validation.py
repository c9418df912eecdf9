"""Validation of image stacks, ragged image lists and detection targets."""

import numbers

import numpy as np
from sklearn.utils.validation import check_array, validate_data

__all__ = [
    "as_float_image",
    "image_shape",
    "make_detections",
    "to_gray",
    "validate_images",
    "validate_predictions",
    "validate_targets",
]

# Luminance weights of ITU-R BT.709, the ones skimage.color.rgb2gray uses.
_LUMINANCE = np.array([0.2125, 0.7154, 0.0721])


def _is_image_sequence(X):
    """True when X is a list/tuple/1-D object array of separate images."""
    if isinstance(X, np.ndarray):
        if X.dtype != object or X.ndim != 1:
            return False
    elif not isinstance(X, (list, tuple)):
        return False
    if len(X) == 0:
        return False
    first = X[0]
    return isinstance(first, np.ndarray) and first.ndim >= 2


def _check_nonempty(X, input_name):
    if X is None:
        raise ValueError(
            f"{input_name} is None: pass images as an array of shape (n, h, w) or "
            "(n, h, w, c), or as a list of 2-D/3-D arrays."
        )
    if isinstance(X, (list, tuple)) and len(X) == 0:
        raise ValueError(
            f"{input_name} is empty: at least one image is required "
            "(got an empty sequence)."
        )
    if isinstance(X, np.ndarray) and X.size == 0 and X.ndim >= 1 and X.shape[0] == 0:
        raise ValueError(
            f"{input_name} is empty: at least one image is required "
            f"(got an array of shape {X.shape})."
        )


def validate_images(
    X,
    *,
    estimator=None,
    reset=True,
    dtype="numeric",
    ensure_min_samples=1,
    allow_ragged=True,
    allow_flat=True,
    input_name="X",
    **check_params,
):
    """Validate a stack or a sequence of images.

    Two containers are accepted:

    * an array-like stack of shape ``(n, h, w)`` (gray) or ``(n, h, w, c)``
      (channels last); a 2-D array ``(n, n_features)`` is treated as ``n``
      flattened gray images, as scikit-learn's tabular checks expect;
    * a list, tuple or 1-D ``dtype=object`` array whose items are 2-D
      ``(h_i, w_i)`` or 3-D ``(h_i, w_i, c)`` arrays of possibly different
      sizes.

    Stacks go through :func:`sklearn.utils.validation.validate_data` (when an
    ``estimator`` is given, so ``n_features_in_`` is recorded or checked) or
    :func:`sklearn.utils.check_array`; sequences are checked image by image and
    never converted to one array (that fails on ragged input).

    Parameters
    ----------
    X : array-like of shape (n_samples, height, width[, channels]) or list of \
            ndarray of shape (height_i, width_i[, channels])
        Images to validate.
    estimator : estimator instance, default=None
        Estimator on whose behalf the stack is validated. When given,
        ``validate_data`` records (``reset=True``) or checks
        (``reset=False``) ``n_features_in_`` for stacks.
    reset : bool, default=True
        Passed to ``validate_data``: True in ``fit``, False elsewhere.
    dtype : "numeric", type, list of type or None, default="numeric"
        Wanted dtype, with :func:`~sklearn.utils.check_array` semantics:
        ``"numeric"`` keeps numeric dtypes (uint8 stays uint8), a list such as
        ``(np.float64, np.float32)`` keeps a listed dtype and converts others
        to the first entry (float32 stays float32, uint8 becomes float64).
    ensure_min_samples : int, default=1
        Minimum number of images.
    allow_ragged : bool, default=True
        Whether a sequence of differently sized images is accepted. When
        False, a sequence whose images share one shape is returned as a stack
        and differently sized images raise a ``ValueError``.
    allow_flat : bool, default=True
        Whether a 2-D array is accepted as ``n`` flattened gray images. False
        for estimators that need real images (detectors), where a 2-D array
        is more likely one image missing its list: the error says so. False
        also refuses a 3-D array whose last axis is 3 or 4: a stack of gray
        images 3 or 4 pixels wide is far more likely one RGB(A) image.
    input_name : str, default="X"
        Name used in error messages.
    **check_params : dict
        Extra arguments for ``validate_data`` / ``check_array`` on the stack
        path (for example ``ensure_2d=False``).

    Returns
    -------
    X_checked : ndarray or list of ndarray
        A stack for a stack input, a list of arrays for a sequence input.

    Raises
    ------
    ValueError
        For empty input, NaN or infinite values, non-numeric data, 1-D or
        4-D images, or images with different numbers of channels.

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.utils import validate_images
    >>> validate_images(np.zeros((2, 4, 5), dtype=np.uint8)).dtype
    dtype('uint8')
    >>> out = validate_images([np.zeros((4, 5)), np.ones((6, 3))])
    >>> type(out).__name__, [im.shape for im in out]
    ('list', [(4, 5), (6, 3)])
    """
    _check_nonempty(X, input_name)
    if _is_image_sequence(X):
        images = _validate_image_sequence(X, dtype=dtype, input_name=input_name)
        if len(images) < ensure_min_samples:
            raise ValueError(
                f"{input_name} has {len(images)} image(s) but at least "
                f"{ensure_min_samples} are required."
            )
        if not allow_ragged:
            shapes = {im.shape for im in images}
            if len(shapes) > 1:
                raise ValueError(
                    f"{input_name} holds images of different shapes "
                    f"({sorted(shapes)[:3]}...); resize them to one size first, "
                    "for example with sklvision.preprocessing.Resize."
                )
            return np.stack(images)
        return images

    if not allow_flat and getattr(X, "ndim", None) == 2:
        raise ValueError(
            f"{input_name} is a 2-D array of shape {X.shape}; expected images: a "
            "stack of shape (n, h, w) or (n, h, w, c), or a list of 2-D/3-D "
            "arrays. For one image, pass [image]."
        )
    _refuse_one_colour_image(X, allow_flat, input_name)
    params = dict(allow_nd=True, dtype=dtype, ensure_min_samples=ensure_min_samples)
    params.update(check_params)
    if estimator is not None:
        X = validate_data(estimator, X, reset=reset, **params)
    else:
        X = check_array(X, input_name=input_name, **params)
    if X.ndim > 4:
        raise ValueError(
            f"{input_name} has {X.ndim} dimensions; expected a stack of shape "
            "(n, h, w) for gray or (n, h, w, c) for colour images."
        )
    if not X.dtype.isnative:  # (see _check_one_image)
        X = X.astype(X.dtype.newbyteorder("="))
    if X.ndim < 2:
        raise ValueError(
            f"{input_name} has shape {X.shape}; expected a stack of images of "
            "shape (n, h, w) or (n, h, w, c), or a list of 2-D/3-D images."
        )
    if X.ndim > 2 and 0 in X.shape[1:]:
        raise ValueError(
            f"{input_name} has shape {X.shape}: images must not be empty "
            "(every height, width and channel count must be at least 1)."
        )
    return X


def _refuse_one_colour_image(X, allow_flat, input_name):
    """Refuse an ``(h, w, 3)`` / ``(h, w, 4)`` array where images are needed.

    Read as a stack, one colour image is ``h`` gray images 3 or 4 pixels
    wide, and a detector or proposal step would silently return one result
    per image row. Only with ``allow_flat=False`` (estimators that need real
    images); lists of images are never affected.
    """
    shape = getattr(X, "shape", None)
    if allow_flat or getattr(X, "ndim", None) != 3 or shape[2] not in (3, 4):
        return
    if getattr(getattr(X, "dtype", None), "kind", "O") == "O":
        return
    raise ValueError(
        f"{input_name} has shape {shape}: as a stack that is {shape[0]} gray "
        f"images {shape[1]} x {shape[2]} pixels, which is most likely one "
        f"{'RGB' if shape[2] == 3 else 'RGBA'} image. For one image, pass "
        "[image]; a stack of colour images has shape (n, h, w, c)."
    )


def _flatten_image_input(X, estimator, *, reset, dtype="numeric"):
    """Flatten image input of a classifier to 2-D; check it against ``fit``.

    Returns ``(X, image_shape, n_channels)``. Image stacks ``(n, h, w[, c])``,
    nested lists of that shape and lists of equally sized images become an
    ``(n, h * w * c)`` array with ``image_shape = (h, w)`` and ``n_channels``
    (1 for gray). Anything else (tabular input, DataFrames) is returned
    unchanged with ``(None, None)``, for ``validate_data`` to check.

    With ``reset=False``, images must have the ``image_shape_`` and
    ``n_channels_`` recorded by ``estimator`` in ``fit`` (when it recorded a
    shape): a transposed or resized stack has the same number of values but
    would be compared pixel by pixel with the wrong pixels.
    """
    # an empty list: "at least one image", not check_array's "Expected 2D
    # array ... Reshape your data" (advice for a 1-D feature vector)
    if isinstance(X, (list, tuple)) and len(X) == 0:
        _check_nonempty(X, "X")
    if _is_image_sequence(X):
        X = validate_images(X, allow_ragged=False, dtype=dtype)
    elif isinstance(X, (list, tuple)):
        try:
            arr = np.asarray(X)
        except ValueError:
            arr = None
        if arr is not None and arr.ndim > 2:
            X = arr
    image_shape = n_channels = None
    if getattr(X, "ndim", 2) > 2:
        X = np.asarray(X)
        if not X.dtype.isnative:  # (see _check_one_image)
            X = X.astype(X.dtype.newbyteorder("="))
        if X.ndim > 4:
            raise ValueError(
                f"X has shape {X.shape}; expected images of shape (n, h, w) "
                "(gray), (n, h, w, c) (channels last) or flattened images of "
                "shape (n, n_features)."
            )
        image_shape = (int(X.shape[1]), int(X.shape[2]))
        n_channels = int(X.shape[3]) if X.ndim == 4 else 1
        # explicit width: reshape(n, -1) fails on an empty stack, before
        # validate_data can say "0 sample(s)"
        X = X.reshape(X.shape[0], int(np.prod(X.shape[1:])))
    if not reset and estimator.image_shape_ is not None:
        # (a model fitted on a 2-D array just takes images flattened:
        # validate_data then compares the feature counts)
        name = type(estimator).__name__
        if n_channels is not None and n_channels != estimator.n_channels_:
            raise ValueError(
                f"X has images with {n_channels} channel(s) but {name} was "
                f"fitted on images with {estimator.n_channels_}; convert them "
                "to the same colour layout."
            )
        fitted_shape = estimator.image_shape_
        if image_shape is not None:
            if image_shape != fitted_shape:
                raise ValueError(
                    f"X has images of shape {image_shape} but {name} was fitted "
                    f"on images of shape {fitted_shape}; resize them first, for "
                    "example with sklvision.preprocessing.Resize."
                )
    return X, image_shape, n_channels


def _target_classes(targets):
    """Sorted distinct labels over all boxes of validated ``targets``.

    Empty (int64) when no image has a box; images without boxes add nothing,
    so their empty label arrays cannot change the dtype.
    """
    labels = [t["labels"] for t in targets if len(t["labels"])]
    if not labels:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate(labels))


def _validate_image_sequence(X, *, dtype, input_name):
    images = []
    n_channels = None
    for i, image in enumerate(X):
        image = _check_sequence_image(image, dtype, f"{input_name}[{i}]")
        channels = 0 if image.ndim == 2 else image.shape[2]
        if n_channels is None:
            n_channels = channels
        elif channels != n_channels:
            raise ValueError(
                f"{input_name} mixes images with different channel counts "
                f"({_describe_channels(n_channels)} and "
                f"{_describe_channels(channels)} at index {i}); convert them "
                "first, e.g. with sklvision.preprocessing.Grayscale."
            )
        images.append(image)
    return images


def _check_sequence_image(image, dtype, name):
    """Validate one item of an image sequence: a non-empty 2-D or 3-D array."""
    if not hasattr(image, "ndim"):
        raise TypeError(
            f"{name} is a {type(image).__name__}; every item of an image "
            "sequence must be a 2-D or 3-D numpy array."
        )
    if image.ndim not in (2, 3):
        raise ValueError(
            f"{name} has shape {image.shape}; every image must be 2-D (h, w) or "
            "3-D (h, w, c) with channels last."
        )
    if image.size == 0:
        raise ValueError(f"{name} has shape {image.shape}: images must not be empty.")
    return _check_one_image(image, dtype, name)


def _check_one_image(image, dtype, name):
    """check_array for one image, with a fast path for plain numeric arrays.

    ``check_array`` costs about half a millisecond per call; for an ndarray
    whose dtype already fits, the only work left is the finiteness test.
    """
    kind = image.dtype.kind if isinstance(image, np.ndarray) else None
    if kind in ("b", "u", "i", "f"):
        if dtype == "numeric" or dtype is None:
            wanted = image.dtype
        elif isinstance(dtype, (list, tuple)):
            wanted = image.dtype if image.dtype in dtype else np.dtype(dtype[0])
        else:
            wanted = np.dtype(dtype)
        # The sum is finite iff every value is (bar an overflow, which the
        # full test below then settles); it avoids a boolean temporary.
        if kind == "f":
            with np.errstate(over="ignore", invalid="ignore"):
                finite = np.isfinite(image.sum()) or np.isfinite(image).all()
        if kind == "f" and not finite:
            raise ValueError(
                f"Input {name} contains NaN or infinity; remove or impute them "
                "first."
            )
        # big-endian data ('>f4', from FITS or some TIFFs) in native order:
        # '>f4' != np.float32, so every "float32 stays float32" rule missed it
        wanted = wanted.newbyteorder("=")
        return image if wanted == image.dtype else image.astype(wanted)
    return check_array(
        image, ensure_2d=False, allow_nd=True, dtype=dtype, input_name=name
    )


def _describe_channels(channels):
    return "2-D gray" if channels == 0 else f"{channels} channels"


def image_shape(image):
    """Return the ``(height, width)`` of one image.

    Parameters
    ----------
    image : ndarray of shape (height, width) or (height, width, channels)
        One image.

    Returns
    -------
    shape : tuple of int
        ``(height, width)``.

    Raises
    ------
    TypeError
        If ``image`` is not an array, for example a list of images (call
        the function on each image).
    ValueError
        If ``image`` is not 2-D or 3-D (a stack of images, for example).

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.utils import image_shape
    >>> image_shape(np.zeros((3, 4, 3)))
    (3, 4)
    """
    _check_single_image(image, "image_shape")
    return int(image.shape[0]), int(image.shape[1])


def _check_single_image(image, func_name):
    """Raise unless ``image`` is one 2-D or 3-D array (not a list of images)."""
    if not (hasattr(image, "ndim") and hasattr(image, "shape")):
        if isinstance(image, (list, tuple)):
            hint = (
                f"for several images, call it on each: [{func_name}(im) for im "
                "in X]; for one image given as nested lists, pass "
                "np.asarray(image)."
            )
        else:
            hint = "convert it first, e.g. with np.asarray(image)."
        raise TypeError(
            f"{func_name} takes one image, a numpy array of shape (height, "
            f"width) or (height, width, channels); got a "
            f"{type(image).__name__}: {hint}"
        )
    if image.ndim not in (2, 3):
        raise ValueError(
            f"{func_name} takes one image of shape (height, width) or (height, "
            f"width, channels), got an array of shape {image.shape}; for a "
            "stack of images, call it on each image."
        )


def as_float_image(image):
    """Return an image as floats without rescaling.

    float32 stays float32 (no copy), every other dtype becomes float64.

    Parameters
    ----------
    image : ndarray
        One image or a stack.

    Returns
    -------
    image : ndarray of float32 or float64
        The same values as floats.

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.utils import as_float_image
    >>> as_float_image(np.array([[0, 255]], dtype=np.uint8))
    array([[  0., 255.]])
    >>> as_float_image(np.zeros((2, 2), dtype=np.float32)).dtype
    dtype('float32')
    """
    image = np.asarray(image)
    if image.dtype.kind == "f" and image.dtype.itemsize in (4, 8):
        # big-endian float32 is float32 too (but != np.float32): native order
        return image.astype(image.dtype.newbyteorder("="), copy=False)
    return image.astype(np.float64)


def to_gray(image):
    """Convert one image to gray with skimage's luminance weights, no rescaling.

    A 2-D image is returned as it is; ``(h, w, 1)`` is squeezed; ``(h, w, 3)``
    uses the weights of :func:`skimage.color.rgb2gray`
    (0.2125, 0.7154, 0.0721); ``(h, w, 4)`` drops the alpha channel first;
    other channel counts are averaged (a gray + alpha ``(h, w, 2)`` image
    too, unlike :class:`~sklvision.preprocessing.Grayscale`, which leaves
    its alpha out).

    Parameters
    ----------
    image : ndarray of shape (height, width) or (height, width, channels)
        One image, channels last.

    Returns
    -------
    gray : ndarray of shape (height, width)
        float32 for float32 input, float64 otherwise (2-D input unchanged).

    Raises
    ------
    TypeError
        If ``image`` is not an array, for example a list of images (call
        the function on each image, or use
        :class:`sklvision.preprocessing.Grayscale` on image collections).
    ValueError
        If ``image`` is not 2-D or 3-D (a stack of images, for example).

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.utils import to_gray
    >>> to_gray(np.full((1, 1, 3), 100, dtype=np.uint8))
    array([[100.]])
    """
    _check_single_image(image, "to_gray")
    if image.ndim == 2:
        return image
    image = as_float_image(image)
    channels = image.shape[2]
    if channels == 1:
        return image[..., 0]
    if channels in (3, 4):
        return image[..., :3] @ _LUMINANCE.astype(image.dtype)
    return image.mean(axis=2)


def _check_boxes(
    boxes,
    name="boxes",
    *,
    zero_size=True,
    score_column=False,
    single_box=False,
    copy=False,
):
    """Return ``boxes`` as a float64 array of shape (n_boxes, 4), or raise.

    The one box check of sklvision: targets and predictions
    (:func:`validate_targets`, :func:`validate_predictions`,
    :func:`make_detections`), :func:`~sklvision.metrics.box_iou`,
    :func:`~sklvision.detection.non_max_suppression`, the region features
    and the plots call it, so that the same bad boxes get the same error
    everywhere. Every error is a ``ValueError`` starting with ``name``, also
    for boxes that are not numbers (as :func:`~sklearn.utils.check_array`
    for strings). Boxes are ``(x_min, y_min, x_max, y_max)``, x = column,
    y = row; any empty input gives ``(0, 4)``; coordinates may be negative
    (whether boxes lie inside their image is the caller's check).

    Parameters
    ----------
    boxes : array-like of shape (n_boxes, 4)
        Boxes to check.
    name : str, default="boxes"
        Where the boxes come from (``"y[2]"``, ``"boxes_a"``), at the start
        of every message.
    zero_size : bool, default=True
        Accept boxes with ``x_max == x_min`` or ``y_max == y_min`` (predicted
        boxes clipped to the image; they overlap nothing). False for ground
        truth. ``x_max < x_min`` and ``y_max < y_min`` are always refused.
    score_column : bool, default=False
        Also accept shape ``(n_boxes, 5)`` with a score in the last column
        (returned with it; only the four coordinates are checked here).
    single_box : bool, default=False
        Read a 1-D array of 4 values (5 with ``score_column``) as one box.
    copy : bool, default=False
        Always return a new array; otherwise float64 input is returned as
        it is (the callers that keep or hand out the boxes copy).

    Returns
    -------
    boxes : ndarray of float64 of shape (n_boxes, 4) or (n_boxes, 5)
        The checked boxes.
    """
    try:
        if copy:
            arr = np.array(boxes, dtype=np.float64)
        else:
            arr = np.asarray(boxes, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name}: boxes must be numeric, of shape (n_boxes, 4) as (x_min, "
            f"y_min, x_max, y_max); could not convert them to floats ({exc})."
        ) from None
    if arr.size == 0:
        return arr.reshape(0, 4)
    widths = (4, 5) if score_column else (4,)
    if single_box and arr.ndim == 1 and arr.shape[0] in widths:
        arr = arr[np.newaxis, :]
    if arr.ndim != 2 or arr.shape[1] not in widths:
        scores = " (or (n_boxes, 5) with a score column)" if score_column else ""
        raise ValueError(
            f"{name}: boxes must have shape (n_boxes, 4) as (x_min, y_min, "
            f"x_max, y_max){scores}, got shape {arr.shape}. A single box is "
            "[[x_min, y_min, x_max, y_max]]."
        )
    coords = arr[:, :4] if arr.shape[1] == 5 else arr
    if not np.isfinite(coords).all():
        raise ValueError(f"{name}: boxes contain NaN or infinite values.")
    if zero_size:
        bad = (coords[:, 2] < coords[:, 0]) | (coords[:, 3] < coords[:, 1])
        rule = "x_max < x_min or y_max < y_min"
    else:
        bad = (coords[:, 2] <= coords[:, 0]) | (coords[:, 3] <= coords[:, 1])
        rule = "x_max <= x_min or y_max <= y_min"
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name}: boxes[{j}] = {coords[j].tolist()} has {rule}; boxes are "
            "(x_min, y_min, x_max, y_max) with x = column and y = row."
        )
    return arr


def _check_int_pair(value, name, *, allow_none=False, whole_floats=False):
    """Return ``value`` as a tuple of two positive Python ints, or raise.

    The one check of ``(height, width)``-like parameters (``Resize``'s
    ``output_shape``, ``HOGFeatures``' cell and block sizes, the MLP
    localizer's ``resize_shape`` and HOG sizes, ``plot_class_templates``'
    ``image_shape``). A pair is a list or tuple of two items or a 1-D array
    of two; each item an int (numpy integer scalars too) of at least 1. As
    with scikit-learn's ``Interval(Integral, 1, None)``, bools and floats
    are refused, also whole floats such as ``3.0`` unless ``whole_floats``.
    Every refusal is a ValueError (scikit-learn's InvalidParameterError is
    one too) naming ``name``, what was passed and what is wrong.

    Parameters
    ----------
    value : object
        The value to check.
    name : str
        Name of the parameter, for the message.
    allow_none : bool, default=False
        Return None for None.
    whole_floats : bool, default=False
        Accept floats with an integer value (``8.0``), as ints.

    Returns
    -------
    pair : tuple of (int, int) or None
        Python ints (numpy integer scalars would overflow in arithmetic on
        small dtypes such as uint8).
    """
    if value is None and allow_none:
        return None
    reason = _int_pair_problem(value, whole_floats)
    if reason is not None:
        none = "None or " if allow_none else ""
        kind = "whole numbers" if whole_floats else "ints"
        raise ValueError(
            f"{name} must be {none}a pair of positive {kind} (height, width), "
            f"got {value!r}: {reason}."
        )
    return int(value[0]), int(value[1])


def _int_pair_problem(value, whole_floats):
    """What keeps ``value`` from being a pair of positive ints, or None."""
    if isinstance(value, np.ndarray) and value.ndim != 1:
        return f"an array of shape {value.shape} is not a pair"
    if not isinstance(value, (list, tuple, np.ndarray)):
        return f"an object of type {type(value).__name__} is not a pair"
    if len(value) != 2:
        return f"{len(value)} values instead of 2"
    for v in value.tolist() if isinstance(value, np.ndarray) else value:
        if isinstance(v, (bool, np.bool_)):
            return f"{v!r} is a bool"
        if not isinstance(v, numbers.Integral):
            if not (isinstance(v, numbers.Real) and float(v).is_integer()):
                return f"{v!r} is not {'a whole number' if whole_floats else 'an int'}"
            if not whole_floats and v >= 1:
                return f"{v!r} is a float (pass {int(v)})"
        if v < 1:
            return f"{v!r} is not positive"
    return None


def _as_per_box(values, k, name, where, dtype=None):
    arr = np.array(values, dtype=dtype, copy=True)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.size == 0 and k == 0:
        if dtype is None and arr.dtype.kind == "f":
            # [] reads as float64; empty labels must not turn int classes_
            # into floats when concatenated with the other images' labels
            return np.zeros(0, dtype=np.int64)
        return arr.reshape(0)
    if arr.ndim != 1 or arr.shape[0] != k:
        raise ValueError(
            f"{where}: '{name}' must have one entry per box ({k}), got shape "
            f"{arr.shape}."
        )
    return arr


def _as_flags(values, k, name, where):
    """Per-box yes/no flags (``iscrowd``) as bool.

    Booleans and the numbers 0 and 1 are accepted. Anything else is refused:
    ``astype(bool)`` would read the string ``"0"`` (and any number but 0) as
    True and silently turn every box into a crowd box.
    """
    arr = _as_per_box(values, k, name, where)
    if arr.size == 0:
        return np.zeros(0, dtype=bool)
    if arr.dtype.kind == "O" and all(
        isinstance(v, (bool, np.bool_, numbers.Real)) for v in arr
    ):
        arr = np.array(arr.tolist())
    if arr.dtype.kind == "b":
        return arr
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{where}: '{name}' must hold booleans or the numbers 0 and 1, got "
            f"{arr.dtype} values such as {arr.tolist()[0]!r}; strings are not read as "
            "numbers (any non-empty string would mean True), convert them "
            "first, e.g. np.asarray(values, dtype=int)."
        )
    bad = (arr != 0) & (arr != 1)  # NaN included
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{where}: '{name}' must be 0 or 1 (False or True) for each box; "
            f"box {j} has {arr.tolist()[j]!r}."
        )
    return arr.astype(bool)


# Kinds of labels; labels of different kinds must not meet: np.concatenate
# and np.array turn [0, "cat"] into the strings ["0", "cat"].
_LABEL_KINDS = {"b": "numbers", "i": "numbers", "u": "numbers", "f": "numbers"}
_LABEL_KINDS.update(U="strings", S="bytes")


def _label_kind(labels):
    """'numbers', 'strings' or 'bytes' for an array of validated labels."""
    kind = _LABEL_KINDS.get(labels.dtype.kind)  # (str(dtype) costs 4 us)
    return kind if kind is not None else str(labels.dtype)


def _label_kind_of(value):
    """'numbers', 'strings' or 'bytes' for one label, or raise."""
    if value is None:
        raise ValueError(
            "labels contain None; every box needs a label (a number or a "
            "string): drop unlabelled boxes or give them a class."
        )
    if isinstance(value, str):
        return "strings"
    if isinstance(value, bytes):
        return "bytes"
    if isinstance(value, (numbers.Real, np.bool_)):
        return "numbers"
    raise TypeError(
        f"labels must be numbers or strings, got {value!r} of type "
        f"{type(value).__name__}."
    )


def _as_labels(values, k, where):
    """Labels of one image as a numeric or str array of one kind.

    Lists and object arrays are read item by item: ``np.array([0, "cat"])``
    would silently make the int 0 the string "0". Object arrays of one kind
    become a numeric or str array, so that labels compare and sort alike
    whatever container they came in.
    """
    arr = _as_per_box(values, k, "labels", where)
    if arr.size == 0:
        return arr
    if arr.dtype.kind == "O" or (
        arr.dtype.kind in "US" and not isinstance(values, np.ndarray)
    ):
        items = np.array(values, dtype=object).reshape(-1).tolist()
        if arr.dtype.kind == "U" and all(type(v) is str for v in items):
            return arr  # (the common case, without the per-label calls below)
        try:
            kinds = [_label_kind_of(v) for v in items]
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{where}: {exc}") from None
        other = next((j for j, kd in enumerate(kinds) if kd != kinds[0]), None)
        if other is not None:
            raise TypeError(
                f"{where}: 'labels' mix {kinds[0]} and {kinds[other]} "
                f"({items[0]!r} and {items[other]!r}); use one label type for "
                "every box of every image, e.g. only ints or only strings."
            )
        arr = np.array(items)
    if arr.dtype.kind not in _LABEL_KINDS:
        raise TypeError(
            f"{where}: labels must be numbers or strings, got an array of "
            f"dtype {arr.dtype}."
        )
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(
            f"{where}: labels contain NaN or infinite values; every box needs "
            "a label (a number or a string): drop unlabelled boxes or give "
            "them a class."
        )
    return arr


def _check_label_kinds(label_arrays, name):
    """Raise a TypeError unless all non-empty label arrays are of one kind."""
    first = None
    for i, labels in enumerate(label_arrays):
        if not len(labels):
            continue
        kind = _label_kind(labels)
        if first is None:
            first = (i, kind, labels[0])
        elif kind != first[1]:
            i0, kind0, ex0 = first
            raise TypeError(
                f"{name} mixes label types: {name}[{i0}] has {kind0} "
                f"({ex0.item()!r}) and {name}[{i}] has {kind} "
                f"({labels[0].item()!r}); use one label type for all images, "
                "e.g. only ints or only strings (boxes given without labels, "
                "as a (k, 4) array or a dict without 'labels', have label 0)."
            )


# keys that mean the labels but are not "labels": without "labels" every box
# would silently get label 0
_LABEL_KEY_TYPOS = ("label", "class", "classes", "category", "category_id", "cls")


def _refuse_label_key_typo(item, where):
    if "labels" in item:
        return
    typo = next((key for key in _LABEL_KEY_TYPOS if key in item), None)
    if typo is not None:
        raise ValueError(
            f"{where} has a {typo!r} key but no 'labels'; the labels go under "
            "'labels' (one per box). Without it every box gets label 0."
        )


def _as_sequence(y, name):
    if y is None:
        raise ValueError(
            f"{name} is None: detection needs one target per image (an array of "
            "boxes of shape (k, 4) or a dict with 'boxes' and 'labels')."
        )
    if isinstance(y, dict):
        raise TypeError(
            f"{name} is a single dict; pass a list with one dict per image."
        )
    if isinstance(y, np.ndarray) and y.dtype != object:
        if y.ndim != 3:
            raise ValueError(
                f"{name} is an array of shape {y.shape}; pass one (k, 4) box "
                "array (or dict) per image, e.g. a list of arrays, or a "
                "numeric array of shape (n_images, k, 4)."
            )
        return list(y)
    try:
        return list(y)
    except TypeError:
        raise TypeError(
            f"{name} must be a sequence with one target per image, got "
            f"{type(y).__name__}."
        ) from None


def _check_count(items, n_images, name):
    if n_images is not None and len(items) != n_images:
        raise ValueError(
            f"{name} has {len(items)} entries but there are {n_images} images; "
            "pass exactly one target per image (an image with no object has "
            "boxes of shape (0, 4))."
        )


def validate_targets(y, *, n_images=None, image_shapes=None, input_name="y"):
    """Validate detection targets and bring them to one form.

    Each image's target is either an array of boxes of shape ``(k, 4)``
    (single-class shorthand, label 0) or a dict with ``"boxes"`` and
    optionally ``"labels"``, ``"iscrowd"`` and ``"area"`` (COCO meaning).
    Boxes are ``(x_min, y_min, x_max, y_max)`` in pixels, x = column,
    y = row, continuous coordinates. ``"labels"`` are numbers or strings,
    one kind for all boxes of all images (the shorthand's label 0 is a
    number). ``"iscrowd"`` holds one bool, or the number 0 or 1, per box;
    ``"difficult"`` (VOC's name for boxes that count neither way) is read as
    ``"iscrowd"`` (a box is a crowd box when either flag is set).

    Parameters
    ----------
    y : sequence of ndarray of shape (k_i, 4) or of dict
        One target per image. A numeric array of shape ``(n, k, 4)`` is also
        accepted.
    n_images : int, default=None
        Number of images the targets must match.
    image_shapes : sequence of (height, width), default=None
        When given, boxes must lie inside their image:
        ``0 <= x_min < x_max <= width`` and ``0 <= y_min < y_max <= height``.
    input_name : str, default="y"
        Name used in error messages.

    Returns
    -------
    targets : list of dict
        One dict per image with ``"boxes"`` (float64, ``(k, 4)``, a copy) and
        ``"labels"`` (``(k,)``; int64 zeros for the box-array shorthand), plus
        ``"iscrowd"`` (bool) and ``"area"`` (float64) when given.

    Raises
    ------
    ValueError
        For boxes that are not numbers, with ``x_max <= x_min`` or
        ``y_max <= y_min``, NaN, wrong shapes, a number of targets different
        from ``n_images``, boxes outside their image, None, NaN or infinite
        labels, or ``"iscrowd"`` numbers other than 0 and 1.
    TypeError
        For labels mixing numbers and strings (within an image or across
        images), and ``"iscrowd"`` values that are neither bools nor numbers
        (strings such as ``"0"`` are not read as numbers).

    Examples
    --------
    >>> from sklvision.utils import validate_targets
    >>> t = validate_targets([[[0, 0, 2, 3]], {"boxes": [], "labels": []}])
    >>> t[0]["boxes"], t[0]["labels"], t[1]["boxes"].shape
    (array([[0., 0., 2., 3.]]), array([0]), (0, 4))
    """
    items = _as_sequence(y, input_name)
    _check_count(items, n_images, input_name)
    if image_shapes is not None and len(image_shapes) != len(items):
        raise ValueError(
            f"{input_name} has {len(items)} entries but {len(image_shapes)} "
            "image shapes were given."
        )
    out = []
    for i, item in enumerate(items):
        where = f"{input_name}[{i}]"
        if isinstance(item, dict):
            if "boxes" not in item:
                raise ValueError(
                    f"{where} is a dict without 'boxes'; use "
                    "{'boxes': (k, 4) array, 'labels': (k,) array}."
                )
            boxes = _check_boxes(item["boxes"], where, zero_size=False, copy=True)
            k = len(boxes)
            target = {"boxes": boxes}
            _refuse_label_key_typo(item, where)
            if item.get("labels") is not None:
                target["labels"] = _as_labels(item["labels"], k, where)
            else:
                target["labels"] = np.zeros(k, dtype=np.int64)
            for key in ("iscrowd", "difficult"):
                # VOC's "difficult" flag is what the metrics call a crowd box
                # (matched to nothing, missed without penalty): one flag
                if item.get(key) is not None:
                    flags = _as_flags(item[key], k, key, where)
                    if "iscrowd" in target:
                        flags = flags | target["iscrowd"]
                    target["iscrowd"] = flags
            if item.get("area") is not None:
                area = _as_per_box(item["area"], k, "area", where, np.float64)
                if not np.all(np.isfinite(area)) or np.any(area < 0):
                    raise ValueError(f"{where}: 'area' must be finite and >= 0.")
                target["area"] = area
        else:
            boxes = _check_boxes(item, where, zero_size=False, copy=True)
            target = {"boxes": boxes, "labels": np.zeros(len(boxes), np.int64)}
        if image_shapes is not None and len(target["boxes"]):
            h, w = image_shapes[i][:2]
            b = target["boxes"]
            outside = (b[:, 0] < 0) | (b[:, 1] < 0) | (b[:, 2] > w) | (b[:, 3] > h)
            if outside.any():
                j = int(np.flatnonzero(outside)[0])
                raise ValueError(
                    f"{where}: box {j} = {b[j].tolist()} lies outside its image "
                    f"of width {w} and height {h}; clip boxes to "
                    "0 <= x <= width, 0 <= y <= height."
                )
        out.append(target)
    _check_label_kinds([t["labels"] for t in out], input_name)
    return out


def validate_predictions(y_pred, *, n_images=None, input_name="y_pred"):
    """Validate detector outputs and bring them to one form.

    Each image's prediction is a dict with ``"boxes"``, ``"scores"`` and
    optionally ``"labels"`` (default 0), an array ``(m, 5)`` of
    ``(x_min, y_min, x_max, y_max, score)``, or an array ``(m, 4)`` of boxes
    whose scores are all 1.

    Unlike ground-truth boxes, predicted boxes may have zero width or height
    (``x_max == x_min`` or ``y_max == y_min``, as detectors give after
    clipping boxes to the image): they overlap nothing (IoU 0), as in
    pycocotools and torchmetrics. ``x_max < x_min`` or ``y_max < y_min`` is
    refused.

    Parameters
    ----------
    y_pred : sequence of dict or of ndarray
        One prediction per image, e.g. the output of a detector's ``predict``.
    n_images : int, default=None
        Number of images the predictions must match.
    input_name : str, default="y_pred"
        Name used in error messages.

    Returns
    -------
    predictions : list of dict
        ``{"boxes": (m, 4) float64, "scores": (m,) float64, "labels": (m,)}``
        per image, in the order given (not re-sorted).

    Raises
    ------
    ValueError
        For wrong shapes, non-numeric, NaN or infinite boxes, NaN or
        infinite scores, None, NaN or infinite labels, boxes with
        ``x_max < x_min`` or ``y_max < y_min``, or a number of predictions
        different from ``n_images``.
    TypeError
        For labels mixing numbers and strings (within an image or across
        images).

    Examples
    --------
    >>> from sklvision.utils import validate_predictions
    >>> p = validate_predictions([[[0, 0, 2, 2, 0.9]]])
    >>> p[0]["boxes"], p[0]["scores"], p[0]["labels"]
    (array([[0., 0., 2., 2.]]), array([0.9]), array([0]))
    """
    items = _as_sequence(y_pred, input_name)
    _check_count(items, n_images, input_name)
    out = []
    for i, item in enumerate(items):
        where = f"{input_name}[{i}]"
        if isinstance(item, dict):
            if "boxes" not in item or "scores" not in item:
                raise ValueError(
                    f"{where} must be a dict with 'boxes' and 'scores' (and "
                    "optionally 'labels')."
                )
            boxes = _check_boxes(item["boxes"], where, copy=True)
            k = len(boxes)
            scores = _as_per_box(item["scores"], k, "scores", where, np.float64)
            _refuse_label_key_typo(item, where)
            if item.get("labels") is not None:
                labels = _as_labels(item["labels"], k, where)
            else:
                labels = np.zeros(k, dtype=np.int64)
        else:
            # (m, 5): [x_min, y_min, x_max, y_max, score]; (m, 4): score 1
            arr = _check_boxes(item, where, score_column=True)
            boxes = arr[:, :4].copy()
            if arr.shape[1] == 5:
                scores = arr[:, 4].copy()
            else:
                scores = np.ones(len(boxes))
            labels = np.zeros(len(boxes), dtype=np.int64)
        if not np.all(np.isfinite(scores)):
            raise ValueError(f"{where}: scores contain NaN or infinite values.")
        out.append({"boxes": boxes, "scores": scores, "labels": labels})
    _check_label_kinds([p["labels"] for p in out], input_name)
    return out


def make_detections(boxes_list, scores_list, labels_list=None):
    """Build the detection output of ``predict``.

    Parameters
    ----------
    boxes_list : sequence of array-like of shape (m_i, 4)
        Boxes per image, ``(x_min, y_min, x_max, y_max)`` in pixels
        (x = column, y = row), finite, with ``x_min <= x_max`` and
        ``y_min <= y_max`` (a box clipped to zero width or height is fine).
    scores_list : sequence of array-like of shape (m_i,)
        Scores per image, finite, higher is more confident.
    labels_list : sequence of array-like of shape (m_i,), default=None
        Labels per image; None gives label 0 to every box.

    Returns
    -------
    detections : ndarray of object of shape (n_images,)
        One dict ``{"boxes", "scores", "labels"}`` per image, sorted by
        decreasing score (ties keep their order).

    Raises
    ------
    ValueError
        For lists of different lengths, different numbers of boxes, scores
        and labels in an image, boxes of a wrong shape, non-numeric, NaN or
        infinite boxes or scores, or boxes with ``x_max < x_min`` or
        ``y_max < y_min``.

    Examples
    --------
    >>> from sklvision.utils import make_detections
    >>> out = make_detections([[[0, 0, 1, 1], [1, 1, 3, 3]]], [[0.2, 0.7]])
    >>> out.shape, out[0]["scores"]
    ((1,), array([0.7, 0.2]))
    """
    n = len(boxes_list)
    if len(scores_list) != n or (labels_list is not None and len(labels_list) != n):
        raise ValueError("boxes_list, scores_list and labels_list differ in length.")
    items = []
    for i in range(n):
        # (a (2, 2) array was read as one box, a flat (8,) one as two)
        boxes = _check_boxes(boxes_list[i], f"boxes_list[{i}]")
        scores = np.asarray(scores_list[i], dtype=np.float64).reshape(-1)
        n_labels = len(boxes) if labels_list is None else np.size(labels_list[i])
        if not (len(boxes) == len(scores) == n_labels):
            raise ValueError(
                f"image {i}: {len(boxes)} boxes, {len(scores)} scores and "
                f"{n_labels} labels; they must match."
            )
        if labels_list is None:
            labels = np.zeros(len(boxes), dtype=np.int64)
        else:
            # one kind per image (np.asarray([0, "cat"]) makes 0 the string
            # "0"), no None / NaN; [] gives int64, not float64
            labels = _as_labels(labels_list[i], len(boxes), f"labels_list[{i}]")
        if not np.all(np.isfinite(scores)):
            raise ValueError(
                f"scores_list[{i}] contains NaN or infinite values; every "
                "detection needs a finite score to be ranked (metrics refuse "
                "such predictions too)."
            )
        items.append((boxes, scores, labels))
    return _detections(*zip(*items)) if items else _detections([], [], [])


def _detections(boxes_list, scores_list, labels_list=None):
    """:func:`make_detections` without its checks, for sklvision's detectors.

    Their boxes, scores and labels are valid by construction; checking them
    again tripled the cost of building the output (34 -> 100 ms for 5,000
    images).
    """
    items = []
    for i in range(len(boxes_list)):
        boxes = np.asarray(boxes_list[i], dtype=np.float64).reshape(-1, 4)
        scores = np.asarray(scores_list[i], dtype=np.float64).reshape(-1)
        if labels_list is None:
            labels = np.zeros(len(boxes), dtype=np.int64)
        else:
            labels = np.asarray(labels_list[i]).reshape(-1)
        order = np.argsort(-scores, kind="stable")
        items.append(
            {"boxes": boxes[order], "scores": scores[order], "labels": labels[order]}
        )
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out
