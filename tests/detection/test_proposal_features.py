"""Tests of the proposal features: BagOfVisualWords and ProposalCrops."""

import numpy as np
import pytest

from sklvision.detection import BagOfVisualWords, ProposalCrops
from sklvision.preprocessing import Flatten
from sklvision.utils.estimator_checks import make_detector_check_data


@pytest.fixture(scope="module")
def data():
    X, _ = make_detector_check_data()
    return X


def _bow(X):
    return BagOfVisualWords(n_words=8, step=4, radius=6, random_state=0).fit(X)


def _crops(X):
    return ProposalCrops(Flatten(), size=(4, 4)).fit(X)


FEATURES = [_bow, _crops]
IDS = ["bow", "crops"]


@pytest.mark.parametrize("make", FEATURES, ids=IDS)
@pytest.mark.parametrize(
    "boxes, msg",
    [
        ([[np.nan, 0, 5, 5]], "NaN or infinite"),
        ([[0, 0, np.inf, 5]], "NaN or infinite"),
        ([[5, 0, 0, 5]], r"x_max < x_min or y_max < y_min"),
        ([[0, 0, 5, 5], [0, 9, 5, 2]], r"boxes\[1\].*x_max < x_min or y_max < y_min"),
        ([[0, 0, 5]], r"shape \(n_boxes, 4\)"),
    ],
    ids=["nan", "inf", "inverted-x", "inverted-y", "three-columns"],
)
def test_describe_refuses_bad_boxes(data, make, boxes, msg):
    # NaN boxes crashed deep inside (IndexError, "cannot convert float NaN to
    # integer") and inverted boxes were described silently
    feature = make(data)
    prepared = feature.prepare(feature.extract(data[0]))
    boxes_before = np.array(boxes, dtype=np.float64)
    with pytest.raises(ValueError, match=msg):
        feature.describe(prepared, boxes)
    np.testing.assert_array_equal(np.array(boxes, dtype=np.float64), boxes_before)


@pytest.mark.parametrize("make", FEATURES, ids=IDS)
def test_describe_accepts_valid_and_empty_boxes(data, make):
    feature = make(data)
    prepared = feature.prepare(feature.extract(data[0]))
    boxes = np.array([[0, 0, 20, 20], [4, 4, 4, 30], [10, 5, 48, 48]], np.float32)
    out = feature.describe(prepared, boxes)
    assert out.shape[0] == 3 and np.isfinite(out).all()
    assert feature.describe(prepared, np.zeros((0, 4))).shape == (0, out.shape[1])
    assert feature.describe(prepared, []).shape == (0, out.shape[1])


def test_bow_boxes_outside_the_image(data):
    bow = BagOfVisualWords(
        n_words=8, step=4, radius=6, kernel_map="none", surround=None, random_state=0
    ).fit(data)
    prepared = bow.prepare(bow.extract(data[0]))
    h, w = data[0].shape[:2]
    out = bow.describe(
        prepared, [[-10, -10, w + 10, h + 10], [0, 0, w, h], [w + 5, 0, w + 20, h]]
    )
    # the whole-box level counts the descriptors inside the image only
    np.testing.assert_allclose(out[0, :8], out[1, :8])
    # a box entirely outside the image has no descriptors
    np.testing.assert_array_equal(out[2], 0)


def test_crops_boxes_outside_the_image(data):
    crops = ProposalCrops(Flatten(), size=(2, 2)).fit(data)
    prepared = crops.prepare(crops.extract(data[0]))
    h, w = data[0].shape[:2]
    inside = crops.describe(prepared, [[0, 0, w, h]])
    # clipped to the image
    clipped = crops.describe(prepared, [[-9, -9, w + 9, h + 9]])
    np.testing.assert_allclose(clipped, inside)
    # entirely outside: the nearest border pixel
    corner = crops.describe(prepared, [[w + 5, h + 5, w + 9, h + 9]])
    np.testing.assert_allclose(corner[0], np.tile(prepared[h - 1, w - 1], 4))


@pytest.mark.parametrize("make", FEATURES, ids=IDS)
def test_preserves_dtype_tag_is_truthful(data, make):
    # BagOfVisualWords claimed to preserve float64 but always gives float32
    feature = make(data)
    preserved = feature.__sklearn_tags__().transformer_tags.preserves_dtype
    images = data.astype(np.float64) / 255
    for dtype in (np.float64, np.float32):
        out = feature.transform(images.astype(dtype))
        if np.dtype(dtype).name in preserved:
            assert out.dtype == dtype
    if preserved:  # the first entry is the output dtype of other inputs
        assert feature.transform(data).dtype == preserved[0]
    # BagOfVisualWords always gives float32 features, also for no boxes
    prepared = feature.prepare(feature.extract(data[0]))
    empty = feature.describe(prepared, np.zeros((0, 4)))
    assert empty.dtype == feature.describe(prepared, [[0, 0, 9, 9]]).dtype


def test_bow_gives_float32():
    bow = BagOfVisualWords(n_words=8, step=4, radius=6, random_state=0)
    X = np.random.RandomState(0).rand(3, 32, 32)
    assert bow.fit_transform(X).dtype == np.float32
    assert bow.__sklearn_tags__().transformer_tags.preserves_dtype == ["float32"]


def test_proposal_crops_docstring_example_is_picklable():
    # the example wrapped a lambda in FunctionTransformer: it ran, but the
    # ProposalCrops it showed (and a detector using it) could not be pickled
    import doctest
    import pickle

    (test,) = [
        t
        for t in doctest.DocTestFinder().find(ProposalCrops, "ProposalCrops")
        if t.name == "ProposalCrops"
    ]
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    result = runner.run(test, clear_globs=False)
    assert result.failed == 0 and result.attempted > 0
    crops = test.globs["crops"]
    X = test.globs["X"]
    restored = pickle.loads(pickle.dumps(crops))
    np.testing.assert_array_equal(restored.transform(X), crops.transform(X))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8])
@pytest.mark.parametrize("channels", [None, 1, 3])
def test_crops_are_the_skimage_resized_crops(dtype, channels):
    # the crops were one skimage resize per box (most of describe's time);
    # they are two matrix products per box now and must stay the same crops
    from skimage.transform import resize

    from sklvision.detection._features import _crop_resize

    rng = np.random.RandomState(0)
    shape = (37, 50) if channels is None else (37, 50, channels)
    image = (rng.rand(*shape) * (255 if dtype == np.uint8 else 1)).astype(dtype)
    boxes = np.array(
        [
            [0, 0, 50, 37],  # downsampled
            [3.5, 2.2, 9.1, 7.9],  # upsampled
            [10, 5, 10, 30],  # zero width: one column
            [-9, -9, 70, 4],  # clipped
            [60, 40, 70, 50],  # outside: the corner pixel
            [1, 1, 2, 36],  # one pixel wide, long
        ]
    )
    for size in [(16, 16), (1, 1), (3, 70), (40, 7)]:
        got = _crop_resize(image, boxes, size)
        for box, crop in zip(boxes, got):
            c0 = int(np.clip(np.floor(box[0]), 0, 49))
            r0 = int(np.clip(np.floor(box[1]), 0, 36))
            c1 = int(np.clip(np.ceil(box[2]), c0 + 1, 50))
            r1 = int(np.clip(np.ceil(box[3]), r0 + 1, 37))
            ref = resize(
                image[r0:r1, c0:c1],
                size,
                order=1,
                anti_aliasing=True,
                preserve_range=True,
            )
            assert crop.dtype == ref.dtype
            tol = 1e-6 if ref.dtype == np.float32 else 1e-10
            np.testing.assert_allclose(crop, ref, rtol=0, atol=tol * image.max())
        assert got.shape == (len(boxes), *size, *shape[2:])
    assert _crop_resize(image, np.zeros((0, 4)), (4, 5)).shape == (0, 4, 5, *shape[2:])


def test_crops_leave_the_blas_threads_as_they_were():
    # describe runs its small matrix products on one BLAS thread (a threaded
    # BLAS made them up to 100x slower on a busy machine); concurrent
    # describes (threading or Dask backends) must restore the original limit
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_info

    def blas_threads():
        return [m["num_threads"] for m in threadpool_info() if m["user_api"] == "blas"]

    X = np.random.RandomState(0).rand(4, 40, 30, 3)
    crops = ProposalCrops(Flatten(), size=(8, 8)).fit(X)
    boxes = np.random.RandomState(1).uniform(0, 30, (200, 4))
    boxes[:, 2:] += boxes[:, :2]
    before = blas_threads()
    expected = crops.describe(X[0], boxes)
    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(lambda im: crops.describe(im, boxes), [X[0]] * 16))
    for out in outs:
        np.testing.assert_array_equal(out, expected)
    assert blas_threads() == before


@pytest.mark.parametrize(
    "prepared", [np.zeros((2, 3, 4, 5)), np.zeros(10), np.zeros((0, 5))]
)
def test_crops_describe_refuses_what_is_not_one_image(data, prepared):
    # a 4-D stack gave a matmul "core dimension" error, a 1-D array "not
    # enough values to unpack"
    feature = _crops(data)
    with pytest.raises(ValueError, match="prepared must be one image"):
        feature.describe(prepared, [[0, 0, 1, 1]])


def test_bow_uses_the_fitted_vocabulary_after_set_params(data):
    # prepare/describe read n_words, so set_params(n_words=16) on a fitted
    # model made 16-bin histograms that no longer matched n_features_out_
    bow = _bow(data)
    prepared = bow.prepare(bow.extract(data[0]))
    before = bow.describe(prepared, [[0, 0, 20, 20]])
    bow.set_params(n_words=16)
    prepared = bow.prepare(bow.extract(data[0]))
    assert prepared.shape[2] == 8
    np.testing.assert_array_equal(bow.describe(prepared, [[0, 0, 20, 20]]), before)


def test_bow_threads_leave_the_blas_thread_count_alone(data):
    # k-means predict in worker threads sets and restores the process-wide
    # BLAS thread count; interleaved restores could leave BLAS at one thread
    # (the full test suite, run in one process, found it stuck at 1 later on)
    from joblib import parallel_config

    from sklvision.utils._sklearn_compat import _get_threadpool_controller

    controller = _get_threadpool_controller()
    before = [i["num_threads"] for i in controller.info()]
    bow = _bow(data)
    images = list(data) * 4
    for _ in range(5):  # the interleaving differs from run to run
        with parallel_config(backend="threading", n_jobs=2):
            bow.transform(images)
        assert [i["num_threads"] for i in controller.info()] == before
