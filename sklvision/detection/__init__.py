"""Object detectors, region proposals and non-maximum suppression."""

from sklvision.detection._nms import non_max_suppression
from sklvision.detection._selective_search import SelectiveSearch, selective_search
from sklvision.detection._template import TemplateWeightDetector

__all__ = [
    "SelectiveSearch",
    "TemplateWeightDetector",
    "non_max_suppression",
    "selective_search",
]
