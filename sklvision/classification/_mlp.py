"""NumpyMLPClassifier: a fast numpy multilayer perceptron for images and tables."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import (
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from sklvision.classification._mlp_core import _BaseNumpyMLP
from sklvision.utils._sklearn_compat import (
    Hidden,
    StrOptions,
    _check_sample_weight,
    _fit_context,
)
from sklvision.utils._validation import _flatten_image_input

__all__ = ["NumpyMLPClassifier"]


def _native_byte_order(X):
    """A non-native ('>f4') array in native byte order, other input as is.

    ``validate_data`` would turn big-endian float32 into float64 (it is not
    the ``np.float32`` it keeps), so a 2-D '>f4' array built a float64 model
    while the same values as an image stack built a float32 one.
    """
    if isinstance(X, np.ndarray) and not X.dtype.isnative:
        return X.astype(X.dtype.newbyteorder("="))
    return X


class NumpyMLPClassifier(ClassifierMixin, _BaseNumpyMLP):
    """Multilayer perceptron classifier written in numpy, tuned for speed.

    A drop-in, faster replacement for
    :class:`sklearn.neural_network.MLPClassifier` with the stochastic solvers:
    the parameters have the same names, defaults and meanings (without
    ``solver="lbfgs"`` and ``max_fun``), the same Glorot-uniform initialisation
    drawn from the same random stream, the same loss (cross-entropy plus
    ``alpha / (2 n_batch) * ||W||^2``), the same stopping rules and the same
    fitted attributes, so the same settings give the same model up to
    floating-point rounding.

    What is different is the engine: parameters, gradients and optimizer
    moments live in single flat buffers, activations and deltas in buffers
    allocated once per fit, every matrix product writes in place (one GEMM per
    layer per direction) and the Adam/SGD update is a handful of whole-buffer
    in-place operations. **float32 input trains and predicts in float32 end to
    end** (half the memory traffic of float64); any other input is converted to
    float64.

    Image stacks of shape ``(n_samples, height, width[, channels])`` and lists
    of equally sized images are flattened to ``(n_samples, height * width *
    channels)``; tabular ``(n_samples, n_features)`` input is used as is.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer.
    activation : {"identity", "logistic", "tanh", "relu"}, default="relu"
        Activation function of the hidden layers.
    solver : {"adam", "sgd"}, default="adam"
        ``"adam"``: Kingma and Ba's Adam. ``"sgd"``: stochastic gradient
        descent with (Nesterov) momentum and a learning-rate schedule.
        scikit-learn's ``"lbfgs"`` is refused with a ``ValueError``.
    alpha : float, default=0.0001
        Strength of the L2 penalty; the term ``alpha / 2 * ||W||^2`` is divided
        by the batch size (sum of batch sample weights) when added to the loss.
    batch_size : int or "auto", default="auto"
        Minibatch size; ``"auto"`` is ``min(200, n_samples)``. Clipped (with a
        warning) to the number of training samples.
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Schedule for ``solver="sgd"``: constant ``learning_rate_init``;
        ``learning_rate_init / (t + 1) ** power_t`` with ``t`` the number of
        samples seen; or divided by 5 each time the stopping criterion below
        triggers (training stops when it falls under 1e-6).
    learning_rate_init : float, default=0.001
        Initial step size.
    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule.
    max_iter : int, default=200
        Maximum number of epochs (passes over the training data).
    shuffle : bool, default=True
        Whether to shuffle the samples at every epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the early-stopping split and the
        shuffling. Pass an int for reproducible results.
    tol : float, default=1e-4
        Training stops when the training loss (or the validation accuracy with
        ``early_stopping``) does not improve by at least ``tol`` for more than
        ``n_iter_no_change`` consecutive epochs (unless
        ``learning_rate="adaptive"``).
    verbose : bool or int, default=False
        Print the loss (and validation accuracy) after every epoch.
    warm_start : bool, default=False
        Reuse the previous solution as initialisation for ``fit``. As in
        scikit-learn, every ``fit`` starts a new optimizer from the current
        parameters (a changed ``learning_rate_init``, ``beta_1``... takes
        effect), while :meth:`partial_fit` goes on with the optimizer of the
        first ``partial_fit`` or the last ``fit``.
    momentum : float, default=0.9
        Momentum of ``solver="sgd"``, in [0, 1].
    nesterovs_momentum : bool, default=True
        Whether ``solver="sgd"`` uses Nesterov's momentum.
    early_stopping : bool, default=False
        Set aside ``validation_fraction`` of the training data (stratified for
        binary targets, as scikit-learn does) and stop when its accuracy stops
        improving by ``tol`` for ``n_iter_no_change`` epochs; the best weights
        on the validation set are kept.
    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.
    beta_1 : float, default=0.9
        Decay of Adam's first-moment estimate, in [0, 1).
    beta_2 : float, default=0.999
        Decay of Adam's second-moment estimate, in [0, 1).
    epsilon : float, default=1e-8
        Adam's numerical-stability constant.
    n_iter_no_change : int, default=10
        Number of epochs without ``tol`` improvement tolerated.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    loss_ : float
        Loss of the last epoch (mean of the batch losses).
    best_loss_ : float or None
        Smallest epoch loss; None with ``early_stopping=True``.
    loss_curve_ : list of float
        Loss of every epoch.
    validation_scores_ : list of float or None
        Validation accuracy of every epoch with ``early_stopping=True``,
        otherwise None.
    best_validation_score_ : float or None
        Best validation accuracy with ``early_stopping=True``, otherwise None.
    t_ : int
        Number of training samples seen by the solver.
    coefs_ : list of ndarray of shape (n_units_i, n_units_{i+1})
        Weight matrices, in the dtype of the training data.
    intercepts_ : list of ndarray of shape (n_units_{i+1},)
        Bias vectors.
    n_features_in_ : int
        Number of features (pixels times channels for images) seen in ``fit``.
    image_shape_ : tuple of int or None
        ``(height, width)`` of the training images, or None when fitted on a
        2-D array; later image input must have this shape.
    n_channels_ : int
        Number of channels of the training images (1 for gray and for 2-D
        input).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, for DataFrame input with string
        column names.
    n_iter_ : int
        Number of epochs run by the last ``fit`` (1 per ``partial_fit``).
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of output units.
    out_activation_ : str
        Output activation, ``"softmax"`` (multiclass) or ``"logistic"``.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : The reference implementation.
    sklvision.detection.NumpyMLPLocalizer : The same network regressing a box.

    Notes
    -----
    Multilabel targets (an indicator matrix) are supported with independent
    logistic outputs, as in scikit-learn.

    Where it deliberately differs from
    :class:`~sklearn.neural_network.MLPClassifier`: no ``solver="lbfgs"`` and
    no ``max_fun``; no sparse input; a float32 model given float64 data
    (``predict_proba``, ``partial_fit``, warm-started ``fit``) computes in
    float32 and returns float32 probabilities (scikit-learn computes those
    products in float64 and returns float64); a minibatch whose sample weights
    are all 0 is skipped (scikit-learn divides by 0); ``early_stopping`` may be
    switched between warm-started fits (scikit-learn raises an
    ``AttributeError``/``TypeError``).

    On 50,000 augmented 28x28 digits with ``hidden_layer_sizes=(256, 128)``
    on a 2-core machine, an epoch takes 0.55-0.7x scikit-learn's time in
    float32 (0.75-0.85x in float64) and 1.6-1.8x the time of the matrix
    products alone, for the same accuracy (``benchmarks/bench_mlp.py``, one or
    two BLAS threads). The remaining cost is element-wise work (one numpy pass each),
    mostly the Adam update over all parameters
    (``benchmarks/bench_mlp_limits.py`` times each part).

    References
    ----------
    Glorot, X. and Bengio, Y. "Understanding the difficulty of training deep
    feedforward neural networks." AISTATS 2010.

    Kingma, D. P. and Ba, J. "Adam: A method for stochastic optimization."
    arXiv:1412.6980, 2014.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklvision.classification import NumpyMLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> images = (X / 16).astype("float32").reshape(-1, 8, 8)  # an image stack
    >>> clf = NumpyMLPClassifier(max_iter=30, random_state=0)
    >>> clf = clf.fit(images[:1500], y[:1500])
    >>> clf.coefs_[0].dtype, clf.n_features_in_
    (dtype('float32'), 64)
    >>> round(clf.score(images[1500:], y[1500:]), 2) > 0.85
    True
    """

    _parameter_constraints: dict = {
        **_BaseNumpyMLP._parameter_constraints,
        # "lbfgs" passes validation (hidden from the listed options) so that
        # _fit can say what to use instead
        "solver": [StrOptions({"sgd", "adam"}), Hidden(StrOptions({"lbfgs"}))],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
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
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
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

    # ------------------------------------------------------------------ hooks
    def _should_stratify(self):
        return self.n_outputs_ == 1

    def _validation_score(self, X_val, Y_val, sw_val):
        # accuracy on the encoded targets: class index (softmax) or indicator
        # rows thresholded at 0.5 (LabelBinarizer.inverse_transform's rule).
        # Non-finite outputs (a diverged network) classify nothing: 0, which
        # still beats the initial best of -inf, so a first-epoch divergence
        # is kept as "best" and fit raises its non-finite-weights error.
        proba = self._forward(X_val)
        if not np.isfinite(proba).all():
            return 0.0
        if Y_val.ndim == 1:
            correct = proba.argmax(axis=1) == Y_val
        else:
            correct = np.all((proba > 0.5) == (Y_val > 0.5), axis=1)
        return float(np.average(correct, weights=sw_val))

    # ------------------------------------------------------------- validation
    def _validate_input(self, X, y, incremental, reset):
        X, image_shape, n_channels = _flatten_image_input(
            X, self, reset=reset, dtype=None
        )
        X = _native_byte_order(X)
        X, y = validate_data(
            self,
            X,
            y,
            multi_output=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if reset:
            self.image_shape_ = image_shape
            self.n_channels_ = 1 if n_channels is None else n_channels
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if (not hasattr(self, "classes_")) or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same "
                        "classes as in the previous call to fit. Previously "
                        f"got {self.classes_}, `y` has {classes}"
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    "`y` has classes not in `self.classes_`. "
                    f"`self.classes_` has {self.classes_}. 'y' has {classes}."
                )
        return X, y

    def _encode(self, y, dtype):
        """Targets for the core: int indices (multiclass) or a float matrix."""
        lb = self._label_binarizer
        if lb.y_type_ == "multiclass":
            self._out_activation_ = "softmax"
            return np.searchsorted(lb.classes_, y).astype(np.intp), len(lb.classes_)
        self._out_activation_ = "logistic"
        Y = lb.transform(y).astype(dtype)
        return Y, Y.shape[1]

    def _check_solver(self):
        if self.solver == "lbfgs":
            raise ValueError(
                "solver='lbfgs' is not available in NumpyMLPClassifier, which "
                "implements scikit-learn's stochastic solvers only (and so has no "
                "max_fun). Use solver='adam' (the default) or solver='sgd', or "
                "sklearn.neural_network.MLPClassifier(solver='lbfgs') for L-BFGS."
            )

    def _fit(self, X, y, sample_weight=None, incremental=False):
        self._check_solver()
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        self._hidden_sizes()  # validates values before any data work
        X, y = self._validate_input(X, y, incremental, reset=first_pass)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        Y, n_outputs = self._encode(y, X.dtype)
        y_split = Y if Y.ndim == 2 else None
        return self._fit_core(X, Y, sample_weight, n_outputs, incremental, y_split)

    # ------------------------------------------------------------------- API
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to images or a feature matrix.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, height, \
                width[, channels]), or list of ndarray
            Training data; image stacks and lists of equally sized images are
            flattened.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label-indicator matrix for multilabel problems.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over the given data.

        The optimizer (solver, learning rate, betas, epsilon, momentum,
        schedule) is the one created by the first call or by the last
        :meth:`fit`, with its state: parameters of the optimizer changed in
        between take effect at the next ``fit``, as in scikit-learn.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, height, \
                width[, channels]), or list of ndarray
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label-indicator matrix for multilabel problems.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        classes : array-like of shape (n_classes,), default=None
            All classes over all calls; required on the first call.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        self._check_solver()  # before the first call's classes_ is set
        if _check_partial_fit_first_call(self, classes):
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def _check_X(self, X):
        X, _, _ = _flatten_image_input(X, self, reset=False, dtype=None)
        X = _native_byte_order(X)
        return validate_data(self, X, dtype=(np.float64, np.float32), reset=False)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, height, \
                width[, channels]), or list of ndarray
            Samples or images.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted classes.
        """
        check_is_fitted(self)
        proba = self._forward(self._check_X(X))
        if self.n_outputs_ == 1:
            proba = proba.ravel()
        return self._label_binarizer.inverse_transform(proba)

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, height, \
                width[, channels]), or list of ndarray
            Samples or images.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, float32 for a float32 model.
        """
        check_is_fitted(self)
        y_pred = self._forward(self._check_X(X))
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
        if y_pred.ndim == 1:
            return np.vstack([1 - y_pred, y_pred]).T
        return y_pred

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, height, \
                width[, channels]), or list of ndarray
            Samples or images.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities.
        """
        proba = self.predict_proba(X)
        return np.log(proba, out=proba)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.input_tags.three_d_array = True
        return tags
