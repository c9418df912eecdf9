"""Tests for plot_template_weights (Agg backend)."""

import sys

import numpy as np
import pytest

from sklvision.datasets import make_shapes
from sklvision.detection import TemplateWeightDetector
from sklvision.plotting import plot_template_weights

pytest.importorskip("matplotlib")  # the Agg backend is set in conftest.py


@pytest.fixture(scope="module")
def detector():
    X, y = make_shapes(image_size=24)
    return TemplateWeightDetector(n_iter=8, keep_history=True, random_state=0).fit(X, y)


@pytest.mark.parametrize("kind", ["sum", "rgb", "mask"])
def test_draws_one_panel_per_label_not_blank(detector, kind, render):
    fig = plot_template_weights(detector, kind=kind, n_cols=4, figsize=(4, 2))
    assert len(fig.axes) == 8
    assert [ax.get_title() for ax in fig.axes] == [str(k) for k in range(8)]
    pixels = render(fig)
    # not blank: many distinct colours drawn
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 20
    shown = fig.axes[0].images[0].get_array()
    if kind == "sum":
        np.testing.assert_allclose(shown, detector.weights_[0].sum(axis=2), rtol=1e-6)


def test_iteration_from_history_and_templates(detector, render):
    fig = plot_template_weights(
        detector, iteration=0, show_templates=True, class_names=list("abcdefgh")
    )
    assert len(fig.axes) == 16
    assert fig.axes[0].get_title() == "a (pass 0)"
    np.testing.assert_allclose(
        fig.axes[0].images[0].get_array(),
        detector.weights_history_[0][0].sum(axis=2),
        rtol=1e-6,
    )
    first = render(fig)
    last = render(plot_template_weights(detector, iteration=-1, show_templates=True))
    assert not np.array_equal(first, last)


def test_errors(detector):
    with pytest.raises(ValueError, match="kind"):
        plot_template_weights(detector, kind="hsv")
    with pytest.raises(ValueError, match="iteration must be in"):
        plot_template_weights(detector, iteration=100)
    X, y = make_shapes(shapes=["H"], colors=[[1, 0, 0]], image_size=16)
    plain = TemplateWeightDetector(n_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="keep_history=True"):
        plot_template_weights(plain, iteration=1)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        plot_template_weights(TemplateWeightDetector())


def test_missing_matplotlib_names_the_plot_extra(detector, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"sklvision\[plot\]"):
        plot_template_weights(detector)


def test_fitted_pipeline_stands_for_its_detector(detector):
    # check_is_fitted(pipeline, "weights_") raised "This Pipeline instance is
    # not fitted yet" for a fitted pipeline
    from sklearn.exceptions import NotFittedError
    from sklearn.pipeline import make_pipeline

    from sklvision.classification import BinaryPixelMatchClassifier
    from sklvision.preprocessing import Normalize

    X, y = make_shapes(image_size=24)
    pipe = make_pipeline(
        Normalize(), TemplateWeightDetector(n_iter=2, random_state=0)
    ).fit(X, y)
    fig = plot_template_weights(pipe)
    assert len(fig.axes) == len(pipe[-1].classes_)
    np.testing.assert_allclose(
        fig.axes[0].images[0].get_array(),
        pipe[-1].weights_[0].sum(axis=2),
        rtol=1e-6,
    )
    with pytest.raises(NotFittedError):
        plot_template_weights(make_pipeline(Normalize(), TemplateWeightDetector()))
    X_cls = np.random.RandomState(0).randint(0, 256, (6, 5, 5)).astype(np.uint8)
    clf = BinaryPixelMatchClassifier().fit(X_cls, np.arange(6) % 2)
    with pytest.raises(TypeError, match="weights_.*TemplateWeightDetector"):
        plot_template_weights(clf)
    with pytest.raises(TypeError, match="weights_.*TemplateWeightDetector"):
        plot_template_weights(make_pipeline(Normalize(), clf))


def test_too_short_class_names_list(detector):
    # a bare IndexError
    with pytest.raises(ValueError, match="class_names has 3 names but there are 8"):
        plot_template_weights(detector, class_names=list("abc"))
    fig = plot_template_weights(detector, class_names={0: "a"})
    assert [ax.get_title() for ax in fig.axes][:2] == ["a", "1"]


@pytest.mark.parametrize("iteration", [True, False, np.bool_(True), 1.0, "1"])
def test_iteration_must_be_an_int(detector, iteration):
    # True gave matplotlib's "Invalid shape"
    with pytest.raises(TypeError, match="iteration must be an int"):
        plot_template_weights(detector, iteration=iteration)


def test_fitted_search_stands_for_its_best_detector():
    # plot_class_templates(search) said "GridSearchCV is a detector... use
    # plot_template_weights", which then said "GridSearchCV has no weights_"
    from sklearn.model_selection import GridSearchCV

    from sklvision.plotting import plot_class_templates

    X, y = make_shapes(image_size=24)
    search = GridSearchCV(
        TemplateWeightDetector(n_iter=2, random_state=0),
        {"n_iter": [1, 2]},
        cv=2,
        error_score="raise",
    ).fit(X, y)
    fig = plot_template_weights(search)
    assert len(fig.axes) == len(search.best_estimator_.classes_)
    with pytest.raises(TypeError, match="plot_template_weights"):
        plot_class_templates(search)
