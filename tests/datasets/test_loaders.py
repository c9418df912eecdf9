import warnings

import numpy as np
import pytest
from PIL import Image

from sklvision.datasets import load_boxes_csv, load_image_folder, load_voc_annotations

HEADER = "filename,width,height,class,xmin,ymin,xmax,ymax\n"


def _save(path, shape=(10, 20, 3), value=0, mode=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    array = np.full(shape, value, dtype=np.uint8)
    image = Image.fromarray(array)
    if mode is not None:
        image = image.convert(mode)
    image.save(path)
    return path


# ---------------------------------------------------------------- image folder
def test_image_folder_subfolders(tmp_path):
    _save(tmp_path / "dog" / "b.png", value=1)
    _save(tmp_path / "cat" / "img10.png", value=3)
    _save(tmp_path / "cat" / "img2.jpg", value=2)
    _save(tmp_path / "cat" / "gray.png", shape=(4, 4), mode="L")
    _save(tmp_path / ".hidden" / "x.png")
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    _save(tmp_path / "ignored_0.png")  # files next to class folders are ignored
    data = load_image_folder(tmp_path)
    assert list(data.target_names) == ["cat", "dog"]
    np.testing.assert_array_equal(data.target, [0, 0, 0, 1])
    names = [p.rsplit("/", 1)[-1] for p in data.filenames]
    assert names == ["gray.png", "img2.jpg", "img10.png", "b.png"]  # natural order
    assert isinstance(data.images, list)
    assert all(im.dtype == np.uint8 and im.ndim == 3 for im in data.images)
    assert data.images[1][0, 0, 0] == 2


def test_image_folder_flat_names(tmp_path):
    _save(tmp_path / "big_cat_001.png")
    _save(tmp_path / "dog_7.png", shape=(5, 5, 3))
    _save(tmp_path / "big_cat_002.png", mode="RGBA")
    data = load_image_folder(tmp_path)
    assert list(data.target_names) == ["big_cat", "dog"]
    np.testing.assert_array_equal(data.target, [0, 0, 1])
    assert {im.shape for im in data.images} == {(10, 20, 3), (5, 5, 3)}


def test_image_folder_resize_gray_and_return_X_y(tmp_path):
    _save(tmp_path / "a_0.png", value=200)
    _save(tmp_path / "b_0.png", shape=(30, 5, 3), value=100)
    X, y = load_image_folder(tmp_path, resize=(6, 8), as_gray=True, return_X_y=True)
    assert X.shape == (2, 6, 8) and X.dtype == np.uint8
    np.testing.assert_array_equal(y, [0, 1])
    assert X[0].min() == 200


def test_image_folder_unreadable_file(tmp_path):
    _save(tmp_path / "a_0.png")
    bad = tmp_path / "a_1.png"
    bad.write_bytes(b"this is not a png")
    with pytest.raises(ValueError, match="a_1.png"):
        load_image_folder(tmp_path)
    with pytest.warns(UserWarning, match="a_1.png"):
        data = load_image_folder(tmp_path, on_error="warn")
    assert len(data.images) == 1 and data.filenames[0].endswith("a_0.png")


def test_image_folder_truncated_file(tmp_path):
    path = _save(tmp_path / "a_0.jpg", shape=(64, 64, 3), value=100)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ValueError, match="a_0.jpg"):
        load_image_folder(tmp_path)


def test_image_folder_all_unreadable_with_warn(tmp_path):
    (tmp_path / "a_0.png").write_bytes(b"junk")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="No readable image"):
            load_image_folder(tmp_path, on_error="warn")


def test_image_folder_bad_layouts(tmp_path):
    with pytest.raises(ValueError, match="not a folder"):
        load_image_folder(tmp_path / "missing")
    with pytest.raises(ValueError, match="No image file"):
        load_image_folder(tmp_path)
    _save(tmp_path / "nolabel.png")
    with pytest.raises(ValueError, match="<label>_<index>"):
        load_image_folder(tmp_path)


@pytest.mark.parametrize("resize", [(0, 4), (4,), (2.5, 3), (True, 8), [[6, 8]]])
def test_image_folder_bad_resize(tmp_path, resize):
    _save(tmp_path / "a_0.png")
    with pytest.raises(ValueError, match="resize"):
        load_image_folder(tmp_path, resize=resize)


def test_image_folder_bad_on_error(tmp_path):
    with pytest.raises(ValueError, match="on_error"):
        load_image_folder(tmp_path, on_error="ignore")


# -------------------------------------------------------------------- box CSV
def _csv_dataset(root, rows, header=HEADER, layout="sibling"):
    images = root / "images"
    _save(images / "a.png", shape=(10, 20, 3), value=10)
    _save(images / "b.png", shape=(30, 40, 3), value=20)
    csv_dir = root / "data" if layout == "sibling" else images
    csv_dir.mkdir(parents=True, exist_ok=True)
    path = csv_dir / "boxes.csv"
    path.write_text(header + "".join(r + "\n" for r in rows))
    return path


def test_boxes_csv_groups_rows_and_finds_sibling_images(tmp_path):
    path = _csv_dataset(
        tmp_path,
        [
            "b.png,40,30,dog,1,2,11,12",
            "a.png,20,10,cat,0,0,5,5",
            "b.png,40,30,cat,20,10,40,30",
        ],
    )
    data = load_boxes_csv(path)
    assert [f.rsplit("/", 1)[-1] for f in data.filenames] == ["b.png", "a.png"]
    assert list(data.target_names) == ["cat", "dog"]
    np.testing.assert_array_equal(
        data.targets[0]["boxes"], [[1, 2, 11, 12], [20, 10, 40, 30]]
    )
    np.testing.assert_array_equal(data.targets[0]["labels"], [1, 0])
    assert data.targets[0]["boxes"].dtype == np.float64
    assert data.images[0].shape == (30, 40, 3) and data.images[1][0, 0, 0] == 10


def test_boxes_csv_in_image_folder_and_explicit_dir(tmp_path):
    path = _csv_dataset(tmp_path, ["a.png,20,10,cat,0,0,5,5"], layout="inside")
    assert len(load_boxes_csv(path).images) == 1
    other = tmp_path / "x" / "y" / "elsewhere.csv"
    other.parent.mkdir(parents=True)
    other.write_text(HEADER + "a.png,20,10,cat,0,0,5,5\n")
    with pytest.raises(ValueError, match="images_dir"):
        load_boxes_csv(other)
    data = load_boxes_csv(other, images_dir=tmp_path / "images")
    assert data.filenames[0].endswith("a.png")


def test_boxes_csv_class_names_and_image_without_box(tmp_path):
    path = _csv_dataset(tmp_path, ["a.png,20,10,cat,0,0,5,5", "b.png,40,30,,,,,"])
    X, y = load_boxes_csv(path, class_names=["dog", "cat"], return_X_y=True)
    np.testing.assert_array_equal(y[0]["labels"], [1])
    assert y[1]["boxes"].shape == (0, 4) and y[1]["labels"].shape == (0,)
    with pytest.raises(ValueError, match="not in class_names"):
        load_boxes_csv(path, class_names=["dog"])


def test_boxes_csv_without_class_column(tmp_path):
    header = "filename,xmin,ymin,xmax,ymax\n"
    path = _csv_dataset(tmp_path, ["a.png,0,0,5,5"], header=header)
    data = load_boxes_csv(path)
    assert list(data.target_names) == ["object"]
    np.testing.assert_array_equal(data.targets[0]["labels"], [0])


def test_boxes_csv_clips_to_image(tmp_path):
    path = _csv_dataset(tmp_path, ["a.png,20,10,cat,-3,1,25,11"])
    np.testing.assert_array_equal(
        load_boxes_csv(path).targets[0]["boxes"], [[0, 1, 20, 10]]
    )


@pytest.mark.parametrize(
    "row, match",
    [
        ("a.png,20,10,cat,0,0,nan,5", "finite"),
        ("a.png,20,10,cat,0,0,x,5", "numbers"),
        ("a.png,20,10,cat,5,0,5,5", "xmax <= xmin"),
        ("a.png,20,10,cat,0,6,5,5", "xmax <= xmin or ymax <= ymin"),
        ("a.png,21,10,cat,0,0,5,5", "21x10"),
        ("missing.png,20,10,cat,0,0,5,5", "missing.png"),
        (",20,10,cat,0,0,5,5", "empty filename"),
    ],
)
def test_boxes_csv_bad_rows(tmp_path, row, match):
    path = _csv_dataset(tmp_path, [row])
    with pytest.raises(ValueError, match=match):
        load_boxes_csv(path)


def test_boxes_csv_bad_files(tmp_path):
    with pytest.raises(ValueError, match="not a file"):
        load_boxes_csv(tmp_path / "none.csv")
    path = _csv_dataset(tmp_path, ["a.png,0,0,5,5"], header="filename,x,y,w,h\n")
    with pytest.raises(ValueError, match="lacks the column"):
        load_boxes_csv(path)
    path.write_text(HEADER)
    with pytest.raises(ValueError, match="no rows"):
        load_boxes_csv(path)


def test_boxes_csv_unreadable_image(tmp_path):
    path = _csv_dataset(
        tmp_path, ["a.png,20,10,cat,0,0,5,5", "b.png,40,30,cat,0,0,5,5"]
    )
    (tmp_path / "images" / "b.png").write_bytes(b"broken")
    with pytest.raises(ValueError, match="b.png"):
        load_boxes_csv(path)
    with pytest.warns(UserWarning, match="b.png"):
        data = load_boxes_csv(path, on_error="warn")
    assert len(data.images) == len(data.targets) == 1


# ------------------------------------------------------------------------ VOC
def _voc(folder, name, filename, objects, size=(20, 10)):
    folder.mkdir(parents=True, exist_ok=True)
    objs = "".join(
        f"<object><name>{n}</name><difficult>{int(d)}</difficult><bndbox>"
        f"<xmin>{b[0]}</xmin><ymin>{b[1]}</ymin><xmax>{b[2]}</xmax>"
        f"<ymax>{b[3]}</ymax></bndbox></object>"
        for n, b, d in objects
    )
    size_xml = f"<size><width>{size[0]}</width><height>{size[1]}</height></size>"
    text = (
        f"<annotation><folder>x</folder><filename>{filename}</filename>"
        f"{size_xml}{objs}</annotation>"
    )
    (folder / name).write_text(text)
    return folder / name


def test_voc_folder_with_jpegimages_sibling(tmp_path):
    _save(tmp_path / "JPEGImages" / "img2.png")
    _save(tmp_path / "JPEGImages" / "img10.png")
    ann = tmp_path / "Annotations"
    _voc(ann, "img10.xml", "img10.png", [("dog", (1, 1, 5, 5), False)])
    _voc(
        ann,
        "img2.xml",
        "img2.png",
        [("cat", (0, 0, 4, 4), False), ("dog", (2, 3, 20, 10), True)],
    )
    (ann / "readme.txt").write_text("ignored")
    data = load_voc_annotations(ann)
    assert [f.rsplit("/", 1)[-1] for f in data.filenames] == ["img2.png", "img10.png"]
    assert list(data.target_names) == ["cat", "dog"]
    np.testing.assert_array_equal(data.targets[0]["labels"], [0, 1])
    np.testing.assert_array_equal(data.targets[0]["boxes"][1], [2, 3, 20, 10])
    easy = load_voc_annotations(ann, include_difficult=False)
    assert len(easy.targets[0]["boxes"]) == 1
    # the kept difficult box is flagged, so AP counts it neither way (it was
    # an ordinary box: a detector missing it lost recall, unlike VOC's eval)
    np.testing.assert_array_equal(data.targets[0]["difficult"], [False, True])
    np.testing.assert_array_equal(easy.targets[0]["difficult"], [False])
    from sklvision.metrics import average_precision_score

    found_cat = [
        {"boxes": np.array([[0.0, 0, 4, 4]]), "scores": [1.0], "labels": [0]},
        {"boxes": np.array([[1.0, 1, 5, 5]]), "scores": [1.0], "labels": [1]},
    ]
    assert average_precision_score(data.targets, found_cat) == 1.0
    X, y = load_voc_annotations(ann / "img10.xml", return_X_y=True)
    assert len(X) == 1 and X[0].shape == (10, 20, 3)


def test_voc_images_dir_and_errors(tmp_path):
    _save(tmp_path / "pics" / "a.png")
    ann = tmp_path / "ann"
    _voc(ann, "a.xml", "a.png", [("cat", (0, 0, 4, 4), False)])
    with pytest.raises(ValueError, match="images_dir"):
        load_voc_annotations(ann)
    assert len(load_voc_annotations(ann, images_dir=tmp_path / "pics").images) == 1
    _voc(ann, "a.xml", "a.png", [("cat", (0, 0, 4, 4), False)], size=(99, 10))
    with pytest.raises(ValueError, match="99x10"):
        load_voc_annotations(ann, images_dir=tmp_path / "pics")
    _voc(ann, "a.xml", "a.png", [("cat", (4, 0, 4, 4), False)])
    with pytest.raises(ValueError, match="xmax <= xmin"):
        load_voc_annotations(ann, images_dir=tmp_path / "pics")
    (ann / "a.xml").write_text("<annotation><filename>a.png</filename>")
    with pytest.raises(ValueError, match="Cannot parse"):
        load_voc_annotations(ann, images_dir=tmp_path / "pics")
    (ann / "a.xml").write_text(
        "<annotation><filename>a.png</filename><object><name>c</name></object>"
        "</annotation>"
    )
    with pytest.raises(ValueError, match="bndbox"):
        load_voc_annotations(ann, images_dir=tmp_path / "pics")
    with pytest.raises(ValueError, match="does not exist"):
        load_voc_annotations(tmp_path / "nothing")
    with pytest.raises(ValueError, match="No .xml"):
        load_voc_annotations(tmp_path / "pics")


def test_loaders_agree_on_the_same_data(tmp_path):
    _save(tmp_path / "images" / "a.png")
    _voc(tmp_path / "annotations", "a.xml", "a.png", [("cat", (1, 2, 8, 9), False)])
    csv_path = tmp_path / "data" / "labels.csv"
    csv_path.parent.mkdir()
    csv_path.write_text(HEADER + "a.png,20,10,cat,1,2,8,9\n")
    voc = load_voc_annotations(tmp_path / "annotations")
    csv = load_boxes_csv(csv_path)
    np.testing.assert_array_equal(voc.images[0], csv.images[0])
    np.testing.assert_array_equal(voc.targets[0]["boxes"], csv.targets[0]["boxes"])


# ------------------------------------------------- high bit depth, warnings
def _save_array(path, array):
    """Save an array with Pillow in the mode it picks (I;16, I, F, L, RGB)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)
    return path


_VALUES_16 = np.arange(12, dtype=np.uint16).reshape(3, 4) * 2000  # 0, 2000, ...
_VALUES_F = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)
_VALUES_I = np.arange(12, dtype=np.int32).reshape(3, 4) * 100_000 - 300_000


@pytest.mark.parametrize(
    "name, array, mode",
    [
        ("a_0.png", _VALUES_16, "I;16"),  # 16-bit PNG
        ("a_0.tif", _VALUES_16.astype(">u2"), "I;16B"),  # big-endian 16-bit TIFF
        ("a_0.tif", _VALUES_F, "F"),  # float32 TIFF
        ("a_0.tif", _VALUES_I, "I"),  # 32-bit integer TIFF
    ],
)
def test_image_folder_high_bit_depth_keeps_values(tmp_path, name, array, mode):
    # Pillow's convert("RGB"/"L") saturated these to uint8: 2000 -> 255,
    # float values in [0, 1] -> 0
    path = _save_array(tmp_path / name, array)
    with Image.open(path) as im:
        assert im.mode == mode
    expected = array.astype(array.dtype.newbyteorder("="))
    gray = load_image_folder(tmp_path, as_gray=True).images[0]
    assert gray.dtype == expected.dtype and gray.dtype.isnative
    np.testing.assert_array_equal(gray, expected)
    rgb = load_image_folder(tmp_path).images[0]
    assert rgb.shape == (3, 4, 3) and rgb.dtype == expected.dtype
    for c in range(3):
        np.testing.assert_array_equal(rgb[..., c], expected)
    # resizing keeps the dtype and the range (no saturation either)
    X, _ = load_image_folder(tmp_path, resize=(6, 8), as_gray=True, return_X_y=True)
    assert X.shape == (1, 6, 8) and X.dtype == expected.dtype
    assert X.min() == expected.min() and X.max() == expected.max()


def test_image_folder_mixed_dtypes_stack_with_warning(tmp_path):
    _save(tmp_path / "a_0.png", shape=(3, 4), value=200)  # uint8 gray
    _save_array(tmp_path / "a_1.png", _VALUES_16)  # uint16
    images = load_image_folder(tmp_path, as_gray=True).images  # list: no warning
    assert [im.dtype for im in images] == [np.uint8, np.uint16]
    with pytest.warns(UserWarning, match=r"uint8.*a_0\.png.*uint16.*a_1\.png"):
        X, _ = load_image_folder(
            tmp_path, resize=(3, 4), as_gray=True, return_X_y=True
        )
    assert X.dtype == np.uint16  # values unchanged, not rescaled
    np.testing.assert_array_equal(X[0], 200)
    np.testing.assert_array_equal(X[1], _VALUES_16)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one dtype: no warning
        (tmp_path / "a_0.png").unlink()
        load_image_folder(tmp_path, resize=(3, 4), as_gray=True)


def test_detection_loaders_keep_16_bit_values(tmp_path):
    _save_array(tmp_path / "images" / "a.png", _VALUES_16)
    csv_path = tmp_path / "images" / "boxes.csv"
    csv_path.write_text(HEADER + "a.png,4,3,cat,0,0,2,2\n")
    image = load_boxes_csv(csv_path).images[0]
    assert image.dtype == np.uint16 and image.shape == (3, 4, 3)
    np.testing.assert_array_equal(image[..., 0], _VALUES_16)
    _voc(tmp_path / "images", "a.xml", "a.png", [("cat", (0, 0, 2, 2), False)], (4, 3))
    np.testing.assert_array_equal(
        load_voc_annotations(tmp_path / "images").images[0], image
    )


def test_boxes_csv_utf8_with_bom(tmp_path):
    # Excel's "CSV UTF-8": the BOM made the first column '\ufefffilename'
    path = _csv_dataset(tmp_path, [])
    path.write_text(HEADER + "a.png,20,10,cat,1,2,8,9\n", encoding="utf-8-sig")
    data = load_boxes_csv(path)
    np.testing.assert_array_equal(data.targets[0]["boxes"], [[1, 2, 8, 9]])


def test_boxes_csv_non_ascii_names_and_non_utf8_file(tmp_path):
    _save(tmp_path / "images" / "café.png")
    path = tmp_path / "images" / "boxes.csv"
    path.write_bytes((HEADER + "café.png,20,10,chat noir,1,2,8,9\n").encode())
    data = load_boxes_csv(path)
    assert data.filenames[0].endswith("café.png")
    assert list(data.target_names) == ["chat noir"]
    path.write_bytes((HEADER + "café.png,20,10,cat,1,2,8,9\n").encode("latin-1"))
    with pytest.raises(ValueError, match=r"boxes\.csv' line 2 is not UTF-8") as info:
        load_boxes_csv(path)
    assert not isinstance(info.value, UnicodeDecodeError)


@pytest.mark.parametrize("order", ["missing_first", "missing_second"])
def test_boxes_csv_missing_image_honours_on_error(tmp_path, order):
    rows = ["zz.png,20,10,cat,1,2,8,9", "a.png,20,10,cat,1,2,8,9"]
    if order == "missing_second":
        rows = rows[::-1]
    path = _csv_dataset(tmp_path, rows)
    with pytest.raises(ValueError, match="zz.png"):
        load_boxes_csv(path)
    with pytest.warns(UserWarning, match="zz.png"):
        data = load_boxes_csv(path, on_error="warn")
    assert [f.rsplit("/", 1)[-1] for f in data.filenames] == ["a.png"]
    assert len(data.targets) == 1


def test_boxes_csv_picks_the_folder_with_most_listed_images(tmp_path):
    # a stray copy of the first listed image next to the CSV must not hide
    # the folder that holds all of them
    path = _csv_dataset(
        tmp_path, ["a.png,20,10,cat,1,2,8,9", "b.png,40,30,cat,1,2,8,9"]
    )
    _save(path.parent / "a.png")
    data = load_boxes_csv(path)
    assert [f.rsplit("/", 2)[-2] for f in data.filenames] == ["images", "images"]


def test_voc_missing_image_honours_on_error(tmp_path):
    _save(tmp_path / "JPEGImages" / "a.png")
    ann = tmp_path / "Annotations"
    _voc(ann, "a.xml", "a.png", [("cat", (0, 0, 4, 4), False)])
    _voc(ann, "b.xml", "zz.png", [("dog", (0, 0, 4, 4), False)])
    with pytest.raises(ValueError, match=r"zz\.png.*b\.xml"):
        load_voc_annotations(ann)
    with pytest.warns(UserWarning, match=r"zz\.png.*b\.xml"):
        data = load_voc_annotations(ann, on_error="warn")
    assert [f.rsplit("/", 1)[-1] for f in data.filenames] == ["a.png"]
    assert list(data.target_names) == ["cat", "dog"]


def test_loader_warnings_point_at_the_caller(tmp_path):
    # stacklevel=3 named sklearn's _param_validation.py (validate_params)
    _save(tmp_path / "images" / "a.png")
    (tmp_path / "images" / "b.png").write_bytes(b"broken")
    (tmp_path / "images" / "c_0.png").write_bytes(b"broken")
    path = tmp_path / "images" / "boxes.csv"
    path.write_text(HEADER + "a.png,20,10,cat,1,2,8,9\nb.png,20,10,cat,1,2,8,9\n")
    _voc(tmp_path / "ann", "b.xml", "b.png", [("cat", (0, 0, 4, 4), False)])
    _voc(tmp_path / "ann", "a.xml", "a.png", [("cat", (0, 0, 4, 4), False)])
    flat = tmp_path / "flat"
    _save(flat / "a_0.png")
    (flat / "a_1.png").write_bytes(b"broken")
    _save(flat / "b_0.png", shape=(10, 20))
    _save_array(flat / "b_1.png", np.zeros((10, 20), np.uint16))
    calls = [
        lambda: load_boxes_csv(path, on_error="warn"),
        lambda: load_voc_annotations(tmp_path / "ann", on_error="warn"),
        lambda: load_image_folder(flat, on_error="warn"),
        lambda: load_image_folder(flat, on_error="warn", resize=(5, 5)),
    ]
    for call in calls:
        with pytest.warns(UserWarning) as record:
            call()
        assert {r.filename for r in record} == {__file__}


@pytest.mark.parametrize("size", [(0, 0), (0, 10), (20, 0)])
def test_zero_size_means_unknown(tmp_path, size):
    _save(tmp_path / "images" / "a.png")
    _voc(tmp_path / "images", "a.xml", "a.png", [("cat", (1, 2, 8, 9), False)], size)
    voc = load_voc_annotations(tmp_path / "images")
    path = tmp_path / "images" / "boxes.csv"
    path.write_text(HEADER + f"a.png,{size[0]},{size[1]},cat,1,2,8,9\n")
    csv = load_boxes_csv(path)
    for data in (voc, csv):
        np.testing.assert_array_equal(data.targets[0]["boxes"], [[1, 2, 8, 9]])


@pytest.mark.parametrize("width", ["inf", "1e400", "nan", "x"])
def test_size_not_a_finite_number(tmp_path, width):
    _save(tmp_path / "images" / "a.png")
    _voc(tmp_path / "images", "a.xml", "a.png", [("cat", (1, 2, 8, 9), False)])
    xml = tmp_path / "images" / "a.xml"
    xml.write_text(xml.read_text().replace("<width>20<", f"<width>{width}<"))
    with pytest.raises(ValueError, match=r"a\.xml.*<size>"):
        load_voc_annotations(tmp_path / "images")
    path = tmp_path / "images" / "boxes.csv"
    path.write_text(HEADER + f"a.png,{width},10,cat,1,2,8,9\n")
    with pytest.raises(ValueError, match=r"boxes\.csv' line 2.*numbers"):
        load_boxes_csv(path)
