"""
=========================================
Preprocessing raccoon photographs
=========================================

The transformers of :mod:`sklvision.preprocessing` are stateless
scikit-learn transformers: gray conversion, thresholds, intensity
normalisation, resizing and feature extraction. This example applies each of
them to photographs of the bundled raccoon data set, then chains them in a
:class:`~sklearn.pipeline.Pipeline` that tells raccoon crops from background
crops with HOG features and a linear SVM.
"""

# %%
# The data
# --------
# :func:`~sklvision.datasets.load_raccoon` returns a list of uint8 RGB images
# of different sizes (the longer side is at most 320 pixels) and one target
# per image with its boxes ``(x_min, y_min, x_max, y_max)``.
import matplotlib.pyplot as plt
import numpy as np

from sklvision.datasets import load_raccoon

raccoon = load_raccoon()
images = [raccoon.images[i] for i in (0, 2, 7)]
print(f"{len(raccoon.images)} images, e.g. shapes {[im.shape for im in images]}")


def show(rows, titles, cmap="gray"):
    """Draw a grid of images, one row per transformation."""
    fig, axes = plt.subplots(
        len(rows), len(rows[0]), figsize=(2.6 * len(rows[0]), 2.2 * len(rows))
    )
    for r, (row, title) in enumerate(zip(rows, titles)):
        for c, image in enumerate(row):
            ax = axes[r, c]
            ax.imshow(image, cmap=None if image.ndim == 3 else cmap)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(title, fontsize=9)
    fig.tight_layout()


# %%
# Gray conversion
# ---------------
# :class:`~sklvision.preprocessing.Grayscale` weighs the channels like
# :func:`skimage.color.rgb2gray` (green counts most), or takes their plain
# mean. Values are not rescaled: uint8 images stay uint8 in [0, 255].
from sklvision.preprocessing import Grayscale

luminance = Grayscale().fit_transform(images)  # a list in, a list out
mean = Grayscale(method="mean").fit_transform(images)
print(type(luminance).__name__, luminance[0].dtype, luminance[0].shape)
show([images, luminance, mean], ["RGB", "luminance", "channel mean"])

# %%
# Thresholds
# ----------
# :class:`~sklvision.preprocessing.Binarize` marks foreground pixels with 1.
# The default threshold is the middle of the dtype's range (127.5 for
# uint8); ``"otsu"`` picks one threshold per image from its histogram, and
# ``foreground="dark"`` marks dark pixels instead of bright ones.
from sklvision.preprocessing import Binarize

fixed = Binarize().fit_transform(luminance)
otsu = Binarize(threshold="otsu").fit_transform(luminance)
dark = Binarize(threshold="otsu", foreground="dark").fit_transform(luminance)
show([fixed, otsu, dark], ["> 127.5", "> Otsu", "< Otsu (dark)"])

# %%
# Intensity normalisation
# -----------------------
# :class:`~sklvision.preprocessing.Normalize` rescales each image (or each
# channel of each image) on its own: ``"minmax"`` to [0, 1], ``"zscore"`` to
# zero mean and unit variance. Per channel, a colour cast is removed.
from sklvision.preprocessing import Normalize

per_image = Normalize().fit_transform(images)
per_channel = Normalize(per="channel").fit_transform(images)
zscore = Normalize(method="zscore").fit_transform(luminance)
for name, out in [("per image", per_image), ("per channel", per_channel)]:
    print(f"minmax {name}: min {out[0].min():.1f}, max {out[0].max():.1f}")
print(f"zscore: mean {zscore[0].mean():.2f}, std {zscore[0].std():.2f}")
show(
    [per_image, per_channel, [z.clip(-2.5, 2.5) for z in zscore]],
    ["minmax", "minmax per channel", "zscore"],
)

# %%
# Resizing and features
# ---------------------
# :class:`~sklvision.preprocessing.Resize` brings images of any sizes to one
# size and returns a stack; :class:`~sklvision.preprocessing.HOGFeatures` and
# :class:`~sklvision.preprocessing.Flatten` turn each image into one row of a
# feature matrix, ready for any scikit-learn estimator.
from skimage.feature import hog

from sklvision.preprocessing import Flatten, HOGFeatures, Resize

small = Resize(output_shape=(64, 64)).fit_transform(images)
print("Resize:", small.shape, small.dtype)
print("Flatten:", Flatten().fit_transform(small).shape)
hog_features = HOGFeatures(pixels_per_cell=(8, 8), cells_per_block=(2, 2))
print("HOGFeatures:", hog_features.fit_transform(small).shape)

# What HOG sees: the dominant gradient orientations of each 8 x 8 cell.
pictures = [
    hog(
        im,
        pixels_per_cell=(8, 8),
        cells_per_block=(2, 2),
        channel_axis=-1,
        visualize=True,
    )[1]
    for im in small
]
show([list(small), pictures], ["64 x 64", "HOG cells"], cmap="magma")

# %%
# A pipeline: raccoon or background?
# ----------------------------------
# Cut the raccoon out of each photograph (the first box) and a background
# patch of half its size from the image corner farthest from it, then
# learn to tell them apart. The crops all have different sizes: ``Resize``
# comes first, and the whole chain is cross-validated like any estimator.
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC


def crops(image, box):
    """The box's crop and a patch of half its size in the farthest corner."""
    x0, y0, x1, y1 = box.astype(int)
    h, w = image.shape[:2]
    bh, bw = max((y1 - y0) // 2, 16), max((x1 - x0) // 2, 16)
    # the corner farthest from the box centre
    cy, cx = (y0 + y1) / 2, (x0 + x1) / 2
    r0 = 0 if cy > h / 2 else h - bh
    c0 = 0 if cx > w / 2 else w - bw
    return image[y0:y1, x0:x1], image[r0 : r0 + bh, c0 : c0 + bw]


X, y = [], []
for image, target in zip(raccoon.images, raccoon.targets):
    raccoon_crop, background = crops(image, target["boxes"][0])
    X += [raccoon_crop, background]
    y += [1, 0]
y = np.array(y)

pipe = make_pipeline(
    Resize(output_shape=(48, 48)),
    Grayscale(),
    Normalize(),
    HOGFeatures(pixels_per_cell=(8, 8), cells_per_block=(2, 2)),
    LinearSVC(C=0.1),
)
scores = cross_val_score(pipe, X, y, cv=5, error_score="raise")
print(f"{len(X)} crops, 5-fold accuracy {scores.mean():.2f} +/- {scores.std():.2f}")

# %%
# The background patches are a crude negative class (often sky, grass or a
# wall), so this accuracy overstates what a detector built on these features
# would achieve; sklvision's detectors search for objects at many positions
# and scales and are scored by average precision instead.
plt.show()
