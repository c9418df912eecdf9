import numpy as np
import pytest
from skimage.feature import hog

from sklvision.preprocessing import Flatten, HOGFeatures


def test_hog_matches_skimage_gray_and_colour():
    rng = np.random.RandomState(0)
    gray = rng.rand(2, 32, 24)
    colour = rng.rand(2, 32, 24, 3)
    params = dict(orientations=6, pixels_per_cell=(8, 8), cells_per_block=(2, 2))
    out = HOGFeatures(**params).fit_transform(gray)
    np.testing.assert_allclose(out[1], hog(gray[1], **params))
    out = HOGFeatures(**params).fit_transform(colour)
    np.testing.assert_allclose(out[0], hog(colour[0], channel_axis=-1, **params))


def test_hog_feature_count_and_names():
    X = np.zeros((3, 40, 48), dtype=np.uint8)
    est = HOGFeatures(pixels_per_cell=(8, 8), cells_per_block=(2, 2)).fit(X)
    n = (40 // 8 - 1) * (48 // 8 - 1) * 2 * 2 * 9
    assert est.transform(X).shape == (3, n)
    names = est.get_feature_names_out()
    assert len(names) == n and names[0] == "hogfeatures0"


def test_hog_too_small_image():
    with pytest.raises(ValueError, match="smaller than one HOG block"):
        HOGFeatures().fit(np.zeros((2, 16, 16)))


def test_hog_bad_cell_size():
    with pytest.raises(ValueError, match="pixels_per_cell"):
        HOGFeatures(pixels_per_cell=(0, 8)).fit(np.zeros((1, 32, 32)))


def test_hog_numpy_integer_sizes_count_features_right():
    # uint8 sizes were kept as uint8: the feature count wrapped around (100
    # feature names for 2916 features)
    X = np.random.RandomState(0).rand(2, 64, 64)
    u8 = np.uint8
    est = HOGFeatures(pixels_per_cell=(u8(8), u8(8)), cells_per_block=(u8(3), u8(3)))
    out = est.fit_transform(X)
    assert out.shape == (2, 2916) and len(est.get_feature_names_out()) == 2916
    np.testing.assert_array_equal(
        out, HOGFeatures(pixels_per_cell=(8, 8), cells_per_block=(3, 3)).transform(X)
    )


@pytest.mark.parametrize(
    "params, reason",
    [
        ({"pixels_per_cell": (8.0, 8)}, r"got \(8\.0, 8\): 8\.0 is a float"),
        ({"cells_per_block": (2, True)}, r"got \(2, True\): True is a bool"),
        ({"cells_per_block": (2,)}, r"got \(2,\): 1 values instead of 2"),
    ],
)
def test_hog_bad_sizes_say_what_is_wrong(params, reason):
    with pytest.raises(ValueError, match=f"must be a pair of positive ints.*{reason}"):
        HOGFeatures(**params).fit(np.zeros((1, 32, 32)))


def test_flatten_keeps_dtype_and_order():
    X = np.arange(2 * 2 * 3 * 3, dtype=np.uint8).reshape(2, 2, 3, 3)
    out = Flatten().fit_transform(X)
    assert out.dtype == np.uint8 and out.shape == (2, 18)
    np.testing.assert_array_equal(out[1], X[1].ravel())


def test_flatten_list_and_names():
    images = [np.zeros((4, 5)), np.ones((4, 5))]
    est = Flatten().fit(images)
    np.testing.assert_array_equal(est.transform(images)[1], np.ones(20))
    assert list(est.get_feature_names_out()[:2]) == ["flatten0", "flatten1"]


def test_feature_names_need_fit():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        Flatten().get_feature_names_out()


@pytest.mark.parametrize(
    "extractor",
    [HOGFeatures(pixels_per_cell=(8, 8), cells_per_block=(2, 2)), Flatten()],
    ids=["hog", "flatten"],
)
def test_transform_after_fit_needs_the_fitted_size(extractor):
    rng = np.random.RandomState(0)
    extractor.fit(rng.rand(3, 32, 32, 3))
    n = len(extractor.get_feature_names_out())
    assert extractor.transform(rng.rand(2, 32, 32, 3)).shape == (2, n)
    with pytest.raises(ValueError, match=r"shape \(64, 64, 3\).*fitted on.*Resize"):
        extractor.transform(rng.rand(2, 64, 64, 3))
    with pytest.raises(ValueError, match="fitted on"):
        extractor.transform([rng.rand(16, 16, 3)])
    # unfitted (stateless use): any one size is accepted
    assert len(type(extractor)(**extractor.get_params()).transform(
        rng.rand(2, 64, 64, 3)
    )) == 2


@pytest.mark.parametrize("as_list", [False, True], ids=["stack", "list"])
def test_hog_transform_sqrt_refuses_negative_values(as_list):
    # z-scored images hold negative values: their square root was NaN
    # features with only numpy's RuntimeWarning
    X = np.random.RandomState(0).randn(2, 32, 32)
    X_in = list(X) if as_list else X
    hog_sqrt = HOGFeatures(transform_sqrt=True)
    msg = r"transform_sqrt=True.*negative.*transform_sqrt=False.*\[0, 1\]"
    with pytest.raises(ValueError, match=msg):
        hog_sqrt.fit(X_in)
    with pytest.raises(ValueError, match=msg):
        hog_sqrt.transform(X_in)
    # non-negative images (and transform_sqrt=False) are fine
    out = hog_sqrt.fit_transform(X - X.min())
    assert np.isfinite(out).all()
    assert np.isfinite(HOGFeatures().fit_transform(X_in)).all()


@pytest.mark.parametrize(
    "dtype, expected",
    [
        (np.float32, np.float32),
        (np.float64, np.float64),
        (np.float16, np.float64),  # was float32 (skimage's rule), not as documented
        (np.uint8, np.float64),
        (bool, np.float64),
    ],
)
def test_hog_output_dtype_as_documented(dtype, expected):
    X = np.random.RandomState(0).rand(2, 32, 32)
    X = X > 0.5 if dtype is bool else (X * (255 if dtype == np.uint8 else 1))
    X = X.astype(dtype)
    hog_ = HOGFeatures(pixels_per_cell=(8, 8), cells_per_block=(2, 2))
    out = hog_.fit_transform(X)
    assert out.dtype == expected
    reference = hog_.fit_transform(X.astype(np.float64))
    np.testing.assert_allclose(out, reference, rtol=1e-4, atol=1e-5)
