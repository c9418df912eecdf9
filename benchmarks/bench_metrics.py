"""Benchmark sklvision's detection metrics against pycocotools and faster-coco-eval.

Synthetic COCO-style data (fixed seed): 500 images of 640x480, 3 classes,
5 ground-truth boxes and 100 scored detections per image. Times the whole
COCO bbox evaluation (the 12 ``stats``) of pycocotools, faster-coco-eval and
``sklvision.metrics.coco_evaluate`` in one process, interleaved, best of
several repeats, checks that the 12 numbers agree, then times the pairwise
IoU of 2000 x 2000 boxes against ``pycocotools.mask.iou`` and greedy NMS of
10,000 boxes against OpenCV's ``cv2.dnn.NMSBoxes``.

Run: ``python benchmarks/bench_metrics.py [--repeats 3]``
"""

import argparse
import contextlib
import io
import time

import numpy as np

from sklvision.metrics import box_iou, coco_evaluate

N_IMAGES, WIDTH, HEIGHT, N_CLASSES, N_GT, N_DT = 500, 640, 480, 3, 5, 100


def make_data(seed=0):
    """Targets and predictions in sklvision's format."""
    rng = np.random.RandomState(seed)
    y_true, y_pred = [], []
    for _ in range(N_IMAGES):
        # ground truth: sizes from ~8 px to ~300 px (small, medium, large)
        side = np.exp(rng.uniform(np.log(8), np.log(300), (N_GT, 2)))
        x0 = rng.uniform(0, WIDTH - side[:, 0])
        y0 = rng.uniform(0, HEIGHT - side[:, 1])
        gt = np.column_stack([x0, y0, x0 + side[:, 0], y0 + side[:, 1]])
        gl = rng.randint(0, N_CLASSES, N_GT)
        # detections: 40 % noisy copies of the ground truth, 60 % random boxes
        n_near = int(0.4 * N_DT)
        src = rng.randint(0, N_GT, n_near)
        jitter = rng.normal(0, 0.15, (n_near, 4)) * np.tile(side[src], 2)
        near = gt[src] + jitter
        dside = np.exp(rng.uniform(np.log(8), np.log(300), (N_DT - n_near, 2)))
        dx = rng.uniform(0, WIDTH - dside[:, 0])
        dy = rng.uniform(0, HEIGHT - dside[:, 1])
        far = np.column_stack([dx, dy, dx + dside[:, 0], dy + dside[:, 1]])
        det = np.vstack([near, far])
        det[:, 2] = np.maximum(det[:, 2], det[:, 0] + 1)
        det[:, 3] = np.maximum(det[:, 3], det[:, 1] + 1)
        dl = np.r_[
            np.where(
                rng.rand(n_near) < 0.8, gl[src], rng.randint(0, N_CLASSES, n_near)
            ),
            rng.randint(0, N_CLASSES, N_DT - n_near),
        ]
        scores = np.round(rng.uniform(0, 1, N_DT), 3)  # some tied scores
        perm = rng.permutation(N_DT)
        y_true.append({"boxes": gt, "labels": gl})
        y_pred.append({"boxes": det[perm], "scores": scores[perm], "labels": dl[perm]})
    return y_true, y_pred


def to_coco(y_true, y_pred):
    """The same data as pycocotools' dataset dict and result list."""
    images, anns, results = [], [], []
    for i, (t, p) in enumerate(zip(y_true, y_pred)):
        images.append({"id": i + 1, "width": WIDTH, "height": HEIGHT})
        for b, lab in zip(t["boxes"].tolist(), t["labels"].tolist()):
            w, h = b[2] - b[0], b[3] - b[1]
            anns.append(
                {
                    "id": len(anns) + 1,
                    "image_id": i + 1,
                    "category_id": lab + 1,
                    "bbox": [b[0], b[1], w, h],
                    "area": w * h,
                    "iscrowd": 0,
                }
            )
        for b, s, lab in zip(
            p["boxes"].tolist(), p["scores"].tolist(), p["labels"].tolist()
        ):
            results.append(
                {
                    "image_id": i + 1,
                    "category_id": lab + 1,
                    "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]],
                    "score": s,
                }
            )
    cats = [{"id": k + 1, "name": f"c{k}"} for k in range(N_CLASSES)]
    return {"images": images, "annotations": anns, "categories": cats}, results


def run_pycocotools(gt, results, faster=False):
    import copy

    if faster:
        from faster_coco_eval import COCO
        from faster_coco_eval import COCOeval_faster as COCOeval
    else:
        from pycocotools.coco import COCO
        from pycocotools.cocoeval import COCOeval
    gt, results = copy.deepcopy(gt), copy.deepcopy(results)  # loadRes edits them
    tic = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO()
        coco_gt.dataset = gt
        coco_gt.createIndex()
        coco_dt = coco_gt.loadRes(results)
        ev = COCOeval(coco_gt, coco_dt, "bbox")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    return time.perf_counter() - tic, np.asarray(ev.stats, dtype=float)


def run_sklvision(y_true, y_pred):
    tic = time.perf_counter()
    stats = coco_evaluate(y_true, y_pred)
    return time.perf_counter() - tic, np.array(list(stats.values()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    y_true, y_pred = make_data(0)
    gt, results = to_coco(y_true, y_pred)
    runners = {"sklvision": lambda: run_sklvision(y_true, y_pred)}
    try:
        import pycocotools  # noqa: F401

        runners["pycocotools"] = lambda: run_pycocotools(gt, results)
    except ImportError:
        print("pycocotools not installed: skipped")
    try:
        import faster_coco_eval  # noqa: F401

        runners["faster-coco-eval"] = lambda: run_pycocotools(gt, results, True)
    except ImportError:
        print("faster-coco-eval not installed: skipped")

    best = {name: np.inf for name in runners}
    stats = {}
    for _ in range(args.repeats):  # interleaved repeats, best time of each
        for name, run in runners.items():
            t, s = run()
            best[name] = min(best[name], t)
            stats[name] = s

    print(
        f"COCO bbox evaluation: {N_IMAGES} images {WIDTH}x{HEIGHT}, {N_CLASSES} "
        f"classes, {N_GT} gt + {N_DT} detections per image "
        f"(best of {args.repeats})"
    )
    print(
        f"{'implementation':<18}{'time [s]':>10}{'sklvision speed-up':>20}"
        f"{'max |stats diff| vs pycocotools':>34}"
    )
    ref = stats.get("pycocotools")
    for name in runners:
        diff = "" if ref is None else f"{np.abs(stats[name] - ref).max():.2e}"
        print(
            f"{name:<18}{best[name]:>10.3f}"
            f"{best[name] / best['sklvision']:>19.1f}x{diff:>34}"
        )
    keys = ["AP", "AP50", "AP75", "APs", "APm", "APl",
            "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"]  # fmt: skip
    print("stats:", ", ".join(f"{k}={v:.4f}" for k, v in
                               zip(keys, stats["sklvision"])))  # fmt: skip

    # Pairwise IoU, 2000 x 2000 boxes
    rng = np.random.RandomState(1)
    side = rng.uniform(5, 200, (2, 2000, 2))
    xy = rng.uniform(0, 500, (2, 2000, 2))
    a = np.concatenate([xy[0], xy[0] + side[0]], axis=1)
    b = np.concatenate([xy[1], xy[1] + side[1]], axis=1)
    timings = {"sklvision.metrics.box_iou": [np.inf, None]}
    try:
        from pycocotools import mask as mask_utils

        a_xywh = np.column_stack([a[:, :2], a[:, 2:] - a[:, :2]])
        b_xywh = np.column_stack([b[:, :2], b[:, 2:] - b[:, :2]])
        crowd = np.zeros(len(b), dtype=np.uint8)
        timings["pycocotools.mask.iou"] = [np.inf, None]
    except ImportError:
        mask_utils = None
    for _ in range(max(5, args.repeats)):
        tic = time.perf_counter()
        ours = box_iou(a, b)
        t = time.perf_counter() - tic
        timings["sklvision.metrics.box_iou"][0] = min(
            timings["sklvision.metrics.box_iou"][0], t
        )
        if mask_utils is not None:
            tic = time.perf_counter()
            theirs = mask_utils.iou(a_xywh, b_xywh, crowd)
            t = time.perf_counter() - tic
            timings["pycocotools.mask.iou"][0] = min(
                timings["pycocotools.mask.iou"][0], t
            )
    print()
    print("Pairwise IoU, 2000 x 2000 boxes (best of "
          f"{max(5, args.repeats)})")  # fmt: skip
    base = timings["sklvision.metrics.box_iou"][0]
    print(f"{'implementation':<28}{'time [ms]':>10}{'sklvision speed-up':>20}")
    for name, (t, _) in timings.items():
        print(f"{name:<28}{1000 * t:>10.1f}{t / base:>19.2f}x")
    if mask_utils is not None:
        print(f"max |IoU diff|: {np.abs(ours - theirs).max():.2e}")
    bench_nms(max(5, args.repeats))


def bench_nms(repeats):
    """Greedy NMS of 10,000 boxes (IoU 0.5) against OpenCV's NMSBoxes."""
    from sklvision.detection import non_max_suppression

    rng = np.random.RandomState(2)
    n = 10_000
    xy = rng.uniform(0, 1000, (n, 2))
    boxes = np.hstack([xy, xy + rng.uniform(10, 120, (n, 2))])
    scores = rng.rand(n)
    timings = {"sklvision non_max_suppression": np.inf}
    try:
        import cv2

        xywh = np.column_stack([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]])
        timings["cv2.dnn.NMSBoxes"] = np.inf
    except ImportError:
        cv2 = None
    for _ in range(repeats):
        tic = time.perf_counter()
        keep = non_max_suppression(boxes, scores, 0.5)
        timings["sklvision non_max_suppression"] = min(
            timings["sklvision non_max_suppression"], time.perf_counter() - tic
        )
        if cv2 is not None:
            tic = time.perf_counter()
            kept_cv = cv2.dnn.NMSBoxes(xywh.tolist(), scores.tolist(), 0.0, 0.5)
            timings["cv2.dnn.NMSBoxes"] = min(
                timings["cv2.dnn.NMSBoxes"], time.perf_counter() - tic
            )
    print()
    print(f"Greedy NMS, {n} boxes, IoU 0.5 (best of {repeats})")
    base = timings["sklvision non_max_suppression"]
    print(f"{'implementation':<32}{'time [ms]':>10}{'sklvision speed-up':>20}")
    for name, t in timings.items():
        print(f"{name:<32}{1000 * t:>10.1f}{t / base:>19.2f}x")
    print(f"kept: sklvision {len(keep)}", end="")
    if cv2 is not None:
        # OpenCV's rectangles use its own pixel convention; counts may differ.
        print(f", OpenCV {len(np.asarray(kept_cv).ravel())}")
    else:
        print()


if __name__ == "__main__":
    main()
