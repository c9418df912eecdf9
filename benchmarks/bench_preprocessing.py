"""Time sklvision's image transformers against skimage, Pillow and OpenCV.

All 200 bundled raccoon images (uint8 RGB, longer side <= 320 px) are pushed
through each operation by sklvision and by its peers in ONE process; the
candidates of one operation are run interleaved, ``--repeat`` times, and the
best time of each is kept. Ratios are sklvision / peer (> 1: sklvision is
slower). Peers that are not installed are left out.

    python benchmarks/bench_preprocessing.py [--repeat 5]

The peers do not compute exactly the same thing (Pillow's and OpenCV's
resamplers and gray weights differ from skimage's; OpenCV's HOG has no L2-Hys
clipping per block like skimage's): the table compares the cost of the
usual tool for the job, not identical algorithms.
"""

import argparse
import time

import numpy as np
from PIL import Image
from skimage.color import rgb2gray
from skimage.feature import hog
from skimage.filters import threshold_otsu
from skimage.transform import resize

from sklvision.datasets import load_raccoon
from sklvision.preprocessing import Binarize, Grayscale, HOGFeatures, Normalize, Resize

try:
    import cv2
except ImportError:  # optional peer
    cv2 = None


def _minmax(image):
    image = image.astype(np.float64)
    lo = image.min()
    return (image - lo) / max(image.max() - lo, 1e-12)


def best_times(candidates, repeat):
    best = {name: np.inf for name in candidates}
    for _ in range(repeat):
        for name, func in candidates.items():
            t0 = time.perf_counter()
            func()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    images = load_raccoon().images
    gray = Grayscale().transform(images)
    small_gray = Resize((64, 64)).transform(gray)

    ops = {}
    ops["Grayscale (luminance)"] = {
        "sklvision": lambda: Grayscale().transform(images),
        "skimage rgb2gray loop": lambda: [rgb2gray(im) for im in images],
        "Pillow convert('L')": lambda: [
            np.asarray(Image.fromarray(im).convert("L")) for im in images
        ],
    }
    ops["Resize to 64x64 (RGB)"] = {
        "sklvision": lambda: Resize((64, 64)).transform(images),
        "skimage resize loop": lambda: [
            resize(im, (64, 64), preserve_range=True, anti_aliasing=True)
            for im in images
        ],
        "Pillow BILINEAR": lambda: [
            np.asarray(Image.fromarray(im).resize((64, 64), Image.BILINEAR))
            for im in images
        ],
    }
    ops["Binarize (Otsu, gray)"] = {
        "sklvision": lambda: Binarize(threshold="otsu").transform(gray),
        "skimage loop": lambda: [im > threshold_otsu(im) for im in gray],
    }
    ops["Normalize (minmax)"] = {
        "sklvision": lambda: Normalize().transform(images),
        "numpy loop": lambda: [_minmax(im) for im in images],
    }
    hog_params = dict(pixels_per_cell=(8, 8), cells_per_block=(2, 2))
    ops["HOG 64x64 gray"] = {
        "sklvision": lambda: HOGFeatures(**hog_params).transform(small_gray),
        "skimage hog loop": lambda: [hog(im, **hog_params) for im in small_gray],
    }
    if cv2 is not None:
        ops["Grayscale (luminance)"]["OpenCV cvtColor"] = lambda: [
            cv2.cvtColor(im, cv2.COLOR_RGB2GRAY) for im in images
        ]
        ops["Resize to 64x64 (RGB)"]["OpenCV INTER_AREA"] = lambda: [
            cv2.resize(im, (64, 64), interpolation=cv2.INTER_AREA) for im in images
        ]
        ops["Binarize (Otsu, gray)"]["OpenCV THRESH_OTSU"] = lambda: [
            cv2.threshold(im, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
            for im in gray
        ]
        ops["Normalize (minmax)"]["OpenCV normalize"] = lambda: [
            cv2.normalize(im.astype(np.float64), None, 0, 1, cv2.NORM_MINMAX)
            for im in images
        ]
        descriptor = cv2.HOGDescriptor((64, 64), (16, 16), (8, 8), (8, 8), 9)
        ops["HOG 64x64 gray"]["OpenCV HOGDescriptor"] = lambda: [
            descriptor.compute(im) for im in small_gray
        ]

    print(f"{len(images)} raccoon images, best of {args.repeat} runs\n")
    print(
        f"{'operation':24s} {'implementation':24s} {'time (ms)':>10s} "
        f"{'sklvision / it':>15s}"
    )
    for op, candidates in ops.items():
        times = best_times(candidates, args.repeat)
        ours = times["sklvision"]
        for name, t in times.items():
            ratio = "" if name == "sklvision" else f"{ours / t:15.2f}"
            print(f"{op:24s} {name:24s} {t * 1e3:10.1f} {ratio}")
        print()


if __name__ == "__main__":
    main()
