"""Find sklvision's public estimators (like ``sklearn.utils.discovery``)."""

import importlib
import inspect
import pkgutil
from operator import itemgetter

from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    TransformerMixin,
)

__all__ = ["all_estimators"]

_TYPE_FILTERS = ("classifier", "regressor", "transformer", "detector")
# Modules that hold no estimators of their own and are slow or optional to import.
_MODULES_TO_IGNORE = {"tests", "conftest", "plotting", "cli", "__main__"}


def _public_modules():
    import sklvision

    yield sklvision
    for info in pkgutil.walk_packages(sklvision.__path__, prefix="sklvision."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts[1:]) or any(
            p in _MODULES_TO_IGNORE for p in parts
        ):
            continue
        yield importlib.import_module(info.name)


def _is_detector(cls):
    from sklvision.base import DetectorMixin

    return issubclass(cls, DetectorMixin)


def all_estimators(type_filter=None):
    """Return the public estimators of sklvision.

    Walks sklvision's public modules (names without a leading underscore) and
    collects the public classes that subclass
    :class:`~sklearn.base.BaseEstimator`, like
    :func:`sklearn.utils.discovery.all_estimators`.

    Parameters
    ----------
    type_filter : {"classifier", "regressor", "transformer", "detector"} \
            or list of such str, default=None
        Keep only estimators of these kinds. ``"detector"`` means a subclass of
        :class:`sklvision.base.DetectorMixin`. None returns all estimators.

    Returns
    -------
    estimators : list of tuple
        ``(name, class)`` pairs sorted by name, each class once.

    Examples
    --------
    >>> from sklvision.utils.discovery import all_estimators
    >>> estimators = all_estimators()
    >>> all(isinstance(name, str) for name, _ in estimators)
    True
    >>> names = [name for name, _ in all_estimators(type_filter="detector")]
    >>> names == sorted(names)
    True
    """
    found = {}
    for module in _public_modules():
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                name.startswith("_")
                or not cls.__module__.startswith("sklvision")
                or not issubclass(cls, BaseEstimator)
                or inspect.isabstract(cls)
            ):
                continue
            found.setdefault(cls, name)
    estimators = sorted(((name, cls) for cls, name in found.items()), key=itemgetter(0))

    if type_filter is None:
        return estimators
    filters = [type_filter] if isinstance(type_filter, str) else list(type_filter)
    unknown = [f for f in filters if f not in _TYPE_FILTERS]
    if unknown:
        raise ValueError(
            f"type_filter must be None or one of {_TYPE_FILTERS} (or a list of "
            f"them); got {unknown!r}."
        )
    checks = {
        "classifier": lambda c: issubclass(c, ClassifierMixin),
        "regressor": lambda c: issubclass(c, RegressorMixin),
        "transformer": lambda c: issubclass(c, TransformerMixin),
        "detector": _is_detector,
    }
    return [
        (name, cls)
        for name, cls in estimators
        if any(checks[f](cls) for f in filters)
    ]
