"""Warnings attributed to the user's line, not to sklvision or scikit-learn."""

import os
import sys
import warnings

import sklearn

# sklvision's own directory (the parent of this utils package) and sklearn's
_INTERNAL_DIRS = (
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,
    os.path.dirname(os.path.abspath(sklearn.__file__)) + os.sep,
)


def _warn_at_caller(message, category=UserWarning):
    """Issue a warning attributed to the first frame outside sklvision and sklearn.

    A fixed ``stacklevel`` would point into scikit-learn's ``validate_params``
    or ``_fit_context`` wrappers, or into another sklvision function when one
    calls the other.
    """
    frame, level = sys._getframe(1), 2
    while frame.f_back is not None and os.path.abspath(
        frame.f_code.co_filename
    ).startswith(_INTERNAL_DIRS):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
