import numpy as np
import pytest

from sklvision.preprocessing import Normalize


def test_minmax_per_image():
    X = np.array([[[0, 50, 100]], [[10, 20, 30]]], dtype=np.uint8)
    out = Normalize().fit_transform(X)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, [[[0, 0.5, 1]], [[0, 0.5, 1]]])


def test_zscore_per_image():
    rng = np.random.RandomState(0)
    X = rng.rand(4, 6, 7) * 50 + 3
    out = Normalize(method="zscore").fit_transform(X)
    np.testing.assert_allclose(out.mean(axis=(1, 2)), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=(1, 2)), 1)


def test_zscore_minmax_equals_minmax():
    X = np.random.RandomState(0).rand(3, 5, 5, 3).astype(np.float32)
    a = Normalize(method="zscore-minmax").fit_transform(X)
    b = Normalize(method="minmax").fit_transform(X)
    assert a.dtype == np.float32
    np.testing.assert_allclose(a, b, atol=1e-6)
    assert a.min() == 0 and np.isclose(a.max(), 1)


def test_per_channel_vs_per_image():
    X = np.zeros((1, 2, 2, 2))
    X[..., 0] = [[0, 1], [2, 3]]
    X[..., 1] = [[0, 10], [20, 30]]
    per_channel = Normalize(per="channel").fit_transform(X)
    np.testing.assert_allclose(per_channel[..., 0], per_channel[..., 1])
    np.testing.assert_allclose(per_channel[0, ..., 0], [[0, 1 / 3], [2 / 3, 1]])
    per_image = Normalize(per="image").fit_transform(X)
    assert per_image[0, 1, 1, 0] == pytest.approx(0.1)


@pytest.mark.parametrize("method", ["minmax", "zscore", "zscore-minmax"])
def test_constant_image_gives_zeros_not_nan(method):
    out = Normalize(method=method).fit_transform(np.full((2, 3, 3), 5.0))
    np.testing.assert_array_equal(out, 0)


def test_list_in_list_out():
    images = [np.arange(4.0).reshape(2, 2), np.arange(9.0).reshape(3, 3)]
    out = Normalize().fit_transform(images)
    assert isinstance(out, list)
    assert [im.max() for im in out] == [1, 1]
