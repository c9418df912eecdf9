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
  one BLAS thread, then each updates its share of the parameters;
* ``sklvision epoch, Adam split``: ``NumpyMLPClassifier.fit`` unchanged except
  that each Adam update is split over ``--threads`` Python threads (persistent
  helpers), while the GEMMs keep ``--threads`` BLAS threads (not shipped:
  slower than the plain fit although the split update alone is faster; with
  OpenBLAS's defaults its idle workers spin for a while after every GEMM and
  compete with the helper — set ``OPENBLAS_THREAD_TIMEOUT=4`` before the run to
  make them sleep at once and compare);
* ``Adam update, scipy axpy`` / ``sklvision epoch, Adam with scipy axpy``: a
  prototype Adam (not shipped) doing 8 whole-buffer passes instead of 12, by
  BLAS level-1 ``axpy`` (``y += a x`` in one pass, in place) from
  ``scipy.linalg.blas`` and by swapping buffers instead of copying (the new
  first moment is computed into the gradient buffer, the old moment buffer
  takes the next gradient). numpy has no ``axpy`` of its own, and scipy's is a
  second OpenBLAS with its own thread pool: the rows say what that costs with
  scipy's pool at 1 thread and at ``--threads``.

* ``update pass`` / ``first moment``: single whole-buffer passes of the
  update, 250 each: ``np.sqrt`` (the dearest), a product, and the first-moment
  update as numpy's two in-place passes and as one numpy GEMV (a measured dead
  end: no faster than the two passes);
* a last line: the GEMM floor's rate in GFLOP/s against a large square GEMM's,
  i.e. how much faster the GEMMs themselves could still get.

The last column divides by scikit-learn's epoch: ``GEMM floor`` is the best
``ours/sk`` a design doing these GEMMs can reach before any element-wise work.
"""

import argparse
import contextlib
import sys
import threading
import time
import types
import warnings
from pathlib import Path

import numpy as np
from scipy.linalg import blas
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import ThreadpoolController, threadpool_limits

from sklvision.classification import NumpyMLPClassifier, _mlp_core
from sklvision.classification._mlp_core import _Adam, _Network

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
    share = len(X) // n_threads

    def work(k):
        gemm_floor(X[k * share : (k + 1) * share], HIDDEN, BATCH // n_threads)

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


def param_shares(n_params, n_threads):
    """``n_threads`` slices covering ``range(n_params)``, starts 16-aligned."""
    cuts = [(k * n_params // n_threads) // 16 * 16 for k in range(n_threads)]
    return [slice(a, b) for a, b in zip(cuts, [*cuts[1:], n_params])]


def adam_time(n_params, n_steps, dtype, n_threads):
    """sklvision's Adam update over ``n_params`` parameters, ``n_steps`` times."""
    rng = np.random.RandomState(0)
    theta = rng.uniform(-0.1, 0.1, n_params).astype(dtype)
    grad = (rng.standard_normal(n_params) * 1e-3).astype(dtype)
    tmp = np.empty_like(theta)
    # one optimizer per share (same maths, state split by share)
    shares = param_shares(n_params, n_threads)
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


def gemm_flop(units, n_steps):
    """Floating-point operations of the GEMM floor's epoch (``2 m k n`` each)."""
    per_step = 0
    for i, (a, b) in enumerate(zip(units[:-1], units[1:])):
        n_gemms = 3 if i > 0 else 2  # forward, weight gradient, next delta
        per_step += n_gemms * 2 * BATCH * a * b
    return per_step * n_steps


def square_gemm_rate(dtype, n=2000, repeats=3):
    """GFLOP/s of one large square GEMM: this machine's practical GEMM peak."""
    a = np.random.RandomState(0).rand(n, n).astype(dtype)
    out = np.empty_like(a)
    np.matmul(a, a, out=out)
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        np.matmul(a, a, out=out)
        best = min(best, time.perf_counter() - t0)
    return 2 * n**3 / best / 1e9


def update_pass_times(n_params, n_steps, dtype):
    """Single whole-buffer passes of the update, ``n_steps`` times each.

    ``sqrt`` is the dearest of Adam's passes (the square root's throughput,
    not memory, bounds it). The first-moment update ``m = b1 m + g`` as a
    numpy GEMV ``(b1, 1) @ [m; g]`` -- BLAS's one way to fuse it and, with the
    GEMMs' own OpenBLAS, no second thread pool -- is timed against numpy's
    two in-place passes (it is no faster).
    """
    rng = np.random.RandomState(0)
    stack = rng.uniform(0.0, 1.0, (3, n_params)).astype(dtype)
    m, g, out = stack
    weights = np.array([0.9, 1.0], dtype=dtype)

    def run(step):
        t0 = time.perf_counter()
        for _ in range(n_steps):
            step()
        return time.perf_counter() - t0

    def two_passes():  # _Adam.step's ``m *= b1; m += g``
        np.multiply(m, 0.9, out=m)
        np.add(m, g, out=m)

    return {
        "update pass: np.sqrt": run(lambda: np.sqrt(m, out=out)),
        "update pass: np.multiply (g * g)": run(lambda: np.multiply(g, g, out=out)),
        "first moment, m *= b1; m += g": run(two_passes),
        "first moment, numpy GEMV (b1, 1) @ [m; g]": run(
            lambda: np.matmul(weights, stack[:2], out=out)
        ),
    }


def network(units, dtype):
    """sklvision's ``_Network`` of the benchmarked shape (relu, softmax)."""
    return _Network(units, "relu", "softmax", "log_loss", dtype)


def _share_theta(net, theta, n_rows):
    """Point ``net`` at a shared parameter buffer (its gradient stays its own)."""
    net.theta = theta
    net.coefs, net.intercepts = net._views(theta), net._iviews(theta)
    net.allocate(n_rows)


def data_parallel_epoch(X, y, n_threads):
    """One Adam epoch split over Python threads; returns (seconds, mean loss).

    Each thread runs sklvision's forward/backward (``_Network.loss_grad``) on its
    share of every batch with one BLAS thread, then, after a barrier, sums the
    threads' gradients over its share of the parameters and runs sklvision's
    Adam update on that share.
    """
    nets = [network(layer_units(X), X.dtype) for _ in range(n_threads)]
    n_coef, n_params = nets[0].n_coef, nets[0].n_params
    rng = np.random.RandomState(0)
    theta = rng.uniform(-0.05, 0.05, n_params).astype(X.dtype)
    part = BATCH // n_threads
    for net in nets:
        _share_theta(net, theta, part)
    p_shares = param_shares(n_params, n_threads)
    opts = [
        _Adam(sl.stop - sl.start, X.dtype, 1e-3, 0.9, 0.999, 1e-8) for sl in p_shares
    ]
    tmp = np.empty_like(theta)
    Xbs = [np.empty((part, X.shape[1]), X.dtype) for _ in range(n_threads)]
    order = np.random.RandomState(1).permutation(len(X))
    losses = [0.0] * n_threads
    barrier = threading.Barrier(n_threads)

    def work(k):
        net, sl = nets[k], p_shares[k]
        coef_end = max(0, min(sl.stop, n_coef) - sl.start)
        for start in range(0, len(X) - BATCH + 1, BATCH):
            rows = order[start + k * part : start + (k + 1) * part]
            Xb = np.take(X, rows, axis=0, out=Xbs[k])
            # scale / n_threads: each share's mean gradient (and L2 factor)
            # becomes its part of the batch mean, so the shares just add up
            scale = opts[k].grad_scale() / n_threads
            losses[k] += net.loss_grad(Xb, y[rows], None, 1e-4, scale) * part
            barrier.wait()
            g = nets[0].grad[sl]
            for other in nets[1:]:
                g += other.grad[sl]
            opts[k].step(theta[sl], g, tmp[sl], net.l2, coef_end)
            barrier.wait()

    t0 = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        run_threads(work, n_threads)
    return time.perf_counter() - t0, sum(losses) / len(X)


class _SplitAdam(_Adam):
    """sklvision's Adam with the update split over persistent helper threads.

    Share ``k`` of the parameters is updated by ``_Adam.step`` of child ``k``,
    whose moments are views of this optimizer's; child 0 runs in the caller's
    thread. Element-wise, so the result is the same as the unsplit update.
    """

    n_threads = 2
    instances = []

    def __init__(self, n_params, dtype, *args):
        super().__init__(n_params, dtype, *args)
        self.instances.append(self)
        self.shares = param_shares(n_params, self.n_threads)
        self.children = []
        for sl in self.shares:
            child = _Adam(0, dtype, *args)
            child.m, child.v = self.m[sl], self.v[sl]
            self.children.append(child)
        self.go = threading.Barrier(self.n_threads)
        self.done = threading.Barrier(self.n_threads)
        for k in range(1, self.n_threads):
            threading.Thread(target=self._helper, args=(k,), daemon=True).start()

    def _share_step(self, k):
        sl, (theta, g, tmp, l2, n_coef) = self.shares[k], self.job
        coef_end = max(0, min(sl.stop, n_coef) - sl.start)
        self.children[k].step(theta[sl], g[sl], tmp[sl], l2, coef_end)

    def _helper(self, k):
        try:
            while True:
                self.go.wait()
                self._share_step(k)
                self.done.wait()
        except threading.BrokenBarrierError:  # split_adam's block has ended
            pass

    def step(self, theta, g, tmp, l2=0.0, n_coef=0):
        self._advance()  # this optimizer's own step count and learning rate
        self.job = (theta, g, tmp, l2, n_coef)
        self.go.wait()
        self._share_step(0)
        self.done.wait()


class _AxpyAdam(_Adam):
    """Adam in 8 whole-buffer passes: BLAS ``axpy`` and buffer swaps.

    ``holder`` is the object whose ``grad`` buffer the next gradient is written
    into (the fit's ``_Network``); after each step its gradient buffer is the
    previous first-moment buffer, re-pointed with ``_use_grad``. Same maths as
    ``_Adam``, other rounding order.
    """

    holder = None

    def __init__(self, n_params, dtype, *args):
        super().__init__(n_params, dtype, *args)
        self.w = np.empty_like(self.m)
        self.axpy = blas.get_blas_funcs("axpy", dtype=np.dtype(dtype))

    def step(self, theta, g, tmp, l2=0.0, n_coef=0):
        b1, b2 = self.beta_1, self.beta_2
        lr, eps = self._advance()
        axpy, g = self.axpy, self.holder.grad
        if l2 and n_coef:
            axpy(theta[:n_coef], g[:n_coef], a=l2)  # g += l2 theta
        np.multiply(g, g, out=self.w)
        axpy(self.v, self.w, a=b2)  # w = b2 v + g^2: the new v
        self.v, self.w = self.w, self.v
        axpy(self.m, g, a=b1)  # g = b1 m + g: the new m
        self.m, free = g, self.m
        np.sqrt(self.v, out=self.w)
        self.w += eps
        np.divide(self.m, self.w, out=self.w)
        axpy(self.w, theta, a=-lr)  # theta -= lr m / (sqrt(v) + eps)
        _use_grad(self.holder, free)


def _use_grad(holder, buf):
    """Point ``holder``'s gradient (and a network's gradient views) at ``buf``."""
    holder.grad = buf
    if isinstance(holder, _Network):
        holder.gcoefs, holder.gintercepts = holder._views(buf), holder._iviews(buf)


def _scipy_blas_limit(n_threads):
    """Limit only scipy's own OpenBLAS (not numpy's) to ``n_threads``."""
    ctl = ThreadpoolController()
    paths = [lc.filepath for lc in ctl.lib_controllers if "scipy" in lc.filepath]
    paths = [p for p in paths if "numpy" not in p]
    return ctl.select(filepath=paths).limit(limits=n_threads)


def axpy_adam_time(n_params, n_steps, dtype):
    """``_AxpyAdam`` over ``n_params`` parameters, ``n_steps`` times.

    Each step first refills the gradient buffer it was handed (in the fit a
    GEMM writes it; here it would be the previous moment, which grows without
    bound), so this row pays one copy per step more than ``adam_time``.
    """
    rng = np.random.RandomState(0)
    theta = rng.uniform(-0.1, 0.1, n_params).astype(dtype)
    grad = (rng.standard_normal(n_params) * 1e-3).astype(dtype)
    holder = types.SimpleNamespace(grad=grad.copy())
    opt = _AxpyAdam(n_params, dtype, 1e-3, 0.9, 0.999, 1e-8)
    opt.holder = holder
    t0 = time.perf_counter()
    for _ in range(n_steps):
        np.copyto(holder.grad, grad)
        opt.step(theta, None, None, 1e-4, n_params)
    return time.perf_counter() - t0


@contextlib.contextmanager
def axpy_adam():
    """Make ``NumpyMLPClassifier.fit`` use ``_AxpyAdam`` inside the block."""
    allocate = _Network.allocate

    def allocate_and_register(net, batch_size):
        allocate(net, batch_size)
        _AxpyAdam.holder = net

    _mlp_core._Adam = _AxpyAdam
    _Network.allocate = allocate_and_register
    try:
        yield
    finally:
        _mlp_core._Adam = _Adam
        _Network.allocate = allocate
        _AxpyAdam.holder = None


@contextlib.contextmanager
def split_adam(n_threads):
    """Make ``NumpyMLPClassifier.fit`` use ``_SplitAdam`` inside the block."""
    _SplitAdam.n_threads = n_threads
    _mlp_core._Adam = _SplitAdam
    try:
        yield
    finally:
        _mlp_core._Adam = _Adam
        for opt in _SplitAdam.instances:
            opt.go.abort()
        _SplitAdam.instances.clear()


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
    n_params = network(units, X.dtype).n_params
    n_steps = len(X) // BATCH
    print(
        f"float32, {X.shape[0]} x {X.shape[1]}, hidden {HIDDEN}, batch {BATCH} "
        f"({n_steps} steps), {n_params} parameters, {T} threads, best of "
        f"{args.repeats}"
    )
    best = {}
    peak = 0.0

    def keep(name, seconds):
        best[name] = min(best.get(name, np.inf), seconds)

    for _ in range(args.repeats):  # interleaved, so drifts hit every row
        with threadpool_limits(limits=T, user_api="blas"):
            keep("sklearn epoch", epoch_time(MLPClassifier, X, y))
            keep("sklvision epoch", epoch_time(NumpyMLPClassifier, X, y))
            with split_adam(T):
                seconds = epoch_time(NumpyMLPClassifier, X, y)
            keep(f"sklvision epoch, Adam split over {T} py threads", seconds)
            keep(f"GEMM floor, {T} BLAS threads", gemm_floor(X, HIDDEN, BATCH))
            keep(f"GEMM floor, scipy BLAS {T} threads", gemm_floor_scipy(X))
        keep(f"GEMM floor, {T} py threads x 1 BLAS", gemm_floor_threads(X, T))
        keep("Adam update, 1 thread", adam_time(n_params, n_steps, X.dtype, 1))
        keep(f"Adam update, {T} py threads", adam_time(n_params, n_steps, X.dtype, T))
        with _scipy_blas_limit(1):
            seconds = axpy_adam_time(n_params, n_steps, X.dtype)
        keep("Adam update, scipy axpy, 1 thread, + 1 copy", seconds)
        seconds, loss = data_parallel_epoch(X, y, T)
        keep(f"data-parallel epoch, {T} py threads x 1 BLAS", seconds)
        # after the Python-thread rows: BLAS workers spin a while after a call
        with threadpool_limits(limits=T, user_api="blas"):
            for name, seconds in update_pass_times(n_params, n_steps, X.dtype).items():
                keep(name, seconds)
            peak = max(peak, square_gemm_rate(X.dtype))
        # last, and a pause after: scipy's BLAS workers keep spinning a while
        for scipy_threads in (1, T):
            with threadpool_limits(limits=T, user_api="blas"):
                with _scipy_blas_limit(scipy_threads), axpy_adam():
                    seconds = epoch_time(NumpyMLPClassifier, X, y)
            keep(f"sklvision epoch, Adam with scipy axpy, {scipy_threads} thr", seconds)
        time.sleep(1.0)
    sk = best["sklearn epoch"]
    print(f"{'what':<52} {'s/epoch':>8} {'/sklearn':>9}")
    for name, seconds in best.items():
        print(f"{name:<52} {seconds:8.3f} {seconds / sk:9.2f}")
    flop = gemm_flop(units, n_steps)
    rate = flop / best[f"GEMM floor, {T} BLAS threads"] / 1e9
    print(
        f"(GEMM floor: {flop / 1e9:.1f} GFLOP at {rate:.0f} GFLOP/s; a 2000 x 2000 "
        f"float32 GEMM, {T} threads: {peak:.0f} GFLOP/s, so the floor runs at "
        f"{100 * rate / peak:.0f} % of this machine's GEMM peak)"
    )
    print(f"(data-parallel epoch: mean training loss {loss:.4f}, a check it learns)")
    params = dict(hidden_layer_sizes=HIDDEN, max_iter=1, random_state=0)
    plain = NumpyMLPClassifier(**params).fit(X[:2000], y[:2000])
    with split_adam(T):
        split = NumpyMLPClassifier(**params).fit(X[:2000], y[:2000])
    same = all(map(np.array_equal, plain.coefs_, split.coefs_))
    print(f"(Adam split: coefficients identical to the unsplit fit: {same})")
    with _scipy_blas_limit(1), axpy_adam():
        axpy = NumpyMLPClassifier(**params).fit(X[:2000], y[:2000])
    diff = max(np.abs(a - b).max() for a, b in zip(plain.coefs_, axpy.coefs_))
    print(f"(Adam with axpy: largest coefficient change vs the plain fit {diff:.1e})")


if __name__ == "__main__":
    main()
