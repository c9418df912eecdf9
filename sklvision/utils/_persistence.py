"""Names of sklvision's types for loading model files with skops.io."""

import importlib
import inspect

__all__ = ["get_trusted_types"]

# Non-sklvision types that a fitted GridSearchCV / Pipeline of sklvision
# estimators stores and that skops does not trust by default (skops trusts
# sklearn's *estimators*, not its scorers or splitters, nor numpy dtype objects
# that estimators keep to remember the input's float precision).
_SKLEARN_HELPERS = (
    "numpy.dtype",
    "sklearn.metrics._scorer._PassthroughScorer",
    "sklearn.metrics._scorer._Scorer",
    "sklearn.model_selection._split.GroupKFold",
    "sklearn.model_selection._split.KFold",
    "sklearn.model_selection._split.ShuffleSplit",
    "sklearn.model_selection._split.StratifiedKFold",
    "sklearn.utils._metadata_requests.MetadataRequest",
)

# Public modules whose functions (metrics, scorer targets) may appear in a
# pickled model, e.g. inside a fitted GridSearchCV's scorer.
_FUNCTION_MODULES = (
    "sklvision.metrics",
    "sklvision.detection",
    "sklvision.preprocessing",
)
_SKIP_MODULES = ("sklvision.__main__", "sklvision.cli")


def _sklvision_classes():
    """Every class defined in a sklvision module, private helpers included."""
    import pkgutil

    import sklvision

    classes = set()
    for info in pkgutil.walk_packages(sklvision.__path__, prefix="sklvision."):
        if info.name in _SKIP_MODULES or ".tests" in info.name:
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional dependency or an area not there yet
            continue
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == info.name:
                classes.add(obj)
    return classes


def _qualified(obj):
    return f"{obj.__module__}.{obj.__qualname__}"


def get_trusted_types():
    """List the type names to trust when loading sklvision models with skops.

    skops.io refuses to load types it does not know unless the user names them
    in ``trusted=``. It trusts numpy, scipy and scikit-learn's estimators by
    default; this function returns the rest that sklvision models hold: every
    class sklvision defines (its estimators and the private helpers some of
    them keep), sklvision's public metric functions (stored by scorers, e.g.
    in a fitted :class:`~sklearn.model_selection.GridSearchCV`), and the few
    scikit-learn scorer and splitter classes and numpy dtype objects a fitted
    model keeps.

    Only pass this list for files whose origin you trust to contain
    sklvision models: the list names code that skops will import and
    instantiate. ``skops.io.get_untrusted_types(file=...)`` shows what a file
    needs; check it against this list.

    Returns
    -------
    trusted : list of str
        Sorted, fully qualified type names as skops records them (the defining,
        possibly private, module: import paths are part of the file format).

    Examples
    --------
    >>> from sklvision.utils import get_trusted_types
    >>> trusted = get_trusted_types()
    >>> "sklearn.metrics._scorer._Scorer" in trusted
    True
    >>> all(isinstance(name, str) for name in trusted)
    True

    With skops installed::

        import skops.io as sio
        model = sio.load("model.skops", trusted=get_trusted_types())
    """
    names = set(_SKLEARN_HELPERS)
    names.update(_qualified(cls) for cls in _sklvision_classes())
    for module_name in _FUNCTION_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # an area that is not there (yet)
            continue
        for public in getattr(module, "__all__", ()):
            obj = getattr(module, public, None)
            if inspect.isfunction(obj) and obj.__module__.startswith("sklvision"):
                names.add(_qualified(obj))
    return sorted(names)
