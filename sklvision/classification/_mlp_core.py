"""Numpy multilayer-perceptron core shared by NumpyMLPClassifier and NumpyMLPLocalizer.

Design (what makes it fast):

* All parameters live in ONE flat, contiguous buffer ``theta`` laid out as
  ``[W_0, ..., W_{L-1}, b_0, ..., b_{L-1}]`` (scikit-learn's ``coefs_ +
  intercepts_`` order); ``coefs_``/``intercepts_`` are reshaped views of it.
  Gradients and optimizer moments use the same layout, so an Adam or SGD step
  is about ten whole-buffer ufunc calls, independent of the number of layers,
  and the L2 penalty touches the contiguous coefficient prefix only.
* Activation and delta buffers are allocated once per fit for the largest
  batch and sliced (row slices of C-contiguous arrays stay contiguous) for a
  smaller last batch. Every GEMM writes into them with ``np.matmul(out=)``:
  one GEMM per layer forward, one for the weight gradient and one for the
  delta backward (none for the input layer's delta).
* The gradient is computed already multiplied by the optimizer's step factor
  (``1 - beta_1`` for Adam, the learning rate for SGD) by scaling the small
  output delta, which saves whole-buffer passes in the update.
* Everything runs in the input's float dtype (float32 in, float32 throughout).

The training loop reproduces scikit-learn's ``BaseMultilayerPerceptron``
semantics (Glorot-uniform initialisation drawing from the same random stream,
loss with ``alpha / (2 n)`` L2 term, ``tol`` / ``n_iter_no_change`` /
early-stopping rules, ConvergenceWarning, warm_start, partial_fit), so the same
settings give the same model up to floating-point rounding.
"""

import math
import warnings
from numbers import Integral, Real

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state, gen_batches, shuffle

from sklvision.utils._sklearn_compat import Interval, Options, StrOptions

__all__ = ["_BaseNumpyMLP", "_Network"]


# --------------------------------------------------------------------------
# in-place activations and derivatives (derivatives use the activation value)
# --------------------------------------------------------------------------
def _relu(Z):
    np.maximum(Z, 0, out=Z)


def _tanh(Z):
    np.tanh(Z, out=Z)


def _logistic(Z):
    expit(Z, out=Z)


def _identity(Z):
    pass


_HIDDEN = {"relu": _relu, "tanh": _tanh, "logistic": _logistic, "identity": _identity}


def _softmax(Z, row):
    """In-place row softmax; ``row`` is an (n, 1) scratch buffer."""
    # ufunc reductions directly: np.max / np.sum add a Python wrapper per call
    np.maximum.reduce(Z, axis=1, keepdims=True, out=row)
    Z -= row
    np.exp(Z, out=Z)
    np.add.reduce(Z, axis=1, keepdims=True, out=row)
    Z /= row


def _predict(coefs, intercepts, activation, out_activation, X, chunk=4096):
    """Output activations for all rows of ``X``, in chunks of rows."""
    n = X.shape[0]
    out = np.empty((n, coefs[-1].shape[1]), dtype=X.dtype)
    hidden = _HIDDEN[activation]
    for start in range(0, n, chunk):
        a = X[start : start + chunk]
        for i, (W, b) in enumerate(zip(coefs, intercepts)):
            z = a @ W
            z += b
            if i < len(coefs) - 1:
                hidden(z)
            a = z
        if out_activation == "softmax":
            _softmax(a, np.empty((a.shape[0], 1), dtype=a.dtype))
        elif out_activation == "logistic":
            expit(a, out=a)
        out[start : start + chunk] = a
    return out


class _Network:
    """Dense network on a flat parameter buffer with preallocated work buffers.

    Parameters
    ----------
    layer_units : list of int
        ``[n_features, hidden..., n_outputs]``.
    activation : str
        Hidden activation.
    out_activation : {"softmax", "logistic", "identity"}
        Output activation.
    loss : {"log_loss", "squared_error"}
        ``"log_loss"`` is the categorical cross-entropy with softmax output and
        the (per-output, summed) binary cross-entropy with logistic output.
    dtype : dtype
        float32 or float64.
    """

    def __init__(self, layer_units, activation, out_activation, loss, dtype):
        self.layer_units = list(layer_units)
        self.activation = activation
        self.out_activation = out_activation
        self.loss = loss
        self.dtype = np.dtype(dtype)
        self.eps = float(np.finfo(self.dtype).eps)  # clip for the log loss
        self.n_layers = len(layer_units) - 1
        shapes = list(zip(layer_units[:-1], layer_units[1:]))
        self.n_coef = sum(a * b for a, b in shapes)
        self.n_params = self.n_coef + sum(layer_units[1:])
        self.theta = np.zeros(self.n_params, dtype=self.dtype)
        self.grad = np.zeros(self.n_params, dtype=self.dtype)
        self.coefs = self._views(self.theta)
        self.gcoefs = self._views(self.grad)
        self.intercepts = self._iviews(self.theta)
        self.gintercepts = self._iviews(self.grad)

    def _views(self, flat):
        out, start = [], 0
        for a, b in zip(self.layer_units[:-1], self.layer_units[1:]):
            out.append(flat[start : start + a * b].reshape(a, b))
            start += a * b
        return out

    def _iviews(self, flat):
        out, start = [], self.n_coef
        for b in self.layer_units[1:]:
            out.append(flat[start : start + b])
            start += b
        return out

    def set_params(self, coefs, intercepts):
        for dst, src in zip(self.coefs, coefs):
            dst[...] = src
        for dst, src in zip(self.intercepts, intercepts):
            dst[...] = src

    def allocate(self, batch_size):
        """Allocate work buffers for batches of up to ``batch_size`` rows."""
        n, dt = batch_size, self.dtype
        # acts[0] is the input batch itself (never copied here)
        self.acts = [None] + [np.empty((n, u), dtype=dt) for u in self.layer_units[1:]]
        # deltas[i] is dL/dz of layer i+1's pre-activation; the last one shares
        # the output activation buffer (computed in place).
        self.deltas = [np.empty((n, u), dtype=dt) for u in self.layer_units[1:-1]]
        self.deltas.append(self.acts[-1])
        self.row = np.empty((n, 1), dtype=dt)
        self.mask = np.empty(n * max(self.layer_units[1:-1], default=1), dtype=bool)
        self.tmp = np.empty(self.n_params, dtype=dt)
        self.flat_idx = np.empty(n, dtype=np.intp)
        # flat index of row i's first output, for picking p(true class)
        self.row_start = np.arange(0, n * self.layer_units[-1], self.layer_units[-1])

    # ------------------------------------------------------------------ forward
    def forward_batch(self, Xb):
        """Forward pass of a batch into the work buffers; returns the output."""
        n = Xb.shape[0]
        hidden = _HIDDEN[self.activation]
        a = Xb
        last = self.n_layers - 1
        for i in range(self.n_layers):
            z = self.acts[i + 1][:n]
            np.matmul(a, self.coefs[i], out=z)
            z += self.intercepts[i]
            if i < last:
                hidden(z)
            a = z
        self._out_act(a, self.row[:n])
        return a

    def _out_act(self, Z, row):
        if self.out_activation == "softmax":
            _softmax(Z, row)
        elif self.out_activation == "logistic":
            expit(Z, out=Z)

    # ----------------------------------------------------------------- backward
    def loss_grad(self, Xb, Yb, swb, alpha, scale):
        """Loss of the batch and ``scale`` times its gradient into ``self.grad``.

        ``Yb`` is an int index array (softmax output) or a float array of
        targets in [0, 1] / real targets. ``swb`` are sample weights or None.
        Returns the batch loss (data term + ``alpha / (2 n) * ||W||^2``).
        """
        n = Xb.shape[0]
        P = self.forward_batch(Xb)
        sw_sum = float(n) if swb is None else float(swb.sum())
        eps = self.eps

        # ---- data loss, then delta_last = d loss / d z_last (in place in P)
        if self.out_activation == "softmax":
            flat = self.flat_idx[:n]
            np.add(self.row_start[:n], Yb, out=flat)
            Pf = P.reshape(-1)
            p_true = Pf[flat]
            np.maximum(p_true, eps, out=p_true)  # clip to [eps, 1 - eps]
            np.minimum(p_true, 1 - eps, out=p_true)
            np.log(p_true, out=p_true)
            if swb is None:
                data_loss = -float(p_true.sum()) / n
            else:
                data_loss = -float(np.dot(p_true, swb)) / sw_sum
            Pf[flat] -= 1
        elif self.loss == "log_loss":  # logistic output, binary cross-entropy
            lp = np.clip(P, eps, 1 - eps)
            l1 = np.log(lp)
            l1 *= Yb
            np.subtract(1, lp, out=lp)
            np.log(lp, out=lp)
            lp *= 1 - Yb
            lp += l1
            per_sample = lp.sum(axis=1)
            if swb is None:
                data_loss = -float(per_sample.sum()) / n
            else:
                data_loss = -float(np.dot(per_sample, swb)) / sw_sum
            P -= Yb
        else:  # squared_error: 0.5 * sum over outputs, mean over samples
            diff = P - Yb
            per_sample = np.einsum("ij,ij->i", diff, diff)
            if swb is None:
                data_loss = 0.5 * float(per_sample.sum()) / n
            else:
                data_loss = 0.5 * float(np.dot(per_sample, swb)) / sw_sum
            if self.out_activation == "logistic":
                P *= 1 - P
                P *= diff
            else:
                P[...] = diff
        if swb is None:
            P *= scale / n
        else:
            P *= (swb * (scale / sw_sum)).astype(self.dtype, copy=False)[:, None]

        # ---- L2 term of the loss (one BLAS dot over all coefficients)
        wc = self.theta[: self.n_coef]
        if alpha:
            data_loss += 0.5 * alpha * float(np.dot(wc, wc)) / sw_sum

        # ---- backward: one GEMM for dW, one for the next delta per layer
        acts = self.acts
        for i in range(self.n_layers - 1, -1, -1):
            d = self.deltas[i][:n]
            a_prev = Xb if i == 0 else acts[i][:n]
            np.matmul(a_prev.T, d, out=self.gcoefs[i])
            np.add.reduce(d, axis=0, out=self.gintercepts[i])
            if i > 0:
                d_prev = self.deltas[i - 1][:n]
                np.matmul(d, self.coefs[i].T, out=d_prev)
                self._hidden_derivative(a_prev, d_prev)
        # the L2 gradient ``scale * alpha / sw_sum * W`` is added by the
        # optimizer (``_add_l2``) to the whole gradient, so gradients of batch
        # shares can be summed first (benchmarks/bench_mlp_limits.py does)
        self.l2 = scale * alpha / sw_sum if alpha else 0.0
        return data_loss

    def _hidden_derivative(self, A, D):
        act = self.activation
        if act == "relu":
            # D *= (A > 0): a branch-free multiply by a boolean mask is ~10x
            # faster than masked assignment (np.copyto(where=) / D[A == 0] = 0)
            mask = self.mask[: D.size].reshape(D.shape)
            np.greater(A, 0, out=mask)
            np.multiply(D, mask, out=D)
        elif act == "tanh":
            t = np.multiply(A, A)
            np.subtract(1, t, out=t)
            D *= t
        elif act == "logistic":
            D *= A
            D *= 1 - A


# --------------------------------------------------------------------------
# optimizers on flat buffers (same maths as sklearn's _stochastic_optimizers)
# --------------------------------------------------------------------------
def _add_l2(theta, g, tmp, l2, n_coef):
    """Add the L2 gradient ``l2 * theta`` to ``g`` on the first ``n_coef`` entries.

    Those are the coefficients; intercepts are not penalised. Cache-blocking
    this together with the update (8k-128k parameters at a time) measured no
    gain over whole-buffer passes, so the optimizers add it up front.
    """
    if l2 and n_coef:
        np.multiply(theta[:n_coef], l2, out=tmp[:n_coef])
        g[:n_coef] += tmp[:n_coef]


class _Adam:
    """Adam on flat buffers; gradient arrives pre-multiplied by ``1 - beta_1``.

    With ``g' = (1 - b1) g`` the moments are ``m = b1 m + g'`` (exactly Adam's
    first moment) and ``v' = b2 v' + g'^2`` where ``v = c v'``,
    ``c = (1 - b2) / (1 - b1)^2``; the step ``lr_t m / (sqrt(v) + eps)`` is
    ``(lr_t / sqrt(c)) m / (sqrt(v') + eps / sqrt(c))``.
    """

    def __init__(self, n_params, dtype, learning_rate_init, beta_1, beta_2, epsilon):
        # Python floats: a numpy float64 scalar would make every in-place
        # ``float32_buffer *= scalar`` compute in float64 and cast back
        self.learning_rate_init = float(learning_rate_init)
        self.learning_rate = self.learning_rate_init
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)
        self.epsilon = float(epsilon)
        self.t = 0
        self.m = np.zeros(n_params, dtype=dtype)
        self.v = np.zeros(n_params, dtype=dtype)

    def grad_scale(self):
        return 1.0 - self.beta_1

    def _advance(self):
        """Count one step; return ``(lr, eps)`` of the update on ``m`` and ``v'``.

        ``learning_rate`` becomes the bias-corrected ``lr_t``; both returned
        values are divided by ``sqrt(c)`` (see the class docstring).
        ``beta_1 < 1`` is guaranteed by the estimators' parameter validation.
        """
        b1, b2 = self.beta_1, self.beta_2
        self.t += 1
        self.learning_rate = (
            self.learning_rate_init * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        )
        sc = math.sqrt((1 - b2) / (1 - b1) ** 2)
        return self.learning_rate / sc, self.epsilon / sc

    def step(self, theta, g, tmp, l2=0.0, n_coef=0):
        b1, b2 = self.beta_1, self.beta_2
        lr, eps = self._advance()
        _add_l2(theta, g, tmp, l2, n_coef)
        m, v = self.m, self.v
        m *= b1
        m += g
        v *= b2
        np.multiply(g, g, out=tmp)
        v += tmp
        np.sqrt(v, out=tmp)
        tmp += eps
        np.divide(m, tmp, out=tmp)
        tmp *= lr
        theta -= tmp

    def iteration_ends(self, time_step):
        pass

    def trigger_stopping(self, msg, verbose):
        if verbose:
            print(msg + " Stopping.")
        return True


class _SGD:
    """SGD with (Nesterov) momentum; gradient arrives pre-multiplied by lr."""

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init,
        lr_schedule,
        momentum,
        nesterov,
        power_t,
    ):
        self.learning_rate_init = float(learning_rate_init)
        self.learning_rate = self.learning_rate_init
        self.lr_schedule = lr_schedule
        self.momentum = float(momentum)  # Python float: see _Adam
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocity = np.zeros(n_params, dtype=dtype)

    def grad_scale(self):
        return self.learning_rate

    def step(self, theta, g, tmp, l2=0.0, n_coef=0):
        _add_l2(theta, g, tmp, l2, n_coef)
        v, mom = self.velocity, self.momentum
        v *= mom
        v -= g
        if self.nesterov:
            np.multiply(v, mom, out=tmp)
            tmp -= g
            theta += tmp
        else:
            theta += v

    def iteration_ends(self, time_step):
        if self.lr_schedule == "invscaling":
            self.learning_rate = float(
                self.learning_rate_init / (time_step + 1) ** self.power_t
            )

    def trigger_stopping(self, msg, verbose):
        if self.lr_schedule != "adaptive":
            if verbose:
                print(msg + " Stopping.")
            return True
        if self.learning_rate <= 1e-6:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self.learning_rate /= 5.0
        if verbose:
            print(f"{msg} Setting learning rate to {self.learning_rate:f}")
        return False


# --------------------------------------------------------------------------
# estimator base class
# --------------------------------------------------------------------------
class _BaseNumpyMLP(BaseEstimator):
    """Shared parameters and the stochastic training loop.

    Subclasses implement ``_out_activation(y)`` / ``_loss_name()`` hooks through
    ``_prepare_targets`` and ``_validation_score(X_val, Y_val)``.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "solver": [StrOptions({"sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
    }

    # hooks -----------------------------------------------------------------
    _out_activation_ = "softmax"
    _loss_name = "log_loss"

    def _validation_score(self, X_val, y_val, sw_val):  # pragma: no cover
        raise NotImplementedError

    def _should_stratify(self):
        return False

    # init ------------------------------------------------------------------
    def _hidden_sizes(self):
        h = self.hidden_layer_sizes
        if not hasattr(h, "__iter__"):
            h = [h]
        h = list(h)
        if not all(
            isinstance(u, Integral) and not isinstance(u, bool) for u in h
        ):
            raise TypeError(
                f"hidden_layer_sizes must hold ints (units per layer), got {h}."
            )
        if np.any(np.array(h) <= 0):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {h}.")
        return [int(u) for u in h]

    def _init_coef(self, fan_in, fan_out, dtype):
        # Glorot-uniform, same bounds and random stream order as scikit-learn
        factor = 2.0 if self.activation == "logistic" else 6.0
        bound = np.sqrt(factor / (fan_in + fan_out))
        coef = self._random_state.uniform(-bound, bound, (fan_in, fan_out))
        intercept = self._random_state.uniform(-bound, bound, fan_out)
        return coef.astype(dtype, copy=False), intercept.astype(dtype, copy=False)

    def _initialize(self, layer_units, dtype):
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = layer_units[-1]
        self.n_layers_ = len(layer_units)
        self.out_activation_ = self._out_activation_
        self.coefs_, self.intercepts_ = [], []
        for i in range(len(layer_units) - 1):
            c, b = self._init_coef(layer_units[i], layer_units[i + 1], dtype)
            self.coefs_.append(c)
            self.intercepts_.append(b)
        # what early stopping restores if no epoch ever improves (as sklearn)
        self._best_coefs = [c.copy() for c in self.coefs_]
        self._best_intercepts = [b.copy() for b in self.intercepts_]
        self.loss_curve_ = []
        self._no_improvement_count = 0
        if self.early_stopping:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.best_validation_score_ = None

    def _network_for(self, dtype):
        """A work network holding a copy of ``coefs_``/``intercepts_``.

        ``coefs_``/``intercepts_`` are re-pointed to views of its flat buffer
        (plain ndarrays, so the fitted state stays numpy-only).
        """
        units = [self.coefs_[0].shape[0]] + [c.shape[1] for c in self.coefs_]
        net = _Network(
            units, self.activation, self.out_activation_, self._loss_name, dtype
        )
        net.set_params(self.coefs_, self.intercepts_)
        self.coefs_ = list(net.coefs)
        self.intercepts_ = list(net.intercepts)
        return net

    def _optimizer_params(self):
        """Constructor arguments of the optimizer for the current parameters."""
        # builtins, as the optimizers hold them (power_t as given: sklearn's
        # invscaling rate is computed with it unconverted)
        if self.solver == "sgd":
            return {
                "learning_rate_init": float(self.learning_rate_init),
                "lr_schedule": str(self.learning_rate),
                "momentum": float(self.momentum),
                "nesterov": bool(self.nesterovs_momentum),
                "power_t": self.power_t,
            }
        return {
            "learning_rate_init": float(self.learning_rate_init),
            "beta_1": float(self.beta_1),
            "beta_2": float(self.beta_2),
            "epsilon": float(self.epsilon),
        }

    def _make_optimizer(self, net, incremental):
        """Optimizer for this call; partial_fit resumes ``_optimizer_state``.

        As in scikit-learn, ``fit`` (warm-started or not) creates a new
        optimizer from the current parameters, while ``partial_fit`` goes on
        with the optimizer of the first ``partial_fit`` or the last ``fit``:
        its solver, learning rate(s), betas, epsilon, momentum and schedule as
        they were then (parameters changed in between take effect at the next
        ``fit``). The state is a dict of arrays and builtins (not an object),
        so that the fitted estimator holds only numpy and builtin values.
        """
        state = getattr(self, "_optimizer_state", None)
        resume = (
            incremental
            and state is not None
            and state["size"] == net.n_params
            and state["dtype"] == net.dtype.str
        )
        if resume:
            solver, params = state["solver"], state["params"]
        else:
            solver, params = self.solver, self._optimizer_params()
        cls = _SGD if solver == "sgd" else _Adam
        opt = cls(net.n_params, net.dtype, **params)
        opt.params = params
        if resume:
            opt.learning_rate = state["learning_rate"]
            if solver == "sgd":
                opt.velocity[...] = state["velocity"]
            else:
                opt.m[...] = state["m"]
                opt.v[...] = state["v"]
                opt.t = state["t"]
        return opt

    def _save_optimizer(self, opt, net):
        state = {
            "solver": "sgd" if isinstance(opt, _SGD) else "adam",
            "params": opt.params,
            "size": net.n_params,
            "dtype": net.dtype.str,
            "learning_rate": float(opt.learning_rate),
        }
        if isinstance(opt, _SGD):
            state["velocity"] = opt.velocity
        else:
            state.update(m=opt.m, v=opt.v, t=int(opt.t))
        self._optimizer_state = state

    # training --------------------------------------------------------------
    def _fit_core(
        self, X, Y, sample_weight, n_outputs, incremental, y_split=None, groups=None
    ):
        """Run the stochastic solver on validated ``X`` and encoded targets ``Y``.

        ``Y`` is an int index vector (softmax output) or a float matrix.
        ``y_split`` is what ``train_test_split`` stratifies on (or None).
        ``groups`` (or None) keeps rows of one group on one side of the
        early-stopping split (an image and its mirrored copy).
        """
        hidden = self._hidden_sizes()
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        if not first_pass:
            fitted_hidden = [c.shape[1] for c in self.coefs_[:-1]]
            if fitted_hidden != hidden:
                raise ValueError(
                    f"hidden_layer_sizes is {tuple(hidden)} but the fitted network "
                    f"has hidden layers {tuple(fitted_hidden)}; warm_start and "
                    "partial_fit continue that network. Fit a new model "
                    "(warm_start=False) to change the layers."
                )
            dtype = self.coefs_[0].dtype
            if X.dtype != dtype:
                # A fitted model keeps its dtype, and so its optimizer state
                # (sklearn's MLP also goes on in the dtype of its weights).
                X = X.astype(dtype)
                if Y.dtype.kind == "f":
                    Y = Y.astype(dtype)
                if sample_weight is not None:
                    sample_weight = sample_weight.astype(dtype)
        n_samples, n_features = X.shape
        layer_units = [n_features] + hidden + [n_outputs]
        self._random_state = check_random_state(self.random_state)
        dtype = X.dtype
        if first_pass:
            self._initialize(layer_units, dtype)
            if hasattr(self, "_optimizer_state"):
                del self._optimizer_state
        net = self._network_for(dtype)
        opt = self._make_optimizer(net, incremental)

        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        early_stopping = self.early_stopping
        if not first_pass:
            # early_stopping switched since the fitted call (warm_start): start
            # the bookkeeping of the new mode as a first fit in that mode does,
            # and drop the old mode's (sklearn fails on NoneType)
            if early_stopping and self.validation_scores_ is None:
                self.validation_scores_ = []
                self.best_validation_score_ = -np.inf
                self.best_loss_ = None
            elif not early_stopping and self.best_loss_ is None:
                self.best_loss_ = np.inf
                self.validation_scores_ = None
                self.best_validation_score_ = None
        if early_stopping:
            idx = np.arange(n_samples)
            if groups is None:
                stratify = y_split if self._should_stratify() else None
                idx_train, idx_val = train_test_split(
                    idx,
                    random_state=self._random_state,
                    test_size=self.validation_fraction,
                    stratify=stratify,
                )
            else:
                _, val_groups = train_test_split(
                    np.unique(groups),
                    random_state=self._random_state,
                    test_size=self.validation_fraction,
                )
                in_val = np.isin(groups, val_groups)
                idx_train, idx_val = idx[~in_val], idx[in_val]
            if idx_val.shape[0] < 2:
                raise ValueError(
                    "The validation set is too small. Increase 'validation_fraction' "
                    "or the size of your dataset."
                )
            X_val, Y_val = X[idx_val], Y[idx_val]
            sw_val = None if sample_weight is None else sample_weight[idx_val]
            if sw_val is not None and not sw_val.any():
                raise ValueError(
                    "Every sample of the early-stopping validation set has "
                    "sample_weight 0, so no validation score can be computed; "
                    "increase validation_fraction or give fewer samples weight 0."
                )
            X_train = X[idx_train]
            Y_train = Y[idx_train]
            sw_train = None if sample_weight is None else sample_weight[idx_train]
        else:
            X_train, Y_train, sw_train = X, Y, sample_weight
            X_val = Y_val = sw_val = None
        X_train = np.ascontiguousarray(X_train)
        Y_train = np.ascontiguousarray(Y_train)

        n_samples = X_train.shape[0]
        sample_idx = np.arange(n_samples, dtype=int)
        if self.batch_size == "auto":
            batch_size = min(200, n_samples)
        else:
            if self.batch_size > n_samples:
                warnings.warn(
                    "Got `batch_size` less than 1 or larger than "
                    "sample size. It is going to be clipped"
                )
            batch_size = int(np.clip(self.batch_size, 1, n_samples))

        net.allocate(batch_size)
        Xbuf = np.empty((batch_size, n_features), dtype=dtype)
        Ybuf = np.empty((batch_size,) + Y_train.shape[1:], dtype=Y_train.dtype)
        swbuf = None if sw_train is None else np.empty(batch_size, sw_train.dtype)
        alpha = float(self.alpha)
        theta, grad, tmp = net.theta, net.grad, net.tmp

        try:
            self.n_iter_ = 0
            for _ in range(self.max_iter):
                if self.shuffle:
                    sample_idx = shuffle(sample_idx, random_state=self._random_state)
                accumulated_loss = 0.0
                for batch_slice in gen_batches(n_samples, batch_size):
                    nb = batch_slice.stop - batch_slice.start
                    if self.shuffle:
                        bidx = sample_idx[batch_slice]
                        Xb = X_train.take(bidx, axis=0, out=Xbuf[:nb])
                        Yb = Y_train.take(bidx, axis=0, out=Ybuf[:nb])
                        swb = (
                            None
                            if swbuf is None
                            else sw_train.take(bidx, out=swbuf[:nb])
                        )
                    else:
                        Xb = X_train[batch_slice]
                        Yb = Y_train[batch_slice]
                        swb = None if sw_train is None else sw_train[batch_slice]
                    if swb is not None and not swb.any():
                        # a batch of zero-weight samples (weights used as a
                        # mask) has nothing to learn from: no step (its
                        # weighted mean loss was 0 / 0, a ZeroDivisionError)
                        continue
                    batch_loss = net.loss_grad(Xb, Yb, swb, alpha, opt.grad_scale())
                    accumulated_loss += batch_loss * nb
                    opt.step(theta, grad, tmp, net.l2, net.n_coef)

                self.n_iter_ += 1
                self.loss_ = accumulated_loss / n_samples
                self.t_ += n_samples
                self.loss_curve_.append(self.loss_)
                if self.verbose:
                    print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")

                self._update_no_improvement_count(early_stopping, X_val, Y_val, sw_val)
                opt.iteration_ends(self.t_)

                if self._no_improvement_count > self.n_iter_no_change:
                    if early_stopping:
                        msg = (
                            "Validation score did not improve more than "
                            f"tol={self.tol:f} for {self.n_iter_no_change} "
                            "consecutive epochs."
                        )
                    else:
                        msg = (
                            "Training loss did not improve more than "
                            f"tol={self.tol:f} for {self.n_iter_no_change} "
                            "consecutive epochs."
                        )
                    if opt.trigger_stopping(msg, self.verbose):
                        break
                    self._no_improvement_count = 0

                if incremental:
                    break

                if self.n_iter_ == self.max_iter:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                        "reached and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                    )
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.")

        if early_stopping:
            net.set_params(self._best_coefs, self._best_intercepts)
        self._save_optimizer(opt, net)

        if not np.isfinite(theta).all():
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data may"
                " contain large values and need to be preprocessed."
            )
        return self

    def _update_no_improvement_count(self, early_stopping, X_val, Y_val, sw_val):
        if early_stopping:
            val_score = self._validation_score(X_val, Y_val, sw_val)
            self.validation_scores_.append(val_score)
            if self.verbose:
                print(f"Validation score: {self.validation_scores_[-1]:f}")
            last = self.validation_scores_[-1]
            if last < (self.best_validation_score_ + self.tol):
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if last > self.best_validation_score_:
                self.best_validation_score_ = last
                self._best_coefs = [c.copy() for c in self.coefs_]
                self._best_intercepts = [i.copy() for i in self.intercepts_]
        else:
            if self.loss_curve_[-1] > self.best_loss_ - self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if self.loss_curve_[-1] < self.best_loss_:
                self.best_loss_ = self.loss_curve_[-1]

    def _forward(self, X):
        """Output activations for validated 2-D ``X`` (float dtype of the model)."""
        dtype = self.coefs_[0].dtype
        return _predict(
            self.coefs_,
            self.intercepts_,
            self.activation,
            self.out_activation_,
            np.asarray(X, dtype=dtype),
        )
