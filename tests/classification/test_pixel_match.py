"""Tests for BinaryPixelMatchClassifier against the naive pixel-by-pixel rule."""

import math
import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline

from sklvision.classification import BinaryPixelMatchClassifier
from sklvision.preprocessing import Binarize

# --------------------------------------------------------------------------
# The naive rule, written like the original program: Python loops over every
# pixel of every (test, training) pair, Python numbers only.


def naive_bits(image, threshold=127.5, foreground="bright"):
    bits = []
    for row in image.tolist():
        out = []
        for pixel in row:
            if isinstance(pixel, list):
                total = 0
                for value in pixel:
                    total += value
                mean = total / len(pixel)
            else:
                mean = pixel
            bit = 0 if mean < threshold else 1
            out.append(bit if foreground == "bright" else 1 - bit)
        bits.append(out)
    return bits


def naive_totals(
    X_train,
    y_train,
    X_test,
    threshold=127.5,
    foreground="bright",
    match_score=1,
    mismatch_score=-1,
    background_score=0,
    aggregate="sum",
):
    """Per-class totals (classes sorted) of every test image, naively."""
    classes = sorted(set(np.asarray(y_train).tolist()))
    db = {c: [] for c in classes}
    for image, label in zip(X_train, np.asarray(y_train).tolist()):
        db[label].append(naive_bits(image, threshold, foreground))
    all_totals = []
    for image in X_test:
        test = naive_bits(image, threshold, foreground)
        totals = []
        for c in classes:
            total = 0
            for train in db[c]:
                for r in range(len(train)):
                    for k in range(len(train[r])):
                        a, b = train[r][k], test[r][k]
                        if a == b == 1:
                            total += match_score
                        elif a == b == 0:
                            total += background_score
                        else:
                            total += mismatch_score
            if aggregate == "mean":
                total = total / len(db[c])
            totals.append(total)
        all_totals.append(totals)
    return classes, all_totals


def naive_predict(classes, totals):
    """First class (in sorted order) with the highest total, as the original."""
    out = []
    for row in totals:
        best = max(row)
        out.append(classes[row.index(best)])
    return out


def naive_confidence(totals):
    """The original's ``min(round(1 / best * second * 100, 2), 100)``."""
    ranked = sorted(totals, reverse=True)
    return min(round(((1.0 / ranked[0]) * ranked[1]) * 100, 2), 100.00)


# --------------------------------------------------------------------------
# data


def random_rgb(n, size=(6, 5), seed=0, n_classes=3, unbalanced=False):
    rng = np.random.RandomState(seed)
    X = rng.randint(0, 256, size=(n, *size, 3)).astype(np.uint8)
    if unbalanced:
        y = rng.choice(
            n_classes, size=n, p=np.r_[0.6, [0.4 / (n_classes - 1)] * (n_classes - 1)]
        )
        y[:n_classes] = np.arange(n_classes)
    else:
        y = np.arange(n) % n_classes
    return X, y


def structured_gray(seed=0):
    """Bars and blocks with noise; values hit the threshold exactly too."""
    rng = np.random.RandomState(seed)
    X = np.zeros((24, 7, 6), dtype=np.uint8)
    y = np.arange(24) % 4
    X[y == 0, :, :3] = 200
    X[y == 1, :, 3:] = 200
    X[y == 2, :3] = 200
    X[y == 3, 3:] = 200
    flip = rng.rand(*X.shape) < 0.15
    X[flip] = 255 - X[flip]
    X[:, 0, 0] = 128  # exactly above 127.5
    X[:, -1, -1] = 127  # exactly below
    return X, y


SCORES = [(1, -1, 0), (2, -1, 0), (3, -2, 1), (0.5, -0.25, 0.125)]


@pytest.mark.parametrize("foreground", ["bright", "dark"])
@pytest.mark.parametrize("aggregate", ["sum", "mean"])
@pytest.mark.parametrize("scores", SCORES)
@pytest.mark.parametrize("unbalanced", [False, True])
def test_matches_naive_rule_random_rgb(foreground, aggregate, scores, unbalanced):
    X, y = random_rgb(40, seed=1, n_classes=3, unbalanced=unbalanced)
    X_test, _ = random_rgb(12, seed=2)
    kw = dict(
        foreground=foreground,
        match_score=scores[0],
        mismatch_score=scores[1],
        background_score=scores[2],
        aggregate=aggregate,
    )
    clf = BinaryPixelMatchClassifier(**kw).fit(X, y)
    classes, totals = naive_totals(X, y, X_test, **kw)
    # exact equality: totals, predictions (with first-class tie-breaking)
    np.testing.assert_array_equal(clf.classes_, classes)
    np.testing.assert_array_equal(clf.class_totals(X_test), np.array(totals))
    np.testing.assert_array_equal(clf.predict(X_test), naive_predict(classes, totals))


@pytest.mark.parametrize("foreground", ["bright", "dark"])
@pytest.mark.parametrize("aggregate", ["sum", "mean"])
def test_matches_naive_rule_structured_gray(foreground, aggregate):
    X, y = structured_gray()
    clf = BinaryPixelMatchClassifier(foreground=foreground, aggregate=aggregate)
    clf.fit(X, y)
    classes, totals = naive_totals(X, y, X, foreground=foreground, aggregate=aggregate)
    np.testing.assert_array_equal(clf.class_totals(X), np.array(totals))
    pred = clf.predict(X)
    np.testing.assert_array_equal(pred, naive_predict(classes, totals))
    assert np.mean(pred == y) > 0.9  # the structure is learnable


def test_matches_naive_rule_float_gray_digits_like():
    # float64 gray images with their own threshold (digits: 0..16, t=8)
    rng = np.random.RandomState(3)
    X = rng.randint(0, 17, size=(30, 8, 8)).astype(np.float64)
    y = rng.randint(0, 5, size=30)
    y[:5] = np.arange(5)
    X_test = rng.randint(0, 17, size=(9, 8, 8)).astype(np.float64)
    clf = BinaryPixelMatchClassifier(threshold=8).fit(X, y)
    classes, totals = naive_totals(X, y, X_test, threshold=8)
    np.testing.assert_array_equal(clf.class_totals(X_test), np.array(totals))
    np.testing.assert_array_equal(clf.predict(X_test), naive_predict(classes, totals))


def test_ties_go_to_first_class():
    # identical training images in every class: all totals tie
    X = np.full((6, 4, 4), 200, dtype=np.uint8)
    y = np.array(["b", "c", "a", "b", "c", "a"])
    clf = BinaryPixelMatchClassifier().fit(X, y)
    totals = clf.class_totals(X[:2])
    assert np.all(totals == totals[:, :1])
    np.testing.assert_array_equal(clf.predict(X[:2]), ["a", "a"])
    # partial tie between the 2nd and 3rd class: the 2nd wins
    X2 = np.zeros((3, 2, 2), dtype=np.uint8)
    X2[1:, 0, 0] = 255
    clf2 = BinaryPixelMatchClassifier().fit(X2, [0, 1, 2])
    test = X2[1:2]
    t = clf2.class_totals(test)[0]
    assert t[1] == t[2] > t[0]
    assert clf2.predict(test)[0] == 1
    proba = clf2.predict_proba(test)
    assert np.argmax(proba[0]) == 1


def test_confidence_matches_original():
    # mostly bright images: +2/-1/0 gives positive totals, as in the original
    rng = np.random.RandomState(4)
    X = rng.randint(60, 256, size=(30, 6, 5, 3)).astype(np.uint8)
    y = np.arange(30) % 4
    X_test = rng.randint(60, 256, size=(8, 6, 5, 3)).astype(np.uint8)
    clf = BinaryPixelMatchClassifier(match_score=2).fit(X, y)
    _, totals = naive_totals(X, y, X_test, match_score=2)
    assert min(max(t) for t in totals) > 0
    expected = [naive_confidence(t) for t in totals]
    np.testing.assert_array_equal(clf.predict_confidence(X_test), expected)
    assert np.all(clf.predict_confidence(X_test) <= 100)


def test_confidence_edge_cases():
    clf = BinaryPixelMatchClassifier()
    clf.fit(np.zeros((2, 1, 1), dtype=np.uint8), [0, 1])
    cases = {
        (10.0, 5.0): 50.0,  # best > 0
        (10.0, -5.0): -50.0,  # negative second: the formula, uncapped below
        (3.0, 3.0): 100.0,  # tie
        (-2.0, -8.0): 100.0,  # best < 0: ratio >= 1, capped
        (0.0, 0.0): 100.0,
        (0.0, -1.0): -np.inf,
        (3.0, 2.0): 66.67,  # rounded to 2 decimals
    }
    for (best, second), want in cases.items():
        totals = np.array([[second, best]])
        clf.class_totals = lambda X, t=totals: t  # only the formula is tested
        assert clf.predict_confidence(None)[0] == want, (best, second)
    single = BinaryPixelMatchClassifier().fit(np.zeros((2, 2, 2)), [1, 1])
    np.testing.assert_array_equal(single.predict_confidence(np.zeros((1, 2, 2))), [0])
    np.testing.assert_array_equal(single.predict(np.zeros((1, 2, 2))), [1])


@pytest.mark.parametrize("classes", [None, [0, 1, 2]])
def test_partial_fit_equals_fit(classes):
    X, y = random_rgb(45, seed=6, n_classes=3, unbalanced=True)
    X_test, _ = random_rgb(10, seed=7)
    full = BinaryPixelMatchClassifier(aggregate="mean").fit(X, y)
    inc = BinaryPixelMatchClassifier(aggregate="mean")
    inc.partial_fit(X[:20], y[:20], classes=classes)
    inc.partial_fit(X[20:33], y[20:33])
    inc.partial_fit(X[33:], y[33:])
    np.testing.assert_array_equal(inc.foreground_count_, full.foreground_count_)
    np.testing.assert_array_equal(inc.class_count_, full.class_count_)
    np.testing.assert_array_equal(inc.class_totals(X_test), full.class_totals(X_test))
    # fit after partial_fit forgets the previous images
    inc.fit(X[:10], y[:10])
    assert inc.class_count_.sum() == 10


def test_partial_fit_classes_and_errors():
    X, y = random_rgb(9, seed=8)
    clf = BinaryPixelMatchClassifier().partial_fit(X, y, classes=[0, 1, 2, 3])
    assert clf.class_count_.tolist() == [3, 3, 3, 0]
    # a class without images gets -inf with both aggregates: never predicted,
    # probability 0 -- also where every trained class's total is negative
    # (its empty sum of 0 used to win there)
    assert (clf.class_totals(X)[:, :3].max(axis=1) < 0).any()
    for aggregate in ("sum", "mean"):
        est = clone(clf).set_params(aggregate=aggregate)
        est.partial_fit(X, y, classes=[0, 1, 2, 3])
        assert np.all(np.isneginf(est.class_totals(X)[:, 3]))
        assert not np.any(est.predict(X) == 3)
        proba = est.predict_proba(X)
        np.testing.assert_allclose(proba.sum(axis=1), 1)
        assert np.all(proba[:, 3] == 0)
    with pytest.raises(ValueError, match="not in classes_"):
        BinaryPixelMatchClassifier().partial_fit(X, y).partial_fit(X[:1], [7])
    with pytest.raises(ValueError, match="not the same"):
        clf.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="shape"):
        clf.partial_fit(X[:, :3], y)
    with pytest.raises(ValueError, match="features"):
        clf.partial_fit(X[:, :3].reshape(9, -1), y)


def test_memory_does_not_grow_with_training_images():
    X, y = random_rgb(60, seed=9)
    small = BinaryPixelMatchClassifier().fit(X[:6], y[:6])
    big = BinaryPixelMatchClassifier().fit(X, y)
    state = ["foreground_count_", "class_count_", "classes_"]
    for name in state:
        assert getattr(small, name).nbytes == getattr(big, name).nbytes
    assert big.foreground_count_.shape == (3, 30)
    assert len(pickle.dumps(big)) == len(pickle.dumps(small))


def test_input_forms_give_the_same_result():
    X, y = random_rgb(20, seed=10)
    ref = BinaryPixelMatchClassifier().fit(X, y)
    totals = ref.class_totals(X)
    as_list = BinaryPixelMatchClassifier().fit(list(X), y)
    np.testing.assert_array_equal(as_list.class_totals(list(X)), totals)
    obj = np.empty(len(X), dtype=object)
    obj[:] = list(X)
    np.testing.assert_array_equal(ref.class_totals(obj), totals)
    # flattened channels-last rows are read with the fitted channel count
    np.testing.assert_array_equal(ref.class_totals(X.reshape(20, -1)), totals)
    assert ref.n_features_in_ == 6 * 5 * 3
    assert ref.image_shape_ == (6, 5) and ref.n_channels_ == 3
    # nested Python lists of numbers
    np.testing.assert_array_equal(ref.class_totals(X.tolist()), totals)
    # dtype does not matter: same values as float32 / float64 / int64
    for dtype in (np.float32, np.float64, np.int64, np.uint16):
        other = BinaryPixelMatchClassifier().fit(X.astype(dtype), y)
        np.testing.assert_array_equal(other.class_totals(X.astype(dtype)), totals)
    # 2-D input fitted directly: flattened gray images
    gray = X[..., 0]
    flat = BinaryPixelMatchClassifier().fit(gray.reshape(20, -1), y)
    assert flat.image_shape_ is None and flat.n_channels_ == 1
    np.testing.assert_array_equal(
        flat.class_totals(gray.reshape(20, -1)),
        BinaryPixelMatchClassifier().fit(gray, y).class_totals(gray),
    )


def test_fast_and_full_validation_paths_agree():
    X, y = random_rgb(20, seed=16)
    fast = BinaryPixelMatchClassifier().fit(X, y)  # ndarray X and int y
    full = BinaryPixelMatchClassifier().fit(X, y.tolist())  # list y
    strs = BinaryPixelMatchClassifier().fit(X, np.array(["a", "b", "c"])[y])
    for other in (full, strs):
        np.testing.assert_array_equal(other.foreground_count_, fast.foreground_count_)
        np.testing.assert_array_equal(other.class_count_, fast.class_count_)
        assert other.n_features_in_ == fast.n_features_in_ == 90
    with pytest.raises(ValueError, match="requires y"):
        BinaryPixelMatchClassifier().fit(X, None)
    with pytest.raises(ValueError, match="inconsistent|samples"):
        BinaryPixelMatchClassifier().fit(X, y[:-1])
    with pytest.raises(ValueError, match="Unknown label type"):
        BinaryPixelMatchClassifier().fit(X, y + 0.5)


def test_inputs_are_not_modified():
    X, y = random_rgb(10, seed=11)
    X_copy = X.copy()
    BinaryPixelMatchClassifier().fit(X, y).predict(X)
    np.testing.assert_array_equal(X, X_copy)


def test_binarisation_thresholds_exactly():
    # RGB: sum 382 -> mean 127.33 (0), sum 383 -> 127.67 (1), as the original
    X = np.array([[[[127, 127, 128], [128, 128, 127]]]], dtype=np.uint8)
    bits = naive_bits(X[0])
    assert bits == [[0, 1]]
    clf = BinaryPixelMatchClassifier().fit(np.concatenate([X, X]), [0, 1])
    np.testing.assert_array_equal(clf.foreground_count_, [[0, 1], [0, 1]])
    # gray: a value equal to the threshold is bright
    g = np.array([[[1.0, 2.0, 3.0]]])
    clf = BinaryPixelMatchClassifier(threshold=2.0).fit(g, [0])
    np.testing.assert_array_equal(clf.foreground_count_, [[0, 1, 1]])
    # float32 compares with the exact threshold, not its float32 rounding
    t = 0.1  # float32(0.1) > 0.1
    x32 = np.array([[[np.float32(0.1), np.nextafter(np.float32(0.1), 0)]]])
    clf = BinaryPixelMatchClassifier(threshold=t).fit(x32.astype(np.float32), [0])
    np.testing.assert_array_equal(clf.foreground_count_, [[1, 0]])
    t = 0.3  # float32(0.3) > 0.3 too; 1/3 checks the other direction
    x32 = np.array([[[np.float32(1 / 3)]]], dtype=np.float32)
    want = int(float(x32[0, 0, 0]) >= 1 / 3)
    clf = BinaryPixelMatchClassifier(threshold=1 / 3).fit(x32, [0])
    assert clf.foreground_count_[0, 0] == want
    # thresholds outside the value range
    u8 = np.array([[[0, 255]]], dtype=np.uint8)
    for thr, want in [(-5, [1, 1]), (300, [0, 0]), (255.5, [0, 0]), (255, [0, 1])]:
        clf = BinaryPixelMatchClassifier(threshold=thr).fit(u8, [0])
        np.testing.assert_array_equal(clf.foreground_count_[0], want)
    # bool images
    b = np.array([[[True, False]]])
    clf = BinaryPixelMatchClassifier(threshold=0.5).fit(b, [0])
    np.testing.assert_array_equal(clf.foreground_count_[0], [1, 0])


def test_exact_beyond_float32_range():
    # Per-class counts above 2**24 switch the product to float64; check the
    # totals against Python integers on a hand-made state.
    clf = BinaryPixelMatchClassifier(match_score=2).fit(
        np.zeros((2, 1, 3), dtype=np.uint8), [0, 1]
    )
    rng = np.random.RandomState(0)
    n_k = np.array([2**26 + 1, 2**26 + 3])
    counts = rng.randint(0, n_k[0], size=(2, 3)).astype(np.int64)
    clf.foreground_count_ = counts
    clf.class_count_ = n_k
    X = np.array([[[255, 0, 255]], [[0, 255, 0]]], dtype=np.uint8)
    bits = (X[:, 0, :] >= 128).astype(int).tolist()
    got = clf.class_totals(X)
    for i, b in enumerate(bits):
        for k in range(2):
            want = 0
            for p in range(3):
                on, n = int(counts[k, p]), int(n_k[k])
                if b[p]:
                    want += 2 * on - (n - on)
                else:
                    want += -on
            assert got[i, k] == want


def test_decision_function_and_proba():
    X, y = random_rgb(30, seed=12, n_classes=3)
    clf = BinaryPixelMatchClassifier().fit(X, y)
    totals = clf.class_totals(X)
    np.testing.assert_array_equal(clf.decision_function(X), totals)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    np.testing.assert_allclose(np.log(proba), clf.predict_log_proba(X))
    # the documented mapping: softmax(totals / (mean class size * sqrt(P)))
    z = totals / (10 * math.sqrt(30))
    e = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(proba, e / e.sum(axis=1, keepdims=True))
    # binary: scikit-learn's 1-D convention
    yb = y % 2
    clfb = BinaryPixelMatchClassifier().fit(X, yb)
    tb = clfb.class_totals(X)
    np.testing.assert_array_equal(clfb.decision_function(X), tb[:, 1] - tb[:, 0])


def test_templates():
    X, y = structured_gray()
    clf = BinaryPixelMatchClassifier().fit(X, y)
    t = clf.templates_
    assert t.shape == (4, 7, 6)
    assert np.all((t >= 0) & (t <= 1))
    # class 0 is bright on the left half
    assert t[0, :, :3].mean() > 0.7 and t[0, :, 3:].mean() < 0.3
    with pytest.raises(NotFittedError):
        BinaryPixelMatchClassifier().templates_


def test_errors():
    X, y = random_rgb(6, seed=13)
    clf = BinaryPixelMatchClassifier().fit(X, y)
    with pytest.raises(ValueError, match="channel"):
        clf.predict(X[..., 0])
    with pytest.raises(ValueError, match="shape"):
        clf.predict(X.reshape(6, 5, 6, 3))
    with pytest.raises(ValueError, match="different shapes"):
        BinaryPixelMatchClassifier().fit([X[0], X[1, :3]], [0, 1])
    with pytest.raises(ValueError, match="NaN|infinity"):
        BinaryPixelMatchClassifier().fit(np.full((2, 2, 2), np.nan), [0, 1])
    with pytest.raises(ValueError, match="NaN|infinity"):
        clf.predict(np.full((1, 6, 5, 3), np.inf))
    with pytest.raises(ValueError, match="match_score"):
        BinaryPixelMatchClassifier(match_score=np.inf).fit(X, y)
    with pytest.raises(ValueError, match="threshold"):
        BinaryPixelMatchClassifier(threshold=np.nan).fit(X, y)
    with pytest.raises(ValueError, match="foreground"):
        BinaryPixelMatchClassifier(foreground="ink").fit(X, y)
    with pytest.raises(ValueError, match="dimensions|shape"):
        BinaryPixelMatchClassifier().fit(np.zeros((2, 2, 2, 2, 2)), [0, 1])
    # an empty stack: sklearn's "0 sample(s)" message, not a reshape error
    with pytest.raises(ValueError, match="0 sample"):
        BinaryPixelMatchClassifier().fit(np.zeros((0, 6, 5, 3)), [])
    with pytest.raises(ValueError, match="0 sample"):
        clf.predict(np.zeros((0, 6, 5, 3)))
    with pytest.raises(NotFittedError):
        BinaryPixelMatchClassifier().predict(X)


def test_sklearn_tools():
    X, y = structured_gray(seed=1)
    clf = BinaryPixelMatchClassifier()
    scores = cross_val_score(clf, X, y, cv=3, error_score="raise")
    assert scores.mean() > 0.8
    grid = GridSearchCV(
        clf,
        {"match_score": [1, 2], "aggregate": ["sum", "mean"]},
        cv=3,
        error_score="raise",
    ).fit(X, y)
    assert grid.best_score_ > 0.8
    restored = pickle.loads(pickle.dumps(clf.fit(X, y)))
    np.testing.assert_array_equal(restored.predict(X), clf.predict(X))


@pytest.mark.parametrize("foreground", ["bright", "dark"])
def test_binarize_pipeline_gives_the_same_result(foreground):
    from sklvision.preprocessing import Binarize, Grayscale

    X, y = random_rgb(30, seed=14, n_classes=3)
    X_test, _ = random_rgb(10, seed=15)
    direct = BinaryPixelMatchClassifier(foreground=foreground).fit(X, y)
    # channel mean, threshold 127.5, then already-binary images (bit = 1)
    pipe = make_pipeline(
        Grayscale(method="mean"),
        Binarize(threshold=127.5, foreground=foreground),
        BinaryPixelMatchClassifier(threshold=0.5),
    ).fit(X, y)
    np.testing.assert_array_equal(pipe.predict(X_test), direct.predict(X_test))
    np.testing.assert_array_equal(
        pipe.decision_function(X_test), direct.decision_function(X_test)
    )
    np.testing.assert_array_equal(pipe[-1].foreground_count_, direct.foreground_count_)
    # gray images: Binarize alone
    gray = X[..., 1]
    direct = BinaryPixelMatchClassifier(foreground=foreground).fit(gray, y)
    pipe = make_pipeline(
        Binarize(threshold=127.5, foreground=foreground),
        BinaryPixelMatchClassifier(threshold=0.5),
    ).fit(gray, y)
    np.testing.assert_array_equal(
        pipe.decision_function(X_test[..., 1]),
        direct.decision_function(X_test[..., 1]),
    )


def test_float16_images_without_spurious_overflow_warning():
    # the fast path's finiteness test sums the images; an overflowing float16
    # sum only sends them to the full check, without a RuntimeWarning
    X = np.full((3, 64, 64), 200, dtype=np.float16)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        clf = BinaryPixelMatchClassifier().fit(X, [0, 1, 0])
        assert clf.predict(X).tolist() == [0, 0, 0]
    X[0, 0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        BinaryPixelMatchClassifier().fit(X, [0, 1, 0])


def test_warns_when_every_training_bit_is_the_same():
    # The default threshold 127.5 is for 0-255 images: on [0, 1] floats (or the
    # 0/1 output of Binarize) every bit was 0 and predictions were silent ties.
    rng = np.random.RandomState(0)
    X = rng.rand(30, 6, 6)
    y = np.arange(30) % 3
    with pytest.warns(UserWarning, match="binarised to 0 .*threshold=127.5") as rec:
        BinaryPixelMatchClassifier().fit(X, y)
    assert rec[0].filename == __file__  # points at the caller's line
    with pytest.warns(UserWarning, match="binarised to 1 .*threshold=-1"):
        BinaryPixelMatchClassifier(threshold=-1).fit(X, y)
    with pytest.warns(UserWarning, match="binarised to 0 .*foreground='dark'"):
        BinaryPixelMatchClassifier(threshold=-1, foreground="dark").fit(X, y)
    with pytest.warns(UserWarning, match="binarised to 0"):
        BinaryPixelMatchClassifier().partial_fit(X, y)
    with pytest.warns(UserWarning, match="binarised to 0") as rec:
        make_pipeline(Binarize(), BinaryPixelMatchClassifier()).fit(X, y)
    assert rec[0].filename == __file__  # not sklearn's pipeline.py
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf = BinaryPixelMatchClassifier(threshold=0.5).fit(X, y)
        clf.partial_fit(X, y)
        make_pipeline(Binarize(), BinaryPixelMatchClassifier(threshold=0.5)).fit(X, y)


@pytest.mark.parametrize("threshold", [1e30, -1e30, 1e25, 2.0**70])
@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.uint64, bool])
def test_threshold_far_outside_the_integer_range_returns_at_once(threshold, dtype):
    # the search for the integer threshold stepped by 1 through floats spaced
    # far wider above 2**53: threshold=1e30 never returned
    X = np.zeros((4, 3, 3, 3), dtype=dtype)
    X[:2, 0, 0] = 1
    y = [0, 0, 1, 1]
    with pytest.warns(UserWarning, match=f"binarised to {int(threshold < 0)}"):
        clf = BinaryPixelMatchClassifier(threshold=threshold).fit(X, y)
    assert clf.foreground_count_.sum() == (4 * 9 if threshold < 0 else 0)
    assert clf.predict(X).shape == (4,)


def test_big_endian_float64_binarised_as_float64():
    # '>f8' != np.float64, so big-endian float64 images were compared in
    # float32, where 0.49999999 rounds to 0.5 and became foreground
    X = np.array([[[0.49999999, 0.2], [0.7, 0.5]]] * 2 + [[[0.1, 0.2], [0.3, 0.4]]] * 2)
    y = [0, 0, 1, 1]
    native = BinaryPixelMatchClassifier(threshold=0.5).fit(X, y)
    swapped = BinaryPixelMatchClassifier(threshold=0.5).fit(X.astype(">f8"), y)
    np.testing.assert_array_equal(swapped.foreground_count_, native.foreground_count_)
    np.testing.assert_array_equal(
        native.class_totals(X.astype(">f8")), native.class_totals(X)
    )
