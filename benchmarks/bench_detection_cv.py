"""Choose SelectiveSearchSVMDetector settings by CV on the raccoon TRAIN split.

Run alone: ``python benchmarks/bench_detection_cv.py [--configs NAME,...]
[--seeds 0,1] [--n-jobs 2]``.

The 160 training images (full size, from ``../shared/data/raccoon`` or
``--data``) are split into 5 shuffled folds per seed; each fold's detector is
trained on the other four and predicts its images, and the detections of all
160 images are pooled into one AP50 (PASCAL VOC all-point) and mean IoU, so
small folds do not add their own noise. The test split is never read: this is
how the defaults were chosen, without looking at the images they are reported
on (``benchmarks/bench_detection.py``).

Each configuration is a set of detector parameters (``feature__*`` are those
of its :class:`~sklvision.detection.BagOfVisualWords`). Post-processing
variants (NMS, box voting) reuse the fitted fold models: they only change
``predict``.
"""

import argparse
import os
import sys
import time

import numpy as np
from sklearn.model_selection import KFold
from sklearn.svm import LinearSVC

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_detection import DEFAULT_DATA, load_split  # noqa: E402

from sklvision.detection import BagOfVisualWords, SelectiveSearchSVMDetector  # noqa: E402
from sklvision.metrics import average_precision_score, mean_iou_score  # noqa: E402

#: The previous defaults: pyramid on the box enlarged by 20 %, NMS 0.3.
OLD = {
    "feature__context": 0.2,
    "feature__surround": None,
    "feature__pyramid": (1, 2),
    "nms_iou": 0.3,
    "box_voting_iou": None,
}
CONFIGS = {
    "defaults": {},
    "old defaults": OLD,
    "no surround": {"feature__surround": None},
    "pyramid 1+2": {"feature__pyramid": (1, 2)},
    "512 words": {"feature__n_words": 512},
    "C=0.03": {"estimator__C": 0.03},
    "0 mining rounds": {"n_hard_negative_rounds": 0},
    "2 mining rounds": {"n_hard_negative_rounds": 2},
    "no flips": {"flip_augment": False},
    "box regression": {"box_regression": True},
}
POST = {
    "as configured": {},
    "no voting": {"box_voting_iou": None},
    "NMS 0.3 + voting 0.3": {"nms_iou": 0.3, "box_voting_iou": 0.3},
    "voting sharpness 8": {"box_voting_sharpness": 8.0},
}


def make_detector(params, seed, n_jobs):
    # explicit feature and estimator (the detector's None defaults) so that
    # set_params reaches their parameters as feature__* and estimator__*
    detector = SelectiveSearchSVMDetector(
        feature=BagOfVisualWords(),
        estimator=LinearSVC(C=0.01),
        random_state=seed,
        n_jobs=n_jobs,
    )
    return detector.set_params(**params)


def cross_validate(params, X, y, seed, n_jobs, posts):
    """Pooled out-of-fold AP50 and mean IoU for each post-processing variant."""
    preds = {name: [None] * len(X) for name in posts}
    fit_times = []
    for train, test in KFold(5, shuffle=True, random_state=seed).split(X):
        det = make_detector(params, seed, n_jobs)
        t0 = time.perf_counter()
        det.fit([X[i] for i in train], [y[i] for i in train])
        fit_times.append(time.perf_counter() - t0)
        base = det.get_params()
        for name, post in posts.items():
            det.set_params(**post)
            for i, p in zip(test, det.predict([X[i] for i in test])):
                preds[name][i] = p
            det.set_params(**{k: base[k] for k in post})
    return {
        name: (
            average_precision_score(y, p, iou_threshold=0.5),
            mean_iou_score(y, p),
        )
        for name, p in preds.items()
    }, float(np.mean(fit_times))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--posts", default="as configured")
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    for given, known in ((args.configs, CONFIGS), (args.posts, POST)):
        unknown = set(given.split(",")) - set(known)
        if unknown:
            parser.error(f"unknown {sorted(unknown)}; choose from {list(known)}")
    posts = {name: POST[name] for name in args.posts.split(",")}
    _, X, y = load_split(args.data, "train")
    print(
        f"raccoon train split, {len(X)} full-size images, 5-fold CV pooled, "
        f"seeds {seeds}"
    )
    print(
        f"{'configuration':>26} {'predict':>20} {'AP50':>7} {'mIoU':>7} "
        f"{'per seed':>16} {'fit s':>6}"
    )
    for name in args.configs.split(","):
        runs = [
            cross_validate(CONFIGS[name], X, y, s, args.n_jobs, posts) for s in seeds
        ]
        fit = np.mean([r[1] for r in runs])
        for post in posts:
            ap = [r[0][post][0] for r in runs]
            miou = [r[0][post][1] for r in runs]
            per_seed = " ".join(f"{a:.3f}" for a in ap)
            print(
                f"{name:>26} {post:>20} {np.mean(ap):7.3f} {np.mean(miou):7.3f} "
                f"{per_seed:>16} {fit:6.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
