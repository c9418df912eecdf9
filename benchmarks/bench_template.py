"""Benchmark: TemplateWeightDetector's FFT score maps against the original loop,
skimage.feature.match_template and cv2.matchTemplate.

Score maps of 100 x 100 x 3 learned templates over a 300 x 300 x 3 and a
1000 x 1000 x 3 float32 image, one template and eight, plus the training time
of 8 images x 100 passes. Everything runs in one process; the methods are
interleaved and repeated and the best time of each is kept (the machine is
shared, so single timings are noisy).

Rows:

- ``window loop``: the original's Python loop over windows
  (``sum |s - W s|`` per window with numpy); on the large image it is timed on a
  crop and extrapolated by the number of windows (marked "extrapolated").
- ``sklvision predict``: the whole ``predict`` (score maps, best window, second
  stage) of :class:`sklvision.detection.TemplateWeightDetector`.
- ``sklvision maps``: only its score maps (image transform shared by all
  templates, template transforms cached).
- ``skimage match_template``: ``skimage.feature.match_template`` (NCC), one
  call per template.
- ``cv2 TM_CCORR |1-W|``: ``cv2.matchTemplate(|image|, |1 - W|, TM_CCORR)``,
  exactly the original criterion; one call per template.
- ``cv2 TM_CCOEFF_NORMED``: ``cv2.matchTemplate(image, W, TM_CCOEFF_NORMED)``.

Then ``predict`` on 20 raccoon images with many detections
(``template_size=(24, 24), max_detections=None, score_threshold=-1,
nms_threshold=0.9``, about 950 boxes per image) and with the defaults (one
box), against the same ``predict`` with the per-image step replaced by the
former one (``loop_detect_one``: a Python loop over the peaks of every map and
one second-stage call per kept box, kept here verbatim as the reference); the
outputs are checked identical before timing.

Run: ``python benchmarks/bench_template.py`` (needs opencv for the cv2 rows).
"""

import time

import numpy as np
from scipy.special import expit

from sklvision.datasets import load_raccoon, make_shapes, make_shapes_scene
from sklvision.detection import TemplateWeightDetector, _template, non_max_suppression
from sklvision.detection._template import (
    _fft_shape,
    _peaks,
    _prepare_image,
    _resize,
    _scaled_shape,
    _score_maps,
)

try:
    import cv2
except ImportError:  # pragma: no cover
    cv2 = None
try:
    from skimage.feature import match_template
except ImportError:  # pragma: no cover
    match_template = None

REPEATS = 15  # for the 300 px image; 3 for the 1000 px one


def best_times(funcs, repeats=REPEATS):
    """Best wall time of each function, calls interleaved over the repeats."""
    best = {name: np.inf for name in funcs}
    for _ in range(repeats):
        for name, (fn, number) in funcs.items():
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            best[name] = min(best[name], (time.perf_counter() - t0) / number)
    return best


def window_loop(image, W):
    """The original criterion by a loop over windows (one template)."""
    h, w = W.shape[:2]
    H, Wd = image.shape[:2]
    out = np.empty((H - h + 1, Wd - w + 1))
    for r in range(H - h + 1):
        for c in range(Wd - w + 1):
            s = image[r : r + h, c : c + w]
            out[r, c] = np.sum(np.abs(s - W * s))
    return out


def original_training(images, n_iter, rng):
    """The original's training loop: one weight array, image after image."""
    W = rng.random(images.shape[1:])
    for _ in range(n_iter):
        for T in images:
            x = T + 0.01 * rng.random(T.shape)
            out = expit(W * x)
            err = T - out
            W += expit(W * err * out * (1.0 - out) * x)
    return W


def loop_second_stage(window, model):
    """The former second stage: one window at a time."""
    stacked = model.get("stacked")
    if stacked is not None and window.shape == stacked[0].shape[1:]:
        T, Wk = stacked
        diff = np.abs(T - Wk * window).reshape(len(T), -1)
        return int(np.argmin(diff.mean(axis=1)))
    errors = []
    for T, Wk in zip(model["templates"], model["weights"]):
        s = _resize(window, T.shape[:2])
        errors.append(float(np.mean(np.abs(T - Wk * s))))
    return int(np.argmin(errors))


def loop_detect_one(image, model):
    """The former per-image step of ``predict``: loops over peaks and boxes."""
    img = _prepare_image(image, model["background"])
    H, W = img.shape[:2]
    dtype = img.dtype
    cands = []  # score, box, scale index, row, col, h, w
    scaled = []
    for si, scale in enumerate(model["scales"]):
        shape = _scaled_shape((H, W), scale)
        im = img if shape == (H, W) else _resize(img, shape)
        scaled.append(im)
        fshape = _fft_shape(shape)
        cache = model["kernels"]
        maps = _score_maps(im, cache.get(fshape, dtype), cache.spec, fshape)
        for score, h, w in maps:
            if score is None:
                continue
            idx, vals = _peaks(score, model["max_detections"], model["threshold"])
            rows, cols = np.divmod(idx, score.shape[1])
            sy, sx = shape[0] / H, shape[1] / W
            for r, c, v in zip(rows, cols, vals):
                box = (c / sx, r / sy, min((c + w) / sx, W), min((r + h) / sy, H))
                cands.append((float(v), box, si, int(r), int(c), h, w))
    if not cands:
        empty = np.empty(0, dtype=model["classes"].dtype)
        return np.zeros((0, 4)), np.zeros(0), empty
    scores = np.array([c[0] for c in cands])
    boxes = np.array([c[1] for c in cands], dtype=np.float64)
    order = np.argsort(-scores, kind="stable")
    if model["max_detections"] == 1:
        keep = order[:1]
    else:
        keep = non_max_suppression(
            boxes[order], scores[order], iou_threshold=model["nms_threshold"]
        )
        keep = order[keep]
        if model["max_detections"] is not None:
            keep = keep[: model["max_detections"]]
    labels = []
    for i in keep:
        _, _, si, r, c, h, w = cands[i]
        window = scaled[si][r : r + h, c : c + w]
        labels.append(loop_second_stage(window, model))
    labels = model["classes"][np.asarray(labels, dtype=np.intp)]
    return boxes[keep], scores[keep], labels


def predict_loop(det, images):
    """``det.predict`` with the former per-image step."""
    vectorised = _template._detect_one
    _template._detect_one = loop_detect_one
    try:
        return det.predict(images)
    finally:
        _template._detect_one = vectorised


def predict_rows(repeats=7):
    """Time predict (vectorised) against the former loops on raccoon images."""
    data = load_raccoon(split="train")
    X, y = data.images[:20], data.targets[:20]
    dets = {
        "many detections": TemplateWeightDetector(
            n_iter=5,
            template_size=(24, 24),
            max_detections=None,
            score_threshold=-1,
            nms_threshold=0.9,
            random_state=0,
        ).fit(X, y),
        "defaults (1 box)": TemplateWeightDetector(n_iter=5, random_state=0).fit(
            X, y
        ),
    }
    rows = []
    for name, det in dets.items():
        new, old = det.predict(X), predict_loop(det, X)
        for p, q in zip(new, old):
            for key in ("boxes", "scores", "labels"):
                assert np.array_equal(p[key], q[key]), (name, key)
        n_boxes = np.mean([len(p["boxes"]) for p in new])
        times = best_times(
            {
                "vectorised": (lambda det=det: det.predict(X), 1),
                "loop": (lambda det=det: predict_loop(det, X), 1),
            },
            repeats=repeats,
        )
        rows.append((name, n_boxes, times["loop"] / 20, times["vectorised"] / 20))
    return rows


def main():
    X, y = make_shapes(dtype=np.float32)
    print("training 8 shapes x 100 passes ...")
    t0 = time.perf_counter()
    det1 = TemplateWeightDetector(random_state=0).fit(X[:1], y[:1])
    rng = np.random.default_rng(0)
    train = best_times(
        {
            "sklvision fit (8 labels, vectorised)": (
                lambda: TemplateWeightDetector(random_state=0).fit(X, y),
                1,
            ),
            "original loop (numpy per update)": (
                lambda: original_training(X.astype(np.float64), 100, rng),
                1,
            ),
        },
        repeats=3,
    )
    det8 = TemplateWeightDetector(random_state=0).fit(X, y)
    print(f"  (setup {time.perf_counter() - t0:.1f} s)")

    scenes = {}
    for size in (300, 1000):
        scene, _ = make_shapes_scene(
            1, scene_size=size, dtype=np.float32, random_state=0
        )
        scenes[size] = scene[0]
    # Warm-up: the first calls pay for FFT plans and for the C allocator
    # growing its heap (until then every large array is a fresh mmap with page
    # faults, which made whichever block ran first look 2-3x slower).
    warm = TemplateWeightDetector(combine="max")
    warm.__dict__.update({k: v for k, v in det8.__dict__.items() if k.endswith("_")})
    for image in scenes.values():
        for scoring in ("weighted_error", "ncc"):
            warm.set_params(scoring=scoring).predict(image[None])
        if cv2 is not None:
            cv2.matchTemplate(np.abs(image), det8.weights_[0], cv2.TM_CCORR)

    rows = []
    for size, image in scenes.items():
        absimg = np.abs(image)
        for n_templates, det in ((1, det1), (8, det8)):
            Ws = det.weights_
            K1W = [np.abs(1 - W).astype(np.float32) for W in Ws]
            funcs = {}
            for scoring in ("weighted_error", "ncc"):
                for combine in ("mean", "max") if n_templates > 1 else ("mean",):
                    d = TemplateWeightDetector(scoring=scoring, combine=combine)
                    d.__dict__.update(
                        {k: v for k, v in det.__dict__.items() if k.endswith("_")}
                    )
                    d.predict(image[None])
                    fshape = _fft_shape(image.shape[:2])
                    kft, spec = d._kernel_transforms(
                        [(fshape, np.dtype(np.float32).str)]
                    )
                    kk = kft[(fshape, np.dtype(np.float32).str)]
                    tag = f"{scoring}, {combine}" if n_templates > 1 else scoring
                    funcs[f"sklvision predict ({tag})"] = (
                        lambda d=d: d.predict(image[None]),
                        3,
                    )
                    funcs[f"sklvision maps ({tag})"] = (
                        lambda kk=kk, spec=spec, fshape=fshape: _score_maps(
                            image, kk, spec, fshape
                        ),
                        3,
                    )
            if cv2 is not None:
                funcs["cv2 TM_CCORR |1-W|"] = (
                    lambda: [
                        cv2.matchTemplate(absimg, K, cv2.TM_CCORR) for K in K1W
                    ],
                    3,
                )
                funcs["cv2 TM_CCOEFF_NORMED"] = (
                    lambda: [
                        cv2.matchTemplate(image, W, cv2.TM_CCOEFF_NORMED)
                        for W in Ws
                    ],
                    3,
                )
            times = best_times(funcs, repeats=REPEATS if size == 300 else 3)
            if match_template is not None:  # slow: timed once
                t0 = time.perf_counter()
                for W in Ws:
                    match_template(image, W)
                times["skimage match_template (1 run)"] = time.perf_counter() - t0

            # the window loop: whole image for 300 px and one template; a crop,
            # extrapolated by the number of windows, otherwise
            crop = 130
            sub = image[:crop, :crop].astype(np.float64)
            W64 = Ws[0].astype(np.float64)
            t0 = time.perf_counter()
            if size == 300 and n_templates == 1:
                window_loop(image.astype(np.float64), W64)
                loop = time.perf_counter() - t0
                note = "measured"
            else:
                window_loop(sub, W64)
                per_window = (time.perf_counter() - t0) / (crop - 99) ** 2
                loop = per_window * (size - 99) ** 2 * n_templates
                note = "extrapolated from a 130 px crop"
            times[f"window loop ({note})"] = loop
            rows.append((size, n_templates, times))

    print()
    print("Training: 8 images x 100 passes")
    for name, t in train.items():
        print(f"  {name:45s} {t * 1e3:10.1f} ms")
    ratio = train["original loop (numpy per update)"] / train[
        "sklvision fit (8 labels, vectorised)"
    ]
    print(f"  original / sklvision: {ratio:.2f}x")

    for size, n_templates, times in rows:
        print()
        print(
            f"Score maps: {n_templates} template(s) 100x100x3 over "
            f"{size}x{size}x3 float32 (best of repeats)"
        )
        ref = times.get("cv2 TM_CCORR |1-W|")
        ref_n = times.get("cv2 TM_CCOEFF_NORMED")
        print(
            f"  {'method':52s} {'time':>10s}  {'/ cv2 CCORR':>11s}  "
            f"{'/ cv2 CCOEFF_N':>14s}"
        )
        for name, t in sorted(times.items(), key=lambda kv: kv[1]):
            r1 = f"{t / ref:11.2f}" if ref else f"{'-':>11s}"
            r2 = f"{t / ref_n:14.2f}" if ref_n else f"{'-':>14s}"
            print(f"  {name:52s} {t * 1e3:8.1f} ms  {r1}  {r2}")

    print()
    print("predict on 20 raccoon images, per image (best of repeats)")
    print(
        f"  {'settings':20s} {'boxes/image':>11s} {'former loops':>13s} "
        f"{'vectorised':>11s} {'loops / vectorised':>19s}"
    )
    for name, n_boxes, old, new in predict_rows():
        print(
            f"  {name:20s} {n_boxes:11.0f} {old * 1e3:10.1f} ms {new * 1e3:8.1f} ms "
            f"{old / new:18.2f}x"
        )


if __name__ == "__main__":
    main()
