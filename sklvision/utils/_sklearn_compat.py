"""The one place that imports private scikit-learn API.

``_fit_context`` and the parameter-constraint classes are private in
scikit-learn but used by scikit-learn itself, imbalanced-learn and the
project template. Keeping every such import here makes a scikit-learn change a
one-file fix.
"""

from sklearn.base import _fit_context
from sklearn.model_selection._search import BaseSearchCV
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    Options,
    RealNotInt,
    StrOptions,
    validate_params,
)
from sklearn.utils.parallel import _get_threadpool_controller
from sklearn.utils.validation import _check_sample_weight

__all__ = [
    "BaseSearchCV",
    "HasMethods",
    "Hidden",
    "Interval",
    "Options",
    "RealNotInt",
    "StrOptions",
    "_check_sample_weight",
    "_fit_context",
    "_get_threadpool_controller",
    "validate_params",
]
