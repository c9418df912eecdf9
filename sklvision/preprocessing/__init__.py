"""Stateless image transformers: colour, thresholds, intensities, size, features."""

from sklvision.preprocessing._binarize import Binarize
from sklvision.preprocessing._features import Flatten, HOGFeatures
from sklvision.preprocessing._grayscale import Grayscale
from sklvision.preprocessing._normalize import Normalize
from sklvision.preprocessing._resize import Resize

__all__ = [
    "Binarize",
    "Flatten",
    "Grayscale",
    "HOGFeatures",
    "Normalize",
    "Resize",
]
