import numpy as np
import pytest
from skimage.color import rgb2gray

from sklvision.preprocessing import Grayscale


def test_luminance_matches_skimage_up_to_scaling():
    rng = np.random.RandomState(0)
    X = rng.rand(3, 5, 6, 3)
    out = Grayscale().fit_transform(X)
    assert out.shape == (3, 5, 6) and out.dtype == np.float64
    np.testing.assert_allclose(out, rgb2gray(X), atol=1e-12)


def test_uint8_stays_uint8_and_is_rounded():
    X = np.zeros((1, 1, 3, 3), dtype=np.uint8)
    X[0, 0] = [[255, 0, 0], [0, 255, 0], [0, 0, 255]]
    out = Grayscale().fit_transform(X)
    assert out.dtype == np.uint8
    # 0.2125 * 255 = 54.19, 0.7154 * 255 = 182.43, 0.0721 * 255 = 18.39
    np.testing.assert_array_equal(out[0, 0], [54, 182, 18])
    np.testing.assert_array_equal(
        Grayscale(method="mean").fit_transform(X)[0, 0], [85, 85, 85]
    )


def test_white_stays_white():
    X = np.full((2, 3, 3, 3), 255, dtype=np.uint8)
    np.testing.assert_array_equal(Grayscale().fit_transform(X), 255)


def test_gray_input_is_returned_unchanged():
    X = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(Grayscale().fit_transform(X), X)
    images = [np.ones((2, 2)), np.zeros((3, 1))]
    out = Grayscale().fit_transform(images)
    assert [im.shape for im in out] == [(2, 2), (3, 1)]


def test_channel_variants():
    rgb = np.random.RandomState(0).rand(4, 4, 3)
    rgba = np.dstack([rgb, np.random.RandomState(1).rand(4, 4)])
    one = rgb[..., :1]
    gray_alpha = np.dstack([rgb[..., 0], rgb[..., 1]])
    out = Grayscale().transform([rgba])[0]
    np.testing.assert_allclose(out, rgb2gray(rgb))  # alpha ignored
    np.testing.assert_array_equal(Grayscale().transform([one])[0], rgb[..., 0])
    np.testing.assert_array_equal(Grayscale().transform([gray_alpha])[0], rgb[..., 0])
    five = np.random.RandomState(2).rand(4, 4, 5)
    np.testing.assert_allclose(
        Grayscale(method="mean").transform([five])[0], five.mean(axis=2)
    )
    with pytest.raises(ValueError, match="method='mean'"):
        Grayscale().transform([five])


def test_bad_method():
    with pytest.raises(ValueError, match="method"):
        Grayscale(method="max").fit(np.zeros((1, 2, 2, 3)))
