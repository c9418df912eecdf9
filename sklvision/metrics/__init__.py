"""Detection metrics: IoU, mean IoU, PASCAL VOC and COCO average precision."""

from sklvision.metrics._boxes import box_iou
from sklvision.metrics._coco import coco_average_precision_score, coco_evaluate
from sklvision.metrics._detection import (
    average_precision_score,
    mean_iou_score,
    precision_recall_curve,
)
from sklvision.metrics._scorers import (
    ap50_scorer,
    ap_scorer,
    get_scorer,
    get_scorer_names,
    mean_iou_scorer,
)

__all__ = [
    "ap50_scorer",
    "ap_scorer",
    "average_precision_score",
    "box_iou",
    "coco_average_precision_score",
    "coco_evaluate",
    "get_scorer",
    "get_scorer_names",
    "mean_iou_score",
    "mean_iou_scorer",
    "precision_recall_curve",
]
