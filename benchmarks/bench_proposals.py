"""Object proposals: sklvision selective search vs OpenCV and `selectivesearch`.

On the raccoon test images (longer side shrunk to <= 500 px, boxes scaled the
same way) this measures, for every method in ONE process (methods interleaved
per image; the best of ``--repeats`` runs is kept for the time):

- seconds per image, proposals per image,
- recall of the ground-truth boxes at IoU 0.5 and 0.7 (a ground truth counts
  as found when some proposal overlaps it that much),
- MABO: mean over ground-truth boxes of the best IoU with any proposal,

and prints ratios against OpenCV in the same mode.

Run::

    python benchmarks/bench_proposals.py              # all 40 test images
    python benchmarks/bench_proposals.py --n-images 5 # quick look
"""

import argparse
import csv
import time
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image

from sklvision.detection import selective_search

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "raccoon"


def load_test_set(root, max_side=500, n_images=None):
    """(image uint8 RGB, gt boxes xyxy) pairs, shrunk to max_side."""
    boxes = defaultdict(list)
    order = []
    with open(root / "data" / "test_labels.csv") as f:
        for row in csv.DictReader(f):
            name = row["filename"]
            if name not in boxes:
                order.append(name)
            boxes[name].append(
                [float(row[k]) for k in ("xmin", "ymin", "xmax", "ymax")]
            )
    out = []
    for name in order[:n_images]:
        img = Image.open(root / "images" / name).convert("RGB")
        w, h = img.size
        factor = min(1.0, max_side / max(w, h))
        if factor < 1.0:
            img = img.resize(
                (round(w * factor), round(h * factor)), Image.Resampling.BILINEAR
            )
        gt = np.array(boxes[name]) * factor
        out.append((name, np.asarray(img), gt))
    return out


def box_iou(a, b):
    """IoU matrix between (n, 4) and (m, 4) xyxy boxes."""
    a = np.asarray(a, float)[:, None, :]
    b = np.asarray(b, float)[None, :, :]
    iw = np.clip(
        np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None
    )
    ih = np.clip(
        np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None
    )
    inter = iw * ih
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    return inter / np.maximum(area_a + area_b - inter, 1e-12)


# ---------------------------------------------------------------- methods
def sklvision_method(mode):
    def run(img):
        return selective_search(img, mode=mode, random_state=0)

    return run


def opencv_method(mode):
    import cv2

    def run(img):
        ss = cv2.ximgproc.segmentation.createSelectiveSearchSegmentation()
        ss.setBaseImage(np.ascontiguousarray(img[:, :, ::-1]))  # BGR
        if mode == "fast":
            ss.switchToSelectiveSearchFast()
        else:
            ss.switchToSelectiveSearchQuality()
        rects = np.asarray(ss.process(), dtype=float).reshape(-1, 4)
        return np.column_stack(
            [
                rects[:, 0],
                rects[:, 1],
                rects[:, 0] + rects[:, 2],
                rects[:, 1] + rects[:, 3],
            ]
        )

    return run


def selectivesearch_method():
    import selectivesearch

    def run(img):
        with warnings.catch_warnings():  # its LBP call warns on float images
            warnings.simplefilter("ignore", UserWarning)
            _, regions = selectivesearch.selective_search(
                img, scale=500, sigma=0.9, min_size=10
            )
        # its rect is (x, y, max_x - x, max_y - y) with inclusive max
        rects = np.array([r["rect"] for r in regions], dtype=float).reshape(-1, 4)
        boxes = np.column_stack(
            [
                rects[:, 0],
                rects[:, 1],
                rects[:, 0] + rects[:, 2] + 1,
                rects[:, 1] + rects[:, 3] + 1,
            ]
        )
        return np.unique(boxes, axis=0)

    return run


def available_methods():
    methods = {
        "sklvision fast": sklvision_method("fast"),
        "sklvision quality": sklvision_method("quality"),
    }
    try:
        import cv2

        cv2.ximgproc.segmentation  # noqa: B018
        methods["opencv fast"] = opencv_method("fast")
        methods["opencv quality"] = opencv_method("quality")
    except (ImportError, AttributeError):
        print("opencv-contrib not installed: skipping OpenCV")
    try:
        import selectivesearch  # noqa: F401

        methods["selectivesearch"] = selectivesearch_method()
    except ImportError:
        print("selectivesearch not installed: skipping it")
    return methods


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n-images", type=int, default=None, help="first N test images"
    )
    parser.add_argument(
        "--repeats", type=int, default=1, help="timing repeats (best kept)"
    )
    parser.add_argument("--max-side", type=int, default=500)
    parser.add_argument(
        "--top", type=int, default=100, help="MABO of the N best-ranked proposals"
    )
    parser.add_argument(
        "--methods",
        nargs="*",
        default=None,
        help="subset of method names (substring match)",
    )
    args = parser.parse_args(argv)

    data = load_test_set(DATA, args.max_side, args.n_images)
    methods = available_methods()
    if args.methods:
        methods = {
            k: v for k, v in methods.items() if any(m in k for m in args.methods)
        }
    n_gt = sum(len(gt) for _, _, gt in data)
    print(
        f"{len(data)} images, {n_gt} ground-truth boxes, longer side <= {args.max_side}"
    )

    times = defaultdict(float)
    counts = defaultdict(int)
    best_ious = defaultdict(list)
    top_ious = defaultdict(list)  # ranking quality: the first --top proposals
    for i, (name, img, gt) in enumerate(data):
        for label, run in methods.items():
            best = np.inf
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                boxes = run(img)
                best = min(best, time.perf_counter() - t0)
            times[label] += best
            counts[label] += len(boxes)
            iou = box_iou(gt, boxes)
            best_ious[label].extend(iou.max(axis=1).tolist())
            top_ious[label].extend(iou[:, : args.top].max(axis=1).tolist())
        print(f"  [{i + 1}/{len(data)}] {name}", flush=True)

    rows = {}
    for label in methods:
        ious = np.array(best_ious[label])
        rows[label] = {
            "s/img": times[label] / len(data),
            "#prop": counts[label] / len(data),
            "R@0.5": float(np.mean(ious >= 0.5)),
            "R@0.7": float(np.mean(ious >= 0.7)),
            "MABO": float(ious.mean()),
            "MABO@top": float(np.mean(top_ious[label])),
        }

    cols = ("s/img", "#prop", "R@0.5", "R@0.7", "MABO", f"MABO@{args.top}")
    header = f"{'method':<18} " + " ".join(f"{c:>8}" for c in cols)
    header += "   vs OpenCV same mode: time  R@0.7  MABO"
    print()
    print(header)
    print("-" * len(header))
    for label, r in rows.items():
        line = f"{label:<18} {r['s/img']:>8.2f} {r['#prop']:>8.0f} " + " ".join(
            f"{r[c]:>8.3f}" for c in ("R@0.5", "R@0.7", "MABO", "MABO@top")
        )
        mode = "fast" if "fast" in label else "quality" if "quality" in label else None
        ref = rows.get(f"opencv {mode}")
        if label.startswith("sklvision") and ref is not None:
            ratio = r["s/img"] / ref["s/img"]
            d_recall = r["R@0.7"] - ref["R@0.7"]
            d_mabo = r["MABO"] - ref["MABO"]
            line += f"   {ratio:>26.2f}x {d_recall:>+6.3f} {d_mabo:>+6.3f}"
        print(line)


if __name__ == "__main__":
    main()
