"""Benchmark NumpyMLPClassifier against sklearn's MLPClassifier (and the GEMM floor).

Run alone: ``python benchmarks/bench_mlp.py [--quick] [--threads N]``.

(a) sklearn digits, 5-fold accuracy and fit time;
(b) ~50,000 training images made without download: the digits upsampled to
    28x28 and augmented (rotation, shift, scale), time per epoch in float32 and
    float64 and held-out accuracy;
(c) the numpy GEMM-only time of one epoch (the floor for this design).

Everything runs in one process, interleaved, best of several repeats. BLAS is
limited to ``--threads`` threads (default 1) for both libraries because the
machine is shared: multi-threaded BLAS under contention makes timings
meaningless.
"""

import argparse
import time
import warnings

import numpy as np
from scipy import ndimage
from skimage.transform import resize
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_validate
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from sklvision.classification import NumpyMLPClassifier


def make_augmented_digits(n_train=50_000, n_test=5_000, random_state=0):
    """Digits upsampled to 28x28 and augmented by random affine warps.

    The 1797 originals are split 1500/297 before augmentation, so no test image
    is a warp of a training image.
    """
    rng = np.random.RandomState(random_state)
    X, y = load_digits(return_X_y=True)
    imgs = resize(X.reshape(-1, 8, 8) / 16.0, (len(X), 28, 28), order=1)
    perm = rng.permutation(len(X))
    tr, te = perm[:1500], perm[1500:]

    def augment(idx, n):
        src = rng.choice(idx, n)
        angle = np.deg2rad(rng.uniform(-15, 15, n))
        scale = rng.uniform(0.85, 1.15, n)
        shift = rng.uniform(-3, 3, (n, 2))
        rr, cc = np.mgrid[0:28, 0:28].astype(np.float64) - 13.5
        out = np.empty((n, 28, 28), dtype=np.float32)
        for s in range(0, n, 5000):
            sl = slice(s, s + 5000)
            cos = (np.cos(angle[sl]) / scale[sl])[:, None, None]
            sin = (np.sin(angle[sl]) / scale[sl])[:, None, None]
            r = cos * rr - sin * cc + 13.5 - shift[sl, 0, None, None]
            c = sin * rr + cos * cc + 13.5 - shift[sl, 1, None, None]
            k = np.broadcast_to(np.arange(len(r))[:, None, None], r.shape)
            out[sl] = ndimage.map_coordinates(
                imgs[src[sl]], [k, r, c], order=1, mode="constant"
            )
        return out.reshape(n, -1), y[src]

    X_train, y_train = augment(tr, n_train)
    X_test, y_test = augment(te, n_test)
    return X_train, y_train, X_test, y_test


def gemm_floor(X, hidden, batch_size=200, n_classes=10):
    """Time of the GEMMs alone of one epoch (forward, weight grads, deltas)."""
    dt = X.dtype
    units = [X.shape[1], *hidden, n_classes]
    rng = np.random.RandomState(0)
    W = [rng.rand(a, b).astype(dt) * 0.01 for a, b in zip(units[:-1], units[1:])]
    A = [np.empty((batch_size, u), dt) for u in units]
    D = [np.empty((batch_size, u), dt) for u in units]
    G = [np.empty_like(w) for w in W]
    t0 = time.perf_counter()
    for s in range(0, len(X) - batch_size + 1, batch_size):
        A[0] = X[s : s + batch_size]
        for i, w in enumerate(W):
            np.matmul(A[i], w, out=A[i + 1])
        d = A[-1]
        for i in range(len(W) - 1, -1, -1):
            np.matmul(A[i].T, d, out=G[i])
            if i > 0:
                np.matmul(d, W[i].T, out=D[i])
                d = D[i]
    return time.perf_counter() - t0


def params(hidden, **kw):
    return dict(
        hidden_layer_sizes=hidden, solver="adam", batch_size=200, random_state=0, **kw
    )


def time_per_epoch(cls, X, y, hidden, n_epochs):
    est = cls(**params(hidden, max_iter=n_epochs, tol=0.0))
    t0 = time.perf_counter()
    est.fit(X, y)
    return (time.perf_counter() - t0) / est.n_iter_


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller, faster run")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    sizes = [(100,), (256, 128)]
    rows = []
    with threadpool_limits(limits=args.threads, user_api="blas"):
        # (a) digits 5-fold
        X, y = load_digits(return_X_y=True)
        X = X / 16.0
        print("(a) sklearn digits (1797 x 64, float64), 5-fold CV, adam, batch 200")
        print(f"{'hidden':>10} {'lib':>9} {'accuracy':>9} {'fit s':>8} {'ratio':>6}")
        for hidden in sizes:
            res = {}
            for name, cls in [("sklearn", MLPClassifier), ("sklvision", NumpyMLPClassifier)]:
                cv = cross_validate(cls(**params(hidden)), X, y, cv=5)
                res[name] = (cv["test_score"].mean(), cv["fit_time"].mean())
            for name in res:
                acc, ft = res[name]
                print(
                    f"{str(hidden):>10} {name:>9} {acc:9.4f} {ft:8.3f} "
                    f"{ft / res['sklearn'][1]:6.2f}"
                )
            rows.append(("a", hidden, res))

        # (b) augmented 28x28 digits
        n_train = 10_000 if args.quick else 50_000
        t0 = time.perf_counter()
        X_tr, y_tr, X_te, y_te = make_augmented_digits(n_train=n_train)
        print(
            f"\n(b) augmented digits {X_tr.shape[0]} x {X_tr.shape[1]} train, "
            f"{X_te.shape[0]} held out (built in {time.perf_counter() - t0:.1f} s)"
        )
        n_epochs = 2 if args.quick else 3
        print(
            f"{'hidden':>10} {'dtype':>8} {'sklearn s/ep':>13} {'sklvision s/ep':>15} "
            f"{'GEMM floor':>11} {'ours/sk':>8} {'ours/floor':>11}"
        )
        for hidden in sizes:
            for dt in (np.float32, np.float64):
                Xd = X_tr.astype(dt)
                best = {"sk": np.inf, "ours": np.inf, "floor": np.inf}
                for _ in range(args.repeats):
                    best["floor"] = min(best["floor"], gemm_floor(Xd, hidden))
                    best["ours"] = min(
                        best["ours"],
                        time_per_epoch(NumpyMLPClassifier, Xd, y_tr, hidden, n_epochs),
                    )
                    best["sk"] = min(
                        best["sk"],
                        time_per_epoch(MLPClassifier, Xd, y_tr, hidden, n_epochs),
                    )
                print(
                    f"{str(hidden):>10} {dt.__name__:>8} {best['sk']:13.3f} "
                    f"{best['ours']:15.3f} {best['floor']:11.3f} "
                    f"{best['ours'] / best['sk']:8.2f} "
                    f"{best['ours'] / best['floor']:11.2f}"
                )
        n_fit = 5 if args.quick else 20
        print(f"\nheld-out accuracy after {n_fit} epochs (float32)")
        print(f"{'hidden':>10} {'sklearn':>8} {'sklvision':>10} {'diff':>7}")
        for hidden in sizes:
            acc = {}
            for name, cls in [("sk", MLPClassifier), ("ours", NumpyMLPClassifier)]:
                est = cls(**params(hidden, max_iter=n_fit)).fit(X_tr, y_tr)
                acc[name] = est.score(X_te, y_te)
            print(
                f"{str(hidden):>10} {acc['sk']:8.4f} {acc['ours']:10.4f} "
                f"{acc['ours'] - acc['sk']:+7.4f}"
            )


if __name__ == "__main__":
    main()
