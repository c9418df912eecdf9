"""The project's detector checks pass a sound toy detector and catch broken ones."""

from numbers import Real

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from sklvision.base import DetectorMixin
from sklvision.utils import make_detections, validate_images, validate_targets
from sklvision.utils._sklearn_compat import Interval, _fit_context
from sklvision.utils.estimator_checks import (
    check_detector,
    check_detector_bad_targets,
    check_detector_does_not_modify_input,
    check_detector_fit_returns_self,
    check_detector_not_fitted,
    check_detector_predict_format,
    make_detector_check_data,
)


def _fit_bright_box(est, X, y):
    X = validate_images(X)
    targets = validate_targets(y, n_images=len(X))
    labels = [t["labels"] for t in targets if len(t["labels"])]
    est.classes_ = np.unique(np.concatenate(labels)) if labels else np.array([0])
    est.n_train_ = len(X)
    return est


class BrightBoxDetector(DetectorMixin, BaseEstimator):
    """Toy detector: the bounding box of the pixels above a threshold.

    Every box gets the first class seen in ``fit``.
    """

    _parameter_constraints = {"threshold": [Interval(Real, 0, 255, closed="both")]}

    def __init__(self, threshold=128.0):
        self.threshold = threshold

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        return _fit_bright_box(self, X, y)

    def predict(self, X):
        check_is_fitted(self)
        X = validate_images(X)
        boxes, scores, labels = [], [], []
        for im in X:
            mask = np.asarray(im).reshape(im.shape[0], im.shape[1], -1).max(-1)
            rows, cols = np.nonzero(mask > self.threshold)
            if len(rows):
                boxes.append([[cols.min(), rows.min(), cols.max() + 1, rows.max() + 1]])
                scores.append([float(mask.max()) / 255])
            else:
                boxes.append(np.zeros((0, 4)))
                scores.append(np.zeros(0))
            labels.append(np.repeat(self.classes_[:1], len(boxes[-1])))
        return make_detections(boxes, scores, labels)


class PlainDetector(DetectorMixin, BaseEstimator):
    """A correct third-party detector: no private sklearn API at all."""

    def __init__(self, threshold=128.0):
        self.threshold = threshold

    def fit(self, X, y):
        return _fit_bright_box(self, X, y)

    predict = BrightBoxDetector.predict


class UnvalidatedParamsDetector(BrightBoxDetector):
    # declares constraints but never checks them (no @_fit_context)
    def fit(self, X, y):
        return _fit_bright_box(self, X, y)


class NoSelfDetector(BrightBoxDetector):
    def fit(self, X, y):
        super().fit(X, y)


class UnsortedDetector(BrightBoxDetector):
    def predict(self, X):
        out = super().predict(X)
        for p in out:
            p["boxes"] = np.vstack([p["boxes"], [[0, 0, 1, 1]]])
            p["scores"] = np.append(p["scores"], 2.0)
            p["labels"] = np.append(p["labels"], 0)
        return out


class MutatingDetector(BrightBoxDetector):
    def fit(self, X, y):
        X[0][0, 0] = 7
        return super().fit(X, y)


class ClippingDetector(BrightBoxDetector):
    # clips the caller's images in place (validate_images does not copy)
    def predict(self, X):
        check_is_fitted(self)
        X = validate_images(X)
        for im in X:
            np.clip(im, 0, 250, out=im)
        return super().predict(X)


class ClippedBoxDetector(BrightBoxDetector):
    # adds a low-scoring box clipped to zero width at the right image border
    # and one of zero height at the bottom, as make_detections allows
    def predict(self, X):
        out = super().predict(X)
        for p, im in zip(out, validate_images(X)):
            h, w = im.shape[:2]
            p["boxes"] = np.vstack([p["boxes"], [[w, 0, w, h], [0, h, w, h]]])
            p["scores"] = np.append(p["scores"], [0.0, 0.0])
            p["labels"] = np.append(p["labels"], np.repeat(self.classes_[:1], 2))
        return out


class InvertedBoxDetector(BrightBoxDetector):
    def predict(self, X):
        out = super().predict(X)
        for p in out:
            p["boxes"] = np.vstack([p["boxes"], [[5, 0, 4, 1]]])
            p["scores"] = np.append(p["scores"], 0.0)
            p["labels"] = np.append(p["labels"], 0)
        return out


class StackingDetector(BrightBoxDetector):
    # reads the images as one array: fails on differently sized images
    def predict(self, X):
        return super().predict(np.asarray(X))


class ColourOnlyDetector(BrightBoxDetector):
    # reads the red channel: fails on gray images
    def predict(self, X):
        X = validate_images(X)
        return super().predict([im[..., 0] for im in X])


class HistogramDetector(BrightBoxDetector):
    # np.bincount of the pixel values: integer images only
    def predict(self, X):
        X = validate_images(X)
        for im in X:
            np.bincount(np.asarray(im).ravel())
        return super().predict(X)


class BatchScaledDetector(BrightBoxDetector):
    # scores relative to the best of the batch: depend on the other images
    def predict(self, X):
        out = super().predict(X)
        top = max([p["scores"].max() for p in out if len(p["scores"])] + [1e-12])
        for p in out:
            p["scores"] = p["scores"] / top
        return out


class PublicAttrDetector(BrightBoxDetector):
    def fit(self, X, y):
        super().fit(X, y)
        self.n_train = self.n_train_  # public name without trailing "_"
        return self


class RescalingDetector(BrightBoxDetector):
    # stores the threshold for [0, 1] images in the parameter itself
    def fit(self, X, y):
        super().fit(X, y)
        if self.threshold > 1:
            self.threshold = self.threshold / 255
        return self

    def predict(self, X):
        self.threshold *= 255
        try:
            return super().predict(X)
        finally:
            self.threshold /= 255


class SortingDetector(BrightBoxDetector):
    _parameter_constraints = {
        **BrightBoxDetector._parameter_constraints,
        "levels": [list, None],
    }

    def __init__(self, threshold=128.0, levels=None):
        self.threshold = threshold
        self.levels = levels

    def fit(self, X, y):
        super().fit(X, y)
        if self.levels is not None:
            self.levels.sort()  # mutates the caller's list in place
        return self


class CountingDetector(BrightBoxDetector):
    def predict(self, X):
        out = super().predict(X)
        self.n_predicted_ = getattr(self, "n_predicted_", 0) + len(out)
        return out


class MarginDetector(BrightBoxDetector):
    # adds the whole image plus a margin, unclipped
    def predict(self, X):
        out = super().predict(X)
        for p, im in zip(out, validate_images(X)):
            h, w = im.shape[:2]
            p["boxes"] = np.vstack([p["boxes"], [[-2, -2, w + 2, h + 2]]])
            p["scores"] = np.append(p["scores"], 0.0)
            p["labels"] = np.append(p["labels"], 0)
        return out


class IndexLabelDetector(BrightBoxDetector):
    # predicts class indices (always 0) instead of the classes
    def predict(self, X):
        out = super().predict(X)
        for p in out:
            p["labels"] = np.zeros(len(p["labels"]), dtype=np.int64)
        return out


class FloatLabelDetector(BrightBoxDetector):
    # keeps the classes in a float array: ints come back as 3.0
    def predict(self, X):
        out = super().predict(X)
        for p in out:
            p["labels"] = p["labels"].astype(float)
        return out


class WrongOrderDetector(BaseEstimator, DetectorMixin):
    # BaseEstimator first: its __sklearn_tags__ drops the mixin's tags
    _parameter_constraints = BrightBoxDetector._parameter_constraints

    def __init__(self, threshold=128.0):
        self.threshold = threshold

    fit = BrightBoxDetector.fit
    predict = BrightBoxDetector.predict


class OwnTagsDetector(BrightBoxDetector):
    def __sklearn_tags__(self):
        tags = BaseEstimator.__sklearn_tags__(self)  # skips DetectorMixin
        tags.input_tags.allow_nan = False
        return tags


class LaxDetector(BrightBoxDetector):
    def fit(self, X, y):
        self.n_train_ = len(X)
        return self


class AlwaysFittedDetector(BrightBoxDetector):
    def __sklearn_is_fitted__(self):
        return True


class IntBoxesDetector(BrightBoxDetector):
    # boxes of an integer dtype: the old check had a bare assert for this
    def predict(self, X):
        out = super().predict(X)
        for p in out:
            p["boxes"] = p["boxes"].astype(np.int64)
        return out


class RaisingDetector(BrightBoxDetector):
    def predict(self, X):
        check_is_fitted(self)
        raise TypeError("cannot read these images")


def test_toy_detector_passes_all_checks():
    det = BrightBoxDetector()
    check_detector(det)
    X, y = make_detector_check_data()
    assert det.fit(X, y).score(X, y) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "check, detector",
    [
        (check_detector_fit_returns_self, NoSelfDetector()),
        (check_detector_predict_format, UnsortedDetector()),
        (check_detector_predict_format, InvertedBoxDetector()),
        (check_detector_does_not_modify_input, MutatingDetector()),
        (check_detector_bad_targets, LaxDetector()),
        (check_detector_not_fitted, AlwaysFittedDetector()),
    ],
)
def test_checks_catch_broken_detectors(check, detector):
    X, y = make_detector_check_data()
    with pytest.raises(AssertionError):
        check(type(detector).__name__, detector, X, y)


def test_check_detector_rejects_non_detectors():
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(TypeError, match="not an sklvision detector"):
        check_detector(LogisticRegression())


def test_failures_name_the_check():
    with pytest.raises(AssertionError) as info:
        check_detector(UnsortedDetector())
    msg = str(info.value)
    assert msg.startswith("check_detector_predict_format failed for UnsortedDetector")
    assert "not sorted by decreasing score" in msg


def test_failure_messages_are_never_empty():
    X, y = make_detector_check_data()
    with pytest.raises(AssertionError, match=r"'boxes'\] has dtype int64"):
        check_detector_predict_format("IntBoxesDetector", IntBoxesDetector(), X, y)
    with pytest.raises(
        AssertionError,
        match=r"^check_detector_predict_format failed for IntBoxesDetector: .*int64",
    ):
        check_detector(IntBoxesDetector())


def test_detector_errors_are_reported_with_the_check_name():
    with pytest.raises(AssertionError) as info:
        check_detector(RaisingDetector())
    assert str(info.value).startswith(
        "check_detector_predict_format failed for RaisingDetector: it raised "
        "TypeError: cannot read these images"
    )
    assert isinstance(info.value.__cause__, TypeError)


def test_unknown_skip_names_raise():
    with pytest.raises(ValueError, match=r"'check_detector_typo'.*not detector checks"):
        check_detector(BrightBoxDetector(), skip=["check_detector_typo"])


def test_check_data_size_too_small():
    with pytest.raises(ValueError, match="size must be an integer >= 21"):
        make_detector_check_data(size=20)
    with pytest.raises(ValueError, match="n_images must be an integer >= 1"):
        make_detector_check_data(n_images=0)
    X, y = make_detector_check_data(n_images=3, size=21)
    assert X.shape == (3, 21, 21, 3) and len(y) == 3


def test_detector_without_parameter_constraints_passes():
    # check_param_validation needs sklearn's private _parameter_constraints
    assert not hasattr(PlainDetector(), "_parameter_constraints")
    check_detector(PlainDetector())


def test_declared_parameter_constraints_are_checked():
    with pytest.raises(AssertionError, match="^check_param_validation failed"):
        check_detector(UnvalidatedParamsDetector())


def test_in_place_predict_is_caught_and_caller_data_kept():
    # all checks shared one X: predict calls of earlier checks clipped it
    # before the does-not-modify check took its copy, so that check passed
    X, y = make_detector_check_data()
    X_orig, y_orig = X.copy(), [t.copy() for t in y]
    with pytest.raises(
        AssertionError,
        match=r"(?s)^check_detector_does_not_modify_input failed for "
        r"ClippingDetector: .*predict modified image",
    ):
        check_detector(ClippingDetector(), X, y)
    np.testing.assert_array_equal(X, X_orig)
    for a, b in zip(y, y_orig):
        np.testing.assert_array_equal(a, b)
    # a correct detector leaves the caller's data alone too
    check_detector(BrightBoxDetector(), X, y)
    np.testing.assert_array_equal(X, X_orig)


def test_zero_width_and_height_boxes_are_accepted():
    # make_detections and validate_predictions allow x_max == x_min
    X, y = make_detector_check_data()
    pred = ClippedBoxDetector().fit(X, y).predict(X)
    assert any((p["boxes"][:, 2] == p["boxes"][:, 0]).any() for p in pred)
    assert any((p["boxes"][:, 3] == p["boxes"][:, 1]).any() for p in pred)
    check_detector_predict_format("ClippedBoxDetector", ClippedBoxDetector(), X, y)
    check_detector(ClippedBoxDetector())


def test_inverted_boxes_are_refused():
    with pytest.raises(AssertionError, match=r"box 1 = \[5.0, 0.0, 4.0, 1.0\] has"):
        check_detector(InvertedBoxDetector())


def test_ragged_check_data():
    X0, y0 = make_detector_check_data()
    X, y = make_detector_check_data(ragged=True)
    assert isinstance(X, list) and len({im.shape for im in X}) == 3
    for a, b in zip(X, X0):
        np.testing.assert_array_equal(a[:48, :48], b)
    for a, b in zip(y, y0):
        np.testing.assert_array_equal(a, b)


def test_ragged_input_passes_a_correct_detector():
    # _as_containers ran np.asarray on the user's differently sized images
    check_detector(BrightBoxDetector(), *make_detector_check_data(ragged=True))


def test_predict_on_differently_sized_images_is_checked():
    with pytest.raises(
        AssertionError,
        match=r"^check_detector_ragged_images failed for StackingDetector: it "
        r"raised ValueError: .*inhomogeneous",
    ):
        check_detector(StackingDetector())


def test_gray_images_are_checked():
    with pytest.raises(
        AssertionError,
        match=r"^check_detector_gray_images failed for ColourOnlyDetector: it "
        r"raised IndexError",
    ):
        check_detector(ColourOnlyDetector())
    # a colour-only detector opts out by name
    check_detector(ColourOnlyDetector(), skip=["check_detector_gray_images"])


def test_float_images_are_checked():
    with pytest.raises(
        AssertionError,
        match=r"^check_detector_float_images failed for HistogramDetector: it "
        r"raised TypeError",
    ):
        check_detector(HistogramDetector())
    check_detector(HistogramDetector(), skip=["check_detector_float_images"])


def test_batch_dependent_predictions_are_caught():
    with pytest.raises(
        AssertionError,
        match=r"(?s)^check_detector_subset_invariance failed for "
        r"BatchScaledDetector: .*together vs one at a time",
    ):
        # the ragged check (which also predicts images one at a time) would
        # report it first
        check_detector(BatchScaledDetector(), skip=["check_detector_ragged_images"])


@pytest.mark.parametrize(
    "detector, message",
    [
        (PublicAttrDetector(), r"added public attribute\(s\) \['n_train'\]"),
        (
            RescalingDetector(),
            r"changed or deleted public attribute\(s\) \['threshold'\]",
        ),
        (SortingDetector(levels=[3, 1, 2]), r"value of parameter\(s\) \['levels'\]"),
    ],
)
def test_fit_must_not_overwrite_parameters(detector, message):
    with pytest.raises(
        AssertionError,
        match=r"^check_detector_dont_overwrite_parameters failed for "
        rf"{type(detector).__name__}: .*{message}",
    ):
        check_detector(detector)


def test_predict_must_not_change_dict():
    with pytest.raises(
        AssertionError,
        match=r"^check_detector_dict_unchanged failed for CountingDetector: "
        r".*\['n_predicted_'\]",
    ):
        check_detector(CountingDetector())


def test_boxes_outside_the_image_are_caught():
    with pytest.raises(
        AssertionError,
        match=r"^check_detector_boxes_in_image failed for MarginDetector: "
        r"MarginDetector.predict\(X\)\[0\]: box 1 = \[-2.0, -2.0, 50.0, 50.0\] "
        r"lies outside its image of width 48 and height 48",
    ):
        check_detector(MarginDetector())


def test_labelled_check_data():
    X0, y0 = make_detector_check_data()
    X, y = make_detector_check_data(labels=["cat", "dog"])
    np.testing.assert_array_equal(X, X0)
    assert [t["labels"].tolist() for t in y[:3]] == [["cat"], ["dog"], ["cat"]]
    assert y[-1]["labels"].shape == (0,) and y[-1]["labels"].dtype.kind == "U"
    for a, b in zip(y, y0):
        np.testing.assert_array_equal(a["boxes"], b)
    _, y = make_detector_check_data(n_images=2, labels=[3])
    assert y[0]["labels"].tolist() == [3] and y[1]["labels"].dtype.kind == "i"


@pytest.mark.parametrize(
    "detector, message",
    [
        (IndexLabelDetector(), r"holds \[0\], not among the classes seen in fit \[3\]"),
        (FloatLabelDetector(), r"has dtype float64 .* integer class labels \[3\]"),
    ],
)
def test_predicted_labels_are_checked(detector, message):
    with pytest.raises(
        AssertionError,
        match=rf"^check_detector_labels failed for {type(detector).__name__}: "
        rf".*{message}",
    ):
        check_detector(detector)


def test_mixin_order_and_tags_are_checked():
    with pytest.raises(
        AssertionError,
        match=r"^check_detector_mixin_order failed for WrongOrderDetector: "
        r"WrongOrderDetector inherits BaseEstimator before DetectorMixin",
    ):
        check_detector(WrongOrderDetector())
    with pytest.raises(
        AssertionError,
        match=r"^check_detector_mixin_order failed for OwnTagsDetector: .*"
        r"input_tags.two_d_array=True \(expected False\)",
    ):
        check_detector(OwnTagsDetector())


def test_every_check_is_public_and_listed_in_the_docstring():
    from sklvision.utils import estimator_checks

    doc = check_detector.__doc__
    for check in estimator_checks.yield_detector_checks():
        assert check.__name__ in estimator_checks.__all__
        assert f":func:`{check.__name__}`" in doc, check.__name__
        assert check.__doc__, check.__name__
    for check in estimator_checks._API_CHECKS:
        assert f"``{check.__name__}``" in doc, check.__name__


def test_pipeline_over_a_detector_passes():
    # is_detector accepts a Pipeline ending in a detector
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    check_detector(make_pipeline(FunctionTransformer(), BrightBoxDetector()))
