"""Data set loaders, the bundled raccoon data and synthetic image generators."""

from sklvision.datasets._blobs import make_blobs_localization
from sklvision.datasets._loaders import (
    load_boxes_csv,
    load_image_folder,
    load_voc_annotations,
)
from sklvision.datasets._raccoon import load_raccoon
from sklvision.datasets._shapes import make_shapes, make_shapes_scene

__all__ = [
    "load_boxes_csv",
    "load_image_folder",
    "load_raccoon",
    "load_voc_annotations",
    "make_blobs_localization",
    "make_shapes",
    "make_shapes_scene",
]
