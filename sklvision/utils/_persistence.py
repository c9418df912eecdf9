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

# sklvision modules whose public functions (metrics, scorer targets) and classes
# may appear in a pickled model.
_MODULES = ("sklvision.metrics", "sklvision.detection", "sklvision.preprocessing")


def _qualified(obj):
    return f"{obj.__module__}.{obj.__qualname__}"


def get_trusted_types():
    """List the type names to trust when loading sklvision models with skops.

    skops.io refuses to load types it does not know unless the user names them
    in ``trusted=``. It trusts numpy, scipy and scikit-learn's estimators by
    default; this function returns the rest that sklvision models hold: every
    sklvision estimator class, sklvision's metric functions (stored by scorers,
    e.g. in a fitted :class:`~sklearn.model_selection.GridSearchCV`), the
    sklvision helper classes defined next to them, and the few scikit-learn
    scorer and splitter classes a fitted search keeps.

    Only pass this list for files whose origin you trust to contain
    sklvision models: the list names code that skops will import and
    instantiate. ``skops.io.get_untrusted_types(file=...)`` shows what a file
    needs; check it against this list.

    Returns
    -------
    trusted : list of str
        Sorted, fully qualified type names as skops records them (the defining,
        possibly private, module: import paths are part of the file format).

    See Also
    --------
    sklvision.utils.discovery.all_estimators : The estimators listed here.

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
    from sklvision.utils.discovery import all_estimators

    names = set(_SKLEARN_HELPERS)
    for _, cls in all_estimators():
        names.add(_qualified(cls))
    for module_name in _MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # an area that is not there (yet)
            continue
        for public in getattr(module, "__all__", ()):
            obj = getattr(module, public, None)
            if obj is None or not getattr(obj, "__module__", "").startswith(
                "sklvision"
            ):
                continue
            if inspect.isfunction(obj) or inspect.isclass(obj):
                names.add(_qualified(obj))
    return sorted(names)
