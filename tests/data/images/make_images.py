"""Writes the small test images under tests/data/images (run with Debian's /usr/bin/python3,
python3-pil). The files are committed; rerun only to change them. reference.json holds, per
file, the size PIL reads and the RGB mean PIL's .convert("RGB") gives, for the codec tests."""
import json
import os
import random

from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
random.seed(7)


def gradient(mode, size):
    w, h = size
    img = Image.new("RGB", size)
    img.putdata([((x * 255) // max(1, w - 1), (y * 255) // max(1, h - 1), ((x + y) * 127) // max(1, w + h - 2))
                 for y in range(h) for x in range(w)])
    return img if mode == "RGB" else img.convert(mode)


images = {
    "rgb.jpg": (gradient("RGB", (64, 48)), {"quality": 92}),
    "rgb.png": (gradient("RGB", (40, 30)), {}),
    "rgb.webp": (gradient("RGB", (32, 24)), {"quality": 90}),
    "rgb.ppm": (gradient("RGB", (20, 10)), {}),
    "grey.jpg": (gradient("L", (48, 64)), {"quality": 92}),
    "grey.png": (gradient("L", (30, 20)), {}),
    "cmyk.jpg": (gradient("CMYK", (40, 40)), {"quality": 92}),
    "alpha.png": (gradient("RGBA", (36, 28)), {}),
    "tiny.png": (gradient("RGB", (1, 1)), {}),
}
reference = {}
for name, (img, options) in images.items():
    path = os.path.join(here, name)
    img.save(path, **options)
    back = Image.open(path)
    rgb = back.convert("RGB")
    px = list(rgb.getdata())
    reference[name] = {
        "width": back.width,
        "height": back.height,
        "mode": back.mode,
        "mean_rgb": [sum(p[c] for p in px) / len(px) for c in range(3)],
    }

# Damaged inputs: an empty file, a JPEG cut in half, bytes that are no image.
open(os.path.join(here, "empty.jpg"), "wb").close()
data = open(os.path.join(here, "rgb.jpg"), "rb").read()
open(os.path.join(here, "truncated.jpg"), "wb").write(data[: len(data) // 2])
open(os.path.join(here, "garbage.png"), "wb").write(bytes(random.randrange(256) for _ in range(300)))

with open(os.path.join(here, "reference.json"), "w") as f:
    json.dump(reference, f, indent=1, sort_keys=True)
    f.write("\n")
