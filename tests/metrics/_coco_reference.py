"""Run pycocotools' COCOeval on sklvision-style targets and predictions."""

import contextlib
import io

import numpy as np


def to_coco(y_true, y_pred):
    """Build pycocotools' ground-truth dataset dict and result list."""
    images, annotations, results = [], [], []
    labels = set()
    for i, (t, p) in enumerate(zip(y_true, y_pred)):
        images.append({"id": i + 1, "width": 640, "height": 480})
        boxes = np.asarray(t["boxes"], dtype=float).reshape(-1, 4)
        n = len(boxes)
        lab = np.asarray(t.get("labels", np.zeros(n, int)))
        crowd = np.asarray(t.get("iscrowd", np.zeros(n, bool)))
        area = t.get("area")
        for j in range(n):
            x0, y0, x1, y1 = boxes[j].tolist()
            w, h = x1 - x0, y1 - y0
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": i + 1,
                    "category_id": int(lab[j]) + 1,
                    "bbox": [x0, y0, w, h],
                    "area": float(area[j]) if area is not None else w * h,
                    "iscrowd": int(crowd[j]),
                }
            )
            labels.add(int(lab[j]))
        pb = np.asarray(p["boxes"], dtype=float).reshape(-1, 4)
        pl = np.asarray(p.get("labels", np.zeros(len(pb), int)))
        for j in range(len(pb)):
            x0, y0, x1, y1 = pb[j].tolist()
            results.append(
                {
                    "image_id": i + 1,
                    "category_id": int(pl[j]) + 1,
                    "bbox": [x0, y0, x1 - x0, y1 - y0],
                    "score": float(p["scores"][j]),
                }
            )
            labels.add(int(pl[j]))
    gt = {
        "images": images,
        "annotations": annotations,
        "categories": [{"id": k + 1, "name": str(k)} for k in sorted(labels)],
    }
    return gt, results


def pycocotools_stats(y_true, y_pred, module="pycocotools"):
    """COCOeval(...).stats from pycocotools (or faster_coco_eval)."""
    if module == "pycocotools":
        from pycocotools.coco import COCO
        from pycocotools.cocoeval import COCOeval
    else:
        from faster_coco_eval import COCO
        from faster_coco_eval import COCOeval_faster as COCOeval
    gt, results = to_coco(y_true, y_pred)
    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO()
        coco_gt.dataset = gt
        coco_gt.createIndex()
        coco_dt = coco_gt.loadRes(results) if results else COCO()
        if not results:
            coco_dt.dataset = {
                "images": gt["images"],
                "annotations": [],
                "categories": gt["categories"],
            }
            coco_dt.createIndex()
        ev = COCOeval(coco_gt, coco_dt, "bbox")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    return np.asarray(ev.stats, dtype=float)
