"""GridSearchCV and the detectors' own loops run on a Dask cluster through joblib."""

import warnings

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline

from sklvision.utils.discovery import all_estimators

distributed = pytest.importorskip("distributed")

try:
    from _instances import (
        SEARCH_GRIDS,
        assert_outputs_equal,
        fast_params,
        make_detection_images,
    )
except ImportError:  # tests/ imported as a package
    from tests._instances import (
        SEARCH_GRIDS,
        assert_outputs_equal,
        fast_params,
        make_detection_images,
    )

# Fastest first: the test only needs one detector with a cheap grid.
_PREFERENCE = (
    "NumpyMLPLocalizer",
    "TemplateWeightDetector",
    "SelectiveSearchSVMDetector",
)


def _pick_detector():
    detectors = dict(all_estimators(type_filter="detector"))
    for name in _PREFERENCE:
        if name in detectors:
            return name, detectors[name]
    if detectors:
        return next(iter(detectors.items()))
    pytest.skip("no detector is available yet")


@pytest.fixture(scope="module")
def client():
    with warnings.catch_warnings():
        # distributed warns about its dashboard/ports on busy machines
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
        )
    with cluster, distributed.Client(cluster) as c:
        yield c


def _make(Detector, **extra):
    params = fast_params(Detector)
    valid = set(Detector._get_param_names())
    params.update({k: v for k, v in extra.items() if k in valid})
    return Detector(**params)


def _search(Detector, name, X, y, n_jobs):
    search = GridSearchCV(
        Pipeline([("detector", _make(Detector, n_jobs=n_jobs))]),
        SEARCH_GRIDS.get(name, {}),
        cv=KFold(2),
        error_score="raise",
        n_jobs=n_jobs,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return search.fit(X, y)


def test_grid_search_on_dask_matches_default_backend(client):
    name, Detector = _pick_detector()
    X, y = make_detection_images(n_images=8)
    reference = _search(Detector, name, X, y, n_jobs=None)  # sequential
    with distributed.get_task_stream(client) as tasks:
        with parallel_config(backend="dask"):
            on_dask = _search(Detector, name, X, y, n_jobs=-1)
    assert on_dask.best_params_ == reference.best_params_
    np.testing.assert_allclose(
        on_dask.cv_results_["mean_test_score"],
        reference.cv_results_["mean_test_score"],
        rtol=1e-12,
    )
    assert on_dask.best_score_ == pytest.approx(reference.best_score_, rel=1e-12)
    # The fits really ran on the cluster.
    assert len(tasks.data) >= 2 * len(reference.cv_results_["params"])
    assert_outputs_equal(reference.predict(X), on_dask.predict(X), name)


def test_detector_inner_loop_on_dask(client):
    name, Detector = _pick_detector()
    if "n_jobs" not in Detector._get_param_names():
        pytest.skip(f"{name} has no n_jobs loop")
    X, y = make_detection_images(n_images=8)
    detector = _make(Detector, n_jobs=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        detector.fit(X, y)
    expected = detector.predict(X)
    with distributed.get_task_stream(client) as tasks:
        with parallel_config(backend="dask"):
            got = detector.predict(X)
    assert_outputs_equal(expected, got, name)
    workers = {t.get("worker") for t in tasks.data}
    assert len(tasks.data) > 0, f"{name}.predict ran no task on the cluster"
    assert workers


def test_selective_search_loops_follow_parallel_config(client):
    # n_jobs=None means "whatever parallel_config says" (scikit-learn's rule):
    # selective search, SelectiveSearch and SelectiveSearchSVMDetector ran no
    # task on the cluster under parallel_config(backend="dask", n_jobs=-1).
    from sklvision.detection import (
        SelectiveSearch,
        SelectiveSearchSVMDetector,
        selective_search,
    )

    X, y = make_detection_images(n_images=8)
    image = X[0]
    transformer = SelectiveSearch(**fast_params(SelectiveSearch))
    detector = SelectiveSearchSVMDetector(**fast_params(SelectiveSearchSVMDetector))
    expected_boxes = selective_search(image, random_state=0)
    expected_proposals = transformer.transform(X)
    reference = clone(detector).fit(X, y)
    expected = reference.predict(X)
    runs = {}
    with parallel_config(backend="dask", n_jobs=-1):
        with distributed.get_task_stream(client) as tasks:
            boxes = selective_search(image, random_state=0)
        runs["selective_search"] = len(tasks.data)
        with distributed.get_task_stream(client) as tasks:
            proposals = transformer.transform(X)
        runs["SelectiveSearch.transform"] = len(tasks.data)
        with distributed.get_task_stream(client) as tasks:
            fitted = clone(detector).fit(X, y)
        runs["SelectiveSearchSVMDetector.fit"] = len(tasks.data)
        with distributed.get_task_stream(client) as tasks:
            got = fitted.predict(X)
        runs["SelectiveSearchSVMDetector.predict"] = len(tasks.data)
    # Two workers: the images (or the segmentations) are spread over tasks.
    assert min(runs.values()) >= 2, f"too few tasks on the cluster: {runs}"
    np.testing.assert_array_equal(boxes, expected_boxes)
    for a, b in zip(proposals, expected_proposals):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(fitted.estimator_.coef_, reference.estimator_.coef_)
    assert_outputs_equal(expected, got, "SelectiveSearchSVMDetector")
