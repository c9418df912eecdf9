"""Tests for plot_detections and plot_detection_grid (Agg backend)."""

import sys

import numpy as np
import pytest

from sklvision.plotting import plot_detection_grid, plot_detections
from sklvision.plotting._base import _check_matplotlib

plt = pytest.importorskip("matplotlib.pyplot")  # Agg backend: see conftest.py


def test_plot_detections_draws_boxes_not_blank(render):
    image = np.zeros((100, 100, 3), dtype=np.uint8)
    pred = {
        "boxes": np.array([[10.0, 10.0, 60.0, 60.0], [30.0, 30.0, 90.0, 90.0]]),
        "scores": np.array([0.9, 0.4]),
        "labels": np.array([0, 1]),
    }
    fig, ax = plt.subplots(figsize=(3, 3), dpi=60)
    out = plot_detections(image, pred, target=np.array([[12, 12, 58, 58]]), ax=ax)
    assert out is ax
    assert len(ax.patches) == 3
    rgb = render(fig)
    assert rgb.std() > 5  # not a blank canvas
    # red-ish pixels of the first predicted box colour must be present
    red = (rgb[..., 0] > 180) & (rgb[..., 1] < 80) & (rgb[..., 2] < 110)
    assert red.sum() > 20
    # green dashed true box
    r, g, b = (rgb[..., i].astype(int) for i in range(3))
    green = (g > 90) & (g > r + 40) & (g > b + 40)
    assert green.sum() > 10
    texts = [t.get_text() for t in ax.texts]
    assert "0 0.90" in texts and "1 0.40" in texts


def test_plot_detections_empty_image_vs_boxes_differ(render):
    image = np.full((50, 50), 128, dtype=np.uint8)
    fig1, ax1 = plt.subplots(figsize=(2, 2), dpi=50)
    plot_detections(image, None, ax=ax1)
    fig2, ax2 = plt.subplots(figsize=(2, 2), dpi=50)
    plot_detections(image, np.array([[5, 5, 45, 45, 0.5]]), ax=ax2)
    assert not np.array_equal(render(fig1), render(fig2))


def test_plot_detections_threshold_max_and_names():
    image = np.random.RandomState(0).rand(40, 40)  # float in [0, 1]
    pred = {
        "boxes": np.array([[1, 1, 10, 10], [5, 5, 20, 20], [2, 2, 30, 30]], float),
        "scores": np.array([0.2, 0.8, 0.5]),
        "labels": np.array([0, 1, 1]),
    }
    ax = plot_detections(image, pred, score_threshold=0.3, class_names=["cat", "dog"])
    assert len(ax.patches) == 2
    assert sorted(t.get_text() for t in ax.texts) == ["dog 0.50", "dog 0.80"]
    ax = plot_detections(image, pred, max_detections=1, show_scores=False)
    assert [t.get_text() for t in ax.texts] == ["1"]


def test_plot_detections_float_image_outside_unit_range():
    image = np.linspace(-5, 300, 30 * 30 * 3).reshape(30, 30, 3)
    ax = plot_detections(image, {"boxes": np.zeros((0, 4)), "scores": np.zeros(0)})
    data = ax.images[0].get_array()
    assert data.min() >= 0 and data.max() <= 1


@pytest.mark.parametrize(
    "pred, msg",
    [
        (np.zeros((2, 3)), "shape"),
        ({"scores": [1.0]}, "'boxes'"),
        ({"boxes": np.zeros((2, 4)), "scores": [1.0]}, "same length"),
    ],
)
def test_plot_detections_bad_input(pred, msg):
    with pytest.raises(ValueError, match=msg):
        plot_detections(np.zeros((10, 10)), pred)


def test_plot_detections_bad_image():
    with pytest.raises(ValueError, match="2-D"):
        plot_detections(np.zeros(10), None)


def test_plot_detection_grid(render):
    rng = np.random.RandomState(0)
    images = [
        rng.randint(0, 255, (30 + 5 * i, 40, 3)).astype(np.uint8) for i in range(5)
    ]
    preds = [{"boxes": np.array([[2.0, 2.0, 20.0, 20.0]]), "scores": np.array([1.0])}]
    preds = preds * 5
    fig = plot_detection_grid(images, preds, n_cols=3, titles=list("abcde"))
    assert len(fig.axes) == 5
    assert [ax.get_title() for ax in fig.axes] == list("abcde")
    assert all(len(ax.patches) == 1 for ax in fig.axes)
    assert render(fig).std() > 5
    with pytest.raises(ValueError, match="predictions has 1 items"):
        plot_detection_grid(images, preds[:1])
    with pytest.raises(ValueError, match="empty"):
        plot_detection_grid([])


def test_missing_matplotlib_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    msg = r"plot_detections requires matplotlib.*sklvision\[plot\]"
    with pytest.raises(ImportError, match=msg):
        plot_detections(np.zeros((10, 10)), None)
    with pytest.raises(ImportError, match=r"sklvision\[plot\]"):
        _check_matplotlib("plot_detection_grid")


@pytest.mark.parametrize(
    "image, clim",
    [
        (np.full((20, 20), 50, dtype=np.uint8), (0, 255)),
        (np.full((20, 20, 1), 50, dtype=np.uint8), (0, 255)),
        (np.full((20, 20), 0.3), (0, 1)),
        (np.full((20, 20), 0.3, dtype=np.float32), (0, 1)),
        (np.full((20, 20), 2000, dtype=np.uint16), (0, 1)),  # shown as 2000/65535
    ],
)
def test_plot_detections_gray_image_not_contrast_stretched(image, clim, render):
    # the gray colour map was autoscaled to (0, image.max()): a dark image
    # was drawn white
    before = image.copy()
    fig, ax = plt.subplots(figsize=(2, 2), dpi=50)
    plot_detections(image, None, ax=ax)
    assert ax.images[0].get_clim() == clim
    rgb = render(fig)
    center = rgb[rgb.shape[0] // 2, rgb.shape[1] // 2]
    assert center.max() < 90  # dark stays dark (white would be 255)
    np.testing.assert_array_equal(image, before)


def test_plot_detections_uint16_uses_its_range():
    image = np.array([[1000, 2000], [3000, 4000]], dtype=np.uint16)  # 12-bit data
    shown = plot_detections(image, None).images[0].get_array()
    np.testing.assert_allclose(shown, image / 65535.0)


def test_plot_detection_grid_gray_images_not_contrast_stretched():
    images = [np.full((20, 20), v, dtype=np.uint8) for v in (10, 50)]
    images.append(np.full((20, 20), 0.2))
    fig = plot_detection_grid(images)
    assert [ax.images[0].get_clim() for ax in fig.axes] == [(0, 255)] * 2 + [(0, 1)]


def _edge_colors(ax):
    from matplotlib.colors import to_hex

    return [to_hex(p.get_edgecolor()) for p in ax.patches]


def test_pred_colour_is_a_function_of_the_label():
    # colours were handed out in score order within each call: label 1 was
    # red in one image and blue in the other
    image = np.zeros((40, 40))
    boxes = np.array([[1.0, 1.0, 10.0, 10.0], [5.0, 5.0, 20.0, 20.0]])
    first = {"boxes": boxes, "scores": np.array([0.9, 0.5]), "labels": [1, 2]}
    second = {"boxes": boxes, "scores": np.array([0.5, 0.9]), "labels": [1, 2]}
    colors = []
    for pred in (first, second):
        ax = plot_detections(image, pred, show_scores=False)
        # patches are drawn in score order; key them by their label text
        colors.append(dict(zip((t.get_text() for t in ax.texts), _edge_colors(ax))))
    assert colors[0] == colors[1]
    assert colors[0]["1"] != colors[0]["2"]
    # a label alone gets the colour it has next to other labels
    alone = plot_detections(
        image, {**first, "boxes": boxes[1:], "scores": [0.3], "labels": [2]}
    )
    assert _edge_colors(alone) == [colors[0]["2"]]


@pytest.mark.parametrize(
    "labels, class_names",
    [
        ([[2], [1, 2], [2, 1]], None),
        ([[2], [1, 2], [2, 1]], ["zero", "one", "two"]),
        ([["dog"], ["cat", "dog"], ["dog", "cat"]], None),
        ([["dog"], ["cat", "dog"], ["dog", "cat"]], {"cat": "Cat", "dog": "Dog"}),
    ],
)
def test_pred_colour_same_in_every_cell_of_a_grid(labels, class_names):
    # the same colour marked label 2 in one cell and label 1 in another
    images = [np.zeros((40, 40))] * len(labels)
    preds = []
    for labs in labels:
        k = len(labs)
        boxes = np.tile([[2.0, 2.0, 20.0, 20.0]], (k, 1))
        preds.append(
            {
                "boxes": boxes,
                "scores": np.linspace(0.9, 0.5, k),
                "labels": np.array(labs),
            }
        )
    fig = plot_detection_grid(images, preds, class_names=class_names, show_scores=False)
    color_of = {}
    for ax in fig.axes:
        for text, color in zip((t.get_text() for t in ax.texts), _edge_colors(ax)):
            assert color_of.setdefault(text, color) == color
    assert len(set(color_of.values())) == 2
    # and as in a call for one image holding every label
    ax = plot_detections(
        images[0], preds[1], class_names=class_names, show_scores=False
    )
    assert dict(zip((t.get_text() for t in ax.texts), _edge_colors(ax))) == color_of


def test_pred_colour_by_dict_class_names_does_not_depend_on_what_is_drawn():
    names = {"cat": "Cat", "dog": "Dog"}
    image = np.zeros((40, 40))
    box = np.array([[2.0, 2.0, 20.0, 20.0]])
    dog = plot_detections(
        image, {"boxes": box, "scores": [1.0], "labels": ["dog"]}, class_names=names
    )
    both = plot_detections(
        image,
        {"boxes": np.r_[box, box], "scores": [0.9, 0.8], "labels": ["cat", "dog"]},
        class_names=names,
    )
    assert _edge_colors(dog) == _edge_colors(both)[1:]


def test_pred_color_dict_and_single_colour():
    image = np.zeros((40, 40))
    box = np.array([[2.0, 2.0, 20.0, 20.0]])
    pred = {"boxes": np.r_[box, box], "scores": [0.9, 0.8], "labels": [0, 1]}
    ax = plot_detections(image, pred, pred_color={1: "#000000"})
    default = _edge_colors(plot_detections(image, pred))
    assert _edge_colors(ax) == [default[0], "#000000"]
    fig = plot_detection_grid([image, image], [pred, pred], pred_color="#ffffff")
    assert all(_edge_colors(ax) == ["#ffffff"] * 2 for ax in fig.axes)
    fig = plot_detection_grid([image, image], [pred, pred], pred_color={1: "#000000"})
    assert all(_edge_colors(ax) == [default[0], "#000000"] for ax in fig.axes)


def test_grid_refuses_one_colour_image():
    # an (h, w, 3) array was drawn as h one-row images
    rgb = np.zeros((20, 30, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match=r"pass \[image\]"):
        plot_detection_grid(rgb)
    with pytest.raises(ValueError, match=r"pass \[image\]"):
        plot_detection_grid(np.zeros((20, 30, 4)))
    with pytest.raises(ValueError, match=r"pass \[image\]"):
        plot_detection_grid(np.zeros((20, 30)))
    assert len(plot_detection_grid([rgb]).axes) == 1
    assert len(plot_detection_grid(np.zeros((2, 20, 30, 3))).axes) == 2


@pytest.mark.parametrize(
    "pred, msg",
    [
        ({"boxes": [[np.nan, 0, 5, 5]], "scores": [0.5]}, "NaN"),
        ({"boxes": [[0, 0, 5, np.inf]], "scores": [0.5]}, "NaN or infinite"),
        ({"boxes": [[10, 0, 5, 5]], "scores": [0.5]}, "x_max < x_min"),
        (np.array([[0, 8, 5, 5, 0.5]]), "y_max < y_min"),
        ({"boxes": [[0, 0, 5, 5]], "scores": [np.nan]}, "scores contain NaN"),
        (np.array([[0, 0, 5, 5, np.nan]]), "scores contain NaN"),
        ({"boxes": [[0, 0, 5, 5]], "scores": [1.0], "labels": [None]}, "None"),
        ({"boxes": [["a", 0, 5, 5]], "scores": [1.0]}, "numeric"),
    ],
)
def test_plot_detections_refuses_invalid_boxes_and_scores(pred, msg):
    # NaN and inverted boxes were drawn, a NaN score shown as "nan"
    with pytest.raises(ValueError, match=msg):
        plot_detections(np.zeros((10, 10)), pred)
    if isinstance(pred, dict) and "labels" not in pred and "scores" not in msg:
        with pytest.raises(ValueError, match=msg):
            plot_detections(np.zeros((10, 10)), None, target=pred)


def test_plot_detections_zero_size_box_is_drawn():
    # as validate_predictions: predictions clipped to the image may be flat
    ax = plot_detections(np.zeros((10, 10)), np.array([[0, 0, 0, 5, 0.5]]))
    assert len(ax.patches) == 1


def test_max_detections_must_be_a_non_negative_int():
    # -1 silently dropped the last box
    pred = np.array([[0, 0, 5, 5, 0.9], [1, 1, 6, 6, 0.8]])
    with pytest.raises(ValueError, match="max_detections must be >= 0"):
        plot_detections(np.zeros((10, 10)), pred, max_detections=-1)
    for bad in (1.5, True, "2"):
        with pytest.raises(TypeError, match="max_detections"):
            plot_detections(np.zeros((10, 10)), pred, max_detections=bad)
    assert len(plot_detections(np.zeros((10, 10)), pred, max_detections=0).patches) == 0
    n = len(
        plot_detections(np.zeros((10, 10)), pred, max_detections=np.int64(1)).patches
    )
    assert n == 1


@pytest.mark.parametrize("label", [-1, 1.7, 2, "cat"])
def test_list_class_names_need_integer_labels_in_range(label):
    # -1 showed the last class's name and 1.7 the name of class 1
    pred = {"boxes": [[0, 0, 5, 5]], "scores": [0.9], "labels": [label]}
    with pytest.raises(ValueError, match=r"class_names is a list of 2 names"):
        plot_detections(np.zeros((10, 10)), pred, class_names=["a", "b"])
    target = {"boxes": [[0, 0, 5, 5]], "labels": [label]}
    with pytest.raises(ValueError, match=r"neither an integer in \[0, 1\]"):
        plot_detections(np.zeros((10, 10)), None, target, class_names=["a", "b"])
    # a dict names any label; without labels shown the names are not used
    names = {label: "x"}
    ax = plot_detections(np.zeros((10, 10)), pred, class_names=names)
    assert [t.get_text() for t in ax.texts] == ["x 0.90"]
    ax = plot_detections(
        np.zeros((10, 10)), pred, class_names=["a", "b"], show_labels=False
    )
    assert [t.get_text() for t in ax.texts] == ["0.90"]


def test_list_class_names_accept_integral_float_labels():
    pred = {"boxes": [[0, 0, 5, 5]], "scores": [0.9], "labels": np.array([1.0])}
    ax = plot_detections(np.zeros((10, 10)), pred, class_names=["a", "b"])
    assert [t.get_text() for t in ax.texts] == ["b 0.90"]
    with pytest.raises(TypeError, match="class_names must be a list"):
        plot_detections(np.zeros((10, 10)), pred, class_names="ab")


def test_whole_predict_output_is_refused_with_a_hint():
    # got "float() argument must be a string or a real number, not 'dict'"
    from sklvision.utils import make_detections

    pred = make_detections([[[0, 0, 5, 5]], [[1, 1, 6, 6]]], [[0.9], [0.8]])
    with pytest.raises(TypeError, match=r"prediction\[0\]"):
        plot_detections(np.zeros((10, 10)), pred)
    with pytest.raises(TypeError, match="plot_detection_grid"):
        plot_detections(np.zeros((10, 10)), list(pred))
    targets = [np.array([[0, 0, 5, 5]]), np.array([[1, 1, 6, 6]])]
    with pytest.raises(TypeError, match=r"target\[0\]"):
        plot_detections(np.zeros((10, 10)), pred[0], targets)
    with pytest.raises(TypeError, match="one item per image"):
        plot_detection_grid([np.zeros((10, 10))], pred[0])
    # one image's boxes as a list of 1-D boxes still work
    ax = plot_detections(np.zeros((10, 10)), [np.array([0, 0, 5, 5, 0.5])])
    assert len(ax.patches) == 1


def test_inputs_are_not_modified():
    image = np.zeros((10, 10))
    pred = {
        "boxes": np.array([[0.0, 0.0, 5.0, 5.0]]),
        "scores": np.array([0.9]),
        "labels": np.array([1]),
    }
    target = {"boxes": np.array([[1.0, 1.0, 6.0, 6.0]]), "labels": np.array([1])}
    names = {1: "one"}
    colors = {1: "#000000"}
    copies = [{k: v.copy() for k, v in d.items()} for d in (pred, target)]
    plot_detection_grid([image], [pred], [target], class_names=names, pred_color=colors)
    for d, c in zip((pred, target), copies):
        assert d.keys() == c.keys()
        for k in d:
            np.testing.assert_array_equal(d[k], c[k])
    assert names == {1: "one"} and colors == {1: "#000000"}


def test_list_class_names_and_labels_that_are_names():
    # labels given by name (as the CLI trains) next to the list of names
    names = ["cat", "dog"]
    pred = {"boxes": [[0, 0, 5, 5]] * 2, "scores": [0.9, 0.8], "labels": ["dog", 0]}
    with pytest.raises(TypeError, match="mix"):
        plot_detections(np.zeros((10, 10)), pred, class_names=names)
    by_name = {**pred, "labels": ["dog", "cat"]}
    by_index = {**pred, "labels": [1, 0]}
    ax = plot_detections(np.zeros((10, 10)), by_name, class_names=names)
    ax2 = plot_detections(np.zeros((10, 10)), by_index, class_names=names)
    assert [t.get_text() for t in ax.texts] == ["dog 0.90", "cat 0.80"]
    assert [t.get_text() for t in ax2.texts] == ["dog 0.90", "cat 0.80"]
    assert _edge_colors(ax) == _edge_colors(ax2)


@pytest.mark.parametrize(
    "boxes",
    [
        [["a", 0, 5, 5]],
        [[object(), 0, 5, 5]],
        [[0, 0, 5, 5], [0, 0, np.inf, 5]],
        [[0, 0, 5, 5], [6, 0, 5, 5]],
    ],
    ids=["strings", "objects", "inf", "inverted"],
)
def test_plot_box_errors_are_those_of_validate_predictions(boxes):
    # the plots had a box check of their own: same rules, other messages
    from sklvision.utils import validate_predictions

    pred = {"boxes": boxes, "scores": [0.5] * len(boxes)}
    with pytest.raises(ValueError) as plot_error:
        plot_detections(np.zeros((10, 10)), pred)
    with pytest.raises(ValueError) as check_error:
        validate_predictions([pred])
    where, plot_msg = str(plot_error.value).split(": ", 1)
    assert where == "prediction" and plot_msg.startswith("boxes")
    assert str(check_error.value) == f"y_pred[0]: {plot_msg}"
