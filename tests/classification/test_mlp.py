"""Tests for NumpyMLPClassifier (numpy MLP core shared with NumpyMLPLocalizer)."""

import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.utils._param_validation import InvalidParameterError

from sklvision.classification import NumpyMLPClassifier


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = X[:400] / 16.0
    return X, y[:400]


FAST = dict(hidden_layer_sizes=(16,), max_iter=3, random_state=0)


def _fit_quiet(est, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(*args, **kwargs)


# Every stochastic-solver parameter shared with sklearn, each with a
# non-default value: the fitted model must equal sklearn's (same init, same
# random stream, same loss and update rules) up to float rounding.
SHARED_PARAMS = [
    {},
    {"hidden_layer_sizes": (12, 7)},
    {"hidden_layer_sizes": 9},
    {"activation": "tanh"},
    {"activation": "logistic"},
    {"activation": "identity"},
    {"alpha": 0.5},
    {"alpha": 0.0},
    {"batch_size": 64},
    {"learning_rate_init": 0.01},
    {"shuffle": False},
    {"beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-4},
    {"solver": "sgd"},
    {"solver": "sgd", "momentum": 0.5, "nesterovs_momentum": False},
    {"solver": "sgd", "momentum": 0.0},
    {"solver": "sgd", "learning_rate": "invscaling", "power_t": 0.25},
    {"solver": "sgd", "learning_rate": "adaptive", "tol": 10.0, "n_iter_no_change": 1},
    {"early_stopping": True, "validation_fraction": 0.2},
    {"early_stopping": True, "tol": 10.0, "n_iter_no_change": 1, "max_iter": 10},
    {"tol": 10.0, "n_iter_no_change": 2, "max_iter": 10},
]


@pytest.mark.parametrize("params", SHARED_PARAMS, ids=str)
def test_matches_sklearn(digits, params):
    X, y = digits
    kw = {**FAST, **params}
    ours = _fit_quiet(NumpyMLPClassifier(**kw), X, y)
    ref = _fit_quiet(MLPClassifier(**kw), X, y)
    assert ours.n_iter_ == ref.n_iter_
    assert ours.t_ == ref.t_
    assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-10)
    for a, b in zip(ours.coefs_ + ours.intercepts_, ref.coefs_ + ref.intercepts_):
        assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    if ref.validation_scores_ is not None:
        assert_allclose(ours.validation_scores_, ref.validation_scores_)
        assert ours.best_validation_score_ == ref.best_validation_score_
        assert ours.best_loss_ is None
    else:
        assert ours.validation_scores_ is None
        assert_allclose(ours.best_loss_, ref.best_loss_)
    assert ours.out_activation_ == ref.out_activation_
    assert ours.n_layers_ == ref.n_layers_
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-8)


@pytest.mark.parametrize("target", ["binary", "multilabel", "sample_weight"], ids=str)
def test_matches_sklearn_targets(digits, target):
    X, y = digits
    fit_kw = {}
    if target == "binary":
        y = np.where(y > 4, "big", "small")
    elif target == "multilabel":
        y = np.column_stack([y > 4, y % 2 == 0]).astype(int)
    else:
        fit_kw["sample_weight"] = np.random.RandomState(0).rand(len(y))
    ours = _fit_quiet(NumpyMLPClassifier(**FAST), X, y, **fit_kw)
    ref = _fit_quiet(MLPClassifier(**FAST), X, y, **fit_kw)
    assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-10)
    for a, b in zip(ours.coefs_, ref.coefs_):
        assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert_array_equal(ours.predict(X), ref.predict(X))
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-8)


DEFAULT_CHANGES = {
    "hidden_layer_sizes": (8,),
    "activation": "tanh",
    "solver": "sgd",
    "alpha": 1.0,
    "batch_size": 50,
    "learning_rate_init": 0.02,
    "max_iter": 2,
    "shuffle": False,
    "random_state": 1,
    "early_stopping": True,
    "beta_1": 0.5,
    "beta_2": 0.5,
    "epsilon": 1e-2,
}


@pytest.mark.parametrize("name", sorted(DEFAULT_CHANGES))
def test_each_parameter_changes_the_model(digits, name):
    X, y = digits
    base = _fit_quiet(NumpyMLPClassifier(**FAST), X, y)
    other = _fit_quiet(
        NumpyMLPClassifier(**{**FAST, name: DEFAULT_CHANGES[name]}), X, y
    )
    same_shape = all(a.shape == b.shape for a, b in zip(base.coefs_, other.coefs_))
    assert not same_shape or not np.allclose(base.coefs_[0], other.coefs_[0])


@pytest.mark.parametrize(
    "params",
    [
        {"solver": "sgd", "learning_rate": "invscaling", "power_t": 0.9},
        {"solver": "sgd", "momentum": 0.1},
        {"solver": "sgd", "nesterovs_momentum": False},
        {
            "solver": "sgd",
            "learning_rate": "adaptive",
            "tol": 10.0,
            "n_iter_no_change": 1,
        },
        {"early_stopping": True, "validation_fraction": 0.3},
        {"tol": 10.0, "n_iter_no_change": 1},
    ],
    ids=str,
)
def test_sgd_and_stopping_parameters_change_the_model(digits, params):
    X, y = digits
    base = {**FAST, "max_iter": 6, **({"solver": "sgd"} if "solver" in params else {})}
    a = _fit_quiet(NumpyMLPClassifier(**base), X, y)
    b = _fit_quiet(NumpyMLPClassifier(**{**base, **params}), X, y)
    assert not np.allclose(a.coefs_[0], b.coefs_[0])


def test_float32_end_to_end(digits):
    X, y = digits
    clf = _fit_quiet(NumpyMLPClassifier(**FAST), X.astype(np.float32), y)
    assert all(c.dtype == np.float32 for c in clf.coefs_ + clf.intercepts_)
    assert clf.predict_proba(X.astype(np.float32)).dtype == np.float32
    clf64 = _fit_quiet(NumpyMLPClassifier(**FAST), X, y)
    assert clf64.coefs_[0].dtype == np.float64
    # same model up to float32 rounding
    assert_allclose(clf.coefs_[0], clf64.coefs_[0], atol=1e-4)
    # integer input is converted to float64
    clf_int = _fit_quiet(NumpyMLPClassifier(**FAST), (X * 16).astype(np.int64), y)
    assert clf_int.coefs_[0].dtype == np.float64


_FLOATS = {"learning_rate_init", "beta_1", "beta_2", "epsilon", "momentum", "power_t"}


@pytest.mark.parametrize(
    "params",
    [
        {"learning_rate_init": 0.01, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-7},
        {"solver": "sgd", "learning_rate_init": 0.05, "momentum": 0.8},
        {"solver": "sgd", "learning_rate": "invscaling", "power_t": 0.3},
    ],
)
def test_numpy_scalar_hyperparameters_keep_float32(digits, params):
    # np.float64 hyper-parameters (as a grid or a config file may give) must
    # not turn the float32 updates into float64 ones: same model as with
    # Python floats, bit for bit
    X, y = digits
    X = X.astype(np.float32)
    as_numpy = {k: np.float64(v) for k, v in params.items() if k in _FLOATS}
    a = _fit_quiet(NumpyMLPClassifier(**FAST, **params), X, y)
    b = _fit_quiet(NumpyMLPClassifier(**FAST, **{**params, **as_numpy}), X, y)
    for ca, cb in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        assert cb.dtype == np.float32
        assert_array_equal(ca, cb)


def test_image_stacks_and_lists_are_flattened(digits):
    X, y = digits
    flat = _fit_quiet(NumpyMLPClassifier(**FAST), X, y)
    stack = _fit_quiet(NumpyMLPClassifier(**FAST), X.reshape(-1, 8, 8), y)
    rgb = np.repeat(X.reshape(-1, 8, 8, 1), 3, axis=3)
    color = _fit_quiet(NumpyMLPClassifier(**FAST), rgb, y)
    listed = _fit_quiet(NumpyMLPClassifier(**FAST), list(X.reshape(-1, 8, 8)), y)
    assert stack.n_features_in_ == 64 and color.n_features_in_ == 192
    assert_allclose(stack.coefs_[0], flat.coefs_[0])
    assert_allclose(listed.coefs_[0], flat.coefs_[0])
    assert_array_equal(stack.predict(X.reshape(-1, 8, 8)), flat.predict(X))
    assert_array_equal(stack.predict(list(X.reshape(-1, 8, 8))), flat.predict(X))
    with pytest.raises(ValueError, match="different shapes"):
        stack.predict([np.zeros((8, 8)), np.zeros((9, 8))])
    with pytest.raises(ValueError, match=r"shape \(9, 9\).*fitted on.*\(8, 8\)"):
        stack.predict(np.zeros((2, 9, 9)))
    with pytest.raises(ValueError, match="features"):
        flat.predict(np.zeros((2, 9, 9)))
    # same number of values, other layout: refused, not silently mis-read
    with pytest.raises(ValueError, match=r"shape \(4, 16\)"):
        stack.predict(X.reshape(-1, 4, 16))
    with pytest.raises(ValueError, match="3 channel"):
        stack.predict(np.zeros((2, 8, 8, 3)))
    assert stack.image_shape_ == (8, 8) and stack.n_channels_ == 1
    assert color.n_channels_ == 3 and flat.image_shape_ is None
    # a nested list is an image stack; a 5-D array and an empty stack are
    # refused with messages that say so
    nested = _fit_quiet(NumpyMLPClassifier(**FAST), X.reshape(-1, 8, 8).tolist(), y)
    assert_allclose(nested.coefs_[0], flat.coefs_[0])
    with pytest.raises(ValueError, match="expected images of shape"):
        NumpyMLPClassifier(**FAST).fit(X.reshape(-1, 2, 4, 8, 1), y)
    with pytest.raises(ValueError, match="0 sample"):
        NumpyMLPClassifier(**FAST).fit(np.zeros((0, 8, 8)), [])
    with pytest.raises(ValueError, match="0 sample"):
        stack.predict(np.zeros((0, 8, 8)))


def test_random_state_reproducible(digits):
    X, y = digits
    a = _fit_quiet(NumpyMLPClassifier(**FAST), X, y)
    b = _fit_quiet(NumpyMLPClassifier(**FAST), X, y)
    c = _fit_quiet(NumpyMLPClassifier(**{**FAST, "random_state": 1}), X, y)
    for p, q in zip(a.coefs_, b.coefs_):
        assert_array_equal(p, q)
    assert not np.allclose(a.coefs_[0], c.coefs_[0])
    rs = np.random.RandomState(0)
    d = _fit_quiet(NumpyMLPClassifier(**{**FAST, "random_state": rs}), X, y)
    assert_array_equal(d.coefs_[0], a.coefs_[0])
    # refitting forgets the previous fit
    assert_array_equal(_fit_quiet(a, X, y).coefs_[0], b.coefs_[0])


def test_partial_fit_equivalence(digits):
    X, y = digits
    kw = {**FAST, "shuffle": False, "max_iter": 3}
    full = _fit_quiet(NumpyMLPClassifier(**kw), X, y)
    inc = NumpyMLPClassifier(**kw)
    for _ in range(3):
        inc.partial_fit(X, y, classes=np.unique(y))
    assert inc.n_iter_ == 1 and inc.t_ == 3 * len(X)
    assert_allclose(inc.loss_curve_, full.loss_curve_, rtol=1e-12)
    for a, b in zip(inc.coefs_ + inc.intercepts_, full.coefs_ + full.intercepts_):
        assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    # and with sklearn's partial_fit
    ref = MLPClassifier(**kw)
    for _ in range(3):
        ref.partial_fit(X, y, classes=np.unique(y))
    assert_allclose(inc.coefs_[0], ref.coefs_[0], rtol=1e-9, atol=1e-12)


def test_partial_fit_keeps_the_model_dtype(digits):
    # float32 data after a float64 fit: the model stays float64 and its Adam
    # state goes on (as sklearn's), instead of restarting in float32
    X, y = digits
    kw = {**FAST, "shuffle": False}
    ours = _fit_quiet(NumpyMLPClassifier(**kw), X, y)
    ref = _fit_quiet(MLPClassifier(**kw), X, y)
    for est in (ours, ref):
        est.partial_fit(X.astype(np.float32), y)
    assert ours.coefs_[0].dtype == np.float64
    assert ours._optimizer_state["t"] == ref._optimizer.t
    assert_allclose(ours.coefs_[0], ref.coefs_[0], rtol=1e-9, atol=1e-12)
    # and the other way round
    f32 = _fit_quiet(NumpyMLPClassifier(**kw), X.astype(np.float32), y)
    f32.partial_fit(X, y)
    assert f32.coefs_[0].dtype == np.float32 and f32.t_ == 4 * len(X)


def test_partial_fit_pickle_resume(digits):
    X, y = digits
    kw = {**FAST, "shuffle": False}
    a = NumpyMLPClassifier(**kw).partial_fit(X, y, classes=np.unique(y))
    b = pickle.loads(pickle.dumps(a))
    assert_allclose(b.predict_proba(X), a.predict_proba(X))
    a.partial_fit(X, y)
    b.partial_fit(X, y)  # optimizer state survives the round trip
    assert_allclose(a.coefs_[0], b.coefs_[0])
    c = clone(a)
    assert not hasattr(c, "coefs_")


def test_partial_fit_errors(digits):
    X, y = digits
    clf = NumpyMLPClassifier(**FAST)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    clf.partial_fit(X, y, classes=np.arange(10))
    with pytest.raises(ValueError, match="not in `self.classes_`"):
        clf.partial_fit(X, y + 20)
    with pytest.raises(ValueError, match="early_stopping"):
        NumpyMLPClassifier(**FAST, early_stopping=True).partial_fit(
            X, y, classes=np.arange(10)
        )
    # y may miss some classes
    clf2 = NumpyMLPClassifier(**FAST).partial_fit(X[y < 5], y[y < 5], classes=range(10))
    assert clf2.predict_proba(X).shape == (len(X), 10)


def test_early_stopping(digits):
    X, y = digits
    clf = _fit_quiet(
        NumpyMLPClassifier(
            hidden_layer_sizes=(16,),
            learning_rate_init=0.05,
            early_stopping=True,
            n_iter_no_change=2,
            max_iter=200,
            random_state=0,
        ),
        X,
        y,
    )
    assert clf.n_iter_ < 200
    assert len(clf.validation_scores_) == clf.n_iter_ == len(clf.loss_curve_)
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None
    # the restored weights are the best epoch's, not the last epoch's
    assert np.argmax(clf.validation_scores_) < clf.n_iter_ - 1
    with pytest.raises(ValueError, match="validation set is too small"):
        NumpyMLPClassifier(**FAST, early_stopping=True).fit(X[:10], y[:10])


def test_convergence_warning_and_tol(digits):
    X, y = digits
    with pytest.warns(ConvergenceWarning, match="Maximum iterations \\(3\\)"):
        NumpyMLPClassifier(**FAST).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = NumpyMLPClassifier(
            **{**FAST, "max_iter": 50, "tol": 10.0, "n_iter_no_change": 1}
        ).fit(X, y)
    # epoch 1 improves on inf; epochs 2 and 3 do not: count 2 > 1 stops
    assert clf.n_iter_ == 3


def test_warm_start(digits):
    X, y = digits
    cold = _fit_quiet(NumpyMLPClassifier(**FAST), X, y)
    warm = _fit_quiet(NumpyMLPClassifier(**FAST, warm_start=True), X, y)
    first = warm.coefs_[0].copy()
    _fit_quiet(warm, X, y)
    assert warm.t_ == 6 * len(X)
    assert not np.allclose(warm.coefs_[0], first)
    ref = MLPClassifier(**FAST, warm_start=True)
    _fit_quiet(ref, X, y)
    _fit_quiet(ref, X, y)
    assert_allclose(warm.coefs_[0], ref.coefs_[0], rtol=1e-9, atol=1e-12)
    _fit_quiet(cold, X, y)
    assert_array_equal(cold.coefs_[0], first)  # without warm_start: fresh fit
    with pytest.raises(ValueError, match="warm_start can only be used"):
        warm.fit(X[y < 5], y[y < 5])
    # other layers cannot continue the fitted network: said, not ignored
    warm.set_params(hidden_layer_sizes=(17,))
    with pytest.raises(ValueError, match=r"\(17,\) but the fitted network.*\(16,\)"):
        warm.fit(X, y)
    with pytest.raises(ValueError, match="fitted network"):
        warm.partial_fit(X, y)


def test_verbose(digits, capsys):
    X, y = digits
    _fit_quiet(
        NumpyMLPClassifier(**{**FAST, "early_stopping": True, "verbose": True}), X, y
    )
    out = capsys.readouterr().out
    assert "Iteration 1, loss = " in out and "Iteration 3, loss = " in out
    assert "Validation score: " in out
    _fit_quiet(NumpyMLPClassifier(**FAST), X, y)
    assert capsys.readouterr().out == ""


def test_batch_size_clipped_with_warning(digits):
    X, y = digits
    with pytest.warns(UserWarning, match="batch_size"):
        _fit_quiet(NumpyMLPClassifier(**FAST, batch_size=10_000), X, y)


def test_bad_input(digits):
    X, y = digits
    clf = NumpyMLPClassifier(**FAST)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clf.fit(X_nan, y)
    with pytest.raises(ValueError, match="hidden_layer_sizes must be > 0"):
        NumpyMLPClassifier(hidden_layer_sizes=(4, 0)).fit(X, y)
    with pytest.raises(TypeError, match="must hold ints"):  # not truncated to 10
        NumpyMLPClassifier(hidden_layer_sizes=(10.5,)).fit(X, y)
    # sklearn's third solver: said what to use instead (was only "must be a
    # str among {'sgd', 'adam'}")
    lbfgs = NumpyMLPClassifier(solver="lbfgs")
    with pytest.raises(ValueError, match="solver='lbfgs' is not available.*'adam'"):
        lbfgs.fit(X, y)
    with pytest.raises(ValueError, match="solver='lbfgs' is not available"):
        lbfgs.partial_fit(X, y, classes=np.arange(10))
    assert not hasattr(lbfgs, "classes_")
    with pytest.raises(InvalidParameterError, match="sgd"):
        NumpyMLPClassifier(solver="newton").fit(X, y)
    with pytest.raises(InvalidParameterError):
        NumpyMLPClassifier(learning_rate_init=0).fit(X, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clf.fit(X, y[:-1])
    fitted = _fit_quiet(NumpyMLPClassifier(**FAST), X, y)
    with pytest.raises(ValueError, match="features"):
        fitted.predict(X[:, :10])
    with pytest.raises(ValueError, match="non-finite parameter weights"):
        big = (X * 1e30).astype(np.float32)  # float32 overflows to inf
        _fit_quiet(NumpyMLPClassifier(**FAST, learning_rate_init=1e5), big, y)
    # diverging in the first epoch with early stopping: the same clear error
    # (no "best" epoch to restore), as sklearn's
    diverge = dict(FAST, solver="sgd", momentum=0, learning_rate_init=1e300,
                   early_stopping=True, activation="identity")
    for Est in (NumpyMLPClassifier, MLPClassifier):
        with pytest.raises(ValueError, match="non-finite parameter weights"):
            _fit_quiet(Est(**diverge), X * 1e10, y)
    # inputs are not modified
    X_copy = X.copy()
    _fit_quiet(NumpyMLPClassifier(**FAST), X, y)
    assert_array_equal(X, X_copy)


def test_accuracy_on_digits():
    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    clf = NumpyMLPClassifier(hidden_layer_sizes=(64,), max_iter=40, random_state=0)
    _fit_quiet(clf, X[:1400], y[:1400])
    assert clf.score(X[1400:], y[1400:]) > 0.88
    assert_allclose(clf.predict_proba(X[:5]).sum(axis=1), 1, rtol=1e-5)
    assert_allclose(
        np.exp(clf.predict_log_proba(X[:5])), clf.predict_proba(X[:5]), rtol=1e-5
    )


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_l2_update_matches_sklearn(digits, solver):
    # a strong L2 term, added by the optimizer to the coefficients only
    X, y = digits
    kw = {**FAST, "solver": solver, "alpha": 0.3}
    ours = _fit_quiet(NumpyMLPClassifier(**kw), X, y)
    ref = _fit_quiet(MLPClassifier(**kw), X, y)
    for a, b in zip(ours.coefs_ + ours.intercepts_, ref.coefs_ + ref.intercepts_):
        assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_warm_start_can_switch_early_stopping():
    # warm_start, then set_params(early_stopping=True): AttributeError
    # "'NoneType' object has no attribute 'append'" (sklearn fails the same way)
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = NumpyMLPClassifier((8,), max_iter=2, warm_start=True, random_state=0)
        clf.fit(X, y)
        clf.set_params(early_stopping=True).fit(X, y)
        assert len(clf.validation_scores_) == 2
        # the attributes of the mode in use, as after a first fit in it (the
        # previous mode's best_loss_ / validation scores were left behind)
        assert clf.best_loss_ is None
        clf.set_params(early_stopping=False).fit(X, y)
        assert clf.validation_scores_ is None and clf.best_validation_score_ is None
        assert clf.best_loss_ == min(clf.loss_curve_[-2:])
        # and partial_fit after an early-stopping fit (sklearn: TypeError)
        clf.set_params(early_stopping=True).fit(X, y)
        clf.set_params(early_stopping=False).partial_fit(X, y)
    assert clf.best_loss_ == clf.loss_


# optimizer hyper-parameters changed between calls: partial_fit goes on with
# the optimizer of the first partial_fit (or of the last fit), so the change
# waits for the next fit, which creates a new optimizer even with warm_start
# (sklearn's semantics). partial_fit used to take up the new values at once.
OPTIMIZER_CHANGES = [
    ("adam", {"learning_rate_init": 0.05}),
    ("adam", {"beta_1": 0.5, "beta_2": 0.9}),
    ("adam", {"epsilon": 1e-2}),
    ("adam", {"solver": "sgd"}),
    ("sgd", {"learning_rate_init": 0.05}),
    ("sgd", {"momentum": 0.2}),
    ("sgd", {"nesterovs_momentum": False}),
    ("sgd", {"learning_rate": "invscaling", "power_t": 0.1}),
    ("sgd", {"solver": "adam"}),
]


@pytest.mark.parametrize("solver, change", OPTIMIZER_CHANGES, ids=str)
def test_partial_fit_keeps_its_optimizer_as_sklearn(digits, solver, change):
    X, y = digits
    kw = {**FAST, "solver": solver, "warm_start": True}
    ours, ref = NumpyMLPClassifier(**kw), MLPClassifier(**kw)
    for est in (ours, ref):
        est.partial_fit(X, y, classes=np.unique(y))
        est.set_params(**change)
        est.partial_fit(X, y)
        est.partial_fit(X, y)
    assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-10)
    assert_allclose(ours.coefs_[0], ref.coefs_[0], rtol=1e-9, atol=1e-12)
    # a (warm-started) fit creates the optimizer anew with the new values
    for est in (ours, ref):
        _fit_quiet(est, X, y)
    assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-10)
    assert_allclose(ours.coefs_[0], ref.coefs_[0], rtol=1e-9, atol=1e-12)
    # and partial_fit after a fit goes on with the fit's optimizer
    for est in (ours, ref):
        est.set_params(learning_rate_init=0.2)
        est.partial_fit(X, y)
    assert_allclose(ours.coefs_[0], ref.coefs_[0], rtol=1e-9, atol=1e-12)


def test_zero_weight_batches_are_skipped(monkeypatch):
    # weights used as a mask: a minibatch of zero weights raised
    # ZeroDivisionError (sklearn too); an all-zero validation set as well
    X, y = load_digits(return_X_y=True)
    X = X[:200] / 16.0
    y = y[:200]
    sw = np.zeros(200)
    sw[::10] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        masked = NumpyMLPClassifier(
            (8,), batch_size=4, shuffle=False, max_iter=3, random_state=0
        ).fit(X, y, sample_weight=sw)
        # the same as training on the weighted samples alone, batch by batch
        # (partial_fit: classes as in the full data, one epoch per call)
        alone = NumpyMLPClassifier((8,), batch_size=1, shuffle=False, random_state=0)
        for _ in range(3):
            alone.partial_fit(X[::10], y[::10], classes=np.unique(y))
    assert np.isfinite(masked.loss_)
    assert_allclose(masked.coefs_[0], alone.coefs_[0], rtol=1e-10, atol=1e-12)
    # the early-stopping split made deterministic: the first 10 samples
    import sklvision.classification._mlp_core as core

    monkeypatch.setattr(
        core, "train_test_split", lambda idx, **kw: (idx[10:], idx[:10])
    )
    with pytest.raises(ValueError, match="validation set has sample_weight 0"):
        NumpyMLPClassifier((8,), early_stopping=True, validation_fraction=0.05).fit(
            X, y, sample_weight=np.r_[np.zeros(10), np.ones(190)]
        )


def test_tabular_fit_takes_flattened_images_of_any_layout():
    # fitted on a (n, 192) array, an (n, 8, 8, 3) stack was refused as
    # "fitted on images with 1 channel(s)" while an (n, 8, 24) one passed
    rng = np.random.RandomState(0)
    X = rng.rand(40, 192)
    y = np.arange(40) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = NumpyMLPClassifier((4,), max_iter=5, random_state=0).fit(X, y)
    expected = clf.predict_proba(X)
    assert_allclose(clf.predict_proba(X.reshape(40, 8, 8, 3)), expected)
    assert_allclose(clf.predict_proba(X.reshape(40, 8, 24)), expected)
    with pytest.raises(ValueError, match="features"):
        clf.predict(rng.rand(40, 8, 8, 4))


def test_big_endian_float32_table_stays_float32(digits):
    # a 2-D '>f4' array built a float64 model (validate_data upcasts it, as
    # not np.float32) while the same values as an image stack stayed float32
    X, y = digits
    X_be = X.astype(">f4")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        table = NumpyMLPClassifier(**FAST).fit(X_be, y)
        stack = NumpyMLPClassifier(**FAST).fit(X_be.reshape(-1, 8, 8), y)
    assert table.coefs_[0].dtype == np.float32
    assert_array_equal(table.coefs_[0], stack.coefs_[0])
    assert table.predict_proba(X_be).dtype == np.float32
    assert_array_equal(table.predict(X_be), table.predict(X.astype(np.float32)))
