"""Input checks of the proposal features (BagOfVisualWords, ProposalCrops)."""

import threading

import numpy as np
import pytest
from joblib import parallel_config

from sklvision.detection import BagOfVisualWords, ProposalCrops
from sklvision.preprocessing import Flatten


def _images():
    return np.random.RandomState(0).rand(2, 12, 10)


@pytest.mark.parametrize(
    "size, reason",
    [
        ((0, 4), "0 is not positive"),
        ((4,), "1 values instead of 2"),
        ((4, 4, 4), "3 values instead of 2"),
        ((2.5, 4), "2.5 is not an int"),
        ((4.0, 4), r"4.0 is a float \(pass 4\)"),
        ((True, 4), "True is a bool"),
        ([4, -1], "-1 is not positive"),
    ],
)
def test_proposal_crops_refuses_bad_size(size, reason):
    # (0, 4) was an OverflowError inside skimage, (4,) and (4, 4, 4) gave
    # 40 and 64 features for 2 x 2 crops, (2.5, 4) silently became (2, 4)
    X = _images()
    crops = ProposalCrops(Flatten(), size=size)
    msg = rf"size must be a pair of positive ints \(height, width\), got .*{reason}"
    with pytest.raises(ValueError, match=msg):
        crops.fit(X)
    with pytest.raises(ValueError, match=msg):
        crops.fit_extracted([crops.extract(im) for im in X])


def test_proposal_crops_takes_numpy_int_size():
    X = _images()
    ref = ProposalCrops(Flatten(), size=(3, 4)).fit(X)
    crops = ProposalCrops(Flatten(), size=(np.uint8(3), np.int64(4))).fit(X)
    np.testing.assert_array_equal(crops.transform(X), ref.transform(X))
    assert crops.transform(X).shape == (2, 12)


def test_proposal_crops_uses_the_fitted_size():
    # the fitted transformer expects crops of the size it was fitted on: a
    # size changed by set_params takes effect at the next fit
    X = _images()
    crops = ProposalCrops(Flatten(), size=(3, 4)).fit(X)
    crops.set_params(size=(5, 5))
    assert crops.transform(X).shape == (2, 12)
    assert crops.fit(X).transform(X).shape == (2, 25)


@pytest.fixture(scope="module")
def bow():
    X = np.random.RandomState(0).rand(3, 40, 40)
    return BagOfVisualWords(n_words=8, step=4, radius=6, random_state=0).fit(X), X


def test_bow_describe_refuses_extract_output(bow):
    # describe(extract(img), boxes) returned (1, 1560) features instead of
    # (1, 120): the descriptors were read as an integral word histogram
    bow, X = bow
    extracted = bow.extract(X[0])
    kept = extracted.copy()
    with pytest.raises(ValueError, match=r"describe expects the output of prepare"):
        bow.describe(extracted, [[0, 0, 20, 20]])
    np.testing.assert_array_equal(extracted, kept)
    with pytest.raises(ValueError, match=r"\(the output of extract\?\)"):
        bow.describe(extracted, [[0, 0, 20, 20]])
    with pytest.raises(ValueError, match=r"shape \(40, 40\)"):
        bow.describe(X[0], [[0, 0, 20, 20]])
    prepared = bow.prepare(extracted)
    assert bow.describe(prepared, [[0, 0, 20, 20]]).shape == (1, bow.n_features_out_)


def test_bow_describe_refuses_descriptors_as_long_as_the_vocabulary():
    # with n_words == n_dims the shapes alone cannot tell the two apart: an
    # integral image's zero first row and column do
    X = np.random.RandomState(0).rand(3, 48, 48)
    probe = BagOfVisualWords(n_words=2, step=4, radius=6)
    n_dims = probe.extract(X[0]).shape[2]
    bow = BagOfVisualWords(n_words=n_dims, step=4, radius=6, random_state=0).fit(X)
    with pytest.raises(ValueError, match="first row and column are zero"):
        bow.describe(bow.extract(X[0]), [[0, 0, 20, 20]])


def test_bow_describe_refuses_another_vocabulary_size(bow):
    bow, X = bow
    other = BagOfVisualWords(n_words=5, step=4, radius=6, random_state=0).fit(X)
    with pytest.raises(ValueError, match=r"\(n_rows \+ 1, n_cols \+ 1, 8\)"):
        bow.describe(other.prepare(other.extract(X[0])), [[0, 0, 20, 20]])


@pytest.mark.parametrize("ndim", [2, 3])
def test_bow_prepare_refuses_an_image(bow, ndim):
    # prepare(image 2-D) was "not enough values to unpack"; an RGB image was
    # "The descriptors have 3 dimensions but the vocabulary 104"
    bow, X = bow
    image = X[0] if ndim == 2 else np.dstack([X[0]] * 3)
    with pytest.raises(
        ValueError,
        match=r"prepare expects the output of extract\(image\).*"
        r"\(n_rows, n_cols, 104\).*got an array of shape \(40, 40",
    ):
        bow.prepare(image)


def test_bow_fit_extracted_refuses_empty_and_images():
    # fit_extracted([]) was an IndexError, a list of images a deep error
    X = np.random.RandomState(0).rand(3, 40, 40)
    bow = BagOfVisualWords(n_words=8, step=4, radius=6, random_state=0)
    with pytest.raises(ValueError, match="at least one image"):
        bow.fit_extracted([])
    with pytest.raises(ValueError, match=r"extracted\[0\] has shape \(40, 40\)"):
        bow.fit_extracted(list(X))
    good = bow.extract(X[0])
    opponent = BagOfVisualWords(colour="opponent", step=4, radius=6)
    other = opponent.extract(np.dstack([X[1]] * 3))
    with pytest.raises(ValueError, match=r"extracted\[1\] has 312 descriptor"):
        bow.fit_extracted([good, other])
    assert not hasattr(bow, "vocabulary_")
    assert bow.fit_extracted([good, bow.extract(X[1])]).vocabulary_.shape[0] == 8


def _bow_images():
    rng = np.random.RandomState(0)
    return [rng.rand(36 + 4 * (i % 3), 40) for i in range(8)]


def test_bow_results_do_not_depend_on_n_jobs():
    X = _bow_images()
    params = dict(n_words=8, step=4, radius=6, random_state=0)
    ref_bow = BagOfVisualWords(**params, n_jobs=1).fit(X)
    ref = ref_bow.transform(X)
    for n_jobs in (2, -1):
        bow = BagOfVisualWords(**params, n_jobs=n_jobs).fit(X)
        np.testing.assert_array_equal(bow.vocabulary_, ref_bow.vocabulary_)
        np.testing.assert_array_equal(bow.transform(X), ref)
    with parallel_config(backend="threading", n_jobs=2):
        bow = BagOfVisualWords(**params).fit(X)
        np.testing.assert_array_equal(bow.transform(X), ref)
    np.testing.assert_array_equal(bow.vocabulary_, ref_bow.vocabulary_)


_MEETING = {}


class _MeetingBoW(BagOfVisualWords):
    """A bag of words whose first extract and prepare in each thread wait
    (at most 20 s) until a second thread gets there too."""

    def _meet(self, step):
        seen = _MEETING.setdefault(step, set())
        if threading.get_ident() not in seen:
            seen.add(threading.get_ident())
            _MEETING["barrier"].wait()

    def extract(self, image):
        self._meet("extract")
        return super().extract(image)

    def prepare(self, extracted):
        self._meet("prepare")
        return super().prepare(extracted)


def test_bow_n_jobs_none_follows_parallel_config():
    # n_jobs=None ignored parallel_config (transform's prepare/describe ran
    # serially whatever n_jobs): under parallel_config(n_jobs=2), both fit's
    # descriptors and transform's whole pipeline now run in two threads
    X = _bow_images()
    bow = _MeetingBoW(n_words=8, step=4, radius=6, random_state=0)
    with parallel_config(backend="threading", n_jobs=2):
        for step in ("fit", "transform"):
            _MEETING.clear()
            _MEETING["barrier"] = threading.Barrier(2, timeout=20)
            bow.fit(X) if step == "fit" else bow.transform(X)
            assert len(_MEETING["extract"]) == 2
    assert len(_MEETING["prepare"]) == 2


def test_bow_verbose(capsys):
    # BagOfVisualWords had no verbose and fitted silently (13 s on raccoon)
    X = _bow_images()
    params = dict(n_words=8, step=4, radius=6, random_state=0)
    quiet = BagOfVisualWords(**params).fit(X)
    quiet.transform(X)
    assert capsys.readouterr() == ("", "")
    bow = BagOfVisualWords(**params, verbose=1).fit(X)
    out = capsys.readouterr()
    assert "[BagOfVisualWords] dense descriptors of 8 images (" in out.out
    assert "[BagOfVisualWords] vocabulary of 8 words from " in out.out
    # joblib's progress over the chunks at verbose >= 2 only (joblib's own
    # verbosity 1 printed one line near the end), as the SS-SVM detector
    assert "Parallel" not in out.err
    features = bow.transform(X)
    assert "[BagOfVisualWords] described 8 images (" in capsys.readouterr().out
    BagOfVisualWords(**params, verbose=2).fit(X).transform(X)
    err = capsys.readouterr().err
    assert err.count("Parallel") >= 10  # during the run, not only at its end
    np.testing.assert_array_equal(features, quiet.transform(X))
    with pytest.raises(ValueError, match="verbose"):
        BagOfVisualWords(verbose="yes").fit(X)
