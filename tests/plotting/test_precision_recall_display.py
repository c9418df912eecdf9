"""Tests for DetectionPRDisplay (Agg backend); more in tests/metrics."""

import sys

import numpy as np
import pytest

from sklvision.plotting import DetectionPRDisplay

plt = pytest.importorskip("matplotlib.pyplot")  # Agg backend: see conftest.py

BOX = [0.0, 0.0, 10.0, 10.0]
FAR = [20.0, 20.0, 30.0, 30.0]


def _pred(boxes, scores, labels=None):
    out = {"boxes": np.array(boxes, float), "scores": np.array(scores, float)}
    if labels is not None:
        out["labels"] = np.array(labels)
    return out


# one class, boxes given without labels
Y_TRUE = [np.array([BOX]), np.array([BOX])]
Y_PRED = [_pred([BOX], [0.9]), _pred([BOX, FAR], [0.8, 0.85])]
# two classes
Y_TRUE_2 = [
    {"boxes": np.array([BOX, FAR]), "labels": np.array([0, 1])},
    {"boxes": np.array([BOX]), "labels": np.array([1])},
]
Y_PRED_2 = [_pred([BOX, FAR], [0.9, 0.7], [0, 1]), _pred([BOX], [0.6], [1])]


def test_pos_label_selects_the_class_and_name_sets_the_legend():
    # label= meant the class in from_* but the legend text in plot(**kwargs):
    # label="my curve" raised "not among the labels"
    display = DetectionPRDisplay.from_predictions(
        Y_TRUE_2, Y_PRED_2, pos_label=1, name="my curve"
    )
    assert display.pos_label == 1
    assert display.line_.get_label() == "my curve (AP@0.5 = 1.00)"
    assert display.ax_.get_xlabel() == "Recall (class: 1)"
    assert display.ax_.get_legend() is not None


def test_curve_kwargs_set_the_legend_text_and_style():
    display = DetectionPRDisplay.from_predictions(
        Y_TRUE_2,
        Y_PRED_2,
        pos_label=0,
        curve_kwargs={"label": "my curve", "color": "red", "drawstyle": "default"},
    )
    assert display.line_.get_label() == "my curve"
    assert display.line_.get_color() == "red"
    assert display.line_.get_drawstyle() == "default"
    assert [t.get_text() for t in display.ax_.get_legend().get_texts()] == ["my curve"]
    display = DetectionPRDisplay.from_predictions(Y_TRUE, Y_PRED, color="green")
    assert display.line_.get_color() == "green"
    with pytest.raises(ValueError, match="not both"):
        DetectionPRDisplay.from_predictions(
            Y_TRUE, Y_PRED, curve_kwargs={"color": "red"}, color="green"
        )
    # in plot, label= has always been the legend text
    display = DetectionPRDisplay([1.0, 0.5], [0.0, 1.0], name="x").plot(label="y")
    assert display.line_.get_label() == "y"
    assert display.ax_.get_legend() is not None


def test_deprecated_label_still_selects_the_class():
    with pytest.warns(FutureWarning, match="pos_label"):
        display = DetectionPRDisplay.from_predictions(Y_TRUE_2, Y_PRED_2, label=1)
    assert display.pos_label == 1
    np.testing.assert_allclose(
        display.average_precision,
        DetectionPRDisplay.from_predictions(
            Y_TRUE_2, Y_PRED_2, pos_label=1
        ).average_precision,
    )

    class Fixed:
        def predict(self, X):
            return Y_PRED_2

    with pytest.warns(FutureWarning, match="pos_label"):
        display = DetectionPRDisplay.from_estimator(Fixed(), None, Y_TRUE_2, label=0)
    assert display.pos_label == 0
    with pytest.warns(FutureWarning, match="pos_label"):
        display = DetectionPRDisplay([1.0, 0.5], [0.0, 1.0], label=3)
    assert display.pos_label == 3
    with pytest.warns(FutureWarning, match="pos_label"):
        assert display.label == 3
    # a legend text given as label= gets told where legend texts go
    with pytest.warns(FutureWarning), pytest.raises(ValueError, match="name="):
        DetectionPRDisplay.from_predictions(Y_TRUE, Y_PRED, label="my curve")
    with pytest.raises(ValueError, match="only pos_label"):
        DetectionPRDisplay.from_predictions(Y_TRUE_2, Y_PRED_2, pos_label=0, label=1)


def test_class_errors_name_pos_label():
    with pytest.raises(ValueError, match="pos_label=5 is not among"):
        DetectionPRDisplay.from_predictions(Y_TRUE_2, Y_PRED_2, pos_label=5)
    with pytest.raises(ValueError, match="pass pos_label="):
        DetectionPRDisplay.from_predictions(Y_TRUE_2, Y_PRED_2)


def test_class_shown_only_for_labelled_data():
    # "Recall (class: 0)" was shown for boxes given without labels
    display = DetectionPRDisplay.from_predictions(Y_TRUE, Y_PRED)
    assert display.ax_.get_xlabel() == "Recall"
    assert display.ax_.get_ylabel() == "Precision"
    assert display.pos_label is None
    labelled = [{"boxes": y, "labels": ["cat"]} for y in Y_TRUE]
    preds = [{**p, "labels": ["cat"] * len(p["scores"])} for p in Y_PRED]
    display = DetectionPRDisplay.from_predictions(labelled, preds)
    assert display.ax_.get_xlabel() == "Recall (class: cat)"
    display = DetectionPRDisplay.from_predictions(Y_TRUE, Y_PRED, pos_label=0)
    assert display.ax_.get_xlabel() == "Recall (class: 0)"


def test_from_estimator_checks_matplotlib_before_predict(monkeypatch):
    class Slow:
        def predict(self, X):
            raise AssertionError("predict ran before the matplotlib check")

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"from_estimator.*sklvision\[plot\]"):
        DetectionPRDisplay.from_estimator(Slow(), None, Y_TRUE)


def test_inputs_not_modified():
    y_true = [{"boxes": np.array([BOX]), "labels": np.array([0])}]
    y_pred = [_pred([BOX], [0.9], [0])]
    curve_kwargs = {"label": "x"}
    before = (y_true[0]["boxes"].copy(), y_pred[0]["scores"].copy())
    DetectionPRDisplay.from_predictions(y_true, y_pred, curve_kwargs=curve_kwargs)
    assert curve_kwargs == {"label": "x"}
    np.testing.assert_array_equal(y_true[0]["boxes"], before[0])
    np.testing.assert_array_equal(y_pred[0]["scores"], before[1])


def test_despine_as_scikit_learn_displays():
    # sklearn's displays take despine=; ours refused it (a matplotlib
    # "unexpected keyword" from plot)
    display = DetectionPRDisplay.from_predictions(Y_TRUE, Y_PRED)
    assert display.ax_.spines["top"].get_visible()
    display = DetectionPRDisplay.from_predictions(Y_TRUE, Y_PRED, despine=True)
    assert not display.ax_.spines["top"].get_visible()
    assert not display.ax_.spines["right"].get_visible()
    assert display.ax_.spines["left"].get_bounds() == (0, 1)

    class Fixed:
        def predict(self, X):
            return Y_PRED

    display = DetectionPRDisplay.from_estimator(Fixed(), [None, None], Y_TRUE)
    assert display.ax_.spines["right"].get_visible()
    display = DetectionPRDisplay.from_estimator(
        Fixed(), [None, None], Y_TRUE, despine=True
    )
    assert not display.ax_.spines["right"].get_visible()
    display = DetectionPRDisplay.from_estimator(Fixed(), [None, None], Y_TRUE)
    display.plot(despine=True)
    assert not display.ax_.spines["right"].get_visible()
    plt.close("all")
