"""Draw the installable app's PNG icons from the favicon's shapes (palabre/static/favicon.svg:
a rounded square and a speech bubble, on a 32-unit grid). Run again if the favicon changes:
  .venv/bin/python scripts/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parent.parent / "palabre" / "static"
GREEN, CREAM = "#2f5d50", "#f7f5f0"
BUBBLE = [(8, 10), (24, 10), (24, 19), (15, 19), (10, 23), (10, 19), (8, 19)]


def icon(size: int, *, maskable: bool) -> Image.Image:
    """`maskable`: full-bleed green, the bubble within the middle 80% a phone may crop to."""
    scale = 4  # drawn larger, then reduced: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    unit = big / 32
    if maskable:
        draw.rectangle((0, 0, big, big), fill=GREEN)
        unit *= 0.8
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=7 * unit, fill=GREEN)
    offset = (big - 32 * unit) / 2
    draw.polygon([(offset + x * unit, offset + y * unit) for x, y in BUBBLE], fill=CREAM)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    for size in (192, 512):
        icon(size, maskable=False).save(STATIC / f"icon-{size}.png", optimize=True)
    icon(512, maskable=True).save(STATIC / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
