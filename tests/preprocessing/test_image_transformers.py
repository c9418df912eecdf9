"""Behaviour shared by all image transformers: containers, dtypes, bad input."""

import pickle

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import check_param_validation

from sklvision.preprocessing import (
    Binarize,
    Flatten,
    Grayscale,
    HOGFeatures,
    Normalize,
    Resize,
)

ALL = [
    Grayscale(),
    Binarize(),
    Binarize(threshold="otsu"),
    Normalize(),
    Resize(output_shape=(6, 7)),
    HOGFeatures(pixels_per_cell=(4, 4), cells_per_block=(1, 1)),
    Flatten(),
]
IDS = [repr(t) for t in ALL]
# Transformers whose output keeps one image per item (list in -> list out).
IMAGE_TO_IMAGE = (Grayscale, Binarize, Normalize)


def _rgb(n=3, h=8, w=8, seed=0, dtype=np.uint8):
    rng = np.random.RandomState(seed)
    return rng.randint(0, 256, size=(n, h, w, 3)).astype(dtype)


@pytest.mark.parametrize("trans", ALL, ids=IDS)
def test_stack_list_and_object_array_agree(trans):
    X = _rgb()
    out_stack = clone(trans).fit_transform(X)
    out_list = clone(trans).fit_transform(list(X))
    obj = np.empty(len(X), dtype=object)
    obj[:] = list(X)
    out_obj = clone(trans).transform(obj)
    assert isinstance(out_stack, np.ndarray)
    if isinstance(trans, IMAGE_TO_IMAGE):
        assert isinstance(out_list, list) and isinstance(out_obj, list)
        out_list, out_obj = np.stack(out_list), np.stack(out_obj)
    else:  # Resize, HOG, Flatten give one array for any input
        assert isinstance(out_list, np.ndarray) and isinstance(out_obj, np.ndarray)
    np.testing.assert_array_equal(out_stack, out_list)
    np.testing.assert_array_equal(out_stack, out_obj)
    assert len(out_stack) == len(X)


@pytest.mark.parametrize("trans", ALL, ids=IDS)
def test_input_not_modified_and_stateless(trans):
    X = _rgb()
    X_copy = X.copy()
    unfitted = clone(trans).transform(X)  # requires_fit=False
    fitted = clone(trans).fit(X).transform(X)
    np.testing.assert_array_equal(unfitted, fitted)
    np.testing.assert_array_equal(X, X_copy)
    assert not np.shares_memory(fitted, X)


@pytest.mark.parametrize("trans", ALL, ids=IDS)
def test_float32_stays_float32(trans):
    X = _rgb().astype(np.float32) / 255
    assert clone(trans).fit_transform(X).dtype == np.float32
    assert clone(trans).fit_transform(X.astype(np.float64)).dtype == np.float64


@pytest.mark.parametrize("trans", ALL, ids=IDS)
def test_ragged_list_of_gray_images(trans):
    images = [np.full((8, 8), 10.0), np.arange(120.0).reshape(10, 12)]
    if isinstance(trans, (HOGFeatures, Flatten)):
        with pytest.raises(ValueError, match="Resize"):
            clone(trans).fit_transform(images)
        return
    out = clone(trans).fit_transform(images)
    if isinstance(trans, Resize):
        assert out.shape == (2, 6, 7)
    else:
        assert [im.shape for im in out] == [(8, 8), (10, 12)]


@pytest.mark.parametrize("trans", ALL, ids=IDS)
@pytest.mark.parametrize(
    "X, match",
    [
        (np.full((2, 8, 8), np.nan), "NaN"),
        (np.full((2, 8, 8), np.inf), "infinity|inf"),
        ([], "empty"),
        (np.zeros((0, 8, 8)), "empty|0 sample"),
        ([np.zeros((8, 8)), np.zeros(8)], "2-D"),
        ([np.zeros((8, 8)), np.zeros((8, 8, 3))], "channel"),
        ([np.zeros((8, 8, 3)), np.full((8, 8, 3), np.nan)], "NaN"),
        (np.zeros((1, 8, 8, 3, 2)), "dimensions"),
        (np.zeros(8), "2D|2-D|shape"),
    ],
    ids=[
        "nan",
        "inf",
        "empty-list",
        "empty-stack",
        "1-d-images",
        "mixed-channels",
        "nan-in-list",
        "5-d",
        "1-d-array",
    ],
)
def test_bad_input(trans, X, match):
    if isinstance(trans, Grayscale) and match == "channel":
        # converting a mix of gray and colour images is Grayscale's job
        assert len(clone(trans).fit_transform(X)) == len(X)
        return
    with pytest.raises(ValueError, match=match):
        clone(trans).fit(X)
    with pytest.raises(ValueError, match=match):
        clone(trans).transform(X)


@pytest.mark.parametrize("trans", ALL, ids=IDS)
def test_non_numeric_input(trans):
    with pytest.raises((ValueError, TypeError)):
        clone(trans).fit_transform([np.array([["a", "b"], ["c", "d"]])])


@pytest.mark.parametrize("trans", ALL, ids=IDS)
def test_param_validation(trans):
    check_param_validation(type(trans).__name__, clone(trans))


@pytest.mark.parametrize("trans", ALL, ids=IDS)
def test_pickle_round_trip(trans):
    X = _rgb()
    fitted = clone(trans).fit(X)
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.transform(X), fitted.transform(X))


def test_any_image_size_after_fit_on_a_stack():
    # Stateless: a stack size seen in fit does not constrain transform.
    X_big, X_small = _rgb(h=16, w=16), _rgb(h=8, w=10)
    for trans in (Grayscale(), Binarize(), Normalize(), Resize((4, 4))):
        trans.fit(X_big)
        assert not hasattr(trans, "n_features_in_")
        assert len(trans.transform(X_small)) == len(X_small)


def test_tabular_input_records_and_checks_n_features():
    X = np.random.RandomState(0).rand(5, 6)
    trans = Normalize().fit(X)
    assert trans.n_features_in_ == 6
    with pytest.raises(ValueError, match="X has 3 features"):
        trans.transform(X[:, :3])
    # refitting on images forgets the tabular width
    trans.fit(_rgb())
    assert not hasattr(trans, "n_features_in_")


def test_pipeline_and_grid_search_on_a_ragged_list():
    rng = np.random.RandomState(0)
    images, y = [], []
    for i in range(20):
        h, w = rng.randint(12, 20, size=2)
        image = rng.randint(0, 80, size=(h, w, 3)).astype(np.uint8)
        if i % 2:
            image[: h // 2] += 150  # bright top half for class 1
        images.append(image)
        y.append(i % 2)
    pipe = make_pipeline(
        Resize((8, 8)),
        Grayscale(),
        Normalize(),
        HOGFeatures(pixels_per_cell=(4, 4), cells_per_block=(1, 1)),
        KNeighborsClassifier(n_neighbors=1),
    )
    search = GridSearchCV(
        pipe, {"resize__output_shape": [(8, 8), (12, 12)]}, cv=2, error_score="raise"
    )
    search.fit(images, np.array(y))
    assert search.best_score_ > 0.9
    assert search.predict(images[:3]).shape == (3,)


@pytest.mark.parametrize("Trans", [Resize, HOGFeatures])
def test_n_jobs_gives_the_same_result(Trans):
    X = list(_rgb(n=5, h=24, w=24))
    params = {"output_shape": (8, 8)} if Trans is Resize else {}
    serial = Trans(**params).fit_transform(X)
    # threads: the chunking code path without the cost of starting processes
    with parallel_config(backend="threading"):
        parallel = Trans(n_jobs=2, **params).fit_transform(X)
    np.testing.assert_array_equal(serial, parallel)


@pytest.mark.parametrize("trans", ALL, ids=IDS)
@pytest.mark.parametrize("as_list", [False, True], ids=["stack", "list"])
def test_big_endian_float32_is_float32(trans, as_list):
    # '>f4' != np.float32 on little-endian machines: Normalize returned
    # float64 for big-endian float32 images (from FITS or some TIFF files)
    X = _rgb().astype(np.float32) / 255
    X_big = X.astype(">f4")
    X_before = X_big.copy()
    native = clone(trans).fit_transform(list(X) if as_list else X)
    out = clone(trans).fit_transform(list(X_big) if as_list else X_big)
    if as_list and isinstance(trans, IMAGE_TO_IMAGE):
        native, out = np.stack(native), np.stack(out)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, native)
    assert X_big.dtype == np.dtype(">f4")
    np.testing.assert_array_equal(X_big, X_before)


def test_grayscale_mixed_list_big_endian():
    images = [np.ones((3, 3), ">f4"), np.ones((3, 4, 3), ">f4")]
    assert [im.dtype for im in Grayscale().transform(images)] == [np.float32] * 2
