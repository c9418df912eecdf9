"""Fast constructor settings and small data for tests over all estimators.

One table for ``tests/test_common.py``, ``tests/test_persistence.py`` and
``tests/test_dask.py``: each estimator's settings that keep it fast on tiny
data. Estimators are discovered with
:func:`sklvision.utils.discovery.all_estimators`, so new ones are picked up as
they land; add a row here when the defaults are too slow for tiny data.

Import it from a test module in ``tests/`` as ``from _instances import ...``
(pytest puts ``tests/`` on ``sys.path`` for the modules there).
"""

import numpy as np
from sklearn.base import clone, is_classifier

from sklvision.base import is_detector
from sklvision.detection import BagOfVisualWords
from sklvision.preprocessing import Flatten

#: Constructor arguments that make an estimator fast on tiny data. Estimator
#: values are cloned for every instance, so a table entry is never fitted.
FAST_PARAMS = {
    "BagOfVisualWords": {
        "n_words": 8,
        "step": 4,
        "radius": 6,
        "max_descriptors": 2000,
        "random_state": 0,
    },
    "BinaryPixelMatchClassifier": {},
    "HOGFeatures": {"pixels_per_cell": (1, 1), "cells_per_block": (1, 1)},
    "NumpyMLPClassifier": {
        "hidden_layer_sizes": (16,),
        "max_iter": 100,
        "learning_rate_init": 0.01,
        "random_state": 0,
    },
    "NumpyMLPLocalizer": {
        "hidden_layer_sizes": (8,),
        "resize_shape": (16, 16),
        "max_iter": 30,
        "random_state": 0,
    },
    "ProposalCrops": {"transformer": Flatten(), "size": (8, 8)},
    "Resize": {"output_shape": (8, 8)},
    "SelectiveSearch": {"max_proposals": 50, "random_state": 0},
    "SelectiveSearchSVMDetector": {
        "proposal_mode": "single",
        "feature": BagOfVisualWords(16, step=4, radius=6, random_state=0),
        "n_hard_negative_rounds": 1,
        "flip_augment": False,
        "random_state": 0,
    },
    "TemplateWeightDetector": {"n_iter": 5, "random_state": 0},
}

#: A small parameter grid per detector for GridSearchCV tests (Pipeline step
#: name ``"detector"``). Detectors without a row get a one-point grid.
SEARCH_GRIDS = {
    "NumpyMLPLocalizer": {"detector__alpha": [1e-4, 1e-1]},
    "TemplateWeightDetector": {"detector__n_iter": [2, 5]},
    "SelectiveSearchSVMDetector": {"detector__nms_iou": [0.3, 0.5]},
}


def fast_params(Estimator):
    """The fast settings of ``Estimator`` it accepts, estimator values cloned."""
    params = FAST_PARAMS.get(Estimator.__name__, {})
    valid = set(Estimator._get_param_names())
    return {
        k: clone(v) if hasattr(v, "get_params") and not isinstance(v, type) else v
        for k, v in params.items()
        if k in valid
    }


def _construct_instances(Estimator):
    """Yield fast instances of ``Estimator`` (like sklearn's helper)."""
    yield Estimator(**fast_params(Estimator))


def make_classification_images(n_images=24, size=8, random_state=0):
    """Two classes of small RGB uint8 images: bright left half vs bright right half."""
    rng = np.random.RandomState(random_state)
    X = rng.randint(0, 60, size=(n_images, size, size, 3)).astype(np.uint8)
    y = np.arange(n_images) % 2
    half = size // 2
    X[y == 0, :, :half] += 180
    X[y == 1, :, half:] += 180
    return X, y


def make_detection_images(n_images=8, size=48, random_state=0):
    """The project's detector check data (one bright square per image)."""
    from sklvision.utils.estimator_checks import make_detector_check_data

    return make_detector_check_data(
        n_images=n_images, size=size, random_state=random_state
    )


def make_fit_data(estimator):
    """Return ``(X, y)`` suited to the kind of ``estimator`` (y None if unused)."""
    if is_detector(estimator):
        return make_detection_images()
    if is_classifier(estimator):
        return make_classification_images()
    X, _ = make_classification_images(n_images=6, size=16)
    return X, None


def model_outputs(estimator, X):
    """Everything a fitted estimator computes on ``X``, by method name."""
    out = {}
    for method in (
        "predict",
        "predict_proba",
        "decision_function",
        "transform",
        "predict_confidence",
    ):
        if hasattr(estimator, method):
            out[method] = getattr(estimator, method)(X)
    return out


def assert_outputs_equal(a, b, path="output"):
    """Assert two (nested) outputs are identical: arrays, dicts, lists."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for key in a:
            assert_outputs_equal(a[key], b[key], f"{path}[{key!r}]")
    elif isinstance(a, list | tuple) or (
        isinstance(a, np.ndarray) and a.dtype == object
    ):
        assert len(a) == len(b), f"{path}: lengths {len(a)} != {len(b)}"
        for i, (x, z) in enumerate(zip(a, b)):
            assert_outputs_equal(x, z, f"{path}[{i}]")
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b, err_msg=path)
        assert a.dtype == np.asarray(b).dtype, path
    else:
        assert a == b or (a != a and b != b), f"{path}: {a!r} != {b!r}"
