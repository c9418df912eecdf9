import numpy as np
import pytest
from sklearn.base import BaseEstimator

from sklvision.classification import BinaryPixelMatchClassifier, NumpyMLPClassifier
from sklvision.detection import non_max_suppression
from sklvision.metrics import box_iou
from sklvision.utils import (
    as_float_image,
    image_shape,
    make_detections,
    to_gray,
    validate_images,
    validate_predictions,
    validate_targets,
)
from sklvision.utils._validation import _check_int_pair


class _Dummy(BaseEstimator):
    pass


def test_stack_keeps_dtype_and_container():
    X = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    out = validate_images(X)
    assert isinstance(out, np.ndarray) and out.dtype == np.uint8
    np.testing.assert_array_equal(out, X)
    X32 = X.astype(np.float32)
    assert validate_images(X32, dtype=(np.float64, np.float32)).dtype == np.float32
    assert validate_images(X, dtype=(np.float64, np.float32)).dtype == np.float64


def test_stack_records_n_features_with_estimator():
    est = _Dummy()
    validate_images(np.zeros((3, 5)), estimator=est)
    assert est.n_features_in_ == 5
    with pytest.raises(ValueError, match="features"):
        validate_images(np.zeros((3, 6)), estimator=est, reset=False)


@pytest.mark.parametrize("kind", ["list", "tuple", "object"])
def test_sequence_stays_a_list(kind):
    images = [np.zeros((4, 5, 3), np.uint8), np.ones((6, 2, 3), np.uint8)]
    if kind == "tuple":
        X = tuple(images)
    elif kind == "object":
        X = np.empty(2, dtype=object)
        X[:] = images
    else:
        X = images
    out = validate_images(X)
    assert isinstance(out, list)
    assert [im.shape for im in out] == [(4, 5, 3), (6, 2, 3)]
    assert all(im.dtype == np.uint8 for im in out)


def test_sequence_of_same_size_to_stack_when_not_ragged():
    out = validate_images([np.zeros((3, 3)), np.ones((3, 3))], allow_ragged=False)
    assert out.shape == (2, 3, 3)
    with pytest.raises(ValueError, match="different shapes"):
        validate_images([np.zeros((3, 3)), np.ones((4, 3))], allow_ragged=False)


@pytest.mark.parametrize(
    "X, match",
    [
        ([], "empty"),
        (np.zeros((0, 4, 4)), "empty"),
        (None, "None"),
        ([np.zeros((3, 3)), np.zeros((3, 3, 3))], "channel"),
        ([np.zeros((3, 3, 3)), np.zeros((3, 3, 4))], "channel"),
        ([np.zeros((3, 3)), np.zeros((2, 2, 2, 2))], "2-D .* or 3-D"),
        ([np.array([[1.0, np.nan]]), np.zeros((2, 2))], "NaN"),
        (np.full((2, 3, 3), np.inf), "infinity"),
        ([np.zeros((0, 3)), np.zeros((2, 2))], "empty"),
        (np.zeros((1, 2, 2, 2, 2)), "dimensions"),
        (np.zeros((2, 0, 4)), "must not be empty"),
        (np.zeros((2, 4, 0)), "must not be empty"),
        (np.zeros((2, 4, 4, 0)), "must not be empty"),
    ],
)
def test_bad_images_raise_value_error(X, match):
    with pytest.raises(ValueError, match=match):
        validate_images(X)


def test_non_numeric_images_raise():
    with pytest.raises(ValueError):
        validate_images(np.array([[["a", "b"]]]))
    with pytest.raises(TypeError, match="numpy array"):
        validate_images([np.zeros((2, 2)), "not an image"])


def test_validate_images_does_not_modify_input():
    X = [np.arange(6.0).reshape(2, 3), np.arange(4.0).reshape(2, 2)]
    copies = [x.copy() for x in X]
    out = validate_images(X, dtype=np.float32)
    out[0][...] = -1
    for a, b in zip(X, copies):
        np.testing.assert_array_equal(a, b)


def test_targets_both_forms():
    y = [
        np.array([[0, 0, 2, 2], [1, 1, 3, 4]]),
        {"boxes": [[0, 0, 1, 1]], "labels": [3], "iscrowd": [1], "area": [3]},
        np.zeros((0, 4)),
    ]
    t = validate_targets(y, n_images=3)
    assert t[0]["boxes"].dtype == np.float64 and t[0]["boxes"].shape == (2, 4)
    np.testing.assert_array_equal(t[0]["labels"], [0, 0])
    assert t[1]["labels"].tolist() == [3]
    assert t[1]["iscrowd"].dtype == bool and t[1]["iscrowd"][0]
    assert t[1]["area"].tolist() == [3.0]
    assert t[2]["boxes"].shape == (0, 4)
    # a copy: changing the output leaves the input alone
    t[0]["boxes"][0, 0] = 99
    assert y[0][0, 0] == 0


def test_targets_3d_numeric_array():
    t = validate_targets(np.zeros((2, 1, 4)) + [0, 0, 1, 1])
    assert len(t) == 2 and t[1]["boxes"].shape == (1, 4)


@pytest.mark.parametrize(
    "y, match",
    [
        ([[[2, 0, 1, 1]]], "x_max <= x_min"),
        ([[[0, 2, 1, 1]]], "y_max <= y_min"),
        ([[[0, 0, 1, np.nan]]], "NaN"),
        ([[[0, 0, 1]]], r"shape \(n_boxes, 4\)"),
        ([{"labels": [1]}], "without 'boxes'"),
        ([{"boxes": [[0, 0, 1, 1]], "labels": [1, 2]}], "one entry per box"),
        ([{"boxes": [[0, 0, 1, 1]], "area": [-1]}], "area"),
        (None, "None"),
        (np.zeros((2, 4)), "shape"),
    ],
)
def test_bad_targets(y, match):
    with pytest.raises(ValueError, match=match):
        validate_targets(y)


def test_targets_count_and_image_bounds():
    with pytest.raises(ValueError, match="one target per image"):
        validate_targets([np.zeros((0, 4))], n_images=2)
    with pytest.raises(ValueError, match="outside its image"):
        validate_targets([[[0, 0, 11, 5]]], image_shapes=[(10, 10)])
    validate_targets([[[0, 0, 10, 10]]], image_shapes=[(10, 10)])
    with pytest.raises(TypeError, match="one dict per image"):
        validate_targets({"boxes": [[0, 0, 1, 1]]})


def test_predictions_forms():
    p = validate_predictions(
        [
            {"boxes": [[0, 0, 1, 1]], "scores": [0.5], "labels": [3]},
            np.array([[0, 0, 1, 1, 0.2]]),
            np.array([[0, 0, 1, 1]]),
            [],
        ]
    )
    assert p[0]["labels"].tolist() == [3]
    assert p[1]["scores"].tolist() == [0.2]
    assert p[2]["scores"].tolist() == [1.0]
    assert p[3]["boxes"].shape == (0, 4) and p[3]["scores"].shape == (0,)
    with pytest.raises(ValueError, match="'scores'"):
        validate_predictions([{"boxes": [[0, 0, 1, 1]]}])
    with pytest.raises(ValueError, match="NaN"):
        validate_predictions([{"boxes": [[0, 0, 1, 1]], "scores": [np.nan]}])
    with pytest.raises(ValueError, match=r"\(n_boxes, 5\) with a score column"):
        validate_predictions([np.zeros((1, 3))])


def test_make_detections_sorted_object_array():
    out = make_detections(
        [np.array([[0, 0, 1, 1], [0, 0, 2, 2], [0, 0, 3, 3]]), np.zeros((0, 4))],
        [np.array([0.1, 0.9, 0.1]), np.zeros(0)],
        [np.array(["a", "b", "c"]), np.array([], dtype=str)],
    )
    assert out.dtype == object and out.shape == (2,)
    assert out[0]["scores"].tolist() == [0.9, 0.1, 0.1]
    assert out[0]["labels"].tolist() == ["b", "a", "c"]  # stable for ties
    assert out[1]["boxes"].shape == (0, 4)
    with pytest.raises(ValueError, match="must match"):
        make_detections([np.zeros((2, 4))], [np.zeros(1)])


def test_small_image_helpers():
    assert image_shape(np.zeros((3, 4))) == (3, 4)
    assert as_float_image(np.zeros(2, np.float32)).dtype == np.float32
    assert as_float_image(np.zeros(2, np.int16)).dtype == np.float64
    rgb = np.zeros((2, 2, 3), np.float32)
    rgb[..., 1] = 1
    gray = to_gray(rgb)
    assert gray.dtype == np.float32
    np.testing.assert_allclose(gray, 0.7154, rtol=1e-6)
    np.testing.assert_array_equal(to_gray(np.ones((2, 2, 1))), np.ones((2, 2)))
    rgba = np.ones((1, 1, 4))
    np.testing.assert_allclose(to_gray(rgba), [[1.0]])


def test_one_colour_image_refused_where_real_images_are_needed():
    rgb = np.zeros((5, 6, 3))
    with pytest.raises(ValueError, match=r"shape \(5, 6, 3\).*5 gray images 6 x 3"):
        validate_images(rgb, allow_flat=False)
    with pytest.raises(ValueError, match="RGBA"):
        validate_images(np.zeros((5, 6, 4)), allow_flat=False)
    # a stack of colour images, a list of them, other widths and the tabular
    # default are unchanged
    assert validate_images(rgb[None], allow_flat=False).shape == (1, 5, 6, 3)
    assert len(validate_images([rgb], allow_flat=False)) == 1
    assert validate_images(np.zeros((5, 6, 5)), allow_flat=False).shape == (5, 6, 5)
    assert validate_images(rgb).shape == (5, 6, 3)


@pytest.mark.parametrize(
    "iscrowd, expected",
    [
        ([0, 1], [False, True]),
        ([0.0, 1.0], [False, True]),
        (np.array([True, False]), [True, False]),
        (np.array([0, 1], dtype=object), [False, True]),
    ],
)
def test_iscrowd_bools_and_zero_one_numbers(iscrowd, expected):
    y = [{"boxes": [[0, 0, 1, 1], [2, 2, 3, 3]], "iscrowd": iscrowd}]
    t = validate_targets(y)
    assert t[0]["iscrowd"].dtype == bool
    assert t[0]["iscrowd"].tolist() == expected


@pytest.mark.parametrize(
    "iscrowd", [np.array(["0", "0"]), ["0", "1"], np.array([b"0", b"1"]), [0, None]]
)
def test_iscrowd_strings_refused(iscrowd):
    # astype(bool) read "0" as True: every box became a crowd box
    y = [{"boxes": [[0, 0, 1, 1], [2, 2, 3, 3]], "iscrowd": iscrowd}]
    with pytest.raises(TypeError, match="'iscrowd' must hold booleans or the num"):
        validate_targets(y)


@pytest.mark.parametrize("iscrowd", [[0, 2], [-1, 0], [0.5, 1], [np.nan, 0]])
def test_iscrowd_numbers_other_than_zero_one_refused(iscrowd):
    y = [{"boxes": [[0, 0, 1, 1], [2, 2, 3, 3]], "iscrowd": iscrowd}]
    with pytest.raises(ValueError, match="'iscrowd' must be 0 or 1"):
        validate_targets(y)


def test_string_labels_and_images_without_boxes():
    y = [{"boxes": [[0, 0, 1, 1]], "labels": ["cat"]}, np.zeros((0, 4))]
    t = validate_targets(y)
    assert t[0]["labels"].tolist() == ["cat"]
    assert t[1]["labels"].shape == (0,)
    # object arrays of one kind become plain arrays
    t = validate_targets([{"boxes": [[0, 0, 1, 1]], "labels": np.array([2], object)}])
    assert t[0]["labels"].dtype.kind == "i"


@pytest.mark.parametrize(
    "y",
    [
        # one image: np.array([0, "cat"]) made the int a string
        [{"boxes": [[0, 0, 1, 1], [1, 1, 2, 2]], "labels": [0, "cat"]}],
        [{"boxes": [[0, 0, 1, 1], [1, 1, 2, 2]], "labels": np.array([0, "a"], object)}],
        # across images: np.concatenate gave classes_ ["0", "cat"]
        [
            {"boxes": [[0, 0, 1, 1]], "labels": [0]},
            {"boxes": [[0, 0, 1, 1]], "labels": ["cat"]},
        ],
        # the box-array shorthand means label 0
        [[[0, 0, 1, 1]], {"boxes": [[0, 0, 1, 1]], "labels": ["cat"]}],
    ],
)
def test_targets_mixing_label_types_refused(y):
    with pytest.raises(TypeError, match="one label type"):
        validate_targets(y)


def test_predictions_mixing_label_types_refused():
    p = [
        {"boxes": [[0, 0, 1, 1]], "scores": [0.5], "labels": [0]},
        {"boxes": [[0, 0, 1, 1]], "scores": [0.5], "labels": ["0"]},
    ]
    with pytest.raises(TypeError, match="one label type"):
        validate_predictions(p)
    with pytest.raises(TypeError, match="one label type"):
        validate_predictions(
            [{"boxes": [[0, 0, 1, 1]] * 2, "scores": [0.5, 0.4], "labels": [1, "0"]}]
        )


@pytest.mark.parametrize(
    "labels, match",
    [
        ([np.nan], "NaN"),
        (np.array([1.0, np.inf]), "infinite"),
        ([None], "None"),
        (np.array([0, None], dtype=object), "None"),
        (["cat", None], "None"),
    ],
)
def test_missing_labels_refused(labels, match):
    k = len(labels)
    y = [{"boxes": [[0, 0, 1, 1]] * k, "labels": labels}]
    with pytest.raises(ValueError, match=match):
        validate_targets(y)
    p = [{"boxes": [[0, 0, 1, 1]] * k, "scores": [0.5] * k, "labels": labels}]
    with pytest.raises(ValueError, match=match):
        validate_predictions(p)


def test_make_detections_refuses_nan_scores_and_inverted_boxes():
    with pytest.raises(ValueError, match="scores_list"):
        make_detections([[[0, 0, 1, 1]]], [[np.nan]])
    with pytest.raises(ValueError, match="x_max < x_min"):
        make_detections([[[5, 0, 1, 1]]], [[0.5]])
    with pytest.raises(ValueError, match="y_max < y_min"):
        make_detections([[[0, 5, 1, 1]]], [[0.5]])
    with pytest.raises(ValueError, match="NaN"):
        make_detections([[[0, 0, np.nan, 1]]], [[0.5]])
    # a box clipped to zero width is a valid (if useless) detection
    out = make_detections([[[3, 0, 3, 2]]], [[0.5]])
    assert out[0]["boxes"].tolist() == [[3.0, 0.0, 3.0, 2.0]]


def test_predictions_may_have_zero_size_boxes_targets_may_not():
    p = validate_predictions(
        [{"boxes": [[3, 0, 3, 5], [0, 2, 4, 2]], "scores": [0.5, 0.4]}, [[1, 1, 1, 1]]]
    )
    assert p[0]["boxes"].tolist() == [[3, 0, 3, 5], [0, 2, 4, 2]]
    assert p[1]["boxes"].shape == (1, 4)
    with pytest.raises(ValueError, match="x_max < x_min"):
        validate_predictions([{"boxes": [[3, 0, 2, 5]], "scores": [0.5]}])
    with pytest.raises(ValueError, match="x_max <= x_min"):
        validate_targets([[[3, 0, 3, 5]]])


@pytest.mark.parametrize("func", [to_gray, image_shape])
def test_small_image_helpers_refuse_lists_and_stacks(func):
    # a list used to raise AttributeError: 'list' object has no attribute ...
    images = [np.zeros((2, 3)), np.zeros((2, 3))]
    with pytest.raises(TypeError, match=r"one image.*call it on each"):
        func(images)
    with pytest.raises(TypeError, match=r"np\.asarray"):
        func("image.png")
    with pytest.raises(ValueError, match="one image"):
        func(np.zeros((2, 3, 4, 3)))
    with pytest.raises(ValueError, match="one image"):
        func(np.zeros(5))


def test_voc_difficult_is_read_as_iscrowd():
    # a "difficult" key was silently dropped: difficult boxes then counted as
    # missed objects in AP
    from sklvision.metrics import average_precision_score

    boxes = np.array([[0, 0, 10, 10], [20, 20, 30, 30]])
    y_true = [{"boxes": boxes, "labels": [0, 0], "difficult": [0, 1]}]
    (target,) = validate_targets(y_true)
    np.testing.assert_array_equal(target["iscrowd"], [False, True])
    both = [{"boxes": boxes, "labels": [0, 0], "difficult": [0, 1], "iscrowd": [1, 0]}]
    np.testing.assert_array_equal(validate_targets(both)[0]["iscrowd"], [True, True])
    y_pred = [{"boxes": boxes[:1], "scores": [0.9], "labels": [0]}]
    assert average_precision_score(y_true, y_pred) == 1.0
    with pytest.raises(TypeError, match="difficult"):
        validate_targets([{"boxes": boxes, "difficult": ["0", "1"]}])


def test_as_float_image_big_endian_float32_stays_float32():
    from sklvision.utils import as_float_image

    image = np.arange(6, dtype=">f4").reshape(2, 3)
    out = as_float_image(image)
    assert out.dtype == np.float32 and out.dtype.isnative
    np.testing.assert_array_equal(out, image)
    native = np.zeros((2, 2), dtype=np.float32)
    assert as_float_image(native) is native  # no copy


def test_make_detections_refuses_boxes_of_other_shapes_and_mixed_labels():
    # a (2, 2) array was reshaped into one box, a flat (8,) array into two;
    # labels [0, "cat"] became the strings ["0", "cat"]
    with pytest.raises(ValueError, match=r"\(n_boxes, 4\).*got shape \(2, 2\)"):
        make_detections([[[0, 0], [2, 2]]], [[0.5]])
    with pytest.raises(ValueError, match=r"shape \(8,\)"):
        make_detections([np.arange(8.0)], [[0.5, 0.4]])
    with pytest.raises(TypeError, match="mix numbers and strings"):
        make_detections([[[0, 0, 1, 1], [0, 0, 2, 2]]], [[0.5, 0.4]], [[0, "cat"]])
    with pytest.raises(ValueError, match="None"):
        make_detections([[[0, 0, 1, 1]]], [[0.5]], [[None]])
    with pytest.raises(ValueError, match="1 boxes, 1 scores and 2 labels"):
        make_detections([[[0, 0, 1, 1]]], [[0.5]], [[1, 2]])
    (empty,) = make_detections([np.zeros((0, 4))], [[]], [[]])
    assert empty["boxes"].shape == (0, 4) and empty["labels"].dtype == np.int64


def test_label_key_typos_are_refused():
    # {"boxes": ..., "label": [...]} silently gave every box label 0
    boxes = np.array([[0, 0, 4, 4]])
    for key in ("label", "category_id"):
        with pytest.raises(ValueError, match=f"'{key}' key but no 'labels'"):
            validate_targets([{"boxes": boxes, key: [3]}])
        with pytest.raises(ValueError, match=f"'{key}' key but no 'labels'"):
            validate_predictions([{"boxes": boxes, "scores": [1.0], key: [3]}])
    # extra keys next to "labels" stay allowed (torchvision-style targets)
    (t,) = validate_targets([{"boxes": boxes, "labels": [3], "image_id": 7}])
    assert t["labels"].tolist() == [3]


def test_big_endian_images_are_read_in_native_order():
    # '>f4' != np.float32: the localiser and the MLP classifier built float64
    # models from big-endian float32 images (the transformers had their own fix)
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from sklvision.classification import NumpyMLPClassifier
    from sklvision.detection import NumpyMLPLocalizer
    from sklvision.utils.estimator_checks import make_detector_check_data

    stack = np.zeros((2, 4, 5), dtype=">f4")
    assert validate_images(stack).dtype == np.float32
    assert validate_images(list(stack))[0].dtype == np.float32
    X, y = make_detector_check_data()
    Xb = (X / 255.0).astype(">f4")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        loc = NumpyMLPLocalizer(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
        assert loc.fit(Xb, y).coefs_[0].dtype == np.float32
        clf = NumpyMLPClassifier((4,), max_iter=2, random_state=0)
        labels = np.arange(len(X)) % 2
        assert clf.fit(Xb, labels).coefs_[0].dtype == np.float32


# one bad box per failure kind, and the one message (after "<where>: ") that
# every entry point gives for it
_BAD_BOXES = {
    "strings": ([["a", 0, 1, 1]], r"boxes must be numeric"),
    "objects": (np.array([[{}, 0, 1, 1]], dtype=object), r"boxes must be numeric"),
    "ragged": ([[0, 0, 1, 1], [0, 0, 1]], r"boxes must be numeric"),
    "3 columns": ([[0, 0, 1]], r"boxes must have shape \(n_boxes, 4\)"),
    "flat": (np.arange(8.0), r"boxes must have shape \(n_boxes, 4\)"),
    "inf": ([[0, 0, np.inf, 1]], r"boxes contain NaN or infinite values"),
    "inverted": (
        [[0, 0, 1, 1], [2, 0, 1, 1]],
        r"boxes\[1\] = \[2\.0, 0\.0, 1\.0, 1\.0\] has x_max <=? x_min",
    ),
}
_BOX_ENTRY_POINTS = {
    "validate_targets": lambda b: validate_targets([b]),
    "validate_predictions": lambda b: validate_predictions(
        [{"boxes": b, "scores": np.ones(len(b))}]
    ),
    "make_detections": lambda b: make_detections([b], [np.ones(len(b))]),
    "box_iou": lambda b: box_iou([[0, 0, 1, 1]], b),
    "non_max_suppression": lambda b: non_max_suppression(b, np.ones(len(b))),
}


@pytest.mark.parametrize("entry", list(_BOX_ENTRY_POINTS))
@pytest.mark.parametrize("kind", list(_BAD_BOXES))
def test_bad_boxes_get_the_same_error_everywhere(entry, kind):
    # box_iou and non_max_suppression raised TypeError for strings where
    # validate_targets raised ValueError; make_detections let numpy's bare
    # "could not convert string to float" (or a TypeError for objects) through
    # and had its own shape message; the wording differed everywhere
    boxes, match = _BAD_BOXES[kind]
    with pytest.raises(ValueError, match=r"^[\w\[\]]+: " + match) as info:
        _BOX_ENTRY_POINTS[entry](boxes)
    assert type(info.value) is ValueError


@pytest.mark.parametrize(
    "value, expected",
    [
        ((8, 6), (8, 6)),
        ([8, 6], (8, 6)),
        (np.array([8, 6]), (8, 6)),
        ((np.int64(8), np.uint8(6)), (8, 6)),
    ],
)
def test_int_pair_accepts_ints_and_returns_python_ints(value, expected):
    pair = _check_int_pair(value, "size")
    assert pair == expected and all(type(v) is int for v in pair)


@pytest.mark.parametrize(
    "value, reason",
    [
        ((8.0, 6), r"8\.0 is a float \(pass 8\)"),
        ((2.5, 6), "2.5 is not an int"),
        ((True, 6), "True is a bool"),
        ((np.True_, 6), "np.True_ is a bool"),
        ((0, 6), "0 is not positive"),
        ((0.0, 6), "0.0 is not positive"),
        ((10**400, 0), "0 is not positive"),
        ((8, -1), "-1 is not positive"),
        (("8", 6), "'8' is not an int"),
        ((8,), "1 values instead of 2"),
        ((8, 6, 3), "3 values instead of 2"),
        (8, "object of type int is not a pair"),
        ("86", "object of type str is not a pair"),
        (None, "object of type NoneType is not a pair"),
        (np.array([[8, 6]]), r"an array of shape \(1, 2\) is not a pair"),
    ],
)
def test_int_pair_refusals_name_parameter_value_and_reason(value, reason):
    with pytest.raises(ValueError, match="size must be a pair of positive ints") as e:
        _check_int_pair(value, "size")
    assert f"got {value!r}: " in str(e.value)
    assert type(e.value) is ValueError
    with pytest.raises(ValueError, match=reason):
        _check_int_pair(value, "size")


def test_int_pair_options():
    assert _check_int_pair(None, "resize_shape", allow_none=True) is None
    with pytest.raises(ValueError, match="must be None or a pair"):
        _check_int_pair((0, 1), "resize_shape", allow_none=True)
    pair = _check_int_pair(np.array([8.0, 6.0]), "image_shape", whole_floats=True)
    assert pair == (8, 6) and all(type(v) is int for v in pair)
    for bad in ((8.5, 6), (True, 6), (np.nan, 6)):
        with pytest.raises(ValueError, match="positive whole numbers"):
            _check_int_pair(bad, "image_shape", whole_floats=True)


@pytest.mark.parametrize(
    "estimator", [BinaryPixelMatchClassifier(), NumpyMLPClassifier(max_iter=1)]
)
def test_classifiers_on_an_empty_list_ask_for_images(estimator):
    # check_array's "Expected 2D array ... Reshape your data" is advice for a
    # 1-D feature vector, not for an empty list of images
    with pytest.raises(ValueError, match="at least one image is required"):
        estimator.fit([], [])
