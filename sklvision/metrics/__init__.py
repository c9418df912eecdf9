"""Detection metrics: IoU, mean IoU, PASCAL VOC and COCO average precision."""

from sklvision.metrics._boxes import box_iou
from sklvision.metrics._coco import coco_evaluate
from sklvision.metrics._detection import (
    average_precision_score,
    mean_iou_score,
    precision_recall_curve,
)

__all__ = [
    "average_precision_score",
    "box_iou",
    "coco_evaluate",
    "mean_iou_score",
    "precision_recall_curve",
]
