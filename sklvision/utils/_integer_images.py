"""Detectors' integer-image rule: unsigned images divided by their dtype maximum."""

# TemplateWeightDetector, NumpyMLPLocalizer and SelectiveSearchSVMDetector read
# an integer image as image / iinfo(dtype).max (uint8: / 255, uint16: / 65535,
# as skimage.util.img_as_float does). For signed integers that scale means
# nothing: np.array(list_of_ints) gives int64, and 0-255 values divided by 2**63
# are ~1e-17, a blank image. Less extremely, 8- to 12-bit values held in uint16
# come out dark (12-bit: at most 0.06).

import numpy as np

from sklvision.utils._warnings import _warn_at_caller

__all__ = ["_check_integer_images"]


def _check_integer_images(images, estimator, input_name="X"):
    """Refuse signed integer images; warn on unsigned ones using < 1/16 of their range.

    ``images`` is a validated stack or list of images. Floats, bool and uint8
    pass untouched (no pass over the pixels).
    """
    name = type(estimator).__name__
    dtypes = {images.dtype} if isinstance(images, np.ndarray) else {
        im.dtype for im in images
    }
    signed = sorted(str(dt) for dt in dtypes if dt.kind == "i")
    if signed:
        raise ValueError(
            f"{input_name} holds {signed[0]} images. {name} scales integer images "
            "by their dtype's maximum (uint8: 255, uint16: 65535), which means "
            "nothing for signed integers (0-255 values in int64 become ~1e-17, a "
            "blank image). Convert them: X.astype(np.uint8) for 0-255 values, or "
            "floats in [0, 1]."
        )
    wide = [dt for dt in dtypes if dt.kind == "u" and dt.itemsize > 1]
    if not wide:
        return
    stack = [images] if isinstance(images, np.ndarray) else images
    for dt in wide:
        top = max(int(im.max()) for im in stack if im.dtype == dt)
        limit = np.iinfo(dt).max
        if top < (limit + 1) // 16:
            convert = (
                "X.astype(np.uint8)"
                if isinstance(images, np.ndarray)
                else "[im.astype(np.uint8) for im in X]"
            )
            _warn_at_caller(
                f"{input_name} holds {dt} images whose values reach only {top}, "
                f"less than 1/16 of the {dt} range: {name} divides them by "
                f"{limit}, so they look dark (and get other proposals and "
                "detections than the same picture at full range). If they are "
                f"8-bit values, convert them with {convert}; otherwise scale them "
                "to floats in [0, 1] (e.g. divided by 4095 for 12-bit data)."
            )
