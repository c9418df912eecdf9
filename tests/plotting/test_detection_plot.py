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
