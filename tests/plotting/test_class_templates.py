"""Tests for plot_class_templates (Agg backend)."""

import sys

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from sklvision.classification import BinaryPixelMatchClassifier
from sklvision.plotting import plot_class_templates

pytest.importorskip("matplotlib")  # the Agg backend is set in conftest.py


def _fitted(n_classes=3, size=(6, 5)):
    rng = np.random.RandomState(0)
    X = rng.randint(0, 256, size=(12 * n_classes, *size)).astype(np.uint8)
    y = np.arange(len(X)) % n_classes
    for k in range(n_classes):  # a bright bar per class
        X[y == k, :, k % size[1]] = 255
    return BinaryPixelMatchClassifier().fit(X, y)


def test_templates_are_drawn_not_blank(render):
    clf = _fitted()
    fig = plot_class_templates(clf, n_cols=2)
    pixels = render(fig)
    assert pixels.std() > 10  # not a blank canvas
    image_axes = [ax for ax in fig.axes if ax.images]
    assert len(image_axes) == 3  # one per class (+ the colour bar axes)
    assert [ax.get_title() for ax in image_axes] == ["0", "1", "2"]
    for ax, template in zip(image_axes, clf.templates_):
        np.testing.assert_array_equal(ax.images[0].get_array(), template)
        assert ax.images[0].get_clim() == (0.0, 1.0)


def test_class_names_and_options():
    clf = _fitted()
    fig = plot_class_templates(
        clf, class_names=["zero", "one", "two"], colorbar=False, cmap="viridis"
    )
    assert len(fig.axes) == 3
    assert [ax.get_title() for ax in fig.axes] == ["zero", "one", "two"]
    fig = plot_class_templates(clf, class_names={1: "one"})
    assert [ax.get_title() for ax in fig.axes if ax.images] == ["0", "one", "2"]


def test_flattened_fit_needs_a_shape():
    clf = _fitted(size=(6, 5))
    rng = np.random.RandomState(1)
    X = rng.randint(0, 256, size=(8, 30)).astype(np.uint8)
    flat = BinaryPixelMatchClassifier().fit(X, np.arange(8) % 2)
    with pytest.raises(ValueError, match="image_shape"):
        plot_class_templates(flat)
    fig = plot_class_templates(flat, image_shape=(6, 5))
    assert fig.axes[0].images[0].get_array().shape == (6, 5)
    with pytest.raises(ValueError, match="pixels"):
        plot_class_templates(clf, image_shape=(4, 4))
    square = BinaryPixelMatchClassifier().fit(X[:, :25], np.arange(8) % 2)
    assert plot_class_templates(square).axes[0].images[0].get_array().shape == (5, 5)


def test_errors():
    with pytest.raises(NotFittedError):
        plot_class_templates(BinaryPixelMatchClassifier())
    with pytest.raises(TypeError, match="templates_"):
        plot_class_templates(object())


def test_missing_matplotlib_names_the_extra(monkeypatch):
    clf = _fitted()
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    msg = r"plot_class_templates requires matplotlib.*sklvision\[plot\]"
    with pytest.raises(ImportError, match=msg):
        plot_class_templates(clf)


def test_fitted_pipeline_stands_for_its_classifier():
    # a Pipeline has no templates_: it raised a TypeError, unlike
    # plot_template_weights, which now also takes pipelines
    from sklearn.pipeline import make_pipeline

    from sklvision.preprocessing import Normalize, Resize

    clf = _fitted()
    rng = np.random.RandomState(0)
    X = rng.randint(0, 256, size=(12, 9, 9)).astype(np.uint8)
    pipe = make_pipeline(
        Resize(output_shape=(6, 5)), Normalize(), BinaryPixelMatchClassifier(0.5)
    ).fit(X, np.arange(12) % 3)
    fig = plot_class_templates(pipe)
    image_axes = [ax for ax in fig.axes if ax.images]
    assert len(image_axes) == 3
    np.testing.assert_array_equal(
        image_axes[0].images[0].get_array(), pipe[-1].templates_[0]
    )
    with pytest.raises(NotFittedError):
        plot_class_templates(make_pipeline(Normalize(), BinaryPixelMatchClassifier()))
    with pytest.raises(TypeError, match="templates_"):
        plot_class_templates(make_pipeline(Normalize(), object()))
    assert len(plot_class_templates(make_pipeline(clf)).axes) == 4


def test_template_detector_points_to_plot_template_weights():
    # TemplateWeightDetector has templates_ too (one per label, own sizes):
    # it got "fitted on flattened images of 14 pixels, which is not a square"
    from sklvision.detection import TemplateWeightDetector
    from sklvision.utils.estimator_checks import make_detector_check_data

    X, y = make_detector_check_data()
    det = TemplateWeightDetector(n_iter=2).fit(X, y)
    with pytest.raises(TypeError, match="plot_template_weights"):
        plot_class_templates(det)


def test_image_shape_contradicting_the_recorded_one_is_refused():
    # (2, 32) was accepted for 8 x 8 templates and drawn as stripes
    from sklearn.datasets import load_digits

    digits = load_digits()
    clf = BinaryPixelMatchClassifier(threshold=8).fit(digits.images, digits.target)
    assert clf.image_shape_ == (8, 8)
    with pytest.raises(ValueError, match=r"contradicts the \(8, 8\) images"):
        plot_class_templates(clf, image_shape=(2, 32))
    fig = plot_class_templates(clf, image_shape=(8, 8))
    assert fig.axes[0].images[0].get_array().shape == (8, 8)
    fig = plot_class_templates(clf, image_shape=np.array([8.0, 8.0]))
    assert fig.axes[0].images[0].get_array().shape == (8, 8)
    fig = plot_class_templates(clf, image_shape=(np.int64(8), np.uint8(8)))
    assert fig.axes[0].images[0].get_array().shape == (8, 8)
    bad_shapes = ((8,), (8, 8, 1), (0, 64), (2.5, 25.6), (True, 64), "88")
    # (a (1, 2) array or nested list was flattened into a pair)
    bad_shapes += (np.array([[8, 8]]), [[8], [8]])
    for bad in bad_shapes:
        with pytest.raises(ValueError, match="image_shape must be a pair of"):
            plot_class_templates(clf, image_shape=bad)


def test_too_short_class_names_list():
    # a bare IndexError
    clf = _fitted()
    with pytest.raises(ValueError, match="class_names has 2 names but there are 3"):
        plot_class_templates(clf, class_names=["zero", "one"])
    with pytest.raises(TypeError, match="class_names must be a list"):
        plot_class_templates(clf, class_names="abc")
