"""Plotting utilities (optional: needs matplotlib, the ``plot`` extra)."""

from sklvision.plotting._classification import plot_class_templates
from sklvision.plotting._detection import plot_detection_grid, plot_detections
from sklvision.plotting._precision_recall import DetectionPRDisplay
from sklvision.plotting._template import plot_template_weights

__all__ = [
    "DetectionPRDisplay",
    "plot_class_templates",
    "plot_detection_grid",
    "plot_detections",
    "plot_template_weights",
]
