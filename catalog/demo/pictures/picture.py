"""A whole demo picture: the scene for the angle, the label band, and the JPEG encoding."""

from __future__ import annotations

import io
import re

from PIL import Image, ImageDraw

from catalog.demo.pictures.bodies import PROFILES, Scene, Subject
from catalog.demo.pictures.damage import DAMAGE_SCENES
from catalog.demo.pictures.details import DETAIL_SCENES
from catalog.demo.pictures.exterior import EXTERIOR_SCENES
from catalog.demo.pictures.interior import INTERIOR_SCENES
from catalog.demo.pictures.palette import INK, WHITE, paint_rgb
from catalog.demo.pictures.paperwork import PAPERWORK_SCENES
from catalog.demo.pictures.pen import BAND_H, BASE_H, BASE_W, PIC_H, Pen
from catalog.vehicles.models import BodyType

_SCENES: dict[str, Scene] = {
    **EXTERIOR_SCENES,
    **INTERIOR_SCENES,
    **DETAIL_SCENES,
    **PAPERWORK_SCENES,
    **DAMAGE_SCENES,
}


def draw_vehicle_picture(
    *,
    body_type: BodyType,
    colour: str,
    angle: str,
    caption: str,
    size: tuple[int, int] = (BASE_W, BASE_H),
) -> bytes:
    """A JPEG of the vehicle seen from `angle` (one of ANGLES), with a label band at the bottom.

    Raises:
        ValueError: the angle is unknown or the size is not between 160x120 and 4000x3000.
    """
    width, height = size
    if not (160 <= width <= 4000 and 120 <= height <= 3000):
        raise ValueError(f"picture size {width}x{height} is outside 160x120..4000x3000")
    base_angle = re.sub(r" \(\d+\)$", "", angle)
    scene = _SCENES.get(base_angle)
    if scene is None:
        raise ValueError(f"unknown angle {angle!r}; see ANGLES")
    image = Image.new("RGB", size, WHITE)
    pen = Pen(ImageDraw.Draw(image), width / BASE_W, height / BASE_H)
    subject = Subject(body=PROFILES[body_type], paint=paint_rgb(colour), angle=base_angle)
    scene(pen, subject, caption)
    _label_band(pen, angle, caption)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _label_band(pen: Pen, angle: str, caption: str) -> None:
    pen.box((0, PIC_H, BASE_W, BASE_H), INK)
    pen.text((24, PIC_H + BAND_H / 2), angle.upper(), 26, WHITE, anchor="lm")
    start = 24 + pen.length(angle.upper(), 26) + 24
    pen.text((start, PIC_H + BAND_H / 2), pen.fits(caption, 22, BASE_W - start - 24), 22,
             (200, 200, 196), anchor="lm")  # fmt: skip
    pen.box((BASE_W - 190, 14, BASE_W - 14, 52), INK, radius=8)
    pen.text((BASE_W - 102, 33), "DEMO PHOTO", 20, WHITE, anchor="mm")
