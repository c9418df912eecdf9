"""Data set loaders, the bundled raccoon data and synthetic image generators."""

from sklvision.datasets._loaders import (
    load_boxes_csv,
    load_image_folder,
    load_voc_annotations,
)
from sklvision.datasets._raccoon import load_raccoon

__all__ = [
    "load_boxes_csv",
    "load_image_folder",
    "load_raccoon",
    "load_voc_annotations",
]
