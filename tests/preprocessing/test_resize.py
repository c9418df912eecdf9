import re

import numpy as np
import pytest
from skimage.transform import resize

from sklvision.preprocessing import Resize


def test_list_of_sizes_becomes_a_stack():
    rng = np.random.RandomState(0)
    images = [
        rng.randint(0, 256, (h, w, 3)).astype(np.uint8)
        for h, w in [(10, 20), (31, 7), (8, 8)]
    ]
    out = Resize(output_shape=(8, 9)).fit_transform(images)
    assert out.shape == (3, 8, 9, 3) and out.dtype == np.uint8


def test_matches_skimage_with_preserved_range():
    image = np.random.RandomState(0).rand(20, 30) * 255
    out = Resize(output_shape=(10, 12)).fit_transform(image[np.newaxis])[0]
    np.testing.assert_allclose(out, resize(image, (10, 12), preserve_range=True))


def test_uint8_is_rounded_and_clipped():
    image = np.zeros((9, 9), dtype=np.uint8)
    image[4, 4] = 255
    out = Resize(output_shape=(18, 18), order=3).fit_transform([image])
    assert out.dtype == np.uint8 and out.max() <= 255 and out.min() >= 0


def test_same_size_is_a_copy():
    X = np.arange(12, dtype=np.uint8).reshape(1, 3, 4)
    out = Resize(output_shape=(3, 4)).fit_transform(X)
    np.testing.assert_array_equal(out, X)
    assert not np.shares_memory(out, X)


def test_two_d_input_is_rows_of_gray_images():
    X = np.arange(12.0).reshape(3, 4)
    assert Resize(output_shape=(2, 2)).fit_transform(X).shape == (3, 2, 2)


@pytest.mark.parametrize(
    "shape, reason",
    [
        ((0, 4), "0 is not positive"),
        ((4,), "1 values instead of 2"),
        ((4, 4, 4), "3 values instead of 2"),
        ((2.5, 3), "2.5 is not an int"),
        ((4.0, 3), "4.0 is a float (pass 4)"),
        ((True, 3), "True is a bool"),
    ],
)
def test_bad_output_shape(shape, reason):
    msg = f"output_shape must be a pair of positive ints (height, width), got {shape}"
    with pytest.raises(ValueError, match=re.escape(f"{msg}: {reason}.")):
        Resize(output_shape=shape).fit_transform(np.zeros((1, 5, 5)))


def test_numpy_integer_output_shape():
    resize = Resize(output_shape=(np.int64(3), np.uint8(4)))
    out = resize.fit_transform([np.ones((5, 5))])
    assert out.shape == (1, 3, 4)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.int16, np.int32, bool])
def test_nearest_neighbour_keeps_labels(dtype):
    # order=0 on integer or boolean images: no anti-aliasing (skimage's rule,
    # decided on the input dtype), so a label mask only keeps its labels.
    mask = np.zeros((1, 20, 20), dtype=np.uint8)
    mask[0, :, 10:] = 1 if dtype is bool else 3
    mask[0, 5:9, 2:5] = 1 if dtype is bool else 7
    mask = mask.astype(dtype)
    out = Resize(output_shape=(7, 7), order=0).fit_transform(mask)
    expected = resize(mask[0], (7, 7), order=0, preserve_range=True)
    np.testing.assert_array_equal(out[0], expected)
    assert set(np.unique(out)) <= set(np.unique(mask))


def test_explicit_anti_aliasing_is_kept_for_integers():
    image = (np.arange(400).reshape(1, 20, 20) % 7 * 30).astype(np.uint8)
    on = Resize(output_shape=(7, 7), order=0, anti_aliasing=True).fit_transform(image)
    off = Resize(output_shape=(7, 7), order=0).fit_transform(image)
    assert not np.array_equal(on, off)


def test_bool_masks_dtype_as_documented():
    # bool images always gave float64, also with order=0 where skimage keeps
    # them boolean; the docstring said nothing
    mask = np.zeros((2, 20, 20), dtype=bool)
    mask[:, 4:15, 6:12] = True
    nearest = Resize(output_shape=(7, 9), order=0).fit_transform(mask)
    assert nearest.dtype == bool
    expected = resize(mask[0], (7, 9), order=0, preserve_range=True)
    np.testing.assert_array_equal(nearest[0], expected)
    assert Resize(output_shape=(20, 20), order=0).fit_transform(mask).dtype == bool
    assert Resize(output_shape=(7, 9), order=0).fit_transform(list(mask)).dtype == bool
    # interpolated (order >= 1, which skimage refuses for bool, or smoothed):
    # float64 fractions of foreground in [0, 1]
    for params in (dict(order=1), dict(order=0, anti_aliasing=True)):
        out = Resize(output_shape=(7, 9), **params).fit_transform(mask)
        assert out.dtype == np.float64
        assert 0 <= out.min() and out.max() <= 1
        assert ((out > 0) & (out < 1)).any()
