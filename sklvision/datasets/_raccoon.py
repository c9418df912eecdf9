"""The raccoon detection data set bundled with sklvision."""

from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from sklvision.datasets._loaders import load_boxes_csv
from sklvision.utils._sklearn_compat import StrOptions, validate_params

__all__ = ["load_raccoon"]

RACCOON_DIR = Path(__file__).resolve().parent / "data" / "raccoon"


@validate_params(
    {
        "split": [StrOptions({"train", "test"}), None],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_raccoon(*, split=None, return_X_y=False):
    """Load the raccoon detection data set (single class, bundled).

    200 photographs of raccoons with 217 boxes, by Dat Tran (MIT licence),
    shipped inside the package so it works offline. Images were downscaled
    so that their longer side is at most 320 pixels, boxes scaled to match.
    The train/test split (160/40 images) is the original one.

    Read more in the data set description, ``load_raccoon().DESCR``.

    Parameters
    ----------
    split : {"train", "test"}, default=None
        Which images to return: None returns all 200 (the 160 training
        images first, then the 40 test images, each in the order of the
        original CSV file), "train" or "test" only that part.
    return_X_y : bool, default=False
        If True, return ``(images, targets)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        images : list of ndarray of shape (height_i, width_i, 3)
            uint8 RGB images of different sizes.
        targets : list of dict
            One dict per image: ``"boxes"``, a float64 array of shape
            ``(k_i, 4)`` of ``(x_min, y_min, x_max, y_max)`` in pixels
            (x = column, y = row), and ``"labels"``, an int64 array of
            shape ``(k_i,)``, all 0.
        target_names : ndarray of str
            ``array(["raccoon"])``: the name of label 0.
        filenames : ndarray of str
            Image file names, e.g. ``"raccoon-17.jpg"``.
        split : ndarray of str
            ``"train"`` or ``"test"`` for each image.
        train_indices, test_indices : ndarray of int
            Positions of the training and test images in ``images``, for
            ``images[i]`` / :func:`sklearn.utils._safe_indexing`.
        images_dir : str
            Folder of the bundled JPEG files.
        DESCR : str
            Description of the data set.

    (images, targets) : tuple if ``return_X_y`` is True
        The ``images`` and ``targets`` described above.

    See Also
    --------
    load_boxes_csv : The loader used here; reads your own box CSV files.

    Notes
    -----
    Labels are the integer 0 rather than the string ``"raccoon"``: that is
    the label :func:`sklvision.utils.validate_targets` gives to boxes passed
    as plain ``(k, 4)`` arrays and the one single-class detectors predict,
    so ground truth and predictions match in the metrics. Use
    ``target_names[labels]`` for the names. A detector that needs only boxes
    takes ``[t["boxes"] for t in targets]``.

    Examples
    --------
    >>> from sklvision.datasets import load_raccoon
    >>> data = load_raccoon()
    >>> len(data.images), len(data.train_indices), len(data.test_indices)
    (200, 160, 40)
    >>> data.images[0].shape, data.images[0].dtype
    ((194, 259, 3), dtype('uint8'))
    >>> data.targets[0]["boxes"], data.targets[0]["labels"]
    (array([[ 95.,  60., 167., 118.]]), array([0]))
    >>> X_test, y_test = load_raccoon(split="test", return_X_y=True)
    >>> len(X_test), len(y_test)
    (40, 40)
    """
    splits = ("train", "test") if split is None else (split,)
    images, targets, filenames, split_of = [], [], [], []
    for part in splits:
        bunch = load_boxes_csv(
            RACCOON_DIR / f"{part}_labels.csv",
            images_dir=RACCOON_DIR / "images",
            class_names=["raccoon"],
        )
        images.extend(bunch.images)
        targets.extend(bunch.targets)
        filenames.extend(Path(f).name for f in bunch.filenames)
        split_of.extend([part] * len(bunch.images))
    if return_X_y:
        return images, targets
    split_of = np.array(split_of)
    return Bunch(
        images=images,
        targets=targets,
        target_names=np.array(["raccoon"]),
        filenames=np.array(filenames),
        split=split_of,
        train_indices=np.flatnonzero(split_of == "train"),
        test_indices=np.flatnonzero(split_of == "test"),
        images_dir=str(RACCOON_DIR / "images"),
        DESCR=(RACCOON_DIR / "README.rst").read_text(encoding="utf-8"),
    )
