"""Validation helpers, scikit-learn compatibility and estimator checks."""

from sklvision.utils._persistence import get_trusted_types
from sklvision.utils._validation import (
    as_float_image,
    image_shape,
    make_detections,
    to_gray,
    validate_images,
    validate_predictions,
    validate_targets,
)

__all__ = [
    "as_float_image",
    "get_trusted_types",
    "image_shape",
    "make_detections",
    "to_gray",
    "validate_images",
    "validate_predictions",
    "validate_targets",
]
