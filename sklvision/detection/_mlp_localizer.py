"""NumpyMLPLocalizer: one image in, one box out, by MLP regression of the box."""

from numbers import Integral

import numpy as np
from skimage.feature import hog
from skimage.transform import resize
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    check_is_fitted,
)

from sklvision.base import DetectorMixin
from sklvision.classification._mlp_core import _BaseNumpyMLP
from sklvision.utils._integer_images import _check_integer_images
from sklvision.utils._parallel import _chunk_indices
from sklvision.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
)
from sklvision.utils._validation import (
    _check_int_pair,
    _detections,
    _target_classes,
    validate_images,
    validate_targets,
)

__all__ = ["NumpyMLPLocalizer"]


def _to_float(image, dtype):
    """Integer images scaled to [0, 1] by their type's maximum; floats kept."""
    if image.dtype.kind in "ui":
        return image.astype(dtype) / dtype(np.iinfo(image.dtype).max)
    if image.dtype == bool:
        return image.astype(dtype)
    return image.astype(dtype, copy=False)


def _image_features(images, resize_shape, features, hog_params, dtype, flip):
    """Features of a chunk of images (module-level worker for joblib).

    Returns ``(F, F_flipped)``; ``F_flipped`` (features of the horizontally
    mirrored images) is None unless ``flip``.
    """
    out, out_flip = [], []
    for im in images:
        im = _to_float(np.asarray(im), dtype)
        if resize_shape is not None and im.shape[:2] != tuple(resize_shape):
            im = resize(
                im,
                tuple(resize_shape) + im.shape[2:],
                order=1,
                anti_aliasing=True,
                preserve_range=True,
            ).astype(dtype, copy=False)
        variants = [im, im[:, ::-1]] if flip else [im]
        for j, v in enumerate(variants):
            if features == "hog":
                f = hog(
                    v,
                    channel_axis=-1 if v.ndim == 3 else None,
                    feature_vector=True,
                    **hog_params,
                )
            else:
                f = v.ravel()
            (out if j == 0 else out_flip).append(np.asarray(f, dtype=dtype))
    try:
        F = np.stack(out)
        F_flip = np.stack(out_flip) if flip else None
    except ValueError:
        raise ValueError(
            "The images have different sizes and resize_shape is None; set "
            "resize_shape=(height, width) so that every image gives the same "
            "number of features."
        ) from None
    return F, F_flip


def _box_iou_rows(a, b):
    """IoU of corresponding rows of two ``(n, 4)`` xyxy arrays."""
    iw = np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0])
    ih = np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1])
    inter = np.clip(iw, 0, None) * np.clip(ih, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a + area_b - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)
    return iou


def _decode(out):
    """Sigmoid outputs ``(n, 4)`` -> ordered relative boxes ``(x0, y0, x1, y1)``."""
    out = np.asarray(out, dtype=np.float64)
    return np.column_stack(
        [
            np.minimum(out[:, 0], out[:, 2]),
            np.minimum(out[:, 1], out[:, 3]),
            np.maximum(out[:, 0], out[:, 2]),
            np.maximum(out[:, 1], out[:, 3]),
        ]
    )


def _to_pixels(rel, shapes):
    """Relative boxes to pixels, at least 1 pixel wide and high, in the image.

    A box narrower than a pixel (the sigmoid outputs of both sides may agree)
    is widened around its centre, then shifted back inside the image.
    """
    h, w = shapes[:, 0:1], shapes[:, 1:2]
    boxes = rel * np.hstack([w, h, w, h])
    for lo, hi, size in ((0, 2, w[:, 0]), (1, 3, h[:, 0])):
        extent = np.maximum(boxes[:, hi] - boxes[:, lo], np.minimum(1.0, size))
        start = (boxes[:, lo] + boxes[:, hi] - extent) / 2
        boxes[:, lo] = np.clip(start, 0, size - extent)
        boxes[:, hi] = boxes[:, lo] + extent
    return boxes


class NumpyMLPLocalizer(DetectorMixin, _BaseNumpyMLP):
    """Localise the one object of an image by regressing its box with an MLP.

    "Classification with localisation" without the classification: every
    image is resized to ``resize_shape``, turned into a feature vector (the
    flattened pixels, or a HOG descriptor), standardised, and mapped by a
    multilayer perceptron to 4 sigmoid outputs in [0, 1], the box relative to
    the image size, ``(x_min / width, y_min / height, x_max / width,
    y_max / height)``. Training minimises the binary cross-entropy between
    these outputs and the normalised true box (``loss="log_loss"``, the
    tutorial's choice; targets in [0, 1] need not be 0 or 1) or half the
    squared error (``loss="squared_error"``).

    The network is the one of
    :class:`~sklvision.classification.NumpyMLPClassifier` (same flat-buffer
    numpy engine, same optimizer parameters with scikit-learn's names and
    meanings); float32 images train and predict in float32.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(256,)
        Neurons per hidden layer.
    activation : {"identity", "logistic", "tanh", "relu"}, default="relu"
        Hidden activation.
    loss : {"log_loss", "squared_error"}, default="log_loss"
        ``"log_loss"``: binary cross-entropy summed over the 4 coordinates;
        ``"squared_error"``: half the squared error summed over them (both
        through the sigmoid output).
    resize_shape : tuple of (int, int) or None, default=(32, 32)
        ``(height, width)`` every image is resized to (bilinear, with
        anti-aliasing) before feature extraction; boxes are relative, so
        images of any size can be mixed. None uses the images as given (they
        must then all have the same size).
    features : {"pixels", "hog"}, default="pixels"
        ``"pixels"``: the flattened resized image (unsigned integer images
        scaled to [0, 1] by their dtype's maximum; signed integer images are
        refused); ``"hog"``: :func:`skimage.feature.hog` of it.
    hog_orientations : int, default=9
        HOG orientation bins (``features="hog"`` only).
    hog_pixels_per_cell : tuple of (int, int), default=(8, 8)
        HOG cell size.
    hog_cells_per_block : tuple of (int, int), default=(2, 2)
        HOG block size.
    score_method : {"flip_iou", "constant"}, default="flip_iou"
        Score of the predicted box. ``"flip_iou"``: the IoU between the box
        predicted for the image and the box predicted for its mirror image
        (mirrored back), a self-consistency confidence in [0, 1] that ranks
        reliable boxes first for average precision (costs a second forward
        pass). ``"constant"``: 1.0 for every box.
    flip_augment : bool, default=False
        Also train on the horizontally mirrored images with mirrored boxes
        (twice the training data; for objects whose mirror image is as likely,
        such as animals or discs).
    solver : {"adam", "sgd"}, default="adam"
        Optimizer, as in :class:`sklearn.neural_network.MLPClassifier`.
    alpha : float, default=0.0001
        L2 penalty, divided by the batch size in the loss.
    batch_size : int or "auto", default="auto"
        Minibatch size; ``"auto"`` is ``min(200, n_samples)``.
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Step-size schedule of ``solver="sgd"``.
    learning_rate_init : float, default=0.001
        Initial step size.
    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule.
    max_iter : int, default=200
        Maximum number of epochs.
    shuffle : bool, default=True
        Shuffle the samples at every epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, the early-stopping split and shuffling.
    tol : float, default=1e-4
        Improvement of the loss (or of the validation mean IoU with early
        stopping) below which an epoch counts as no improvement.
    verbose : bool or int, default=False
        Print the loss (and validation mean IoU) every epoch.
    warm_start : bool, default=False
        Reuse the previous solution as initialisation for ``fit``.
    momentum : float, default=0.9
        Momentum of ``solver="sgd"``.
    nesterovs_momentum : bool, default=True
        Nesterov's momentum for ``solver="sgd"``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the images and stop when their
        mean IoU stops improving; the best weights are kept.
    validation_fraction : float, default=0.1
        Fraction held out for early stopping.
    beta_1 : float, default=0.9
        Adam's first-moment decay.
    beta_2 : float, default=0.999
        Adam's second-moment decay.
    epsilon : float, default=1e-8
        Adam's stability constant.
    n_iter_no_change : int, default=10
        Epochs without ``tol`` improvement tolerated.
    n_jobs : int or None, default=None
        Jobs for the per-image resizing and feature extraction
        (:class:`joblib.Parallel`; None means 1).

    Attributes
    ----------
    coefs_ : list of ndarray
        Weight matrices.
    intercepts_ : list of ndarray
        Bias vectors.
    feature_mean_ : ndarray of shape (n_features,)
        Mean of the training features, subtracted before the network.
    feature_scale_ : ndarray of shape (n_features,)
        Standard deviation of the training features (1 where it is 0).
    loss_ : float
        Loss of the last epoch.
    best_loss_ : float or None
        Smallest epoch loss (None with early stopping).
    loss_curve_ : list of float
        Loss per epoch.
    validation_scores_ : list of float or None
        Validation mean IoU per epoch with early stopping.
    best_validation_score_ : float or None
        Best validation mean IoU with early stopping.
    n_iter_ : int
        Epochs run.
    t_ : int
        Training samples seen.
    n_layers_ : int
        Number of layers.
    n_outputs_ : int
        Always 4.
    out_activation_ : str
        Always ``"logistic"``.
    classes_ : ndarray of shape (1,)
        The label of the training boxes (0 for plain box arrays), given to
        every predicted box; targets with several labels are refused.
    input_shape_ : tuple of int
        ``(height, width)`` of the network's input images: ``resize_shape``,
        or the one size of the training images when it is None; ``predict``
        and ``warm_start`` refuse other input sizes.
    n_train_images_ : int
        Images used in the last fit (images without a box are skipped; mirrored
        copies of ``flip_augment`` are not counted).

    See Also
    --------
    sklvision.classification.NumpyMLPClassifier : The same network as a
        classifier.
    sklvision.datasets.make_blobs_localization : The synthetic task.

    Notes
    -----
    Targets: boxes ``(x_min, y_min, x_max, y_max)`` in pixels of the image as
    given (x = column, y = row). The model predicts exactly one box per image,
    so an image with several boxes is trained on its largest box, and an image
    without any box is skipped in ``fit`` (there is nothing to localise).

    ``predict`` returns, per image, one box (coordinates ordered so that
    ``x_min <= x_max``, ``y_min <= y_max``, in pixels of that image) with
    the training boxes' label (``classes_[0]``) and the score of
    ``score_method``. :meth:`score` is the mean IoU
    (:func:`sklvision.metrics.mean_iou_score`), not the detectors' default
    AP50; use ``sklvision.metrics.average_precision_score`` for AP.

    References
    ----------
    Object localization using Keras (the "white blobs" tutorial),
    Analytics Vidhya, 2020.

    Examples
    --------
    >>> from sklvision.datasets import make_blobs_localization
    >>> from sklvision.detection import NumpyMLPLocalizer
    >>> X, y = make_blobs_localization(300, image_size=32, radius_range=(3, 12),
    ...                                dtype="float32", random_state=0)
    >>> loc = NumpyMLPLocalizer(resize_shape=None, hidden_layer_sizes=(64,),
    ...                         max_iter=60, random_state=0).fit(X[:250], y[:250])
    >>> pred = loc.predict(X[250:])
    >>> pred[0]["boxes"].shape, pred[0]["labels"]
    ((1, 4), array([0]))
    >>> bool(loc.score(X[250:], y[250:]) > 0.5)  # mean IoU on held-out images
    True
    """

    _parameter_constraints: dict = {
        **_BaseNumpyMLP._parameter_constraints,
        "loss": [StrOptions({"log_loss", "squared_error"})],
        "resize_shape": ["array-like", None],
        "features": [StrOptions({"pixels", "hog"})],
        "hog_orientations": [Interval(Integral, 1, None, closed="left")],
        "hog_pixels_per_cell": ["array-like"],
        "hog_cells_per_block": ["array-like"],
        "score_method": [StrOptions({"flip_iou", "constant"})],
        "flip_augment": ["boolean"],
        "n_jobs": [Integral, None],
    }

    _out_activation_ = "logistic"

    def __init__(
        self,
        hidden_layer_sizes=(256,),
        activation="relu",
        *,
        loss="log_loss",
        resize_shape=(32, 32),
        features="pixels",
        hog_orientations=9,
        hog_pixels_per_cell=(8, 8),
        hog_cells_per_block=(2, 2),
        score_method="flip_iou",
        flip_augment=False,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        n_jobs=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.loss = loss
        self.resize_shape = resize_shape
        self.features = features
        self.hog_orientations = hog_orientations
        self.hog_pixels_per_cell = hog_pixels_per_cell
        self.hog_cells_per_block = hog_cells_per_block
        self.score_method = score_method
        self.flip_augment = flip_augment
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.n_jobs = n_jobs

    # ------------------------------------------------------------- features
    def _check_resize_shape(self):
        return _check_int_pair(self.resize_shape, "resize_shape", allow_none=True)

    def _hog_params(self):
        # (skimage raised ZeroDivisionError for (0, 0), an unpacking error
        # for (4,), and took 4.5 pixels per cell)
        return dict(
            orientations=self.hog_orientations,
            pixels_per_cell=_check_int_pair(
                self.hog_pixels_per_cell, "hog_pixels_per_cell"
            ),
            cells_per_block=_check_int_pair(
                self.hog_cells_per_block, "hog_cells_per_block"
            ),
        )

    def _input_shape(self, images):
        """``(height, width)`` of the network's input images.

        ``resize_shape``, or the one size of all ``images`` when it is None
        (other sizes are refused: with the same pixel count a 16x64 image
        used to pass for a 32x32 one).
        """
        resize_shape = self._check_resize_shape()
        if resize_shape is not None:
            return resize_shape
        shapes = {tuple(im.shape[:2]) for im in images}
        if len(shapes) > 1:
            raise ValueError(
                f"The images have different sizes ({sorted(shapes)[:3]}...) and "
                "resize_shape is None; set resize_shape=(height, width) so that "
                "every image gives the same features."
            )
        return shapes.pop()

    def _features(self, images, dtype, flip=False):
        resize_shape = self._check_resize_shape()
        hog_params = self._hog_params()
        # n_jobs=None follows joblib.parallel_config (scikit-learn's rule)
        parts = Parallel(n_jobs=self.n_jobs)(
            delayed(_image_features)(
                [images[i] for i in idx],
                resize_shape,
                self.features,
                hog_params,
                dtype,
                flip,
            )
            for idx in _chunk_indices(len(images), self.n_jobs)
        )
        F = np.concatenate([p[0] for p in parts])
        F_flip = np.concatenate([p[1] for p in parts]) if flip else None
        return F, F_flip

    def _standardize(self, F):
        F -= self.feature_mean_
        F /= self.feature_scale_
        return F

    def _images(self, X):
        X = validate_images(X, dtype="numeric", allow_flat=False)
        _check_integer_images(X, self)
        dtype = np.float32 if X[0].dtype == np.float32 else np.float64
        shapes = np.array([im.shape[:2] for im in X], dtype=np.float64)
        return X, dtype, shapes

    # ------------------------------------------------------------------ hooks
    def _validation_score(self, X_val, Y_val, sw_val):
        out = self._forward(X_val)
        if not np.isfinite(out).all():  # diverged: no overlap (see the classifier)
            return 0.0
        return float(np.average(_box_iou_rows(_decode(out), Y_val), weights=sw_val))

    # -------------------------------------------------------------------- API
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the box regressor.

        Parameters
        ----------
        X : ndarray of shape (n_samples, height, width[, channels]) or list of \
                ndarray of shape (height_i, width_i[, channels])
            Images (channels last).
        y : list of ndarray of shape (k_i, 4) or list of dict
            Boxes per image, ``(x_min, y_min, x_max, y_max)`` in pixels
            (x = column, y = row), inside their image, or dicts with
            ``"boxes"`` and ``"labels"`` (one label for all boxes). The
            largest box of each image is the target; images without a box
            are skipped.
        sample_weight : array-like of shape (n_samples,), default=None
            Image weights.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        self._hidden_sizes()
        self._check_resize_shape()
        self._hog_params()
        images, dtype, shapes = self._images(X)
        targets = validate_targets(
            y, n_images=len(images), image_shapes=[im.shape[:2] for im in images]
        )
        classes = _target_classes(targets)
        if len(classes) > 1:
            raise ValueError(
                f"y holds boxes of {len(classes)} classes {classes.tolist()[:5]}; "
                "NumpyMLPLocalizer localises one object class. Keep the boxes "
                "of one class, e.g. {'boxes': t['boxes'][t['labels'] == c]} "
                "per image, or use a multi-class detector."
            )
        keep, rel = [], []
        for i, t in enumerate(targets):
            boxes = t["boxes"]
            if len(boxes) == 0:
                continue
            area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
            b = boxes[int(np.argmax(area))]
            h, w = shapes[i]
            rel.append([b[0] / w, b[1] / h, b[2] / w, b[3] / h])
            keep.append(i)
        if not keep:
            raise ValueError(
                "No image in y has a box; NumpyMLPLocalizer needs at least one "
                "image with an object to localise."
            )
        Y = np.clip(np.asarray(rel, dtype=dtype), 0.0, 1.0)
        if sample_weight is not None:
            # sklearn's checks (one finite weight per image, not all zero),
            # and no negative weight: it would reward a wrong box
            sample_weight = _check_sample_weight(
                sample_weight, images, dtype=dtype, ensure_non_negative=True
            )[keep]
            if not sample_weight.any():
                raise ValueError(
                    "sample_weight is 0 for every image with a box; at least "
                    "one image with an object needs a positive weight."
                )
        kept = [images[i] for i in keep]
        input_shape = self._input_shape(kept)
        first_pass = not hasattr(self, "coefs_") or not self.warm_start
        if not first_pass and input_shape != getattr(self, "input_shape_", input_shape):
            raise ValueError(
                f"The network's inputs are {input_shape[0]}x{input_shape[1]} images "
                f"but the fitted model's are {self.input_shape_[0]}x"
                f"{self.input_shape_[1]}; warm_start continues that network: keep "
                "resize_shape (and the image size) or fit a new model."
            )
        F, F_flip = self._features(kept, dtype, flip=self.flip_augment)
        groups = None
        if self.flip_augment:
            Y_flip = np.column_stack([1 - Y[:, 2], Y[:, 1], 1 - Y[:, 0], Y[:, 3]])
            F = np.concatenate([F, F_flip])
            Y = np.concatenate([Y, Y_flip.astype(dtype)])
            if sample_weight is not None:
                sample_weight = np.concatenate([sample_weight, sample_weight])
            # an image and its mirror stay on one side of early stopping's
            # split (a mirror in training made the validation score optimistic)
            groups = np.tile(np.arange(len(keep)), 2)
        if first_pass:
            self.feature_mean_ = F.mean(axis=0)
            scale = F.std(axis=0)
            scale[scale < 10 * np.finfo(dtype).eps] = 1.0
            self.feature_scale_ = scale
        elif F.shape[1] != self.feature_mean_.shape[0]:
            raise ValueError(
                f"X gives {F.shape[1]} features per image, the fitted model "
                f"{self.feature_mean_.shape[0]}; warm_start needs the same image "
                "size and channels."
            )
        F = self._standardize(F)
        self._loss_name = self.loss
        self.classes_ = classes
        self.input_shape_ = input_shape
        self.n_train_images_ = len(keep)
        return self._fit_core(F, Y, sample_weight, 4, incremental=False, groups=groups)

    def _predict_rel(self, X):
        check_is_fitted(self)
        images, dtype, shapes = self._images(X)
        fitted = getattr(self, "input_shape_", None)  # (None: saved before it)
        if fitted is not None and self._input_shape(images) != fitted:
            raise ValueError(
                f"The model was fitted on {fitted[0]}x{fitted[1]} input images; "
                "X gives other ones (resize_shape changed since fit, or, with "
                "resize_shape=None, images of another size)."
            )
        flip = self.score_method == "flip_iou"
        F, F_flip = self._features(images, self.coefs_[0].dtype.type, flip=flip)
        if F.shape[1] != self.feature_mean_.shape[0]:
            raise ValueError(
                f"X gives {F.shape[1]} features per image but the localizer was "
                f"fitted with {self.feature_mean_.shape[0]}; use images with the "
                "same channels (and size when resize_shape is None)."
            )
        rel = _decode(self._forward(self._standardize(F)))
        if flip:
            rf = _decode(self._forward(self._standardize(F_flip)))
            mirrored = np.column_stack([1 - rf[:, 2], rf[:, 1], 1 - rf[:, 0], rf[:, 3]])
            scores = _box_iou_rows(rel, mirrored)
        else:
            scores = np.ones(len(rel))
        return rel, scores, shapes

    def predict(self, X):
        """Predict one box per image.

        Parameters
        ----------
        X : ndarray of shape (n_samples, height, width[, channels]) or list of \
                ndarray of shape (height_i, width_i[, channels])
            Images.

        Returns
        -------
        detections : ndarray of object of shape (n_samples,)
            One dict per image with ``"boxes"`` (1, 4) ``(x_min, y_min, x_max,
            y_max)`` in pixels (x = column), ``"scores"`` (1,) (see
            ``score_method``) and ``"labels"`` ``classes_`` (1,).
        """
        rel, scores, shapes = self._predict_rel(X)
        boxes = _to_pixels(rel, shapes)
        labels = [self.classes_[:1]] * len(boxes)
        return _detections([b[None] for b in boxes], [[s] for s in scores], labels)

    def score(self, X, y, sample_weight=None):
        """Mean IoU of the predicted boxes with the true boxes.

        Parameters
        ----------
        X : ndarray of shape (n_samples, height, width[, channels]) or list of \
                ndarray
            Images.
        y : list of ndarray of shape (k_i, 4) or list of dict
            True boxes per image.
        sample_weight : array-like of shape (n_samples,), default=None
            Image weights: every term of an image (one per true box, or one
            for an image without boxes) counts with its image's weight.

        Returns
        -------
        score : float
            :func:`sklvision.metrics.mean_iou_score` of ``predict(X)``
            (weighted when ``sample_weight`` is given).
        """
        from sklvision.metrics import mean_iou_score

        return float(mean_iou_score(y, self.predict(X), sample_weight=sample_weight))
