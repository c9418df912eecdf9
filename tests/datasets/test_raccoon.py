import csv
from pathlib import Path

import numpy as np
import pytest

from sklvision.datasets import load_raccoon
from sklvision.utils import validate_targets

ORIGINAL = Path("/work/shared/data/raccoon")


@pytest.fixture(scope="module")
def raccoon():
    return load_raccoon()


def test_sizes_and_split(raccoon):
    assert len(raccoon.images) == len(raccoon.targets) == 200
    assert len(raccoon.train_indices) == 160 and len(raccoon.test_indices) == 40
    np.testing.assert_array_equal(raccoon.train_indices, np.arange(160))
    assert set(raccoon.split) == {"train", "test"}
    assert len(set(raccoon.filenames)) == 200
    train = set(raccoon.filenames[raccoon.train_indices])
    assert not train & set(raccoon.filenames[raccoon.test_indices])
    assert sum(len(t["boxes"]) for t in raccoon.targets) == 217


def test_images_are_small_rgb_uint8(raccoon):
    for image in raccoon.images:
        assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3
        assert max(image.shape[:2]) <= 320


def test_targets_are_valid_and_inside_images(raccoon):
    shapes = [im.shape[:2] for im in raccoon.images]
    checked = validate_targets(raccoon.targets, image_shapes=shapes)
    for target in checked:
        assert len(target["boxes"]) >= 1
        assert target["labels"].dtype == np.int64
        np.testing.assert_array_equal(target["labels"], 0)
    assert list(raccoon.target_names) == ["raccoon"]


def test_split_argument_returns_the_subsets(raccoon):
    test = load_raccoon(split="test")
    assert len(test.images) == 40 and set(test.split) == {"test"}
    assert len(test.train_indices) == 0
    np.testing.assert_array_equal(test.filenames, raccoon.filenames[160:])
    np.testing.assert_array_equal(test.images[3], raccoon.images[163])
    X, y = load_raccoon(split="train", return_X_y=True)
    assert isinstance(X, list) and len(X) == len(y) == 160
    np.testing.assert_array_equal(y[5]["boxes"], raccoon.targets[5]["boxes"])
    with pytest.raises(ValueError, match="split"):
        load_raccoon(split="validation")


def test_descr_and_license(raccoon):
    assert "Raccoon" in raccoon.DESCR and "MIT" in raccoon.DESCR
    licence = Path(raccoon.images_dir).parent / "LICENSE"
    assert "Dat Tran" in licence.read_text()


def test_returned_arrays_are_fresh(raccoon):
    raccoon.images[0][:] = 0  # mutating one result does not leak into the next
    assert load_raccoon(split="train").images[0].max() > 0


@pytest.mark.skipif(not ORIGINAL.is_dir(), reason="needs the original raccoon data")
def test_boxes_match_the_original_annotations(raccoon):
    original = {}
    for part in ("train", "test"):
        with open(ORIGINAL / "data" / f"{part}_labels.csv") as f:
            for row in csv.DictReader(f):
                original.setdefault(row["filename"], []).append(row)
    for name, image, target in zip(raccoon.filenames, raccoon.images, raccoon.targets):
        rows = original[name]
        w, h = int(rows[0]["width"]), int(rows[0]["height"])
        # the bundled image keeps the aspect ratio (within rounding)
        assert image.shape[1] / image.shape[0] == pytest.approx(w / h, rel=0.01)
        sx, sy = image.shape[1] / w, image.shape[0] / h
        expected = np.array(
            [[float(r[k]) for k in ("xmin", "ymin", "xmax", "ymax")] for r in rows]
        ) * [sx, sy, sx, sy]
        np.testing.assert_allclose(target["boxes"], expected, atol=1.0)


def test_pipeline_on_raccoon_images(raccoon):
    from sklearn.pipeline import make_pipeline

    from sklvision.preprocessing import Grayscale, HOGFeatures, Normalize, Resize

    pipe = make_pipeline(Resize((64, 64)), Grayscale(), Normalize(), HOGFeatures())
    features = pipe.fit_transform(raccoon.images[:5])
    assert features.shape == (5, 6 * 6 * 9 * 9) and np.isfinite(features).all()
