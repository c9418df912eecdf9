"""Object detectors, region proposals and non-maximum suppression."""

from sklvision.detection._nms import non_max_suppression
from sklvision.detection._selective_search import SelectiveSearch, selective_search

__all__ = [
    "SelectiveSearch",
    "non_max_suppression",
    "selective_search",
]
