"""Colours of the demo pictures: paint names buyers type, and the fixed colours of parts."""

from __future__ import annotations

import re

RGB = tuple[int, int, int]

PAINTS: dict[str, RGB] = {
    "white": (236, 236, 232), "black": (30, 30, 33), "silver": (190, 193, 198),
    "grey": (122, 125, 130), "gray": (122, 125, 130), "charcoal": (62, 64, 68),
    "red": (176, 30, 32), "maroon": (112, 24, 36), "burgundy": (112, 24, 36),
    "blue": (32, 74, 152), "navy": (28, 38, 82), "green": (42, 112, 62),
    "beige": (214, 198, 160), "tan": (196, 170, 126), "champagne": (214, 196, 158),
    "brown": (112, 74, 42), "bronze": (140, 100, 56), "gold": (196, 160, 72),
    "orange": (230, 120, 30), "yellow": (236, 200, 42), "purple": (92, 52, 122),
}  # fmt: skip
UNKNOWN_PAINT: RGB = PAINTS["grey"]

GLASS: RGB = (66, 88, 110)
TYRE: RGB = (28, 28, 30)
RIM: RGB = (176, 180, 186)
TRIM: RGB = (58, 58, 62)  # interior plastics and upholstery
INK: RGB = (24, 24, 28)
WHITE: RGB = (245, 245, 240)
LAMP: RGB = (250, 246, 220)
TAIL: RGB = (200, 24, 28)


def paint_rgb(colour: str) -> RGB:
    """The paint colour named in `colour` ("Pearl White", "dark blue", "#204a98"); else grey."""
    text = colour.strip().lower()
    if re.fullmatch(r"#[0-9a-f]{6}", text):
        return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16))
    words = re.findall(r"[a-z]+", text)
    rgb = next((PAINTS[word] for word in words if word in PAINTS), UNKNOWN_PAINT)
    if "dark" in words:
        return shade(rgb, 0.65)
    if "light" in words:
        return tint(rgb, 0.35)
    return rgb


def shade(rgb: RGB, factor: float) -> RGB:
    """`rgb` darkened: each channel times `factor` (below 1)."""
    return (int(rgb[0] * factor), int(rgb[1] * factor), int(rgb[2] * factor))


def tint(rgb: RGB, amount: float) -> RGB:
    """`rgb` lightened: moved `amount` (0 to 1) of the way towards white."""
    return (
        int(rgb[0] + (255 - rgb[0]) * amount),
        int(rgb[1] + (255 - rgb[1]) * amount),
        int(rgb[2] + (255 - rgb[2]) * amount),
    )
