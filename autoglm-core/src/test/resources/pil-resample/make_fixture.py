"""Regenerates the Pillow resize fixture used by PilResamplerTest (run from this folder).

Made with Debian 12's python3-pil (Pillow 9.4.0). Inputs are random pictures; each expected
output is Pillow's Image.resize of the input, saved losslessly as PNG.
"""
import json
import numpy as np
from PIL import Image

rng = np.random.default_rng(7)
rgb = rng.integers(0, 256, (17, 23, 3), dtype=np.uint8)
smooth = np.clip(np.cumsum(rng.integers(-20, 21, (17, 23, 3)), axis=1) + 128, 0, 255).astype(np.uint8)
alpha = rng.integers(0, 256, (17, 23), dtype=np.uint8)
alpha[0, :5] = 0
alpha[1, :5] = 255
Image.fromarray(rgb).save("in_rgb.png")
Image.fromarray(np.dstack([smooth, alpha])).save("in_rgba.png")

cases = []
for src in ["in_rgb.png", "in_rgba.png"]:
    for filt, name in [(Image.BICUBIC, "bicubic"), (Image.BILINEAR, "bilinear")]:
        for size in [(7, 5), (40, 30), (23, 9), (11, 17), (3, 40), (1, 1)]:
            out = f"{src[3:-4]}_{name}_{size[0]}x{size[1]}.png"
            Image.open(src).resize(size, filt).save(out)
            cases.append({"input": src, "filter": name, "width": size[0], "height": size[1], "expected": out})
json.dump({"pillow": Image.__version__, "cases": cases}, open("cases.json", "w"), indent=1)
