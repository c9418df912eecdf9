"""Image classifiers."""

from sklvision.classification._mlp import NumpyMLPClassifier
from sklvision.classification._pixel_match import BinaryPixelMatchClassifier

__all__ = ["BinaryPixelMatchClassifier", "NumpyMLPClassifier"]
