import numpy as np
import pytest
from skimage.filters import threshold_otsu

from sklvision.preprocessing import Binarize


@pytest.mark.parametrize(
    "dtype, expected",
    [(np.uint8, 127.5), (np.uint16, 32767.5), (np.float32, 0.5), (np.float64, 0.5)],
)
def test_default_threshold_is_the_dtype_midpoint(dtype, expected):
    X = np.array([[[expected - 0.5, expected + 0.5]]]).astype(dtype)
    out = Binarize().fit_transform(X)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, [[[0, 1]]])


def test_fixed_threshold_and_foreground():
    X = np.array([[[1.0, 2.0, 3.0]]])
    np.testing.assert_array_equal(Binarize(threshold=2).fit_transform(X), [[[0, 0, 1]]])
    np.testing.assert_array_equal(
        Binarize(threshold=2, foreground="dark").fit_transform(X), [[[1, 0, 0]]]
    )


def test_mean_threshold_is_per_image():
    X = np.array([[[0, 10, 20]], [[100, 110, 120]]], dtype=np.uint8)
    np.testing.assert_array_equal(
        Binarize(threshold="mean").fit_transform(X), [[[0, 0, 1]], [[0, 0, 1]]]
    )


def test_otsu_matches_skimage():
    rng = np.random.RandomState(0)
    image = np.concatenate([rng.normal(50, 5, 50), rng.normal(200, 5, 50)])
    image = np.clip(image, 0, 255).astype(np.uint8).reshape(10, 10)
    out = Binarize(threshold="otsu").transform([image])[0]
    np.testing.assert_array_equal(out, (image > threshold_otsu(image)).astype(np.uint8))
    assert out.sum() == 50


def test_constant_image_is_background_for_every_rule():
    X = np.full((1, 4, 4), 7, dtype=np.uint8)
    for threshold in ("mean", "otsu", 7):
        for foreground in ("bright", "dark"):
            out = Binarize(threshold=threshold, foreground=foreground).transform(X)
            assert out.sum() == 0


def test_colour_channels_are_thresholded_separately():
    X = np.array([[[[255, 0, 200]]]], dtype=np.uint8)
    np.testing.assert_array_equal(Binarize().transform(X), [[[[1, 0, 1]]]])


def test_bad_threshold():
    with pytest.raises(ValueError, match="threshold"):
        Binarize(threshold="median").fit(np.zeros((1, 2, 2)))


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64])
def test_default_threshold_refuses_signed_integers(dtype):
    # the dtype midpoint (-0.5, 0.0) would make 0-255 images all foreground
    X = np.array([[[0, 100, 120]]], dtype=dtype)
    with pytest.raises(ValueError, match="signed integer.*threshold=127.5"):
        Binarize().fit_transform(X)
    np.testing.assert_array_equal(
        Binarize(threshold=99.5).fit_transform(X), [[[0, 1, 1]]]
    )
    assert Binarize(threshold="otsu").fit_transform(X).dtype == dtype


def test_otsu_on_bool_images_without_skimage_warning():
    # threshold_otsu warned "Converting input from bool to uint8" per image
    import warnings

    masks = np.random.RandomState(0).rand(3, 8, 8) > 0.5
    masks[2] = True  # a flat image: all background
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = Binarize(threshold="otsu").fit_transform(masks)
        out_list = Binarize(threshold="otsu").fit_transform(list(masks))
    assert out.dtype == bool
    np.testing.assert_array_equal(out[:2], masks[:2])
    assert not out[2].any()
    np.testing.assert_array_equal(np.stack(out_list), out)
