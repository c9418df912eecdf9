import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

from sklvision.base import DetectorMixin
from sklvision.metrics import (
    ap50_scorer,
    ap_scorer,
    average_precision_score,
    coco_evaluate,
    get_scorer,
    get_scorer_names,
    mean_iou_score,
    mean_iou_scorer,
)
from sklvision.utils import make_detections


class ShrinkDetector(DetectorMixin, BaseEstimator):
    """Predicts the true box (passed through X) shrunk by ``shrink`` pixels."""

    def __init__(self, shrink=0.0):
        self.shrink = shrink

    def fit(self, X, y):
        self.fitted_ = True
        return self

    def predict(self, X):
        boxes = [im[0, :4][None, :] + [0, 0, -self.shrink, -self.shrink] for im in X]
        return make_detections(boxes, [[1.0]] * len(X))


def _data(n=12):
    rng = np.random.RandomState(0)
    xy = rng.uniform(0, 50, (n, 2))
    boxes = np.hstack([xy, xy + 20])
    X = np.zeros((n, 2, 4))
    X[:, 0, :] = boxes  # the "image" carries its box
    y = np.empty(n, dtype=object)
    y[:] = [b[None, :] for b in boxes]
    return X, y


def test_scorer_names_and_resolution():
    assert get_scorer_names() == ["ap", "ap50", "mean_iou"]
    X, y = _data()
    est = ShrinkDetector(shrink=5.0).fit(X, y)
    y_pred = est.predict(X)
    assert get_scorer("mean_iou")(est, X, y) == pytest.approx(mean_iou_score(y, y_pred))
    assert get_scorer("ap50")(est, X, y) == average_precision_score(y, y_pred)
    assert get_scorer("ap")(est, X, y) == coco_evaluate(y, y_pred)["AP"]
    assert mean_iou_scorer(est, X, y) == pytest.approx(15 * 15 / 400)
    assert ap50_scorer(est, X, y) == 1.0  # IoU 0.5625 >= 0.5
    assert 0 < ap_scorer(est, X, y) < 1
    # a copy each time, and sklearn names still work
    assert get_scorer("ap") is not get_scorer("ap")
    assert get_scorer("accuracy") is not None


@pytest.mark.parametrize(
    "name, hint",
    [("AP50", "Did you mean 'ap50'"), ("Mean_IoU", "Did you mean 'mean_iou'"),
     ("foo", "")],
)
def test_unknown_scorer_name_lists_detection_scorers(name, hint):
    with pytest.raises(ValueError, match=r"\['ap', 'ap50', 'mean_iou'\]") as info:
        get_scorer(name)
    assert hint in str(info.value)
    assert ("Did you mean" in str(info.value)) == bool(hint)


@pytest.mark.parametrize("scoring", ["mean_iou", "ap50", "ap"])
def test_grid_search_with_detection_scorers(scoring):
    X, y = _data()
    search = GridSearchCV(
        ShrinkDetector(),
        {"shrink": [0.0, 8.0, 15.0]},
        scoring=get_scorer(scoring),
        cv=KFold(3),
        error_score="raise",
    )
    search.fit(X, y)
    assert search.best_params_ == {"shrink": 0.0}
    assert search.best_score_ == pytest.approx(1.0)


def test_scorer_objects_as_scoring_and_default_score():
    X, y = _data()
    scores = cross_val_score(
        ShrinkDetector(8.0), X, y, scoring=ap50_scorer, cv=3, error_score="raise"
    )
    np.testing.assert_allclose(scores, 0.0)  # IoU 0.36 < 0.5
    # DetectorMixin.score is AP50
    assert ShrinkDetector(0.0).fit(X, y).score(X, y) == 1.0
    # a dict of scorers works too
    search = GridSearchCV(
        ShrinkDetector(),
        {"shrink": [0.0, 8.0]},
        scoring={"iou": mean_iou_scorer, "ap": ap_scorer},
        refit="iou",
        cv=3,
        error_score="raise",
    ).fit(X, y)
    assert search.best_params_ == {"shrink": 0.0}


def test_scorers_survive_pickle_and_skops():
    import pickle

    X, y = _data()
    est = ShrinkDetector(5.0).fit(X, y)
    for scorer in (mean_iou_scorer, ap50_scorer, ap_scorer):
        clone = pickle.loads(pickle.dumps(scorer))
        assert clone(est, X, y) == scorer(est, X, y)
    sio = pytest.importorskip("skops.io")
    from sklvision.utils import get_trusted_types

    dumped = sio.dumps(ap_scorer)
    assert set(sio.get_untrusted_types(data=dumped)) <= set(get_trusted_types())
    loaded = sio.loads(dumped, trusted=get_trusted_types())
    assert loaded(est, X, y) == ap_scorer(est, X, y)
