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


def _mixed_images():
    rng = np.random.RandomState(0)
    return [
        rng.randint(0, 256, size=(4, 5)).astype(np.uint8),
        rng.randint(0, 256, size=(3, 6, 3)).astype(np.uint8),
        rng.rand(5, 2, 4).astype(np.float32),
        rng.rand(2, 3, 1),
        rng.rand(6, 4, 2),
    ]


@pytest.mark.parametrize("container", ["list", "tuple", "object-array"])
@pytest.mark.parametrize("method", ["luminance", "mean"])
def test_list_mixing_gray_and_colour_images(container, method):
    # a folder of photos often mixes gray and colour files; this raised
    # "X mixes images ... convert them first, e.g. with ...Grayscale"
    images = _mixed_images()
    copies = [im.copy() for im in images]
    if container == "tuple":
        X = tuple(images)
    elif container == "object-array":
        X = np.empty(len(images), dtype=object)
        X[:] = images
    else:
        X = images
    gray = Grayscale(method=method)
    out = gray.fit_transform(X)
    assert isinstance(out, list) and len(out) == len(images)
    for image, result in zip(images, out):
        expected = gray.transform([image])[0]  # each image converted alone
        assert result.ndim == 2 and result.shape == image.shape[:2]
        assert result.dtype == image.dtype
        np.testing.assert_array_equal(result, expected)
    for image, copy in zip(images, copies):
        np.testing.assert_array_equal(image, copy)


def test_mixed_list_bad_items_and_fitted_state():
    images = _mixed_images()
    with pytest.raises(ValueError, match=r"X\[2\] contains NaN"):
        Grayscale().transform(images[:2] + [np.full((3, 3, 3), np.nan)])
    with pytest.raises(ValueError, match=r"X\[1\] has shape \(3,\)"):
        Grayscale().transform([images[1], np.zeros(3)])
    with pytest.raises(ValueError, match=r"X\[1\].*empty"):
        Grayscale().transform([images[0], np.zeros((0, 4, 3))])
    with pytest.raises(TypeError, match=r"X\[2\] is a list"):
        Grayscale().transform(images[:2] + [[[1, 2], [3, 4]]])
    with pytest.raises(ValueError, match="method='mean'"):
        Grayscale().transform([images[0], np.zeros((3, 3, 5))])
    # fitted state as for the other containers: n_features_in_ only for
    # 2-D input, and a fit on images forgets it
    gray = Grayscale().fit(np.zeros((2, 6)))
    assert gray.n_features_in_ == 6
    assert len(gray.transform(images)) == len(images)
    gray.fit(images)
    assert not hasattr(gray, "n_features_in_")
