import pickle
import threading

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.base import clone

from sklvision.detection import SelectiveSearch, selective_search
from sklvision.detection import _selective_search as ss_module


def _two_squares(dtype=np.uint8):
    image = np.full((48, 64, 3), 200, dtype=np.uint8)
    image[6:22, 8:30] = (220, 30, 30)
    image[26:44, 36:58] = (30, 40, 210)
    return image


RED = [8.0, 6.0, 30.0, 22.0]
BLUE = [36.0, 26.0, 58.0, 44.0]


@pytest.mark.parametrize("mode", ["single", "fast", "quality"])
def test_two_squares_found_and_hierarchy_ends_in_whole_image(mode):
    image = _two_squares()
    boxes = selective_search(image, mode=mode, random_state=0)
    assert boxes.dtype == np.float64 and boxes.ndim == 2 and boxes.shape[1] == 4
    found = boxes.tolist()
    assert RED in found
    assert BLUE in found
    assert [0.0, 0.0, 64.0, 48.0] in found
    # no duplicates, valid boxes inside the image
    assert len(np.unique(boxes, axis=0)) == len(boxes)
    assert np.all(boxes[:, 2] > boxes[:, 0]) and np.all(boxes[:, 3] > boxes[:, 1])
    assert boxes.min() >= 0 and boxes[:, 2].max() <= 64 and boxes[:, 3].max() <= 48


def test_single_mode_is_one_hierarchy():
    # one hierarchy over n regions has at most 2n - 1 distinct boxes; the
    # two squares on a background are 3 regions: 3 + 2 merges = 5 boxes max.
    boxes = selective_search(_two_squares(), mode="single", random_state=0)
    assert 3 <= len(boxes) <= 5


def test_determinism_under_random_state():
    image = _two_squares()
    rng = np.random.RandomState(0)
    noisy = np.clip(image + rng.randint(-30, 30, image.shape), 0, 255).astype(np.uint8)
    a = selective_search(noisy, random_state=3)
    b = selective_search(noisy, random_state=3)
    np.testing.assert_array_equal(a, b)
    c = selective_search(noisy, random_state=4)
    # same set of boxes, different (random) order
    assert {tuple(x) for x in a} == {tuple(x) for x in c}
    assert not np.array_equal(a, c)


def test_n_jobs_does_not_change_result():
    image = _two_squares()
    a = selective_search(image, random_state=0)
    b = selective_search(image, random_state=0, n_jobs=2)
    np.testing.assert_array_equal(a, b)


def _record_calls(monkeypatch, name):
    """Wrap ``_selective_search.<name>`` to record the thread of every call."""
    calls = []
    func = getattr(ss_module, name)

    def wrapper(*args, **kwargs):
        calls.append(threading.get_ident())
        return func(*args, **kwargs)

    monkeypatch.setattr(ss_module, name, wrapper)
    return calls


def test_n_jobs_none_follows_parallel_config(monkeypatch):
    # scikit-learn's rule: n_jobs=None means 1 unless in a parallel_config
    # context. The segmentations of one image (function) and the image chunks
    # (transformer) ran in the calling thread whatever the context said.
    image = _two_squares()
    expected = selective_search(image, random_state=0)
    images = [image, image[:40, :50], image[4:, 6:]] * 4
    expected_list = SelectiveSearch(mode="single", random_state=0).transform(images)
    main = threading.get_ident()
    segmentations = _record_calls(monkeypatch, "_group_one_segmentation")
    chunks = _record_calls(monkeypatch, "_transform_chunk")
    with parallel_config(backend="threading", n_jobs=2):
        got = selective_search(image, random_state=0)
        # "fast": 2 colour spaces x 2 ks, each a task of the threading backend
        assert len(segmentations) == 4 and main not in segmentations
        got_list = SelectiveSearch(mode="single", random_state=0).transform(images)
    np.testing.assert_array_equal(got, expected)
    for a, b in zip(got_list, expected_list):
        np.testing.assert_array_equal(a, b)
    # 12 images in 4 chunks per job, each a task of the threading backend
    assert len(chunks) == 8 and main not in chunks
    # n_jobs=1 stays in the calling thread inside the context
    del segmentations[:], chunks[:]
    with parallel_config(backend="threading", n_jobs=2):
        selective_search(image, random_state=0, n_jobs=1)
        SelectiveSearch(mode="single", random_state=0, n_jobs=1).transform(images)
    assert set(segmentations) == {main} and chunks == [main]


def test_verbose_reports_progress_during_the_run(monkeypatch, capsys):
    # With verbose the images are cut into at least 10 chunks, so joblib's
    # progress lines come during the run (4 chunks gave one line at its end).
    image = _two_squares()
    images = [image] * 12
    chunks = _record_calls(monkeypatch, "_transform_chunk")
    out = SelectiveSearch(mode="single", random_state=0, verbose=10).transform(images)
    expected = SelectiveSearch(mode="single", random_state=0).transform(images)
    for a, b in zip(out, expected):
        np.testing.assert_array_equal(a, b)
    assert len(chunks) == 11  # 10 verbose chunks + 1 for the reference
    assert "Done" in capsys.readouterr().err


@pytest.mark.parametrize(
    "convert",
    [
        lambda im: im,
        lambda im: im.astype(np.float64) / 255,
        lambda im: im.astype(np.float32) / 255,
        lambda im: im.astype(np.float64),  # 0-255 floats are stretched
        lambda im: im.astype(np.uint16) * 257,
        lambda im: im.astype(np.int32) - 128,
        lambda im: np.dstack([im, np.full(im.shape[:2], 255, np.uint8)]),  # RGBA
    ],
)
def test_dtypes_and_channels(convert):
    image = convert(_two_squares())
    before = image.copy()
    boxes = selective_search(image, mode="single", random_state=0)
    np.testing.assert_array_equal(image, before)  # input not modified
    assert RED in boxes.tolist() and BLUE in boxes.tolist()


@pytest.mark.parametrize("shape", [(48, 64), (48, 64, 1)])
def test_gray_images(shape):
    gray = np.full((48, 64), 0.8)
    gray[6:22, 8:30] = 0.2
    gray[26:44, 36:58] = 0.5
    boxes = selective_search(gray.reshape(shape), random_state=0)
    assert RED in boxes.tolist() and BLUE in boxes.tolist()
    boxes_bool = selective_search(gray < 0.3, mode="single", random_state=0)
    assert RED in boxes_bool.tolist()


def test_resizing_maps_boxes_back():
    image = np.repeat(np.repeat(_two_squares(), 4, axis=0), 4, axis=1)  # 192x256
    boxes = selective_search(image, mode="single", max_side=64, random_state=0)
    assert boxes[:, 2].max() <= 256 and boxes[:, 3].max() <= 192
    assert [4 * v for v in RED] in boxes.tolist()


def test_min_size_and_max_proposals():
    image = _two_squares()
    boxes = selective_search(image, random_state=0)
    small = selective_search(image, random_state=0, min_size=30)
    sides = np.minimum(small[:, 2] - small[:, 0], small[:, 3] - small[:, 1])
    assert np.all(sides >= 30) and len(small) < len(boxes)
    top = selective_search(image, random_state=0, max_proposals=3)
    np.testing.assert_array_equal(top, boxes[:3])


def test_tiny_and_constant_images():
    assert selective_search(np.zeros((1, 1)), random_state=0).tolist() == [
        [0.0, 0.0, 1.0, 1.0]
    ]
    boxes = selective_search(np.ones((5, 7, 3)), random_state=0)
    assert boxes.tolist() == [[0.0, 0.0, 7.0, 5.0]]


def test_custom_strategies():
    image = _two_squares()
    boxes = selective_search(
        image, color_spaces=["rgb"], ks=[30], strategies=["c", "t"], random_state=0
    )
    assert RED in boxes.tolist() and BLUE in boxes.tolist()


@pytest.mark.parametrize(
    "image, kwargs, err, match",
    [
        (np.zeros(5), {}, ValueError, "shape"),
        (np.zeros((2, 3, 4, 3)), {}, ValueError, "transform"),
        (np.zeros((4, 4, 2)), {}, ValueError, "channels"),
        (np.zeros((0, 4)), {}, ValueError, "empty"),
        (np.full((4, 4), np.nan), {}, ValueError, "NaN"),
        (np.array([["a", "b"]]), {}, TypeError, "numeric"),
        (np.zeros((4, 4)), {"mode": "best"}, ValueError, "mode"),
        (np.zeros((4, 4)), {"strategies": ["cx"]}, ValueError, "letters"),
        (np.zeros((4, 4)), {"color_spaces": ["xyz"]}, ValueError, "color"),
        (np.zeros((4, 4)), {"ks": [-1]}, ValueError, "positive"),
        (np.zeros((4, 4)), {"max_proposals": 0}, ValueError, "max_proposals"),
    ],
)
def test_bad_input(image, kwargs, err, match):
    with pytest.raises(err, match=match):
        selective_search(image, **kwargs)


def test_transformer_matches_function_and_accepts_lists():
    image = _two_squares()
    other = image[:40, :50].copy()
    ss = SelectiveSearch(mode="single", random_state=0)
    assert ss.fit([image]) is ss
    out = ss.transform([image, other])
    assert isinstance(out, list) and len(out) == 2
    np.testing.assert_array_equal(
        out[0], selective_search(image, mode="single", random_state=0)
    )
    np.testing.assert_array_equal(
        out[1], selective_search(other, mode="single", random_state=0)
    )
    stack = ss.fit_transform(np.stack([image, image]))
    np.testing.assert_array_equal(stack[0], stack[1])
    # the chunked Parallel path, with threads to avoid process start-up time
    with parallel_config(backend="threading"):
        par = SelectiveSearch(
            mode="single", random_state=0, n_jobs=2, verbose=0
        ).transform([image, other])
    for a, b in zip(out, par):
        np.testing.assert_array_equal(a, b)
    rs_out = SelectiveSearch(
        mode="single", random_state=np.random.RandomState(0)
    ).transform([image, image])
    assert {tuple(b) for b in rs_out[0]} == {tuple(b) for b in out[0]}


def test_transformer_clone_pickle_and_errors():
    ss = SelectiveSearch(mode="single", max_proposals=4, random_state=1)
    image = _two_squares()
    expected = ss.transform([image])[0]
    assert len(expected) <= 4
    again = pickle.loads(pickle.dumps(clone(ss))).transform([image])[0]
    np.testing.assert_array_equal(expected, again)
    with pytest.raises(ValueError, match="stack"):
        ss.transform(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="no images"):
        ss.transform([])
    with pytest.raises(ValueError, match="mode"):
        SelectiveSearch(mode="nope").transform([image])
    tags = ss.__sklearn_tags__()
    assert tags.requires_fit is False and tags.input_tags.three_d_array


def test_raccoon_image_finds_the_raccoon():
    from pathlib import Path

    from PIL import Image

    root = Path(__file__).resolve().parents[3] / "shared" / "data" / "raccoon"
    if not root.exists():
        pytest.skip("raccoon data (../shared/data/raccoon) not available")
    # the smallest raccoon of the test split (about 11% of the image)
    image = np.asarray(Image.open(root / "images" / "raccoon-134.jpg").convert("RGB"))
    gt = np.array([125.0, 87.0, 194.0, 169.0])
    boxes = selective_search(image, random_state=0)
    assert 100 < len(boxes) < 5000
    assert boxes[:, 2].max() <= image.shape[1] and boxes[:, 3].max() <= image.shape[0]
    iw = np.clip(
        np.minimum(boxes[:, 2], gt[2]) - np.maximum(boxes[:, 0], gt[0]), 0, None
    )
    ih = np.clip(
        np.minimum(boxes[:, 3], gt[3]) - np.maximum(boxes[:, 1], gt[1]), 0, None
    )
    inter = iw * ih
    union = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]) + 69 * 82 - inter
    assert (inter / union).max() >= 0.7


@pytest.mark.parametrize(
    "check",
    [
        "check_param_validation",
        "check_no_attributes_set_in_init",
        "check_get_params_invariance",
        "check_set_params",
        "check_parameters_default_constructible",
        "check_estimator_cloneable",
    ],
)
def test_data_free_sklearn_checks(check):
    from sklearn.utils import estimator_checks

    getattr(estimator_checks, check)(
        "SelectiveSearch", SelectiveSearch(mode="single", random_state=0)
    )


def test_float_round_off_above_one_is_not_stretched():
    image = _two_squares().astype(np.float32) / 255
    expected = selective_search(image, mode="single", random_state=0)
    bumped = image.copy()
    bumped[0, 0] = 1.0 + 1e-5  # interpolation round-off from a resize
    bumped[1, 1] = -1e-5
    got = selective_search(bumped, mode="single", random_state=0)
    np.testing.assert_array_equal(expected, got)


def test_transform_refuses_a_bare_colour_image():
    image = np.zeros((20, 24, 3))
    with pytest.raises(ValueError, match=r"one RGB image.*pass \[image\]"):
        SelectiveSearch().transform(image)
    assert len(SelectiveSearch(mode="single").transform(image[None])) == 1
