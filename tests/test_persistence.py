"""Every estimator, Pipeline and GridSearchCV round-trips through joblib, pickle
and (when installed) skops with identical outputs."""

import io
import pickle
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline

from sklvision.base import is_detector
from sklvision.utils import get_trusted_types
from sklvision.utils.discovery import all_estimators

try:
    from _instances import (
        _construct_instances,
        assert_outputs_equal,
        make_fit_data,
        model_outputs,
    )
except ImportError:  # tests/ imported as a package
    from tests._instances import (
        _construct_instances,
        assert_outputs_equal,
        make_fit_data,
        model_outputs,
    )

ESTIMATORS = all_estimators()
SUPERVISED = [
    (name, cls)
    for name, cls in ESTIMATORS
    if is_detector(cls) or issubclass(cls, ClassifierMixin)
]


_FITTED = {}


def _fit(Estimator):
    """Fit a fast instance once per test session (tests never modify it)."""
    if Estimator not in _FITTED:
        estimator = next(_construct_instances(Estimator))
        X, y = make_fit_data(estimator)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            if y is None:
                estimator.fit(X)
            else:
                estimator.fit(X, y)
        _FITTED[Estimator] = (estimator, X, y)
    return _FITTED[Estimator]


def _one_split(n_samples):
    """A single train/test split: 2 fits per search instead of cv + 1."""
    cut = (2 * n_samples) // 3
    return [(np.arange(cut), np.arange(cut, n_samples))]


def _via_pickle(obj):
    return pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def _via_joblib(obj):
    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


_ALLOWED_MODULES = ("builtins", "numpy", "scipy", "sklearn")


def _check_state(value, path, seen):
    """Fitted state holds only numpy arrays, builtins and sklearn objects."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            for i, item in enumerate(value.ravel()):
                _check_state(item, f"{path}[{i}]", seen)
        return
    if isinstance(value, dict):
        for k, v in value.items():
            _check_state(k, f"{path} key", seen)
            _check_state(v, f"{path}[{k!r}]", seen)
        return
    if isinstance(value, list | tuple | set | frozenset):
        for i, item in enumerate(value):
            _check_state(item, f"{path}[{i}]", seen)
        return
    if isinstance(value, BaseEstimator):
        for k, v in vars(value).items():
            _check_state(v, f"{path}.{k}", seen)
        return
    module = type(value).__module__.split(".")[0]
    assert module in _ALLOWED_MODULES, (
        f"{path} is a {type(value).__module__}.{type(value).__qualname__}; fitted "
        "state must hold only numpy arrays, Python builtins and sklearn objects"
    )
    assert not callable(value) or isinstance(value, type | np.dtype), (
        f"{path} holds a callable {value!r}: it breaks skops and caching"
    )


@pytest.mark.parametrize("name, Estimator", ESTIMATORS, ids=[n for n, _ in ESTIMATORS])
def test_estimator_round_trips(name, Estimator):
    estimator, X, _ = _fit(Estimator)
    expected = model_outputs(estimator, X)
    assert expected, f"{name} has no predict/transform method to compare"
    _check_state(estimator, name, set())
    for load in (_via_pickle, _via_joblib):
        restored = load(estimator)
        assert type(restored) is Estimator
        assert restored.get_params().keys() == estimator.get_params().keys()
        assert_outputs_equal(expected, model_outputs(restored, X), f"{name}")


@pytest.mark.parametrize("name, Estimator", SUPERVISED, ids=[n for n, _ in SUPERVISED])
def test_pipeline_and_grid_search_round_trip(name, Estimator):
    estimator = next(_construct_instances(Estimator))
    X, y = make_fit_data(estimator)
    step = "detector" if is_detector(estimator) else "classifier"
    search = GridSearchCV(
        Pipeline([(step, estimator)]),
        param_grid={},
        cv=_one_split(len(y)),
        error_score="raise",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    for model in (search.best_estimator_, search):
        expected = model_outputs(model, X)
        for load in (_via_pickle, _via_joblib):
            assert_outputs_equal(expected, model_outputs(load(model), X), name)
    assert _via_joblib(search).best_score_ == search.best_score_


def test_get_trusted_types_lists_every_estimator():
    trusted = get_trusted_types()
    assert trusted == sorted(set(trusted))
    for _, cls in ESTIMATORS:
        assert f"{cls.__module__}.{cls.__qualname__}" in trusted


@pytest.mark.parametrize("name, Estimator", ESTIMATORS, ids=[n for n, _ in ESTIMATORS])
def test_skops_round_trip(name, Estimator):
    sio = pytest.importorskip("skops.io")
    estimator, X, y = _fit(Estimator)
    data = sio.dumps(estimator)
    untrusted = sio.get_untrusted_types(data=data)
    missing = sorted(set(untrusted) - set(get_trusted_types()))
    assert not missing, f"get_trusted_types() lacks {missing} needed by {name}"
    if untrusted:
        from skops.io.exceptions import UntrustedTypesFoundException

        with pytest.raises(UntrustedTypesFoundException):
            sio.loads(data)
    restored = sio.loads(data, trusted=get_trusted_types())
    assert_outputs_equal(model_outputs(estimator, X), model_outputs(restored, X), name)


DETECTORS = [(n, c) for n, c in ESTIMATORS if is_detector(c)]


@pytest.mark.parametrize("scoring", ["ap50", "mean_iou"])
def test_skops_grid_search_with_sklvision_scorer(scoring):
    """A fitted search keeps the scorer and its sklvision metric function."""
    sio = pytest.importorskip("skops.io")
    from sklvision.metrics import get_scorer

    name, Estimator = min(
        DETECTORS, key=lambda item: item[0] != "TemplateWeightDetector"
    )
    estimator = next(_construct_instances(Estimator))
    X, y = make_fit_data(estimator)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search = GridSearchCV(
            Pipeline([("detector", estimator)]),
            {},
            cv=KFold(2),
            scoring=get_scorer(scoring),
            error_score="raise",
        ).fit(X, y)
    data = sio.dumps(search)
    untrusted = set(sio.get_untrusted_types(data=data))
    assert any(t.startswith("sklvision.metrics") for t in untrusted), untrusted
    missing = sorted(untrusted - set(get_trusted_types()))
    assert not missing, f"get_trusted_types() lacks {missing}"
    restored = sio.loads(data, trusted=get_trusted_types())
    assert_outputs_equal(model_outputs(search, X), model_outputs(restored, X), name)
    assert restored.score(X, y) == search.score(X, y)
    for load in (_via_pickle, _via_joblib):
        assert load(search).score(X, y) == search.score(X, y)
