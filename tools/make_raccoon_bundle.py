"""Build the raccoon data bundled in ``sklvision/datasets/data/raccoon``.

Source: Dat Tran's raccoon data set (MIT licence), 200 JPEG images with one
or more raccoon boxes each, and its ``train_labels.csv`` / ``test_labels.csv``
split (160 / 40 images).

What this script does, deterministically:

* every image is converted to RGB (3 of them are stored as gray JPEGs) and
  downscaled with Pillow's LANCZOS filter so that its longer side is at most
  ``--max-side`` pixels (320); smaller images are kept at their size;
* the JPEGs are written at quality ``--quality`` (90) without EXIF/ICC data;
* every box is scaled with the exact per-axis ratio ``new_size / old_size``;
  the box edges are rounded to the nearest pixel, clipped to the image and
  kept at least one pixel wide and high;
* ``train_labels.csv`` and ``test_labels.csv`` are written with the same
  columns (filename,width,height,class,xmin,ymin,xmax,ymax) and the same row
  order as the originals, with the new sizes and boxes;
* the LICENSE is copied unchanged.

Run from the repository root::

    python tools/make_raccoon_bundle.py /work/shared/data/raccoon

It prints the bundle size. Re-running it gives byte-identical files.
"""

import argparse
import csv
import shutil
from pathlib import Path

from PIL import Image

COLUMNS = ["filename", "width", "height", "class", "xmin", "ymin", "xmax", "ymax"]
DEFAULT_OUT = Path(__file__).resolve().parents[1] / ("sklvision/datasets/data/raccoon")


def new_size(width, height, max_side):
    """Size after downscaling so that the longer side is at most max_side."""
    scale = min(1.0, max_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def scale_box(box, old_size, size):
    """Scale an (xmin, ymin, xmax, ymax) box, round, clip, keep >= 1 px."""
    (ow, oh), (w, h) = old_size, size
    sx, sy = w / ow, h / oh
    x0, y0, x1, y1 = box
    out = []
    for lo, hi, s, limit in ((x0, x1, sx, w), (y0, y1, sy, h)):
        a = min(max(round(lo * s), 0), limit)
        b = min(max(round(hi * s), 0), limit)
        if b <= a:  # a box thinner than a pixel after scaling
            if a < limit:
                b = a + 1
            else:
                a = b - 1
        out.append((a, b))
    (x0, x1), (y0, y1) = out
    return x0, y0, x1, y1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="folder with images/ and data/")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--max-side", type=int, default=320)
    parser.add_argument("--quality", type=int, default=90)
    args = parser.parse_args(argv)

    src = args.source
    out = args.out
    if out.exists():
        shutil.rmtree(out)
    (out / "images").mkdir(parents=True)
    shutil.copyfile(src / "LICENSE", out / "LICENSE")

    sizes = {}
    for split in ("train", "test"):
        with open(src / "data" / f"{split}_labels.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        out_rows = []
        for row in rows:
            name = row["filename"]
            if name not in sizes:
                with Image.open(src / "images" / name) as im:
                    im = im.convert("RGB")
                    old = im.size
                    if (int(row["width"]), int(row["height"])) != old:
                        raise ValueError(f"{name}: CSV size differs from the image")
                    size = new_size(*old, args.max_side)
                    if size != old:
                        im = im.resize(size, Image.Resampling.LANCZOS)
                    im.save(
                        out / "images" / name,
                        format="JPEG",
                        quality=args.quality,
                        optimize=True,
                    )
                sizes[name] = (old, size)
            old, size = sizes[name]
            box = [int(row[k]) for k in ("xmin", "ymin", "xmax", "ymax")]
            x0, y0, x1, y1 = scale_box(box, old, size)
            out_rows.append(
                {
                    "filename": name,
                    "width": size[0],
                    "height": size[1],
                    "class": row["class"],
                    "xmin": x0,
                    "ymin": y0,
                    "xmax": x1,
                    "ymax": y1,
                }
            )
        with open(out / f"{split}_labels.csv", "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(out_rows)

    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    n_images = len(list((out / "images").iterdir()))
    print(f"wrote {n_images} images to {out} ({total / 1e6:.2f} MB in total)")


if __name__ == "__main__":
    main()
