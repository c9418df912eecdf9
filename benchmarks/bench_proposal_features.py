"""Proposal crops: ProposalCrops.describe vs one skimage resize per crop.

On the raccoon test images shrunk as :class:`SelectiveSearchSVMDetector`
does (longer side <= ``--max-side``, default 256) with their selective-search
proposals, this times, in ONE process (interleaved per image, best of
``--repeats`` runs):

- the crops alone: sklvision's ``_crop_resize`` (two small matrix products
  per box) vs the reference, ``skimage.transform.resize(crop, size, order=1,
  anti_aliasing=True, preserve_range=True)`` per box (what sklvision did up
  to 0.x, re-implemented here);
- ``ProposalCrops(make_pipeline(Grayscale(), HOGFeatures())).describe`` vs
  the same transformer on the reference crops (the old ``describe``),

prints the ratios, and the largest and mean absolute differences of the
crops (images in [0, 1]) and of the features. The crops agree to float32
rounding (2.4e-7), but HOG's block normalisation blows rounding noise in
flat cells (saturated or uniform areas) up to whole feature values, so a few
percent of the crops get HOG features up to 1 apart (mean 2.4e-5); uniform
noise of +-1e-7 added to the reference crops moves them more (mean 1e-4 on
the first image).

Run::

    python benchmarks/bench_proposal_features.py               # 40 images
    python benchmarks/bench_proposal_features.py --n-images 5  # quick look
"""

import argparse
import time

import numpy as np
from skimage.transform import resize
from sklearn.pipeline import make_pipeline

from sklvision.datasets import load_raccoon
from sklvision.detection import ProposalCrops, selective_search
from sklvision.detection._features import _crop_resize
from sklvision.preprocessing import Grayscale, HOGFeatures


def reference_crop_resize(image, boxes, size):
    """One ``skimage.transform.resize`` per box (the old implementation)."""
    h, w = image.shape[:2]
    out = []
    for x0, y0, x1, y1 in np.asarray(boxes, dtype=np.float64).reshape(-1, 4):
        c0 = int(np.clip(np.floor(x0), 0, w - 1))
        r0 = int(np.clip(np.floor(y0), 0, h - 1))
        c1 = int(np.clip(np.ceil(x1), c0 + 1, w))
        r1 = int(np.clip(np.ceil(y1), r0 + 1, h))
        crop = image[r0:r1, c0:c1]
        out.append(resize(crop, size, order=1, anti_aliasing=True, preserve_range=True))
    return np.stack(out)


def shrink(image, max_side):
    """The detector's working image: float32 in [0, 1], longer side <= max_side."""
    image = image / 255.0
    h, w = image.shape[:2]
    factor = max_side / max(h, w)
    if factor < 1:
        shape = (max(1, round(h * factor)), max(1, round(w * factor)))
        image = resize(image, shape, order=1, anti_aliasing=True, preserve_range=True)
    return image.astype(np.float32)


def best_time(func, repeats):
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-images", type=int, default=None)
    parser.add_argument("--max-side", type=int, default=256)
    parser.add_argument("--size", type=int, default=64, help="crop side")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)

    images = load_raccoon(split="test").images[: args.n_images]
    feature = ProposalCrops(
        make_pipeline(Grayscale(), HOGFeatures()), size=(args.size, args.size)
    )
    smalls = [shrink(im, args.max_side) for im in images]
    feature.fit(smalls)
    size = (args.size, args.size)

    times = dict.fromkeys(["crops ref", "crops new", "describe ref", "describe new"], 0)
    n_boxes = 0
    crop_max = feat_max = crop_sum = feat_sum = 0.0
    n_changed = 0
    for small in smalls:
        boxes = selective_search(small, random_state=0, max_side=None)
        n_boxes += len(boxes)
        prepared = feature.prepare(feature.extract(small))
        t, ref = best_time(
            lambda: reference_crop_resize(prepared, boxes, size), args.repeats
        )
        times["crops ref"] += t
        t, new = best_time(lambda: _crop_resize(prepared, boxes, size), args.repeats)
        times["crops new"] += t
        diff = np.abs(ref.astype(np.float64) - new)
        crop_max = max(crop_max, diff.max())
        crop_sum += diff.mean()
        t, ref_feat = best_time(
            lambda: feature.transformer_.transform(
                reference_crop_resize(prepared, boxes, size)
            ),
            args.repeats,
        )
        times["describe ref"] += t
        t, new_feat = best_time(
            lambda: feature.describe(prepared, boxes), args.repeats
        )
        times["describe new"] += t
        feat_diff = np.abs(ref_feat - new_feat)
        feat_max = max(feat_max, feat_diff.max())
        feat_sum += feat_diff.mean()
        n_changed += int((feat_diff.max(axis=1) > 0.01).sum())

    n = len(smalls)
    print(
        f"{n} raccoon test images, longer side <= {args.max_side}, "
        f"{n_boxes / n:.0f} proposals per image, crops {size}"
    )
    print(f"{'ms / image':>46s}{'ref / new':>11s}")
    for what in ("crops", "describe"):
        ref, new = times[f"{what} ref"], times[f"{what} new"]
        print(f"{what + ', skimage resize per crop (ref)':36s}{ref / n * 1e3:10.1f}")
        ratio = ref / new
        print(f"{what + ', sklvision (new)':36s}{new / n * 1e3:10.1f}{ratio:10.1f}x")
    print(f"crops: max |diff| {crop_max:.2g}, mean |diff| {crop_sum / n:.2g}")
    print(
        f"HOG features: max |diff| {feat_max:.2g}, mean |diff| {feat_sum / n:.2g}, "
        f"{n_changed / n_boxes:.1%} of the crops with a feature > 0.01 apart"
    )


if __name__ == "__main__":
    main()
