"""Benchmark: SelectiveSearchSVMDetector vs dlib's HOG + structural-SVM detector.

Raccoon data set, original train/test split (160 / 40 images), full-size images
read from ``../shared/data/raccoon`` (or ``--data``). Both detectors are trained
and evaluated in this one process; printed are AP50 (PASCAL VOC, all-point),
mean IoU (best detection per ground-truth box), fit time and seconds per test
image, with ratios to dlib at C=5.

dlib (``dlib-bin``): ``train_simple_object_detector`` with an 80x80 window and
left-right flips, C in {1, 5, 25}. dlib refuses boxes whose aspect ratio its
square window cannot match; those are marked ``ignore`` (found by training,
reading the refused box from dlib's error and retrying). At its default
threshold dlib finds almost nothing on the test images, so it is scored with
``adjust_threshold=-1``.

Run::

    python benchmarks/bench_detection.py            # everything
    python benchmarks/bench_detection.py --no-dlib  # sklvision only
    python benchmarks/bench_detection.py --bundled  # + the bundled 320-px data
"""

import argparse
import csv
import os
import re
import tempfile
import time
from collections import OrderedDict

import numpy as np
from PIL import Image

from sklvision.detection import SelectiveSearchSVMDetector
from sklvision.metrics import average_precision_score, mean_iou_score

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(
    os.path.join(HERE, "..", "..", "shared", "data", "raccoon")
)


def load_split(root, split):
    """Full-size images (uint8 RGB) and box arrays of one split."""
    by_file = OrderedDict()
    with open(os.path.join(root, "data", f"{split}_labels.csv")) as f:
        for row in csv.DictReader(f):
            box = [float(row[k]) for k in ("xmin", "ymin", "xmax", "ymax")]
            by_file.setdefault(row["filename"], []).append(box)
    paths = [os.path.join(root, "images", name) for name in by_file]
    images = [np.asarray(Image.open(p).convert("RGB")) for p in paths]
    boxes = [np.array(b, dtype=np.float64) for b in by_file.values()]
    return paths, images, boxes


def evaluate(y_true, pred):
    return (
        average_precision_score(y_true, pred, iou_threshold=0.5),
        mean_iou_score(y_true, pred),
    )


def run_sklvision(name, detector, train, test):
    X_train, y_train = train
    X_test, y_test = test
    t0 = time.perf_counter()
    detector.fit(X_train, y_train)
    fit_time = time.perf_counter() - t0
    t0 = time.perf_counter()
    pred = detector.predict(X_test)
    per_image = (time.perf_counter() - t0) / len(X_test)
    ap, miou = evaluate(y_test, pred)
    return dict(name=name, ap50=ap, miou=miou, fit=fit_time, per_image=per_image)


# --------------------------------------------------------------------------
# dlib
# --------------------------------------------------------------------------
def _write_xml(path, image_paths, boxes, ignore):
    lines = ["<?xml version='1.0' encoding='ISO-8859-1'?>", "<dataset>", "<images>"]
    for i, (p, bs) in enumerate(zip(image_paths, boxes)):
        lines.append(f"  <image file='{p}'>")
        for j, (x0, y0, x1, y1) in enumerate(bs):
            flag = " ignore='1'" if (i, j) in ignore else ""
            lines.append(
                f"    <box top='{int(round(y0))}' left='{int(round(x0))}' "
                f"width='{int(round(x1 - x0))}' height='{int(round(y1 - y0))}'{flag}/>"
            )
        lines.append("  </image>")
    lines += ["</images>", "</dataset>"]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def _refused_boxes(message, image_paths, boxes, ignore):
    """(image, box) pairs dlib's error message refuses for their aspect ratio.

    dlib reports either the paths of the images with impossible boxes or one
    "image index" (flipped copies follow the originals) with the ratio of the
    truth rect; in each such image the free box whose aspect ratio is most
    extreme (or closest to the reported one) is returned.
    """
    n = len(image_paths)
    found = re.search(r"image index\s+(\d+)", message)
    ratio = re.search(r"truth rect width/height:\s+([0-9.]+)", message)
    if found and ratio:
        wanted = {int(found.group(1)) % n: float(ratio.group(1))}
    else:
        wanted = {i: None for i, p in enumerate(image_paths) if p in message}
    out = set()
    for i, r in wanted.items():
        free = [j for j in range(len(boxes[i])) if (i, j) not in ignore]
        if not free:
            continue
        log_ratio = np.array(
            [
                np.log(
                    (boxes[i][j][2] - boxes[i][j][0])
                    / (boxes[i][j][3] - boxes[i][j][1])
                )
                for j in free
            ]
        )
        if r is None:
            pick = int(np.argmax(np.abs(log_ratio)))
        else:
            pick = int(np.argmin(np.abs(log_ratio - np.log(r))))
        out.add((i, free[pick]))
    return out


def train_dlib(image_paths, boxes, C, workdir, num_threads=2):
    """Train dlib's detector; boxes it refuses are marked ignore. Returns
    (detector, fit seconds of the successful run, number of ignored boxes)."""
    import dlib

    options = dlib.simple_object_detector_training_options()
    options.detection_window_size = 80 * 80
    options.add_left_right_image_flips = True
    options.C = C
    options.num_threads = num_threads
    options.be_verbose = False
    ignore = set()
    xml = os.path.join(workdir, "train.xml")
    out = os.path.join(workdir, f"dlib_C{C}.svm")
    while True:
        _write_xml(xml, image_paths, boxes, ignore)
        t0 = time.perf_counter()
        try:
            dlib.train_simple_object_detector(xml, out, options)
        except RuntimeError as exc:
            bad = _refused_boxes(str(exc), image_paths, boxes, ignore)
            if not bad:
                raise
            ignore.update(bad)
            continue
        return dlib.fhog_object_detector(out), time.perf_counter() - t0, len(ignore)


def predict_dlib(detector, images):
    pred = []
    for image in images:
        rects, scores, _ = detector.run(
            image, upsample_num_times=0, adjust_threshold=-1.0
        )
        boxes = np.array(
            [[r.left(), r.top(), r.right() + 1, r.bottom() + 1] for r in rects],
            dtype=np.float64,
        ).reshape(-1, 4)
        h, w = image.shape[:2]
        boxes = np.clip(boxes, 0, [w, h, w, h])
        pred.append(
            {
                "boxes": boxes,
                "scores": np.asarray(scores, float),
                "labels": np.zeros(len(boxes), dtype=np.int64),
            }
        )
    return pred


def run_dlib(C, train_paths, test, workdir):
    X_test, y_test = test
    detector, fit_time, n_ignored = train_dlib(
        train_paths[0], train_paths[1], C, workdir
    )
    t0 = time.perf_counter()
    pred = predict_dlib(detector, X_test)
    per_image = (time.perf_counter() - t0) / len(X_test)
    ap, miou = evaluate(y_test, pred)
    return dict(
        name=f"dlib HOG+SSVM C={C} ({n_ignored} ignored)",
        ap50=ap,
        miou=miou,
        fit=fit_time,
        per_image=per_image,
    )


def print_table(title, rows, ref=None):
    print(f"\n{title}")
    head = f"{'method':<46} {'AP50':>6} {'mIoU':>6} {'fit s':>7} {'s/img':>7}"
    if ref is not None:
        head += f" {'AP50/ref':>9} {'fit/ref':>8} {'s/img/ref':>10}"
    print(head)
    print("-" * len(head))
    for r in rows:
        line = (
            f"{r['name']:<46} {r['ap50']:6.3f} {r['miou']:6.3f} "
            f"{r['fit']:7.1f} {r['per_image']:7.3f}"
        )
        if ref is not None:
            line += (
                f" {r['ap50'] / max(ref['ap50'], 1e-12):9.2f} "
                f"{r['fit'] / ref['fit']:8.2f} "
                f"{r['per_image'] / ref['per_image']:10.2f}"
            )
        print(line, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--no-dlib", action="store_true")
    parser.add_argument("--dlib-C", type=float, nargs="+", default=[1, 5, 25])
    parser.add_argument(
        "--bundled",
        action="store_true",
        help="also time the defaults on the bundled 320-px data",
    )
    parser.add_argument("--n-jobs", type=int, default=None)
    args = parser.parse_args()

    train_paths, X_train, y_train = load_split(args.data, "train")
    _, X_test, y_test = load_split(args.data, "test")
    print(
        f"raccoon: {len(X_train)} training images ({sum(map(len, y_train))} "
        f"boxes), {len(X_test)} test images, full size"
    )

    rows = []
    configs = [
        ("sklvision SelectiveSearchSVM (defaults)", {}),
    ]
    for name, params in configs:
        det = SelectiveSearchSVMDetector(random_state=0, n_jobs=args.n_jobs, **params)
        rows.append(run_sklvision(name, det, (X_train, y_train), (X_test, y_test)))
        print_table("(progress)", rows[-1:])
    ref = None
    if not args.no_dlib:
        with tempfile.TemporaryDirectory() as tmp:
            for C in args.dlib_C:
                C = int(C) if float(C).is_integer() else C
                r = run_dlib(C, (train_paths, y_train), (X_test, y_test), tmp)
                rows.append(r)
                print_table("(progress)", rows[-1:])
                if C == 5:
                    ref = r
    print_table(
        "Raccoon test split, full-size images (ratios to dlib C=5)"
        if ref
        else "Raccoon test split, full-size images",
        rows,
        ref,
    )

    if args.bundled:
        from sklvision.datasets import load_raccoon

        Xb, yb = load_raccoon(split="train", return_X_y=True)
        Xbt, ybt = load_raccoon(split="test", return_X_y=True)
        det = SelectiveSearchSVMDetector(random_state=0, n_jobs=args.n_jobs)
        r = run_sklvision(
            "sklvision defaults, bundled 320-px data", det, (Xb, yb), (Xbt, ybt)
        )
        print_table("Bundled raccoon data (sklvision demo)", [r])


if __name__ == "__main__":
    main()
