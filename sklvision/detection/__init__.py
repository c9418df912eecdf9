"""Object detectors, region proposals and non-maximum suppression."""

from sklvision.detection._features import BagOfVisualWords, ProposalCrops
from sklvision.detection._mlp_localizer import NumpyMLPLocalizer
from sklvision.detection._nms import non_max_suppression
from sklvision.detection._selective_search import SelectiveSearch, selective_search
from sklvision.detection._ss_svm import SelectiveSearchSVMDetector
from sklvision.detection._template import TemplateWeightDetector

__all__ = [
    "BagOfVisualWords",
    "NumpyMLPLocalizer",
    "ProposalCrops",
    "SelectiveSearch",
    "SelectiveSearchSVMDetector",
    "TemplateWeightDetector",
    "non_max_suppression",
    "selective_search",
]
