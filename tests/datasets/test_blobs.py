"""Tests for make_blobs_localization."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklvision.datasets import make_blobs_localization
from sklvision.utils import validate_targets


def test_shapes_dtype_and_targets():
    X, y = make_blobs_localization(5, image_size=40, random_state=0)
    assert X.shape == (5, 40, 40) and X.dtype == np.float64
    assert set(np.unique(X)) <= {0.0, 1.0}
    assert len(y) == 5
    checked = validate_targets(y, n_images=5, image_shapes=[(40, 40)] * 5)
    for t in checked:
        assert t["boxes"].shape == (1, 4)
        assert_array_equal(t["labels"], [0])


def test_box_is_the_disc_extent():
    X, y = make_blobs_localization(
        20, image_size=(48, 64), radius_range=(3, 20), random_state=1
    )
    assert X.shape == (20, 48, 64)
    for img, t in zip(X, y):
        x0, y0, x1, y1 = t["boxes"][0]
        assert 0 <= x0 < x1 <= 64 and 0 <= y0 < y1 <= 48
        assert x1 - x0 == pytest.approx(y1 - y0)  # a disc: square box
        rows, cols = np.nonzero(img)
        # every white pixel centre lies in the box, and the white pixels reach
        # to within one pixel of every side
        assert rows.min() + 0.5 >= y0 and rows.max() + 0.5 <= y1
        assert cols.min() + 0.5 >= x0 and cols.max() + 0.5 <= x1
        assert rows.min() - y0 < 1 and y1 - (rows.max() + 1) < 1
        assert cols.min() - x0 < 1 and x1 - (cols.max() + 1) < 1
        # area close to pi r^2
        r = (x1 - x0) / 2
        assert abs(img.sum() - np.pi * r**2) < 2 * np.pi * r + 4


def test_radius_range_and_clipping():
    _, y = make_blobs_localization(
        200, image_size=128, radius_range=(4, 60), random_state=0
    )
    radii = np.array([(t["boxes"][0, 2] - t["boxes"][0, 0]) / 2 for t in y])
    assert radii.min() >= 4 and radii.max() <= 60
    assert radii.max() - radii.min() > 40  # spread over the range
    _, y = make_blobs_localization(
        5, image_size=16, radius_range=(20, 30), random_state=0
    )
    for t in y:  # clipped to half the image: the disc fills the image
        assert_array_equal(t["boxes"][0], [0, 0, 16, 16])


def test_reproducible_noise_and_dtypes():
    a, ya = make_blobs_localization(4, image_size=24, random_state=3)
    b, yb = make_blobs_localization(4, image_size=24, random_state=3)
    c, _ = make_blobs_localization(4, image_size=24, random_state=4)
    assert_array_equal(a, b)
    assert_array_equal(ya[0]["boxes"], yb[0]["boxes"])
    assert not np.array_equal(a, c)
    n, _ = make_blobs_localization(4, image_size=24, noise=0.1, random_state=3)
    assert 0.05 < np.std(n - a) < 0.15
    f, _ = make_blobs_localization(4, image_size=24, dtype=np.float32, random_state=3)
    assert f.dtype == np.float32
    u, _ = make_blobs_localization(4, image_size=24, dtype="uint8", random_state=3)
    assert u.dtype == np.uint8 and u.max() == 255
    assert_array_equal(u // 255, a)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_samples": 0}, "n_samples"),
        ({"image_size": 2}, "image_size"),
        ({"image_size": "big"}, "image_size"),
        ({"radius_range": (5, 2)}, "radius_range"),
        ({"radius_range": 5}, "radius_range"),
        ({"noise": -1}, "noise"),
        ({"dtype": np.int32}, "dtype"),
        ({"dtype": np.uint8, "noise": 0.1}, "noise"),
    ],
)
def test_bad_parameters(kwargs, match):
    kwargs = {"n_samples": 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        make_blobs_localization(**kwargs)


@pytest.mark.parametrize("image_size", [(16.9, 20.5), True, (16,), (0, 8)])
def test_bad_image_size_refused(image_size):
    # (16.9, 20.5) silently gave 16x20 images
    with pytest.raises(ValueError, match="image_size"):
        make_blobs_localization(2, image_size=image_size)
