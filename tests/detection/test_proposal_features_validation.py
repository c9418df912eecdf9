"""Input checks of the proposal features (BagOfVisualWords, ProposalCrops)."""

import numpy as np
import pytest

from sklvision.detection import ProposalCrops
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
