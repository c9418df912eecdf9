import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sklvision.metrics import box_iou


def test_box_iou_hand_cases():
    a = [[0, 0, 2, 2]]
    b = [[1, 1, 3, 3], [0, 0, 2, 2], [2, 0, 4, 2], [5, 5, 6, 6], [0, 0, 1, 2]]
    iou = box_iou(a, b)
    np.testing.assert_allclose(iou, [[1 / 7, 1.0, 0.0, 0.0, 0.5]])
    assert iou.dtype == np.float64 and iou.shape == (1, 5)


def test_box_iou_continuous_convention():
    # area is (x1 - x0) * (y1 - y0): no +1
    assert box_iou([[0, 0, 10, 10]], [[0, 0, 10, 5]])[0, 0] == 0.5


def test_box_iou_empty_and_degenerate():
    assert box_iou(np.zeros((0, 4)), [[0, 0, 1, 1]]).shape == (0, 1)
    assert box_iou([[0, 0, 1, 1]], []).shape == (1, 0)
    # zero-area boxes: no union -> 0
    assert box_iou([[1, 1, 1, 1]], [[1, 1, 1, 1]])[0, 0] == 0.0


def test_box_iou_float32_and_lists():
    a = np.array([[0, 0, 2, 2]], dtype=np.float32)
    assert box_iou(a, a.tolist()).dtype == np.float64


@pytest.mark.parametrize(
    "boxes, match",
    [
        ([[0, 0, 1]], "shape"),
        ([[2, 0, 1, 1]], "x_max < x_min"),
        ([[0, 0, np.nan, 1]], "NaN"),
        (np.zeros((2, 2, 4)), "shape"),
    ],
)
def test_box_iou_errors(boxes, match):
    with pytest.raises(ValueError, match=match):
        box_iou(boxes, [[0, 0, 1, 1]])


def test_box_iou_non_numeric_boxes_are_a_value_error():
    # a TypeError here, a ValueError in validate_targets and the plots: now a
    # ValueError everywhere, as sklearn's check_array for strings
    with pytest.raises(ValueError, match="boxes_a: boxes must be numeric"):
        box_iou([["a", "b", "c", "d"]], [[0, 0, 1, 1]])
    with pytest.raises(ValueError, match="boxes_b: boxes must be numeric"):
        box_iou([[0, 0, 1, 1]], np.array([[None, {}, 1, 1]], dtype=object))


coords = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=64)
sizes = st.floats(1e-2, 1e3, allow_nan=False, allow_infinity=False)


@st.composite
def box_sets(draw, max_size=8):
    n = draw(st.integers(0, max_size))
    xy = draw(arrays(np.float64, (n, 2), elements=coords))
    wh = draw(arrays(np.float64, (n, 2), elements=sizes))
    return np.hstack([xy, xy + wh])


@settings(max_examples=60, deadline=None)
@given(box_sets(), box_sets())
def test_box_iou_properties(a, b):
    iou = box_iou(a, b)
    assert iou.shape == (len(a), len(b))
    assert np.all((iou >= 0) & (iou <= 1))
    np.testing.assert_array_equal(iou, box_iou(b, a).T)  # exactly symmetric
    if len(a):
        np.testing.assert_array_equal(np.diag(box_iou(a, a)), 1.0)
