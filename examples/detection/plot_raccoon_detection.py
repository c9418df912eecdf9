"""
=================================================================
Raccoon detection with selective search and a linear SVM
=================================================================

:class:`~sklvision.detection.SelectiveSearchSVMDetector` is the classic
detector of Uijlings et al. (2013): selective search proposes a few hundred
boxes per image, each box is described by a bag of dense DAISY visual words
with a spatial pyramid, and a linear SVM trained with hard-negative mining
scores them. Here it learns raccoons from the 160 training images of the
bundled raccoon data set and is evaluated on the 40 test images.
"""

# %%
# Data
# ----
# The bundled copy of the raccoon data set has images whose longer side is at
# most 320 pixels, one or a few boxes each, ``(x_min, y_min, x_max, y_max)``.
import time

import matplotlib.pyplot as plt

from sklvision.datasets import load_raccoon
from sklvision.detection import SelectiveSearchSVMDetector
from sklvision.metrics import average_precision_score, mean_iou_score
from sklvision.plotting import plot_detection_grid

X_train, y_train = load_raccoon(split="train", return_X_y=True)
X_test, y_test = load_raccoon(split="test", return_X_y=True)
print(f"{len(X_train)} training images, {len(X_test)} test images")

# %%
# Training
# --------
# The defaults shrink images to a longer side of 256 pixels, use "fast"
# selective search, a 256-word vocabulary of gray DAISY descriptors (histograms
# of the proposal, its 2x2 and 3x3 cells and its surroundings),
# ``LinearSVC(C=0.01)`` and one round of hard-negative mining on the images and
# their mirror images; at prediction, box voting refines the boxes kept by
# non-maximum suppression. ``verbose=1`` reports the stages; ``n_jobs=2`` would
# compute the proposals of two images at a time.
detector = SelectiveSearchSVMDetector(random_state=0, verbose=1)
t0 = time.perf_counter()
detector.fit(X_train, y_train)
print(f"fit: {time.perf_counter() - t0:.0f} s")

# %%
# Evaluation
# ----------
# Average precision at IoU 0.5 (PASCAL VOC) is the detector's ``score``; the
# mean IoU takes, for each raccoon, the best-overlapping detection.
pred = detector.predict(X_test)
print(f"AP50: {average_precision_score(y_test, pred):.3f}")
print(f"mean IoU: {mean_iou_score(y_test, pred):.3f}")

# %%
# Detections
# ----------
# The three best detections of some test images (solid) and the true boxes
# (dashed).
plot_detection_grid(
    X_test[:8], pred[:8], y_test[:8], n_cols=4, max_detections=3, show_labels=False
)
plt.show()
