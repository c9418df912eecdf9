"""How far below scikit-learn can a numpy MLP epoch go on this machine?

Run alone: ``python benchmarks/bench_mlp_limits.py [--threads 2] [--repeats 3]``.

Issue 6 asks for a float32 epoch of the (256, 128) network on the ~50,000 x 784
augmented digits (adam, batch 200) in at most 0.5x scikit-learn's time. This
script times, in one process, the pieces any numpy implementation of that
epoch must pay and the ways tried to pay less:

* ``sklearn`` / ``sklvision``: a whole epoch of ``MLPClassifier`` /
  ``NumpyMLPClassifier`` (3 epochs, divided by 3);
* ``GEMM floor``: the 8 GEMMs of every step alone, numpy ``matmul`` with
  ``--threads`` BLAS threads (as in ``bench_mlp.py``);
* ``GEMM floor, py threads``: the same GEMMs with the batch split over
  ``--threads`` Python threads of one BLAS thread each;
* ``GEMM floor, scipy BLAS``: the same GEMMs through ``scipy.linalg.blas``
  (its own OpenBLAS; it would allow BLAS level-1 ``axpy`` in the update);
* ``Adam update``: sklvision's ``_Adam.step`` over the 235,146 parameters,
  250 steps, in one thread and split over ``--threads`` Python threads;
* ``data-parallel epoch``: a prototype epoch (not shipped) where ``--threads``
  Python threads each run forward/backward on their share of the batch with
  one BLAS thread, then each updates its share of the parameters.

The last column divides by scikit-learn's epoch: ``GEMM floor`` is the best
``ours/sk`` a design doing these GEMMs can reach before any element-wise work.
"""

import argparse
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.linalg import blas
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from sklvision.classification import NumpyMLPClassifier
from sklvision.classification._mlp_core import _Adam

sys.path.insert(0, str(Path(__file__).parent))
from bench_mlp import gemm_floor, make_augmented_digits  # noqa: E402

HIDDEN = (256, 128)
BATCH = 200


def layer_units(X):
    return [X.shape[1], *HIDDEN, 10]


def epoch_time(cls, X, y, n_epochs=3):
    est = cls(
        hidden_layer_sizes=HIDDEN,
        batch_size=BATCH,
        max_iter=n_epochs,
        tol=0.0,
        random_state=0,
    )
    t0 = time.perf_counter()
    est.fit(X, y)
    return (time.perf_counter() - t0) / est.n_iter_


def run_threads(target, n_threads):
    """Run ``target(k)`` for k in range(n_threads), k = 0 in this thread."""
    errors = []

    def guarded(k):
        try:
            target(k)
        except BaseException as exc:  # re-raised below, in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(k,)) for k in range(1, n_threads)]
    for t in threads:
        t.start()
    guarded(0)
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def gemm_floor_threads(X, n_threads):
    """The GEMM floor with the batch split over Python threads (1 BLAS thread)."""
    part = BATCH // n_threads
    timings = []

    def work(k):
        rows = X[k * part :]
        timings.append(gemm_floor(rows[: len(X) // n_threads], HIDDEN, part))

    t0 = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        run_threads(work, n_threads)
    return time.perf_counter() - t0


def gemm_floor_scipy(X):
    """The GEMMs of one epoch through scipy.linalg.blas (C-order via transposes)."""
    gemm = blas.get_blas_funcs("gemm", dtype=X.dtype)
    units = layer_units(X)
    rng = np.random.RandomState(0)
    W = [rng.rand(a, b).astype(X.dtype) * 0.01 for a, b in zip(units[:-1], units[1:])]
    A = [None] + [np.empty((BATCH, u), X.dtype) for u in units[1:]]
    D = [np.empty((BATCH, u), X.dtype) for u in units]
    G = [np.empty_like(w) for w in W]
    t0 = time.perf_counter()
    for s in range(0, len(X) - BATCH + 1, BATCH):
        A[0] = X[s : s + BATCH]
        # C = A @ B (C-order)  <=>  C.T = B.T @ A.T (Fortran order): no copies
        for i, w in enumerate(W):
            gemm(1.0, w.T, A[i].T, c=A[i + 1].T, overwrite_c=1)
        d = A[-1]
        for i in range(len(W) - 1, -1, -1):
            gemm(1.0, d.T, A[i].T, trans_b=1, c=G[i].T, overwrite_c=1)
            if i > 0:
                gemm(1.0, W[i].T, d.T, trans_a=1, c=D[i].T, overwrite_c=1)
                d = D[i]
    return time.perf_counter() - t0


def adam_time(n_params, n_steps, dtype, n_threads):
    """sklvision's Adam update over ``n_params`` parameters, ``n_steps`` times."""
    rng = np.random.RandomState(0)
    theta = rng.uniform(-0.1, 0.1, n_params).astype(dtype)
    grad = (rng.standard_normal(n_params) * 1e-3).astype(dtype)
    tmp = np.empty_like(theta)
    # 16-aligned shares, one optimizer each (same maths, state split by share)
    cuts = [(k * n_params // n_threads) // 16 * 16 for k in range(n_threads)]
    cuts.append(n_params)
    shares = [slice(a, b) for a, b in zip(cuts[:-1], cuts[1:])]
    opts = [_Adam(sl.stop - sl.start, dtype, 1e-3, 0.9, 0.999, 1e-8) for sl in shares]
    barrier = threading.Barrier(n_threads)

    def work(k):
        sl = shares[k]
        for _ in range(n_steps):
            opts[k].step(theta[sl], grad[sl], tmp[sl], 1e-4, sl.stop - sl.start)
            barrier.wait()

    t0 = time.perf_counter()
    run_threads(work, n_threads)
    return time.perf_counter() - t0


class _Share:
    """Forward/backward of one share of the batch into its own gradient buffer."""

    def __init__(self, theta, units, n, dtype):
        self.units = units
        shapes = list(zip(units[:-1], units[1:]))
        self.n_coef = sum(a * b for a, b in shapes)
        self.grad = np.zeros_like(theta)
        self.W, self.b = self._views(theta, shapes)
        self.gW, self.gb = self._views(self.grad, shapes)
        self.A = [None] + [np.empty((n, u), dtype) for u in units[1:]]
        self.D = [np.empty((n, u), dtype) for u in units[1:]]
        self.mask = np.empty((n, max(units[1:-1])), bool)
        self.row = np.empty((n, 1), dtype)
        self.Xb = np.empty((n, units[0]), dtype)

    @staticmethod
    def _views(flat, shapes):
        W, b, s = [], [], 0
        for a, c in shapes:
            W.append(flat[s : s + a * c].reshape(a, c))
            s += a * c
        for _, c in shapes:
            b.append(flat[s : s + c])
            s += c
        return W, b

    def loss_grad(self, X, y, rows, scale):
        Xb = np.take(X, rows, axis=0, out=self.Xb)
        n, last = Xb.shape[0], len(self.W) - 1
        a = Xb
        for i in range(len(self.W)):
            z = self.A[i + 1]
            np.matmul(a, self.W[i], out=z)
            z += self.b[i]
            if i < last:
                np.maximum(z, 0, out=z)
            a = z
        np.max(a, axis=1, keepdims=True, out=self.row)
        a -= self.row
        np.exp(a, out=a)
        np.sum(a, axis=1, keepdims=True, out=self.row)
        a /= self.row
        flat = np.arange(n) * a.shape[1] + y[rows]
        p = a.reshape(-1)[flat]
        loss = -float(np.log(np.clip(p, 1e-7, 1.0)).sum())
        a.reshape(-1)[flat] -= 1
        a *= scale
        d = a
        for i in range(last, -1, -1):
            prev = Xb if i == 0 else self.A[i]
            np.matmul(prev.T, d, out=self.gW[i])
            np.sum(d, axis=0, out=self.gb[i])
            if i > 0:
                dp = self.D[i - 1]
                np.matmul(d, self.W[i].T, out=dp)
                mask = self.mask[:, : dp.shape[1]]
                np.greater(prev, 0, out=mask)
                np.multiply(dp, mask, out=dp)
                d = dp
        return loss


def data_parallel_epoch(X, y, n_threads):
    """One Adam epoch split over Python threads; returns (seconds, mean loss)."""
    units = layer_units(X)
    n_coef = sum(a * b for a, b in zip(units[:-1], units[1:]))
    n_params = n_coef + sum(units[1:])
    rng = np.random.RandomState(0)
    theta = np.empty(n_params, X.dtype)
    s = 0
    for a, c in zip(units[:-1], units[1:]):
        bound = np.sqrt(6.0 / (a + c))
        theta[s : s + a * c] = rng.uniform(-bound, bound, a * c)
        s += a * c
    theta[s:] = rng.uniform(-0.05, 0.05, n_params - s)
    part = BATCH // n_threads
    shares_rows = [slice(k * part, (k + 1) * part) for k in range(n_threads)]
    work_sets = [_Share(theta, units, part, X.dtype) for _ in range(n_threads)]
    cuts = [(k * n_params // n_threads) // 16 * 16 for k in range(n_threads)]
    cuts.append(n_params)
    p_shares = [slice(a, b) for a, b in zip(cuts[:-1], cuts[1:])]
    opts = [
        _Adam(sl.stop - sl.start, X.dtype, 1e-3, 0.9, 0.999, 1e-8) for sl in p_shares
    ]
    tmp = np.empty_like(theta)
    order = np.random.RandomState(1).permutation(len(X))
    losses = [0.0] * n_threads
    barrier = threading.Barrier(n_threads)
    alpha = 1e-4

    def work(k):
        sl = p_shares[k]
        coef_end = max(0, min(sl.stop, n_coef) - sl.start)
        for start in range(0, len(X) - BATCH + 1, BATCH):
            rows = order[start : start + BATCH][shares_rows[k]]
            losses[k] += work_sets[k].loss_grad(X, y, rows, 0.1 / BATCH)
            barrier.wait()
            g = work_sets[0].grad[sl]
            for other in work_sets[1:]:
                g += other.grad[sl]
            opts[k].step(theta[sl], g, tmp[sl], 0.1 * alpha / BATCH, coef_end)
            barrier.wait()

    t0 = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        run_threads(work, n_threads)
    return time.perf_counter() - t0, sum(losses) / len(X)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    T = args.threads
    X, y, _, _ = make_augmented_digits()
    X = X.astype(np.float32)
    units = layer_units(X)
    n_params = sum(a * b for a, b in zip(units[:-1], units[1:])) + sum(units[1:])
    n_steps = len(X) // BATCH
    print(
        f"float32, {X.shape[0]} x {X.shape[1]}, hidden {HIDDEN}, batch {BATCH} "
        f"({n_steps} steps), {n_params} parameters, {T} threads, best of "
        f"{args.repeats}"
    )
    best = {}

    def keep(name, seconds):
        best[name] = min(best.get(name, np.inf), seconds)

    for _ in range(args.repeats):  # interleaved, so drifts hit every row
        with threadpool_limits(limits=T, user_api="blas"):
            keep("sklearn epoch", epoch_time(MLPClassifier, X, y))
            keep("sklvision epoch", epoch_time(NumpyMLPClassifier, X, y))
            keep(f"GEMM floor, {T} BLAS threads", gemm_floor(X, HIDDEN, BATCH))
            keep(f"GEMM floor, scipy BLAS {T} threads", gemm_floor_scipy(X))
        keep(f"GEMM floor, {T} py threads x 1 BLAS", gemm_floor_threads(X, T))
        keep("Adam update, 1 thread", adam_time(n_params, n_steps, X.dtype, 1))
        keep(f"Adam update, {T} py threads", adam_time(n_params, n_steps, X.dtype, T))
        seconds, loss = data_parallel_epoch(X, y, T)
        keep(f"data-parallel epoch, {T} py threads x 1 BLAS", seconds)
    sk = best["sklearn epoch"]
    print(f"{'what':<52} {'s/epoch':>8} {'/sklearn':>9}")
    for name, seconds in best.items():
        print(f"{name:<52} {seconds:8.3f} {seconds / sk:9.2f}")
    print(f"(data-parallel epoch: mean training loss {loss:.4f}, a check it learns)")


if __name__ == "__main__":
    main()
