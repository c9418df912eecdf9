"""Plotting utilities (optional: needs matplotlib, the ``plot`` extra)."""

from sklvision.plotting._classification import plot_class_templates
from sklvision.plotting._detection import plot_detection_grid, plot_detections

__all__ = [
    "plot_class_templates",
    "plot_detection_grid",
    "plot_detections",
]
