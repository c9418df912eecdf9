"""Benchmark NumpyMLPClassifier against sklearn's MLPClassifier (and the GEMM floor).

Run alone: ``python benchmarks/bench_mlp.py [--quick] [--threads N]``.

(a) sklearn digits, 5-fold accuracy and fit time;
(b) ~50,000 training images made without download: the digits upsampled to
    28x28 and augmented (rotation, shift, scale), time per epoch in float32 and
    float64 and held-out accuracy;
(c) the numpy GEMM-only time of one epoch (the floor for this design).
    ``floor/sk`` is the GEMM floor over sklearn's time per epoch: the lowest
    ``ours/sk`` any implementation doing these GEMMs can reach (everything
    else - bias, activations, softmax, the Adam update - costs on top).

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
from sklearn.model_selection import KFold, cross_validate
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
    parser.add_argument(
        "--parts", default="a,b,d", help="comma-separated parts to run: a, b, d"
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    warnings.simplefilter("ignore", ConvergenceWarning)
    sizes = [(100,), (256, 128)]
    with threadpool_limits(limits=args.threads, user_api="blas"):
        if "a" in parts:
            run_a(sizes, args.repeats)
        if "b" in parts:
            run_b(args, sizes)
        if "d" in parts:
            run_localizer(args)


def run_a(sizes, repeats):
    # (a) digits 5-fold
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    print(
        "(a) sklearn digits (1797 x 64, float64), shuffled 5-fold CV, adam, batch 200,"
        " best of repeats"
    )
    print(f"{'hidden':>10} {'lib':>9} {'accuracy':>9} {'fit s':>8} {'ratio':>6}")
    for hidden in sizes:
        res = {}
        for _ in range(repeats):  # interleaved; best mean fit time per library
            for name, cls in [
                ("sklearn", MLPClassifier),
                ("sklvision", NumpyMLPClassifier),
            ]:
                cv = cross_validate(
                    cls(**params(hidden)),
                    X,
                    y,
                    cv=KFold(5, shuffle=True, random_state=0),
                )
                acc, ft = cv["test_score"].mean(), cv["fit_time"].mean()
                res[name] = (acc, min(ft, res.get(name, (0, np.inf))[1]))
        for name in res:
            acc, ft = res[name]
            print(
                f"{str(hidden):>10} {name:>9} {acc:9.4f} {ft:8.3f} "
                f"{ft / res['sklearn'][1]:6.2f}"
            )


def run_b(args, sizes):
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
        f"{'GEMM floor':>11} {'ours/sk':>8} {'ours/floor':>11} {'floor/sk':>9}"
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
                f"{best['ours'] / best['floor']:11.2f} "
                f"{best['floor'] / best['sk']:9.2f}"
            )
    n_fit = 5 if args.quick else 10
    seeds = (0, 1, 2)
    print(
        f"\nheld-out accuracy after {n_fit} epochs (float32), mean over "
        f"random_state in {seeds} (float32 rounding makes single runs drift apart)"
    )
    print(f"{'hidden':>10} {'sklearn':>8} {'sklvision':>10} {'diff':>7}")
    for hidden in sizes:
        acc = {"sk": [], "ours": []}
        for seed in seeds:
            for name, cls in [("sk", MLPClassifier), ("ours", NumpyMLPClassifier)]:
                kw = params(hidden, max_iter=n_fit)
                kw["random_state"] = seed
                est = cls(**kw).fit(X_tr, y_tr)
                acc[name].append(est.score(X_te, y_te))
        sk, ours = np.mean(acc["sk"]), np.mean(acc["ours"])
        print(f"{str(hidden):>10} {sk:8.4f} {ours:10.4f} {ours - sk:+7.4f}")


def run_localizer(args):
    """Mean IoU (and AP50) of NumpyMLPLocalizer on blobs and on raccoon."""
    from sklvision.datasets import load_raccoon, make_blobs_localization
    from sklvision.detection import NumpyMLPLocalizer
    from sklvision.metrics import average_precision_score, mean_iou_score

    n_train = 1000 if args.quick else 4000
    X, y = make_blobs_localization(
        n_train + 500,
        image_size=128,
        radius_range=(4, 60),
        dtype=np.float32,
        random_state=0,
    )
    print(
        f"\n(d) NumpyMLPLocalizer, make_blobs_localization 128x128, radius 4-60: "
        f"{n_train} train / 500 held-out images"
    )
    print(f"{'setting':>44} {'fit s':>7} {'epochs':>6} {'mean IoU':>9} {'AP50':>6}")
    mean_box = np.mean([t["boxes"][0] for t in y[:n_train]], axis=0)
    base = mean_iou_score(y[n_train:], [mean_box[None]] * 500)
    print(f"{'baseline: mean training box':>44} {'':>7} {'':>6} {base:9.3f}")
    settings = {
        "pixels 32x32, (256, 128), alpha=0.01": dict(
            resize_shape=(32, 32), hidden_layer_sizes=(256, 128), alpha=0.01
        ),
    }
    for label, kw in settings.items():
        loc = NumpyMLPLocalizer(**kw, max_iter=60, random_state=0)
        t0 = time.perf_counter()
        loc.fit(X[:n_train], y[:n_train])
        ft = time.perf_counter() - t0
        pred = loc.predict(X[n_train:])
        miou = mean_iou_score(y[n_train:], pred)
        ap = average_precision_score(y[n_train:], pred, iou_threshold=0.5)
        print(f"{label:>44} {ft:7.1f} {loc.n_iter_:6d} {miou:9.3f} {ap:6.3f}")

    tr = load_raccoon(split="train")
    te = load_raccoon(split="test")
    print(
        f"\nraccoon (bundled, {len(tr.images)} train / {len(te.images)} test "
        "images, RGB, varied sizes), test split"
    )
    print(f"{'setting':>44} {'fit s':>7} {'epochs':>6} {'mean IoU':>9} {'AP50':>6}")
    rel = []
    for im, t in zip(tr.images, tr.targets):
        b = t["boxes"][np.argmax(np.prod(t["boxes"][:, 2:] - t["boxes"][:, :2], 1))]
        h, w = im.shape[:2]
        rel.append(b / [w, h, w, h])
    mrel = np.mean(rel, axis=0)
    base_pred = [
        (mrel * [im.shape[1], im.shape[0], im.shape[1], im.shape[0]])[None]
        for im in te.images
    ]
    base = mean_iou_score(te.targets, base_pred)
    base_ap = average_precision_score(
        te.targets, [np.hstack([b, [[1.0]]]) for b in base_pred], iou_threshold=0.5
    )
    print(
        f"{'baseline: mean relative training box':>44} {'':>7} {'':>6} "
        f"{base:9.3f} {base_ap:6.3f}"
    )
    # each setting is the previous one plus one change
    pixels = dict(resize_shape=(32, 32), hidden_layer_sizes=(64,), alpha=10.0)
    hog = {**pixels, "features": "hog"}
    flip = {**hog, "flip_augment": True}
    settings = {
        "pixels 32x32 RGB, (64,), alpha=10": pixels,
        "HOG 32x32, (64,), alpha=10": hog,
        "HOG 32x32, (64,), alpha=10, flip_augment": flip,
        "  same, score_method='constant'": {**flip, "score_method": "constant"},
    }
    for label, kw in settings.items():
        loc = NumpyMLPLocalizer(**kw, max_iter=200, random_state=0)
        t0 = time.perf_counter()
        loc.fit(tr.images, tr.targets)
        ft = time.perf_counter() - t0
        pred = loc.predict(te.images)
        miou = mean_iou_score(te.targets, pred)
        ap = average_precision_score(te.targets, pred, iou_threshold=0.5)
        print(f"{label:>44} {ft:7.1f} {loc.n_iter_:6d} {miou:9.3f} {ap:6.3f}")


if __name__ == "__main__":
    main()
