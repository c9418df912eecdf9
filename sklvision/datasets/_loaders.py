"""Loaders for image folders, Pascal VOC annotations and box CSV files."""

import csv
import io
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
from PIL import Image
from sklearn.utils import Bunch

from sklvision.utils._sklearn_compat import StrOptions, validate_params
from sklvision.utils._validation import _check_int_pair
from sklvision.utils._warnings import _warn_at_caller as _warn

__all__ = ["load_boxes_csv", "load_image_folder", "load_voc_annotations"]

#: File extensions read by :func:`load_image_folder` by default (lower case).
IMAGE_EXTENSIONS = (
    ".bmp",
    ".gif",
    ".jpeg",
    ".jpg",
    ".pgm",
    ".png",
    ".ppm",
    ".tif",
    ".tiff",
    ".webp",
)

_BOX_COLUMNS = ("xmin", "ymin", "xmax", "ymax")

def _natural_key(path):
    """Sort key putting "img-2" before "img-10"."""
    name = path.name if isinstance(path, Path) else str(path)
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", name)]


def _is_high_depth(mode):
    """Whether a Pillow mode holds more than 8 bits per pixel (I;16*, I, F)."""
    return mode in ("I", "F") or mode.startswith("I;16")


def _read_image(path, *, as_gray=False, size=None):
    """Read one image with Pillow as an array (RGB or gray).

    8-bit files (and every Pillow mode with 8 bits per channel: palette,
    bilevel, RGBA, CMYK, ...) become uint8 RGB, or uint8 gray (Pillow's "L")
    with ``as_gray=True``. Gray files with more bits keep their values and
    dtype, as :func:`skimage.io.imread` does: 16-bit ("I;16") uint16, 32-bit
    integer ("I") int32, floating point ("F") float32; without ``as_gray``
    their channel is repeated three times. ``size`` is ``(height, width)``.

    Raises a ValueError naming the file when Pillow cannot read it.
    """
    try:
        with Image.open(path) as im:
            high_depth = _is_high_depth(im.mode)
            if not high_depth:
                # Pillow's convert clips I/I;16/F to [0, 255]: only 8-bit modes
                im = im.convert("L" if as_gray else "RGB")
            if size is not None:
                height, width = size
                if im.size != (width, height):
                    im = im.resize((width, height), Image.Resampling.BILINEAR)
            if not high_depth:
                return np.array(im, dtype=np.uint8)
            image = np.array(im)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValueError(
            f"Cannot read image file '{path}': {exc}. Check that it is a valid "
            "image, remove it, or pass on_error='warn' to skip unreadable files."
        ) from exc
    # "I;16B" gives big-endian uint16: return the native byte order
    image = image.astype(image.dtype.newbyteorder("="), copy=False)
    if not as_gray:
        image = np.repeat(image[:, :, np.newaxis], 3, axis=2)
    return image


def _read_all(paths, *, on_error, as_gray=False, size=None):
    """Read images; return (images, kept positions)."""
    images, kept = [], []
    for i, path in enumerate(paths):
        try:
            images.append(_read_image(path, as_gray=as_gray, size=size))
        except ValueError as exc:
            if on_error == "raise":
                raise
            _warn(f"Skipping: {exc.args[0]}")
            continue
        kept.append(i)
    if not images:
        raise ValueError("No readable image was found: every image file failed.")
    return images, kept


def _stack(images, paths):
    """Stack same-size images; mixed dtypes go to their common dtype, with a warning.

    The values are kept (no rescaling), so a uint8 image stacked with uint16
    ones keeps its [0, 255] values in the uint16 stack: warn about it.
    """
    first = {}
    for image, path in zip(images, paths):
        first.setdefault(image.dtype, path)
    stack = np.stack(images)
    if len(first) > 1:
        kinds = ", ".join(
            f"{dtype} (e.g. '{path}')" for dtype, path in first.items()
        )
        _warn(
            f"The images have different pixel types: {kinds}; they are stacked "
            f"as {stack.dtype} with their values unchanged (no rescaling), so "
            "they are on different scales (e.g. 8-bit white is 255, 16-bit white "
            "65535). Convert the files to one bit depth, or load them without "
            "resize= and rescale each image (e.g. skimage.util.img_as_float)."
        )
    return stack


def _is_image_file(path, extensions):
    return (
        path.is_file()
        and not path.name.startswith(".")
        and path.suffix.lower() in extensions
    )


@validate_params(
    {
        "path": [str, os.PathLike],
        "resize": [tuple, list, None],
        "as_gray": ["boolean"],
        "extensions": [tuple, list, set, None],
        "on_error": [StrOptions({"raise", "warn"})],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_image_folder(
    path,
    *,
    resize=None,
    as_gray=False,
    extensions=None,
    on_error="raise",
    return_X_y=False,
):
    """Load a labelled image classification data set from a folder.

    Two layouts are recognised:

    * one sub-folder per class, ``path/<label>/<any name>.<ext>`` (the
      layout of :func:`sklearn.datasets.load_files` and torchvision's
      ``ImageFolder``); files directly inside ``path`` are then ignored;
    * no sub-folder: flat files named ``<label>_<index>.<ext>``, for example
      ``cat_001.png``; the label is everything before the last underscore.

    Hidden files and folders (starting with ``"."``) and files whose
    extension is not in ``extensions`` are ignored. Images are read with
    Pillow and converted to RGB (or to gray with ``as_gray=True``), so every
    image has the same number of channels. EXIF orientation tags are not
    applied: pixels are returned as stored. Files with more than 8 bits are
    not clipped to 8 bits; see Notes for the dtypes.

    Parameters
    ----------
    path : str or path-like
        The folder to read.
    resize : tuple of int (height, width), default=None
        When given, every image is resized to this size with Pillow's
        antialiased bilinear filter and ``images`` is a stack.
    as_gray : bool, default=False
        Read images as 2-D gray images (Pillow's "L" mode, ITU-R 601-2
        luma; gray files with more than 8 bits are kept as they are, see
        Notes) instead of RGB.
    extensions : sequence of str, default=None
        File extensions to read (case-insensitive, with the dot). None means
        ``.bmp .gif .jpeg .jpg .pgm .png .ppm .tif .tiff .webp``.
    on_error : {"raise", "warn"}, default="raise"
        What to do with a file that Pillow cannot read: raise a
        ``ValueError`` naming the file, or skip it with a ``UserWarning``.
    return_X_y : bool, default=False
        If True, return ``(images, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        images : list of ndarray of shape (height_i, width_i, 3) or ndarray
            The images (``(height_i, width_i)`` with ``as_gray=True``), uint8
            for 8-bit files (see Notes); a stack of shape
            ``(n_samples, height, width[, 3])`` with ``resize``.
        target : ndarray of shape (n_samples,)
            Integer class index of each image into ``target_names``.
        target_names : ndarray of str
            Class names, sorted.
        filenames : ndarray of str
            Path of each image.

    (images, target) : tuple if ``return_X_y`` is True
        The ``images`` and ``target`` described above.

    Raises
    ------
    ValueError
        If the folder does not exist or holds no image, if a flat file name
        has no ``_``, or if an image cannot be read (with
        ``on_error="raise"``); the message names the file.

    See Also
    --------
    load_boxes_csv : Detection data set from a CSV file of boxes.
    load_voc_annotations : Detection data set from Pascal VOC XML files.

    Notes
    -----
    Files with 8 bits per channel (and palette, bilevel, RGBA, CMYK files)
    give uint8 images, as Pillow converts them. Gray files with more bits keep
    their values and dtype, as :func:`skimage.io.imread` does: 16-bit files
    (Pillow mode ``"I;16"``, e.g. 16-bit PNG or TIFF) give uint16 images,
    32-bit integer files (``"I"``) int32 and floating-point files (``"F"``,
    e.g. float TIFF) float32; in RGB their gray channel is repeated three
    times. Pillow itself reads 16-bit RGB files as 8-bit (it keeps the high
    byte of each value). A list may thus hold several dtypes. With ``resize``,
    images of different dtypes are stacked in their common dtype
    (:func:`numpy.result_type`: uint8 with uint16 gives uint16, any with float32
    gives a float dtype) with their values unchanged, so their value ranges
    differ; a ``UserWarning`` names the dtypes. Rescale them yourself (for
    example with :func:`skimage.util.img_as_float`) if you mix bit depths.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from PIL import Image
    >>> from sklvision.datasets import load_image_folder
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = Path(tmp.name)
    >>> for name in ["cat_0.png", "cat_1.png", "dog_0.png"]:
    ...     Image.fromarray(np.zeros((4, 6, 3), np.uint8)).save(folder / name)
    >>> data = load_image_folder(folder, resize=(2, 3))
    >>> data.images.shape, data.target, data.target_names
    ((3, 2, 3, 3), array([0, 0, 1]), array(['cat', 'dog'], dtype='<U3'))
    >>> tmp.cleanup()
    """
    root = Path(path)
    if not root.is_dir():
        raise ValueError(f"'{root}' is not a folder: pass the folder of images.")
    if extensions is None:
        extensions = IMAGE_EXTENSIONS
    extensions = {(e if e.startswith(".") else "." + e).lower() for e in extensions}
    size = _check_int_pair(resize, "resize", allow_none=True)

    subdirs = sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.name,
    )
    paths, labels = [], []
    if subdirs:
        for d in subdirs:
            for f in sorted(d.iterdir(), key=_natural_key):
                if _is_image_file(f, extensions):
                    paths.append(f)
                    labels.append(d.name)
        target_names = np.array([d.name for d in subdirs])
    else:
        for f in sorted(root.iterdir(), key=_natural_key):
            if not _is_image_file(f, extensions):
                continue
            label, sep, _ = f.stem.rpartition("_")
            if not sep or not label:
                raise ValueError(
                    f"Cannot find the label of '{f}': flat image files must be "
                    "named '<label>_<index>.<ext>' (e.g. 'cat_001.png'); "
                    "otherwise put each class in its own sub-folder."
                )
            paths.append(f)
            labels.append(label)
        target_names = np.unique(np.array(labels, dtype=str))
    if not paths:
        raise ValueError(
            f"No image file ({', '.join(sorted(extensions))}) found in '{root}'."
        )

    images, kept = _read_all(paths, on_error=on_error, as_gray=as_gray, size=size)
    labels = [labels[i] for i in kept]
    target = np.searchsorted(target_names, np.array(labels, dtype=str)).astype(np.int64)
    if size is not None:
        images = _stack(images, [paths[i] for i in kept])
    if return_X_y:
        return images, target
    return Bunch(
        images=images,
        target=target,
        target_names=target_names,
        filenames=np.array([str(paths[i]) for i in kept]),
    )


def _resolve_dir(images_dir, candidates, names, what, on_error="raise"):
    """Pick the folder of the images ``names`` listed in ``what``.

    ``images_dir`` when given; otherwise the candidate folder holding the most
    of ``names`` (the first one on a tie), so that a missing file, even the
    first listed one, is left to ``on_error`` when reading. When no candidate
    holds any of them: a ValueError, or with ``on_error="warn"`` a warning and
    None (the caller skips those names).
    """
    if images_dir is not None:
        images_dir = Path(images_dir)
        if not images_dir.is_dir():
            raise ValueError(f"images_dir '{images_dir}' is not a folder.")
        return images_dir
    names = list(dict.fromkeys(names))
    best, best_hits = None, 0
    for d in candidates:
        hits = sum((d / name).is_file() for name in names)
        if hits > best_hits:
            best, best_hits = d, hits
            if hits == len(names):
                break
    if best is not None:
        return best
    shown = ", ".join(f"'{name}'" for name in names[:3])
    if len(names) > 3:
        shown += f" (and {len(names) - 3} more)"
    message = (
        f"Cannot find the image{'s' if len(names) > 1 else ''} {shown} named in "
        f"{what}; searched "
        + ", ".join(f"'{d}'" for d in candidates)
        + ". Pass images_dir= the folder that holds the images."
    )
    if on_error == "raise":
        raise ValueError(message)
    _warn(f"Skipping: {message}")
    return None


def _class_index(names, class_names):
    """Map class-name strings to indices into target_names."""
    names = np.array(names, dtype=str)
    if class_names is None:
        target_names = np.unique(names)
    else:
        target_names = np.array(list(class_names), dtype=str)
        if len(set(target_names)) != len(target_names):
            raise ValueError(f"class_names has duplicates: {list(target_names)}.")
        unknown = sorted(set(names) - set(target_names))
        if unknown:
            raise ValueError(
                f"Classes {unknown} are not in class_names={list(target_names)}; "
                "add them or pass class_names=None."
            )
    lookup = {name: i for i, name in enumerate(target_names)}
    return target_names, lookup


def _make_target(boxes, labels, image, where):
    """Clip boxes to the image and check them; return the target dict."""
    h, w = image.shape[:2]
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    if not np.all(np.isfinite(boxes)):
        raise ValueError(f"{where}: a box coordinate is not a finite number.")
    boxes[:, [0, 2]] = np.clip(boxes[:, [0, 2]], 0, w)
    boxes[:, [1, 3]] = np.clip(boxes[:, [1, 3]], 0, h)
    bad = (boxes[:, 2] <= boxes[:, 0]) | (boxes[:, 3] <= boxes[:, 1])
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{where}: box {j} = {boxes[j].tolist()} (after clipping to the "
            f"{w}x{h} image) has xmax <= xmin or ymax <= ymin."
        )
    return {"boxes": boxes, "labels": np.asarray(labels, dtype=np.int64)}


def _check_size(image, width, height, where):
    if width is None or height is None:
        return
    h, w = image.shape[:2]
    if (w, h) != (width, height):
        raise ValueError(
            f"{where}: the annotation says the image is {width}x{height} "
            f"(width x height) but the file is {w}x{h}; the boxes would not "
            "match the pixels."
        )


def _detection_bunch(images, targets, target_names, filenames, return_X_y):
    if return_X_y:
        return images, targets
    return Bunch(
        images=images,
        targets=targets,
        target_names=target_names,
        filenames=np.array(filenames),
    )


def _parse_size(value):
    """An image width or height cell: an int, or None when empty or 0.

    0 is what some export tools write for an unknown size. Raises ValueError
    (never OverflowError) for a cell that is not a finite number.
    """
    value = (value or "").strip()
    if not value:
        return None
    try:
        size = int(float(value))
    except OverflowError:
        raise ValueError(f"{value!r} is not a finite number") from None
    return size or None


@validate_params(
    {
        "path": [str, os.PathLike],
        "images_dir": [str, os.PathLike, None],
        "class_names": ["array-like", None],
        "on_error": [StrOptions({"raise", "warn"})],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_boxes_csv(
    path, *, images_dir=None, class_names=None, on_error="raise", return_X_y=False
):
    r"""Load a detection data set described by a CSV file of boxes.

    The CSV is UTF-8 text (a leading byte order mark, as in Excel's "CSV
    UTF-8", is allowed) with a header and one row per box with the columns
    ``filename,width,height,class,xmin,ymin,xmax,ymax`` (the layout of the
    raccoon data set and of many labelImg exports; extra columns are
    ignored, ``width``/``height``/``class`` are optional). Rows of the same
    file are grouped into one image, in order of first appearance. A row
    whose four box cells are empty lists an image without objects. An empty
    ``width``/``height`` or 0 (written by some tools for "unknown") means the
    size is taken from the image file; otherwise it must match the file.

    Boxes are ``(x_min, y_min, x_max, y_max)`` in pixels, x = column,
    y = row, as written in the file (no 1-based shift); they are clipped to
    the image.

    Parameters
    ----------
    path : str or path-like
        The CSV file.
    images_dir : str or path-like, default=None
        Folder of the images (file names in the CSV are relative to it).
        None searches the CSV's folder, its ``images`` sub-folder, the
        sibling folder ``../images`` and the parent folder, and takes the one
        that holds the most listed images (the first in this order on a tie).
    class_names : array-like of str, default=None
        Class names in label order. None uses the sorted distinct names of
        the ``class`` column. Give it to get the same labels across several
        files (e.g. train and test CSVs).
    on_error : {"raise", "warn"}, default="raise"
        What to do with an image file that is missing or cannot be read:
        raise a ``ValueError`` naming it, or skip it (and its boxes) with a
        ``UserWarning``.
    return_X_y : bool, default=False
        If True, return ``(images, targets)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        images : list of ndarray of shape (height_i, width_i, 3)
            RGB images: uint8 for 8-bit files; 16-bit, 32-bit integer and
            float gray files keep their values as uint16, int32 and float32
            (see :func:`load_image_folder`).
        targets : list of dict
            One dict per image: ``"boxes"`` (float64 array of shape
            ``(k_i, 4)``, xyxy pixels) and ``"labels"`` (int64 array of
            shape ``(k_i,)``, indices into ``target_names``).
        target_names : ndarray of str
            Class names; ``target_names[labels]`` gives the names of the
            boxes. Without a ``class`` column it is ``["object"]``.
        filenames : ndarray of str
            Path of each image.

    (images, targets) : tuple if ``return_X_y`` is True
        The ``images`` and ``targets`` described above.

    Raises
    ------
    ValueError
        A file that is not UTF-8, missing columns, non-numeric or degenerate
        boxes, an image size that differs from the ``width``/``height``
        columns, an image that cannot be found or read; the message names the
        file and row.

    See Also
    --------
    load_voc_annotations : The same from Pascal VOC XML files.
    load_raccoon : The bundled raccoon data set, read with this function.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from PIL import Image
    >>> from sklvision.datasets import load_boxes_csv
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = Path(tmp.name)
    >>> Image.fromarray(np.zeros((10, 20, 3), np.uint8)).save(folder / "a.png")
    >>> _ = (folder / "boxes.csv").write_text(
    ...     "filename,width,height,class,xmin,ymin,xmax,ymax\n"
    ...     "a.png,20,10,cat,1,2,8,9\n"
    ...     "a.png,20,10,dog,10,0,20,10\n"
    ... )
    >>> data = load_boxes_csv(folder / "boxes.csv")
    >>> data.targets[0]["boxes"]
    array([[ 1.,  2.,  8.,  9.],
           [10.,  0., 20., 10.]])
    >>> data.targets[0]["labels"], data.target_names
    (array([0, 1]), array(['cat', 'dog'], dtype='<U3'))
    >>> tmp.cleanup()
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"'{path}' is not a file: pass the CSV of boxes.")
    raw = path.read_bytes()
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts with a byte order mark
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ValueError(
            f"'{path}' line {line} is not UTF-8 text ({exc.reason}): the CSV "
            "file must be encoded in UTF-8; save it again as UTF-8 (in Excel: "
            "'CSV UTF-8')."
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = [c.strip() for c in (reader.fieldnames or [])]
    reader.fieldnames = fields
    rows = list(reader)
    missing = [c for c in ("filename", *_BOX_COLUMNS) if c not in fields]
    if missing:
        raise ValueError(
            f"'{path}' lacks the column(s) {missing}; expected the header "
            "filename,width,height,class,xmin,ymin,xmax,ymax."
        )
    if not rows:
        raise ValueError(f"'{path}' has a header but no rows.")
    has_class = "class" in fields

    order, per_file = [], {}
    for line, row in enumerate(rows, start=2):
        name = (row["filename"] or "").strip()
        where = f"'{path}' line {line}"
        if not name:
            raise ValueError(f"{where}: empty filename.")
        if name not in per_file:
            order.append(name)
            per_file[name] = {"boxes": [], "classes": [], "size": None, "line": line}
        entry = per_file[name]
        try:
            width = _parse_size(row.get("width"))
            height = _parse_size(row.get("height"))
            cells = [(row[c] or "").strip() for c in _BOX_COLUMNS]
            if all(not c for c in cells):
                box = None
            else:
                box = [float(c) for c in cells]
        except (TypeError, ValueError):
            raise ValueError(
                f"{where}: width, height, xmin, ymin, xmax and ymax must be "
                f"numbers, got {dict(row)}."
            ) from None
        if width is not None and height is not None:
            entry["size"] = (width, height)
        if box is not None:
            entry["boxes"].append(box)
            entry["classes"].append(
                (row["class"] or "").strip() if has_class else "object"
            )

    all_classes = [c for name in order for c in per_file[name]["classes"]]
    if class_names is None and not has_class:
        class_names = ["object"]
    target_names, lookup = _class_index(all_classes, class_names)

    # when no folder holds any listed image nothing can be read: always raise
    root = _resolve_dir(
        images_dir,
        [
            path.parent,
            path.parent / "images",
            path.parent.parent / "images",
            path.parent.parent,
        ],
        order,
        f"'{path}'",
    )
    paths = [root / name for name in order]
    images, kept = _read_all(paths, on_error=on_error)
    targets = []
    for image, i in zip(images, kept):
        entry = per_file[order[i]]
        where = f"'{path}' ({order[i]}, first on line {entry['line']})"
        size = entry["size"] or (None, None)
        _check_size(image, *size, where)
        labels = [lookup[c] for c in entry["classes"]]
        targets.append(_make_target(entry["boxes"], labels, image, where))
    return _detection_bunch(
        images, targets, target_names, [str(paths[i]) for i in kept], return_X_y
    )


def _xml_text(node, tag, where, required=True):
    child = node.find(tag)
    if child is None or child.text is None or not child.text.strip():
        if required:
            raise ValueError(f"{where}: missing <{tag}>.")
        return None
    return child.text.strip()


def _parse_voc(xml_path):
    where = f"'{xml_path}'"
    try:
        root = ET.parse(xml_path).getroot()
    except ET.ParseError as exc:
        raise ValueError(f"Cannot parse the VOC annotation {where}: {exc}.") from exc
    filename = _xml_text(root, "filename", where)
    size = root.find("size")
    width = height = None
    if size is not None:
        try:
            width = _parse_size(_xml_text(size, "width", where, False))
            height = _parse_size(_xml_text(size, "height", where, False))
        except ValueError:
            raise ValueError(f"{where}: <size> must hold finite numbers.") from None
    objects = []
    for k, obj in enumerate(root.findall("object")):
        name = _xml_text(obj, "name", f"{where} object {k}")
        bnd = obj.find("bndbox")
        if bnd is None:
            raise ValueError(f"{where} object {k}: missing <bndbox>.")
        cells = [_xml_text(bnd, c, f"{where} object {k}") for c in _BOX_COLUMNS]
        try:
            box = [float(c) for c in cells]
        except ValueError:
            raise ValueError(
                f"{where} object {k}: box coordinates must be numbers, got {cells}."
            ) from None
        difficult = _xml_text(obj, "difficult", where, required=False)
        objects.append((name, box, difficult not in (None, "0")))
    folder = _xml_text(root, "folder", where, required=False)
    return filename, folder, width, height, objects


@validate_params(
    {
        "path": [str, os.PathLike],
        "images_dir": [str, os.PathLike, None],
        "class_names": ["array-like", None],
        "include_difficult": ["boolean"],
        "on_error": [StrOptions({"raise", "warn"})],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_voc_annotations(
    path,
    *,
    images_dir=None,
    class_names=None,
    include_difficult=True,
    on_error="raise",
    return_X_y=False,
):
    """Load a detection data set from Pascal VOC XML annotation files.

    Every ``*.xml`` file of the folder (natural order: ``img-2`` before
    ``img-10``) describes one image: ``<filename>``, ``<size>`` and one
    ``<object>`` per box with ``<name>``, ``<difficult>`` and ``<bndbox>``
    (``xmin, ymin, xmax, ymax``). Boxes are returned as written, in pixels,
    x = column, y = row (no 1-based shift), clipped to the image. A missing
    ``<size>`` (or a width or height of 0, written by some tools for
    "unknown") means the size is taken from the image file; otherwise it must
    match the file.

    Parameters
    ----------
    path : str or path-like
        Folder of XML files, or one XML file.
    images_dir : str or path-like, default=None
        Folder of the images. None searches, for each file, the XML's
        folder, ``../JPEGImages`` (the VOC layout), ``../images`` and
        ``../<folder>`` (the ``<folder>`` tag), and takes the first folder
        that holds the image.
    class_names : array-like of str, default=None
        Class names in label order. None uses the sorted distinct names.
    include_difficult : bool, default=True
        Keep the objects marked ``<difficult>1</difficult>``, flagged in
        their target's ``"difficult"`` array: the AP metrics then count them
        neither as found nor as missed, as VOC's evaluation does. False drops
        them.
    on_error : {"raise", "warn"}, default="raise"
        What to do with an image file that is missing or cannot be read:
        raise a ``ValueError`` naming it, or skip it (and its annotation)
        with a ``UserWarning``.
    return_X_y : bool, default=False
        If True, return ``(images, targets)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        images : list of ndarray of shape (height_i, width_i, 3)
            RGB images: uint8 for 8-bit files; 16-bit, 32-bit integer and
            float gray files keep their values as uint16, int32 and float32
            (see :func:`load_image_folder`).
        targets : list of dict
            One dict per image: ``"boxes"`` (float64 array of shape
            ``(k_i, 4)``, xyxy pixels), ``"labels"`` (int64 array of
            shape ``(k_i,)``, indices into ``target_names``) and
            ``"difficult"`` (bool array of shape ``(k_i,)``, VOC's flag).
        target_names : ndarray of str
            Class names; ``target_names[labels]`` gives the box names.
        filenames : ndarray of str
            Path of each image.

    (images, targets) : tuple if ``return_X_y`` is True
        The ``images`` and ``targets`` described above.

    Raises
    ------
    ValueError
        Malformed XML, missing tags, degenerate boxes, an image size that
        differs from ``<size>``, or an image that cannot be found or read;
        the message names the file.

    See Also
    --------
    load_boxes_csv : The same from a CSV file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from PIL import Image
    >>> from sklvision.datasets import load_voc_annotations
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = Path(tmp.name)
    >>> Image.fromarray(np.zeros((10, 20, 3), np.uint8)).save(folder / "a.png")
    >>> _ = (folder / "a.xml").write_text(
    ...     "<annotation><filename>a.png</filename><object><name>cat</name>"
    ...     "<bndbox><xmin>1</xmin><ymin>2</ymin><xmax>8</xmax><ymax>9</ymax>"
    ...     "</bndbox></object></annotation>"
    ... )
    >>> data = load_voc_annotations(folder)
    >>> data.targets[0]["boxes"], data.target_names
    (array([[1., 2., 8., 9.]]), array(['cat'], dtype='<U3'))
    >>> tmp.cleanup()
    """
    path = Path(path)
    if path.is_file():
        xml_files = [path]
    elif path.is_dir():
        xml_files = sorted(
            (p for p in path.iterdir() if p.suffix.lower() == ".xml"),
            key=_natural_key,
        )
        if not xml_files:
            raise ValueError(f"No .xml annotation file found in '{path}'.")
    else:
        raise ValueError(f"'{path}' does not exist: pass a folder of VOC XML files.")

    records, all_classes = [], []
    for xml_path in xml_files:
        filename, folder, width, height, objects = _parse_voc(xml_path)
        if not include_difficult:
            objects = [o for o in objects if not o[2]]
        # classes of skipped files count too, as for unreadable images
        all_classes.extend(o[0] for o in objects)
        base = xml_path.parent
        candidates = [base, base.parent / "JPEGImages", base.parent / "images"]
        if folder:
            candidates.append(base.parent / folder)
        image_dir = _resolve_dir(
            images_dir, candidates, [filename], f"'{xml_path}'", on_error
        )
        if image_dir is None:  # not found, on_error="warn": skip it
            continue
        records.append((xml_path, image_dir / filename, width, height, objects))

    target_names, lookup = _class_index(all_classes, class_names)
    images, kept = _read_all([r[1] for r in records], on_error=on_error)
    targets = []
    for image, i in zip(images, kept):
        xml_path, _, width, height, objects = records[i]
        where = f"'{xml_path}'"
        _check_size(image, width, height, where)
        target = _make_target(
            [o[1] for o in objects], [lookup[o[0]] for o in objects], image, where
        )
        target["difficult"] = np.array([o[2] for o in objects], dtype=bool)
        targets.append(target)
    return _detection_bunch(
        images, targets, target_names, [str(records[i][1]) for i in kept], return_X_y
    )
