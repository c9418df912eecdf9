"""
=====================================
Tuning a detector with GridSearchCV
=====================================

sklvision's detectors are scikit-learn estimators, so
:class:`~sklearn.model_selection.GridSearchCV` tunes them like any other model.
Here a :class:`~sklvision.detection.TemplateWeightDetector` inside a
:class:`~sklearn.pipeline.Pipeline` is tuned on synthetic scenes of coloured
letter shapes; the search scores each candidate with the detector's own
``score`` (AP at IoU 0.5), and the best pipeline is evaluated on held-out
scenes and drawn.
"""

# %%
# Data: noisy scenes with one letter each
# ---------------------------------------
# :func:`~sklvision.datasets.make_shapes_scene` places a coloured letter at a
# random position of a black scene and returns its box as ``(x_min, y_min,
# x_max, y_max)`` in pixels (x = column) with its label.
import numpy as np
from sklearn.model_selection import GridSearchCV, KFold, train_test_split
from sklearn.pipeline import Pipeline

from sklvision.datasets import make_shapes_scene
from sklvision.detection import TemplateWeightDetector
from sklvision.metrics import average_precision_score, mean_iou_score

X, y = make_shapes_scene(
    40,
    scene_size=120,
    image_size=40,
    shapes=["H"],
    colors=[[1.0, 0.3, 0.2]],
    noise=0.3,
    dtype=np.float32,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=8, random_state=0)
print(f"{len(X_train)} training scenes, {len(X_test)} test scenes of {X.shape[1:]}")

# %%
# The search
# ----------
# Detection targets are not class labels, so the folds are a plain
# :class:`~sklearn.model_selection.KFold` (never stratified), and
# ``error_score="raise"`` makes a failing fit stop the search instead of
# hiding behind a NaN score.
pipe = Pipeline([("detector", TemplateWeightDetector(random_state=0))])
param_grid = {
    "detector__n_iter": [2, 20],
    "detector__scoring": ["ncc", "weighted_error"],
}
search = GridSearchCV(
    pipe,
    param_grid,
    cv=KFold(3, shuffle=True, random_state=0),
    error_score="raise",
)
search.fit(X_train, y_train)

for params, mean, std in zip(
    search.cv_results_["params"],
    search.cv_results_["mean_test_score"],
    search.cv_results_["std_test_score"],
):
    print(f"{params}  AP50 = {mean:.3f} +/- {std:.3f}")
print("best:", search.best_params_)

# %%
# On these noisy scenes the normalised cross-correlation scoring finds every
# letter, while the original weighted-error criterion is thrown off by the
# noise: the kind of choice a search settles from data.

# %%
# Held-out evaluation
# -------------------
# The refitted best pipeline predicts one dict of boxes, scores and labels per
# scene; sklvision's metrics take them as they are.
predictions = search.predict(X_test)
print(f"AP50     {average_precision_score(y_test, predictions):.3f}")
print(f"mean IoU {mean_iou_score(y_test, predictions):.3f}")

# %%
# Drawing the detections
# ----------------------
# Predicted boxes are solid with their label and score, true boxes dashed.
from sklvision.plotting import plot_detection_grid

fig = plot_detection_grid(
    X_test, predictions, y_test, n_cols=4, class_names=["H"], figsize=(10, 5.4)
)
