"""Selective search object proposals (Uijlings et al., IJCV 2013)."""

import heapq
import numbers

import numpy as np
from joblib import effective_n_jobs
from scipy import ndimage
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_array, check_random_state
from sklearn.utils.parallel import Parallel, delayed

from sklvision.utils._parallel import _chunk_indices
from sklvision.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    validate_params,
)
from sklvision.utils._validation import _refuse_one_colour_image

__all__ = ["SelectiveSearch", "selective_search"]

_COLOR_SPACES = ("hsv", "lab", "rgi", "h", "i", "rgb")
_SIMILARITIES = frozenset("ctsf")

# Diversification presets of the paper (Uijlings et al. 2013, section 5.5):
# colour spaces x Felzenszwalb k x similarity combinations. Each strategy is a
# string of similarity letters: c(olour), t(exture), s(ize), f(ill).
_MODES = {
    "single": {"color_spaces": ("hsv",), "ks": (100,), "strategies": ("ctsf",)},
    # The paper's fast preset uses k in (50, 100) and only the first two
    # strategies; on the raccoon test images (benchmarks/bench_proposals.py)
    # k in (100, 300) plus the cheap fill-only and size-only hierarchies gave
    # a higher recall@0.7 (0.95 vs 0.91) and MABO (0.857 vs 0.838) with half
    # the proposals, at the same cost (the segmentations dominate the time).
    "fast": {
        "color_spaces": ("hsv", "lab"),
        "ks": (100, 300),
        "strategies": ("ctsf", "tsf", "f", "s"),
    },
    # The paper's quality preset uses k in (50, 100, 150, 300): on the raccoon
    # images it reached MABO 0.900 with ~7,100 proposals in ~1.4x OpenCV's
    # time; k in (100, 200, 300) reached 0.884 (OpenCV quality: 0.879) with
    # ~2,400 proposals (OpenCV: ~2,600) in about OpenCV's time.
    "quality": {
        "color_spaces": ("hsv", "lab", "rgi", "h", "i"),
        "ks": (100, 200, 300),
        "strategies": ("ctsf", "tsf", "f", "s"),
    },
}

_N_COLOR_BINS = 25
_N_TEXTURE_BINS = 10
_N_ORIENTATIONS = 8


# --------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------
def _check_image(image):
    """Validate one image and return it as float64 in [0, 1], (h, w, c)."""
    if isinstance(image, str) or image is None:
        raise TypeError(
            "selective_search expects one image as an array of shape (height, "
            f"width) or (height, width, channels), got {type(image).__name__}."
        )
    image = np.asarray(image)
    if image.dtype == object or not (
        np.issubdtype(image.dtype, np.number) or image.dtype == bool
    ):
        raise TypeError(
            "selective_search expects a numeric image array, got dtype "
            f"{image.dtype}. Convert the image with np.asarray(image, float)."
        )
    if np.iscomplexobj(image):
        raise TypeError("Complex images are not supported; pass a real array.")
    if image.ndim not in (2, 3):
        raise ValueError(
            "selective_search expects one image of shape (height, width) or "
            f"(height, width, channels), got an array with shape {image.shape}. "
            "For several images use SelectiveSearch().transform(images)."
        )
    if image.shape[0] < 1 or image.shape[1] < 1:
        raise ValueError(f"The image is empty (shape {image.shape}).")
    if image.ndim == 3 and image.shape[2] not in (1, 3, 4):
        raise ValueError(
            "Colour images must have 1, 3 (RGB) or 4 (RGBA) channels on the last "
            f"axis, got shape {image.shape}."
        )
    image = check_array(
        image.astype(np.float64) if image.dtype == bool else image,
        ensure_2d=False,
        allow_nd=True,
        dtype=None,
        input_name="image",
    )
    if image.ndim == 2:
        image = image[:, :, None]
    elif image.shape[2] == 4:
        image = image[:, :, :3]  # drop alpha
    if image.dtype == np.uint8:
        return image / 255.0
    image = image.astype(np.float64)
    lo, hi = image.min(), image.max()
    if lo >= -0.01 and hi <= 1.01:  # [0, 1] up to interpolation round-off
        return np.clip(image, 0.0, 1.0)
    # Any other range (uint16, 0-255 floats, signed data): stretch to [0, 1].
    if hi > lo:
        return (image - lo) / (hi - lo)
    return np.zeros_like(image)


def _resize(image, max_side):
    """Shrink ``image`` so that its longer side is at most ``max_side``."""
    h, w = image.shape[:2]
    if max_side is None or max(h, w) <= max_side:
        return image
    from skimage.transform import resize

    factor = max_side / max(h, w)
    shape = (max(1, round(h * factor)), max(1, round(w * factor)))
    out = resize(image, shape, order=1, anti_aliasing=True, preserve_range=True)
    return np.clip(out, 0.0, 1.0)


def _color_space(rgb, name):
    """Convert a float RGB (or gray, 1 channel) image to a [0, 1] colour space."""
    from skimage import color

    if rgb.shape[2] == 1:
        return rgb  # gray input: every colour space is the intensity
    if name == "rgb":
        return rgb
    if name == "i":
        return color.rgb2gray(rgb)[:, :, None]
    if name in ("hsv", "h"):
        hsv = color.rgb2hsv(rgb)
        return hsv if name == "hsv" else hsv[:, :, :1]
    if name == "lab":
        lab = color.rgb2lab(rgb)
        lab[..., 0] /= 100.0
        lab[..., 1:] = (lab[..., 1:] + 128.0) / 255.0
        return np.clip(lab, 0.0, 1.0)
    if name == "rgi":
        total = rgb.sum(axis=2, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            rg = np.where(total > 0, rgb[:, :, :2] / total, 1.0 / 3.0)
        return np.concatenate([rg, color.rgb2gray(rgb)[:, :, None]], axis=2)
    raise ValueError(f"Unknown colour space {name!r}.")  # pragma: no cover


def _color_bins(cimg):
    """Per-channel colour-histogram bin of every pixel, shape (c, h*w), uint8."""
    c = cimg.shape[2]
    bins = np.minimum((cimg * _N_COLOR_BINS).astype(np.int64), _N_COLOR_BINS - 1)
    bins = bins.reshape(-1, c).T + (np.arange(c) * _N_COLOR_BINS)[:, None]
    return bins.astype(np.int32)


def _texture_bins(cimg):
    """Texture bins: Gaussian derivatives (sigma=1), 8 orientations x 10 bins.

    For every channel the first derivatives along x and y are combined into
    the directions 0, 45, 90 and 135 degrees; the positive and negative parts
    give 8 oriented responses, each quantised into 10 bins between 0 and its
    maximum over the image. Returns shape (8 * c, h*w) of global bin indices.
    """
    c = cimg.shape[2]
    out = np.empty((c * _N_ORIENTATIONS, cimg.shape[0] * cimg.shape[1]), np.int32)
    cos_sin = np.array([[1.0, 0.0], [0.5**0.5, 0.5**0.5], [0.0, 1.0]])
    cos_sin = np.vstack([cos_sin, [-(0.5**0.5), 0.5**0.5]])
    row = 0
    for ch in range(c):
        plane = np.ascontiguousarray(cimg[:, :, ch], dtype=np.float32)
        gx = ndimage.gaussian_filter(plane, 1.0, order=(0, 1)).ravel()
        gy = ndimage.gaussian_filter(plane, 1.0, order=(1, 0)).ravel()
        for cs, sn in cos_sin:
            d = cs * gx + sn * gy
            for part in (np.maximum(d, 0.0), np.maximum(-d, 0.0)):
                top = part.max()
                if top > 0:
                    b = (part * (_N_TEXTURE_BINS / top)).astype(np.int32)
                    np.minimum(b, _N_TEXTURE_BINS - 1, out=b)
                else:
                    b = np.zeros(part.shape, np.int32)
                out[row] = b + row * _N_TEXTURE_BINS
                row += 1
    return out


def _region_histograms(labels_flat, n, bins, n_bins):
    """L1-normalised histograms (n, n_bins) of binned features per region."""
    idx = labels_flat[None, :].astype(np.int64) * n_bins + bins
    hist = np.bincount(idx.ravel(), minlength=n * n_bins).reshape(n, n_bins)
    hist = hist.astype(np.float64)
    hist /= np.maximum(hist.sum(axis=1, keepdims=True), 1.0)
    return hist


def _initial_regions(labels):
    """Sizes, boxes (xyxy, exclusive max) and adjacent pairs of a label map."""
    n = int(labels.max()) + 1
    sizes = np.bincount(labels.ravel(), minlength=n)
    if not sizes.all():  # make the labels contiguous (felzenszwalb's are)
        labels = np.unique(labels, return_inverse=True)[1].reshape(labels.shape)
        n = int(labels.max()) + 1
        sizes = np.bincount(labels.ravel(), minlength=n)
    sizes = sizes.astype(np.float64)
    slices = ndimage.find_objects(labels + 1)
    boxes = np.array(
        [[s[1].start, s[0].start, s[1].stop, s[0].stop] for s in slices],
        dtype=np.float64,
    ).reshape(n, 4)
    a = np.concatenate([labels[:, :-1].ravel(), labels[:-1, :].ravel()])
    b = np.concatenate([labels[:, 1:].ravel(), labels[1:, :].ravel()])
    keep = a != b
    a, b = a[keep], b[keep]
    lo = np.minimum(a, b).astype(np.int64)
    hi = np.maximum(a, b).astype(np.int64)
    codes = np.unique(lo * n + hi)
    pairs = np.stack([codes // n, codes % n], axis=1)
    return labels, n, sizes, boxes, pairs


# --------------------------------------------------------------------------
# Hierarchical grouping
# --------------------------------------------------------------------------
def _hierarchy(strategy, n, pairs, sizes, boxes, chist, thist, im_size):
    """Greedy hierarchical grouping for one similarity combination.

    ``sizes``, ``boxes``, ``chist`` and ``thist`` have 2n - 1 rows; the first n
    hold the initial regions and the others are overwritten with the merged
    regions (histograms are size-weighted sums, never recomputed from pixels).
    Returns the boxes of all regions in creation order (initial ones first,
    then one per merge).
    """
    use_c, use_t = "c" in strategy, "t" in strategy
    use_s, use_f = "s" in strategy, "f" in strategy
    inv_size = 1.0 / im_size

    def similarity(i, j):
        s = 0.0
        if use_c:
            s = s + np.minimum(chist[i], chist[j]).sum(axis=-1)
        if use_t:
            s = s + np.minimum(thist[i], thist[j]).sum(axis=-1)
        if use_s or use_f:
            both = sizes[i] + sizes[j]
            if use_s:
                s = s + (1.0 - both * inv_size)
            if use_f:
                bi, bj = boxes[i], boxes[j]
                w = np.maximum(bi[..., 2], bj[..., 2]) - np.minimum(
                    bi[..., 0], bj[..., 0]
                )
                h = np.maximum(bi[..., 3], bj[..., 3]) - np.minimum(
                    bi[..., 1], bj[..., 1]
                )
                s = s + (1.0 - (w * h - both) * inv_size)
        return s

    if len(pairs):
        sims = similarity(pairs[:, 0], pairs[:, 1])
        heap = list(zip((-sims).tolist(), pairs[:, 0].tolist(), pairs[:, 1].tolist()))
        heapq.heapify(heap)
    else:
        heap = []
    neighbours = [set() for _ in range(2 * n - 1)]
    for i, j in pairs.tolist():
        neighbours[i].add(j)
        neighbours[j].add(i)
    alive = [True] * n + [False] * (n - 1)

    t = n
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        _, i, j = pop(heap)
        if not (alive[i] and alive[j]):
            continue
        si, sj = sizes[i], sizes[j]
        st = si + sj
        sizes[t] = st
        bi, bj = boxes[i], boxes[j]
        boxes[t] = (
            min(bi[0], bj[0]),
            min(bi[1], bj[1]),
            max(bi[2], bj[2]),
            max(bi[3], bj[3]),
        )
        if use_c:
            np.add(chist[i] * (si / st), chist[j] * (sj / st), out=chist[t])
        if use_t:
            np.add(thist[i] * (si / st), thist[j] * (sj / st), out=thist[t])
        alive[i] = alive[j] = False
        alive[t] = True
        nb = neighbours[i] | neighbours[j]
        nb.discard(i)
        nb.discard(j)
        neighbours[t] = nb
        neighbours[i] = neighbours[j] = None
        if nb:
            for k in nb:
                nk = neighbours[k]
                nk.discard(i)
                nk.discard(j)
                nk.add(t)
            others = np.fromiter(nb, dtype=np.int64, count=len(nb))
            sims = similarity(t, others)
            for s, k in zip((-sims).tolist(), others.tolist()):
                push(heap, (s, k, t))
        t += 1
    return boxes[:t].copy()


def _group_one_segmentation(cimg, color_bins, texture_bins, k, sigma, strategies):
    """Felzenszwalb segmentation plus one hierarchy per strategy."""
    from skimage.segmentation import felzenszwalb

    labels = felzenszwalb(cimg, scale=k, sigma=sigma, min_size=int(k), channel_axis=-1)
    labels, n, sizes0, boxes0, pairs = _initial_regions(labels)
    labels_flat = labels.ravel()
    total = 2 * n - 1
    need_c = any("c" in s for s in strategies)
    need_t = any("t" in s for s in strategies)
    chist = thist = None
    if need_c:
        n_bins = _N_COLOR_BINS * cimg.shape[2]
        chist = np.empty((total, n_bins))
        chist[:n] = _region_histograms(labels_flat, n, color_bins, n_bins)
    if need_t:
        n_bins = _N_TEXTURE_BINS * _N_ORIENTATIONS * cimg.shape[2]
        thist = np.empty((total, n_bins))
        thist[:n] = _region_histograms(labels_flat, n, texture_bins, n_bins)
    sizes = np.empty(total)
    sizes[:n] = sizes0
    boxes = np.empty((total, 4))
    boxes[:n] = boxes0
    im_size = float(labels.size)
    return [
        _hierarchy(s, n, pairs, sizes, boxes, chist, thist, im_size) for s in strategies
    ]


def _check_setting(values, name, allowed=None):
    values = tuple(values) if not isinstance(values, str) else (values,)
    if not values:
        raise ValueError(f"{name} must not be empty.")
    for v in values:
        if allowed is not None and v not in allowed:
            raise ValueError(
                f"Unknown entry {v!r} in {name}; choose from {sorted(allowed)}."
            )
    return values


def _resolve(mode, color_spaces, ks, strategies):
    preset = _MODES[mode]
    color_spaces = _check_setting(
        preset["color_spaces"] if color_spaces is None else color_spaces,
        "color_spaces",
        _COLOR_SPACES,
    )
    ks = _check_setting(preset["ks"] if ks is None else ks, "ks")
    for k in ks:
        if not isinstance(k, numbers.Real) or isinstance(k, bool) or not k > 0:
            raise ValueError(f"ks must hold positive numbers, got {k!r}.")
    strategies = _check_setting(
        preset["strategies"] if strategies is None else strategies, "strategies"
    )
    for s in strategies:
        if not isinstance(s, str) or not s or set(s) - _SIMILARITIES:
            raise ValueError(
                f"Each strategy is a non-empty string of similarity letters "
                f"'c' (colour), 't' (texture), 's' (size), 'f' (fill); got {s!r}."
            )
    return color_spaces, ks, strategies


def _selective_search(
    image,
    mode,
    color_spaces,
    ks,
    strategies,
    sigma,
    max_side,
    min_size,
    max_proposals,
    random_state,
    n_jobs,
):
    color_spaces, ks, strategies = _resolve(mode, color_spaces, ks, strategies)
    rgb = _check_image(image)
    orig_h, orig_w = rgb.shape[:2]
    work = _resize(rgb, max_side)
    h, w = work.shape[:2]
    if work.shape[2] == 1:
        color_spaces = ("i",)  # all colour spaces coincide on a gray image

    tasks = []
    for name in color_spaces:
        cimg = _color_space(work, name)
        cbins = _color_bins(cimg) if any("c" in s for s in strategies) else None
        tbins = _texture_bins(cimg) if any("t" in s for s in strategies) else None
        for k in ks:
            tasks.append((cimg, cbins, tbins, k))
    # n_jobs=None follows joblib.parallel_config (one job outside it).
    if effective_n_jobs(n_jobs) == 1:
        results = [
            _group_one_segmentation(c, cb, tb, k, sigma, strategies)
            for c, cb, tb, k in tasks
        ]
    else:
        results = Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(_group_one_segmentation)(c, cb, tb, k, sigma, strategies)
            for c, cb, tb, k in tasks
        )

    # Ranking of the paper: in every hierarchy the region created last (the
    # whole image) has position 1, the one before it 2, ...; each position is
    # multiplied by a random number in [0, 1) and all hierarchies are merged by
    # ascending value. Random numbers are drawn here, in a fixed order, so the
    # result does not depend on n_jobs.
    rng = check_random_state(random_state)
    all_boxes, all_ranks = [], []
    for per_segmentation in results:
        for hboxes in per_segmentation:
            m = len(hboxes)
            all_boxes.append(hboxes)
            all_ranks.append(np.arange(m, 0, -1) * rng.random_sample(m))
    boxes = np.concatenate(all_boxes)
    ranks = np.concatenate(all_ranks)
    order = np.argsort(ranks, kind="stable")
    boxes = boxes[order].astype(np.int64)
    # Remove duplicates, keeping the best-ranked copy.
    codes = ((boxes[:, 0] * (h + 1) + boxes[:, 1]) * (w + 1) + boxes[:, 2]) * (
        h + 1
    ) + boxes[:, 3]
    first = np.unique(codes, return_index=True)[1]
    boxes = boxes[np.sort(first)].astype(np.float64)
    if (h, w) != (orig_h, orig_w):
        scale = np.array([orig_w / w, orig_h / h, orig_w / w, orig_h / h])
        boxes *= scale
        np.minimum(boxes, [orig_w, orig_h, orig_w, orig_h], out=boxes)
    if min_size:
        keep = ((boxes[:, 2] - boxes[:, 0]) >= min_size) & (
            (boxes[:, 3] - boxes[:, 1]) >= min_size
        )
        boxes = boxes[keep]
    if max_proposals is not None:
        boxes = boxes[:max_proposals]
    return boxes


_PARAMS = {
    "mode": [StrOptions(set(_MODES))],
    "color_spaces": ["array-like", StrOptions(set(_COLOR_SPACES)), None],
    "ks": ["array-like", None],
    "strategies": ["array-like", str, None],
    "sigma": [Interval(numbers.Real, 0, None, closed="left")],
    "max_side": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "min_size": [Interval(numbers.Real, 0, None, closed="left")],
    "max_proposals": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "random_state": ["random_state"],
    "n_jobs": [numbers.Integral, None],
}


@validate_params(
    {"image": ["array-like"], **_PARAMS}, prefer_skip_nested_validation=True
)
def selective_search(
    image,
    *,
    mode="fast",
    color_spaces=None,
    ks=None,
    strategies=None,
    sigma=0.8,
    max_side=500,
    min_size=0,
    max_proposals=None,
    random_state=None,
    n_jobs=None,
):
    """Selective search object proposals for one image.

    Implements the hierarchical grouping of Uijlings et al. [1]_: the image is
    over-segmented with Felzenszwalb & Huttenlocher's graph method
    (:func:`skimage.segmentation.felzenszwalb`), then the two most similar
    neighbouring regions are merged repeatedly until one region is left. The
    bounding box of every region of every hierarchy is an object proposal.
    Diversity comes from several colour spaces, several segmentation scales
    ``k`` and several combinations of the four similarities (colour histogram
    intersection, texture histogram intersection, size, fill).

    Parameters
    ----------
    image : array-like of shape (height, width) or (height, width, channels)
        One gray or RGB(A) image, channels last, any numeric dtype. ``uint8``
        is read as 0-255, images already in [0, 1] are kept, anything else is
        stretched to [0, 1] by its minimum and maximum (so the result of
        selective search does not depend on the intensity scale of such
        images). Alpha is ignored.
    mode : {"single", "fast", "quality"}, default="fast"
        Diversification preset of the paper:

        - ``"single"``: HSV, ``k=100``, colour+texture+size+fill (1 hierarchy);
        - ``"fast"``: HSV and Lab, ``k`` in (100, 300), colour+texture+size+fill,
          texture+size+fill, fill and size (16 hierarchies; the paper uses
          ``k`` in (50, 100) and the first two combinations, which measured
          lower recall on the raccoon images);
        - ``"quality"``: HSV, Lab, rgI, H and I, ``k`` in (100, 200, 300),
          colour+texture+size+fill, texture+size+fill, fill and size
          (60 hierarchies; the paper's ``ks=(50, 100, 150, 300)`` gives about
          3x more proposals for a slightly higher recall).

        ``color_spaces``, ``ks`` and ``strategies`` override parts of it.
    color_spaces : list of str, default=None
        Colour spaces among ``"hsv"``, ``"lab"``, ``"rgi"`` (normalised r, g
        and intensity), ``"h"`` (hue), ``"i"`` (intensity) and ``"rgb"``.
        None uses the preset of ``mode``. Gray images use intensity only.
    ks : list of float, default=None
        Felzenszwalb scales ``k`` (on the 0-255 scale of the paper); each is
        also the minimum segment size in pixels, as in the paper. None uses the
        preset of ``mode``.
    strategies : list of str, default=None
        Similarity combinations, each a string of the letters ``"c"``
        (colour), ``"t"`` (texture), ``"s"`` (size), ``"f"`` (fill), e.g.
        ``["ctsf", "tsf"]``. None uses the preset of ``mode``.
    sigma : float, default=0.8
        Gaussian smoothing of the Felzenszwalb segmentation.
    max_side : int or None, default=500
        The image is shrunk (if needed) so that its longer side is at most this
        many pixels before segmentation; the boxes are mapped back to the
        input's pixel grid. None works at full size (slower).
    min_size : float, default=0
        Drop proposals whose width or height is below this many pixels of the
        input image.
    max_proposals : int or None, default=None
        Keep at most this many of the best-ranked proposals.
    random_state : int, RandomState instance or None, default=None
        Seeds the randomised ranking. Pass an int for reproducible output.
    n_jobs : int or None, default=None
        Number of threads over the (colour space, ``k``) segmentations of
        this image (the segmentation releases the GIL); ``None`` means 1
        unless in a :func:`joblib.parallel_config` context. The result does
        not depend on it. For many images prefer ``SelectiveSearch(n_jobs=...)``,
        which parallelises over images.

    Returns
    -------
    boxes : ndarray of shape (n_proposals, 4), dtype float64
        Proposals ``(x_min, y_min, x_max, y_max)`` in pixels of the input
        image (x = column, y = row, max exclusive), best ranked first, without
        duplicates.

    See Also
    --------
    SelectiveSearch : The same as a transformer over many images.

    Notes
    -----
    Ranking follows the paper: in every hierarchy the region created at
    merge step ``i`` counted from the top (the whole image is 1) gets the
    value ``i * r`` with ``r`` uniform in [0, 1); all hierarchies are merged by
    increasing value and repeated boxes are dropped. Merged regions get
    size-weighted sums of their children's L1-normalised histograms (25 bins
    per colour channel; 8 orientations x 10 bins of Gaussian derivatives with
    ``sigma=1`` per channel for texture). Regions are 4-connected neighbours.

    References
    ----------
    .. [1] J. R. R. Uijlings, K. E. A. van de Sande, T. Gevers and
       A. W. M. Smeulders, "Selective Search for Object Recognition",
       International Journal of Computer Vision, 104(2), 154-171, 2013.

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.detection import selective_search
    >>> image = np.zeros((40, 60, 3), dtype=np.uint8)
    >>> image[5:20, 10:30] = (255, 0, 0)
    >>> image[22:35, 35:55] = (0, 0, 255)
    >>> boxes = selective_search(image, mode="single", random_state=0)
    >>> boxes.shape[1]
    4
    >>> [10.0, 5.0, 30.0, 20.0] in boxes.tolist()
    True
    """
    return _selective_search(
        image,
        mode,
        color_spaces,
        ks,
        strategies,
        sigma,
        max_side,
        min_size,
        max_proposals,
        random_state,
        n_jobs,
    )


def _transform_chunk(images, seeds, params):
    """Worker: proposals for a chunk of images (module level for joblib).

    Each image is searched with one job: the parallelism is over images.
    """
    return [
        _selective_search(image, random_state=seed, n_jobs=1, **params)
        for image, seed in zip(images, seeds)
    ]


class SelectiveSearch(TransformerMixin, BaseEstimator):
    """Selective search proposals for many images, as a transformer.

    Stateless: ``fit`` only validates the parameters and ``transform`` maps a
    sequence of images to a list of proposal arrays with
    :func:`selective_search`, in parallel over images.

    Parameters
    ----------
    mode : {"single", "fast", "quality"}, default="fast"
        Diversification preset; see :func:`selective_search`.
    color_spaces : list of str, default=None
        Overrides the colour spaces of ``mode``.
    ks : list of float, default=None
        Overrides the Felzenszwalb scales of ``mode``.
    strategies : list of str, default=None
        Overrides the similarity combinations of ``mode``.
    sigma : float, default=0.8
        Gaussian smoothing of the Felzenszwalb segmentation.
    max_side : int or None, default=500
        Longer image side (pixels) the search works at; boxes are returned in
        the input's pixels.
    min_size : float, default=0
        Drop proposals narrower or lower than this many pixels.
    max_proposals : int or None, default=None
        Keep at most this many of the best-ranked proposals per image.
    random_state : int, RandomState instance or None, default=None
        Seeds the randomised ranking. An int gives every image the same seed
        (so ``transform([img])[0]`` equals ``selective_search(img, ...)``); a
        RandomState draws one seed per image, in order.
    n_jobs : int or None, default=None
        Number of jobs over images (one task = a chunk of images, 4 chunks
        per job). ``None`` means 1 unless in a :func:`joblib.parallel_config`
        context; ``-1`` means all processors. The result does not depend on
        it.
    verbose : int, default=0
        Verbosity of :class:`joblib.Parallel`, progress over image chunks
        (at least 10 chunks when ``verbose`` is set). joblib reports the
        chunks done more often for larger values: 1 to 9 print little more
        than the end, 10 a few lines during the run, above 10 every chunk.

    See Also
    --------
    selective_search : Proposals for one image.

    Notes
    -----
    The output is ragged (a different number of boxes per image), so
    ``transform`` returns a Python list of ``(n_i, 4)`` float64 arrays of
    ``(x_min, y_min, x_max, y_max)`` boxes in pixels (x = column), best ranked
    first, whatever the container of the input.

    References
    ----------
    .. [1] J. R. R. Uijlings, K. E. A. van de Sande, T. Gevers and
       A. W. M. Smeulders, "Selective Search for Object Recognition",
       International Journal of Computer Vision, 104(2), 154-171, 2013.

    Examples
    --------
    >>> import numpy as np
    >>> from sklvision.detection import SelectiveSearch
    >>> images = np.zeros((2, 30, 40, 3), dtype=np.uint8)
    >>> images[:, 5:20, 5:25] = 200
    >>> proposals = SelectiveSearch(mode="single", random_state=0).transform(images)
    >>> len(proposals), proposals[0].shape[1]
    (2, 4)
    >>> [5.0, 5.0, 25.0, 20.0] in proposals[1].tolist()
    True
    """

    _parameter_constraints: dict = {
        **_PARAMS,
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        mode="fast",
        color_spaces=None,
        ks=None,
        strategies=None,
        sigma=0.8,
        max_side=500,
        min_size=0,
        max_proposals=None,
        random_state=None,
        n_jobs=None,
        verbose=0,
    ):
        self.mode = mode
        self.color_spaces = color_spaces
        self.ks = ks
        self.strategies = strategies
        self.sigma = sigma
        self.max_side = max_side
        self.min_size = min_size
        self.max_proposals = max_proposals
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X=None, y=None):
        """Validate the parameters (nothing is learned).

        Parameters
        ----------
        X : Ignored
            Not used, present for API consistency by convention.
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        self : object
            The transformer.
        """
        _resolve(self.mode, self.color_spaces, self.ks, self.strategies)
        return self

    def transform(self, X):
        """Compute the proposals of every image.

        Parameters
        ----------
        X : ndarray of shape (n_images, height, width[, channels]) or list of \
ndarray of shape (height_i, width_i[, channels])
            Gray or colour images, channels last, any numeric dtype.

        Returns
        -------
        proposals : list of ndarray of shape (n_proposals_i, 4)
            Boxes ``(x_min, y_min, x_max, y_max)`` per image, best first.
        """
        self.fit()
        images = _as_image_list(X)
        rs = self.random_state
        if isinstance(rs, np.random.RandomState):
            seeds = rs.randint(np.iinfo(np.int32).max, size=len(images)).tolist()
        else:
            seeds = [rs] * len(images)
        params = {
            "mode": self.mode,
            "color_spaces": self.color_spaces,
            "ks": self.ks,
            "strategies": self.strategies,
            "sigma": self.sigma,
            "max_side": self.max_side,
            "min_size": self.min_size,
            "max_proposals": self.max_proposals,
        }
        # As many chunks as joblib.effective_n_jobs (so n_jobs=None follows
        # parallel_config) times 4, and at least 10 with verbose so that
        # joblib reports progress during the run, not only at its end.
        chunks = _chunk_indices(len(images), self.n_jobs, progress=bool(self.verbose))
        if len(chunks) == 1 and not self.verbose:
            return _transform_chunk(images, seeds, params)
        parts = Parallel(n_jobs=self.n_jobs, verbose=self.verbose)(
            delayed(_transform_chunk)(
                [images[i] for i in c], [seeds[i] for i in c], params
            )
            for c in chunks
        )
        return [boxes for part in parts for boxes in part]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags


def _as_image_list(X):
    """Split a stack or a sequence of images into a list of arrays."""
    if isinstance(X, np.ndarray) and X.dtype != object:
        if X.ndim not in (3, 4):
            raise ValueError(
                "SelectiveSearch.transform expects a stack of images of shape "
                "(n_images, height, width[, channels]) or a list of images, got "
                f"an array of shape {X.shape}. Wrap a single image in a list."
            )
        _refuse_one_colour_image(X, False, "X")
        images = list(X)
    elif isinstance(X, (list, tuple, np.ndarray)):
        images = list(X)
    else:
        raise TypeError(
            "SelectiveSearch.transform expects a list of images or an image "
            f"stack, got {type(X).__name__}."
        )
    if not images:
        raise ValueError("SelectiveSearch.transform got no images.")
    return images
