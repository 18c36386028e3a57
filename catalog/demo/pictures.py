"""Demo vehicle photos drawn with Pillow: a recognisable picture per body type, colour and angle.

Nothing is downloaded and nothing is random: the same arguments always give the same JPEG.
Every picture says "DEMO PHOTO" in a corner so it is never mistaken for a real vehicle.
"""

from __future__ import annotations

import io
import math
import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from catalog.vehicles.models import BodyType

RGB = tuple[int, int, int]
Point = tuple[float, float]

BASE_W, BASE_H = 960, 720  # scenes are drawn in these units and scaled to the requested size
BAND_H = 64  # the label band at the bottom
PIC_H = BASE_H - BAND_H

EXTERIOR_ANGLES = (
    "front", "front-left", "left", "rear-left", "rear", "rear-right", "right", "front-right",
)  # fmt: skip
ANGLES: tuple[str, ...] = (
    *EXTERIOR_ANGLES,
    "dashboard", "odometer", "steering wheel", "infotainment screen", "climate controls",
    "gear shifter", "front seats", "driver seat", "rear seats", "headliner", "door panel",
    "window switches", "glovebox", "pedals", "floor mats", "trunk", "spare tyre", "engine",
    "battery", "radiator", "front-left wheel", "front-right wheel", "rear-left wheel",
    "rear-right wheel", "tyre tread", "VIN plate", "door jamb sticker", "underbody front",
    "underbody rear", "exhaust", "roof", "windshield", "headlights", "taillights", "left mirror",
    "right mirror", "fuel door", "tow hitch", "keys", "title document", "service records",
    "damage: front bumper", "damage: rear bumper", "damage: left door", "damage: right door",
    "damage: hood", "damage: left fender", "damage: right quarter panel",
)  # fmt: skip
# What a buyer wants first when a listing has only a few photos.
_PRIORITY = (
    "front-left", "rear-right", "left", "front", "rear", "right", "dashboard", "odometer",
    "engine", "front seats", "rear seats", "trunk", "front-right", "rear-left", "VIN plate",
    "front-left wheel", "steering wheel", "underbody front", "keys", "title document",
)  # fmt: skip

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


def angles_for(count: int) -> tuple[str, ...]:
    """The `count` most useful angles, in gallery order.

    Past the last of ANGLES they repeat, numbered: "front (2)", "front-left (2)"...
    A shorter list is not a prefix of a longer one: each count gets its own best choice.
    """
    if count < 0:
        raise ValueError("count must be 0 or more")
    if count <= len(ANGLES):
        ranked = [*_PRIORITY, *(angle for angle in ANGLES if angle not in _PRIORITY)]
        chosen = set(ranked[:count])
        return tuple(angle for angle in ANGLES if angle in chosen)
    extra = (
        f"{ANGLES[i % len(ANGLES)]} ({i // len(ANGLES) + 1})" for i in range(len(ANGLES), count)
    )
    return (*ANGLES, *extra)


def paint_rgb(colour: str) -> RGB:
    """The paint colour named in `colour` ("Pearl White", "dark blue", "#204a98"); else grey."""
    text = colour.strip().lower()
    if re.fullmatch(r"#[0-9a-f]{6}", text):
        return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16))
    words = re.findall(r"[a-z]+", text)
    rgb = next((PAINTS[word] for word in words if word in PAINTS), UNKNOWN_PAINT)
    if "dark" in words:
        return _shade(rgb, 0.65)
    if "light" in words:
        return _tint(rgb, 0.35)
    return rgb


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
    pen = _Pen(ImageDraw.Draw(image), width / BASE_W, height / BASE_H)
    subject = _Subject(body=_PROFILES[body_type], paint=paint_rgb(colour), angle=base_angle)
    scene(pen, subject, caption)
    _label_band(pen, angle, caption)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


# ---------------------------------------------------------------- drawing primitives


@cache
def _font(pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=pixels)


def _shade(rgb: RGB, factor: float) -> RGB:
    return (int(rgb[0] * factor), int(rgb[1] * factor), int(rgb[2] * factor))


def _tint(rgb: RGB, amount: float) -> RGB:
    return (
        int(rgb[0] + (255 - rgb[0]) * amount),
        int(rgb[1] + (255 - rgb[1]) * amount),
        int(rgb[2] + (255 - rgb[2]) * amount),
    )


@dataclass(frozen=True, slots=True)
class _Pen:
    """ImageDraw in 960x720 units, scaled to the real picture size."""

    draw: ImageDraw.ImageDraw
    sx: float
    sy: float

    def _xy(self, points: Iterable[Point]) -> list[Point]:
        return [(x * self.sx, y * self.sy) for x, y in points]

    def _w(self, width: float) -> int:
        return max(1, round(width * min(self.sx, self.sy)))

    def poly(self, points: Iterable[Point], fill: RGB, outline: RGB | None = None) -> None:
        self.draw.polygon(self._xy(points), fill=fill, outline=outline)

    def box(
        self,
        box: tuple[float, float, float, float],
        fill: RGB | None,
        *,
        radius: float = 0,
        outline: RGB | None = None,
        width: float = 1,
    ) -> None:
        x0, y0, x1, y1 = box
        scaled = (
            min(x0, x1) * self.sx,
            min(y0, y1) * self.sy,
            max(x0, x1) * self.sx,
            max(y0, y1) * self.sy,
        )
        self.draw.rounded_rectangle(
            scaled, radius * self.sx, fill=fill, outline=outline, width=self._w(width)
        )

    def circle(
        self, cx: float, cy: float, r: float, fill: RGB | None, *, outline: RGB | None = None,
        width: float = 1,
    ) -> None:  # fmt: skip
        box = ((cx - r) * self.sx, (cy - r) * self.sy, (cx + r) * self.sx, (cy + r) * self.sy)
        self.draw.ellipse(box, fill=fill, outline=outline, width=self._w(width))

    def line(self, points: Sequence[Point], fill: RGB, width: float = 2) -> None:
        self.draw.line(self._xy(points), fill=fill, width=self._w(width), joint="curve")

    def text(self, at: Point, text: str, size: float, fill: RGB, *, anchor: str = "la") -> None:
        font = _font(max(6, round(size * min(self.sx, self.sy))))
        xy = (at[0] * self.sx, at[1] * self.sy)
        self.draw.text(xy, text, fill=fill, font=font, anchor=anchor)

    def length(self, text: str, size: float) -> float:
        """How wide `text` is, in 960x720 units."""
        return _font(max(6, round(size * min(self.sx, self.sy)))).getlength(text) / self.sx

    def fits(self, text: str, size: float, max_width: float) -> str:
        """`text`, cut with an ellipsis so that it is at most `max_width` units wide."""
        font = _font(max(6, round(size * min(self.sx, self.sy))))
        limit = max_width * self.sx
        if font.getlength(text) <= limit:
            return text
        while text and font.getlength(text + "…") > limit:
            text = text[:-1]
        return text + "…"


# ---------------------------------------------------------------- body shapes


@dataclass(frozen=True, slots=True)
class _Body:
    """A side silhouette: x from 0 (rear) to 100 (front), y up from the ground, same units."""

    outline: tuple[Point, ...]
    windows: tuple[tuple[Point, ...], ...]
    wheels: tuple[float, ...]  # wheel centres along x
    wheel_r: float
    belt: float  # height of the window line
    roof: float
    width: float  # seen from the front, in the same units
    cargo: tuple[Point, ...] = ()  # a box body drawn white (box truck)


@dataclass(frozen=True, slots=True)
class _Subject:
    body: _Body
    paint: RGB
    angle: str


_PROFILES: dict[BodyType, _Body] = {
    BodyType.SEDAN: _Body(
        ((1, 5), (0, 15), (2, 20), (24, 22), (33, 29), (40, 31), (58, 31), (71, 22), (95, 19),
         (100, 14), (99, 5)),
        (((35, 22.5), (41, 29.5), (50, 29.5), (50, 22.5)),
         ((52, 22.5), (52, 29.5), (57, 29.5), (67, 22.5))),
        (19, 80), 7, 22, 31, 38,
    ),
    BodyType.HATCHBACK: _Body(
        ((1, 5), (0, 18), (3, 33), (10, 35), (50, 35), (66, 24), (94, 21), (100, 15), (99, 5)),
        (((5, 25), (9, 32.5), (28, 32.5), (28, 25)),
         ((30, 25), (30, 32.5), (49, 32.5), (61, 25))),
        (17, 82), 8.5, 24, 35, 42,
    ),
    BodyType.SUV: _Body(
        ((1, 6), (0, 22), (2, 36), (6, 38), (64, 38), (76, 26), (96, 24), (100, 18), (99, 6)),
        (((4, 27), (6, 35.5), (24, 35.5), (24, 27)), ((26, 27), (26, 35.5), (45, 35.5), (45, 27)),
         ((47, 27), (47, 35.5), (62, 35.5), (71, 27))),
        (18, 80), 9.5, 26, 38, 41,
    ),
    BodyType.PICKUP: _Body(
        ((1, 7), (0, 24), (38, 24), (38, 32), (42, 33), (58, 33), (68, 24), (95, 22), (100, 17),
         (99, 7)),
        (((41, 25), (43, 31.5), (51, 31.5), (51, 25)),
         ((53, 25), (53, 31.5), (57, 31.5), (65, 25))),
        (15, 80), 8, 24, 33, 35,
    ),
    BodyType.VAN: _Body(
        ((1, 6), (0, 40), (2, 42), (76, 42), (86, 30), (97, 27), (100, 20), (99, 6)),
        (((70, 29), (70, 39), (77, 39), (84, 29)),),
        (16, 82), 8, 28, 42, 34,
    ),
    BodyType.MINIVAN: _Body(
        ((1, 5), (0, 22), (2, 32), (6, 34), (64, 34), (78, 23), (96, 21), (100, 15), (99, 5)),
        (((4, 23), (6, 31.5), (22, 31.5), (22, 23)), ((24, 23), (24, 31.5), (46, 31.5), (46, 23)),
         ((48, 23), (48, 31.5), (63, 31.5), (73, 23))),
        (17, 82), 8, 23, 34, 39,
    ),
    BodyType.COUPE: _Body(
        ((1, 5), (0, 15), (3, 19), (18, 21), (36, 28), (44, 29), (57, 28), (70, 20), (96, 17),
         (100, 13), (99, 5)),
        (((30, 21.5), (39, 27), (56, 27), (64, 21.5)),),
        (19, 80), 7.5, 20, 29, 40,
    ),
    BodyType.WAGON: _Body(
        ((1, 5), (0, 17), (2, 29), (8, 31), (58, 31), (71, 22), (95, 19), (100, 14), (99, 5)),
        (((4, 22.5), (7, 29.5), (24, 29.5), (24, 22.5)),
         ((26, 22.5), (26, 29.5), (44, 29.5), (44, 22.5)),
         ((46, 22.5), (46, 29.5), (57, 29.5), (67, 22.5))),
        (19, 80), 7, 22, 31, 38,
    ),
    BodyType.TRUCK: _Body(
        ((68, 8), (68, 44), (88, 44), (100, 31), (100, 8)),
        (((80, 30), (80, 41), (88, 41), (97, 31)),),
        (12, 26, 86), 7.5, 30, 48, 30,
        cargo=((0, 9), (0, 48), (66, 48), (66, 9)),
    ),
}  # fmt: skip


# ---------------------------------------------------------------- exterior scenes


def _yard(pen: _Pen, horizon: float = 380) -> None:
    bands = 8
    for i in range(bands):  # sky: deeper blue at the top
        top, bottom = horizon * i / bands, horizon * (i + 1) / bands + 1
        pen.box((0, top, BASE_W, bottom), _tint((96, 150, 214), 0.1 + 0.07 * i))
    pen.box((0, horizon, BASE_W, PIC_H), (166, 156, 138))
    pen.box((0, horizon - 44, BASE_W, horizon), (150, 160, 150))  # distant trees
    for x in range(0, BASE_W, 48):  # the yard fence
        pen.line(((x, horizon - 40), (x, horizon + 6)), (110, 110, 105), 3)
    pen.line(((0, horizon - 30), (BASE_W, horizon - 30)), (120, 120, 115), 2)
    for y in range(int(horizon) + 30, PIC_H, 38):  # gravel ruts
        pen.line(((0, y), (BASE_W, y + 6)), (152, 142, 124), 2)


@dataclass(frozen=True, slots=True)
class _SideView:
    """Where a side silhouette lands: `far` < 1 shrinks the far end, for three-quarter views."""

    x0: float
    ground: float
    kx: float
    ky: float
    facing_left: bool
    far: float = 1.0
    near_left: bool = True

    def scale(self, image_x: float) -> float:
        t = (image_x - self.x0) / (100 * self.kx)
        return 1 - (1 - self.far) * (t if self.near_left else 1 - t)

    def at(self, points: Iterable[Point]) -> list[Point]:
        placed = []
        for x, y in points:
            image_x = self.x0 + (100 - x if self.facing_left else x) * self.kx
            s = self.scale(image_x)
            placed.append((image_x, self.ground - (1 - s) * 120 - y * self.ky * s))
        return placed


def _side(pen: _Pen, subject: _Subject, view: _SideView) -> None:
    body, at = subject.body, view.at
    pen.poly(at(((2, -1), (98, -1), (98, 1.5), (2, 1.5))), (120, 112, 100))  # shadow
    if body.cargo:
        pen.poly(at(body.cargo), (232, 232, 228), _shade(WHITE, 0.6))
    pen.poly(at(body.outline), subject.paint, _shade(subject.paint, 0.55))
    for window in body.windows:
        pen.poly(at(window), GLASS, _shade(subject.paint, 0.4))
        handle_x = min(x for x, _ in window) + 3
        pen.poly(at(((handle_x, body.belt - 3), (handle_x + 3, body.belt - 3),
                     (handle_x + 3, body.belt - 4), (handle_x, body.belt - 4))), INK)  # fmt: skip
    front_top = body.belt - 3 if not body.cargo else 26
    pen.poly(at(((97, front_top - 4), (99.5, front_top - 3), (99.5, front_top))), LAMP)
    if not body.cargo:
        pen.poly(at(((0.2, body.belt - 7), (2, body.belt - 7), (2, body.belt - 3))), TAIL)
    for wheel_x in body.wheels:
        [(cx, cy)] = at(((wheel_x, body.wheel_r),))
        _wheel(pen, cx, cy, body.wheel_r * view.ky * view.scale(cx), arch=subject.paint)


def _wheel(pen: _Pen, cx: float, cy: float, r: float, *, arch: RGB | None = None) -> None:
    if arch is not None:
        pen.circle(cx, cy, r * 1.12, (36, 36, 38))
    pen.circle(cx, cy, r, TYRE)
    pen.circle(cx, cy, r * 0.62, RIM, outline=_shade(RIM, 0.6), width=2)
    for i in range(5):
        spoke = math.radians(i * 72)
        pen.line(((cx, cy), (cx + math.cos(spoke) * r * 0.58, cy + math.sin(spoke) * r * 0.58)),
                 _shade(RIM, 0.7), r * 0.1)  # fmt: skip
    pen.circle(cx, cy, r * 0.16, _shade(RIM, 0.5))


@dataclass(frozen=True, slots=True)
class _FaceView:
    """Where a front or rear view lands: u across the vehicle from its centre, v up."""

    pen: _Pen
    cx: float
    ground: float
    kx: float
    ky: float

    def at(self, points: Iterable[Point]) -> list[Point]:
        return [(self.cx + u * self.kx, self.ground - v * self.ky) for u, v in points]

    def rect(
        self, corners: tuple[float, float, float, float], fill: RGB, radius: float = 0
    ) -> None:
        (x0, y0), (x1, y1) = self.at((corners[:2], corners[2:]))
        self.pen.box((x0, y0, x1, y1), fill, radius=radius)


def _face(pen: _Pen, subject: _Subject, view: _FaceView, *, rear: bool) -> None:
    body, paint, at, rect = subject.body, subject.paint, view.at, view.rect
    half, box_rear = body.width / 2, bool(body.cargo) and rear
    pen.poly(at(((-half - 2, -1), (half + 2, -1), (half + 2, 1), (-half - 2, 1))), (120, 112, 100))
    if body.cargo and not rear:
        rect((-half - 1, 9, half + 1, body.roof), (232, 232, 228))  # the box behind the cab
    for side in (-1, 1):
        rect((side * (half - 1), 0, side * (half - 7), body.wheel_r * 1.5), TYRE, 4)
    top = body.roof if box_rear else body.belt
    rect((-half, body.wheel_r * 0.6, half, top), (232, 232, 228) if box_rear else paint, 8)
    if box_rear:
        pen.line(at(((0, body.wheel_r * 0.6), (0, top))), _shade(WHITE, 0.5), 3)  # box doors
    else:
        _face_cabin(pen, subject, view)
    lamp_v = 14 if box_rear else body.belt - 3
    bumper_v = 4 + body.wheel_r * 0.3
    rect((-half + 1, bumper_v, half - 1, bumper_v + 4), _shade(paint, 0.7), 3)
    rect((-5, lamp_v - 8, 5, lamp_v - 5), WHITE)  # number plate
    for side in (-1, 1):
        rect(
            (side * (half - 1.5), lamp_v - 3, side * (half - 9), lamp_v + 1),
            TAIL if rear else LAMP,
            6,
        )
    if not rear:
        rect((-half + 11, lamp_v - 4, half - 11, lamp_v + 1), INK, 4)  # grille


def _face_cabin(pen: _Pen, subject: _Subject, view: _FaceView) -> None:
    body, at = subject.body, view.at
    half, belt = body.width / 2, body.belt
    roof = 44 if body.cargo else body.roof
    cabin = ((-0.95, belt), (0.95, belt), (0.74, roof), (-0.74, roof))
    glass = ((-0.86, belt + 1), (0.86, belt + 1), (0.69, roof - 1.5), (-0.69, roof - 1.5))
    pen.poly(at((u * half, v) for u, v in cabin), subject.paint)
    pen.poly(at((u * half, v) for u, v in glass), GLASS)
    for side in (-1, 1):  # mirrors
        mirror = ((half, belt + 1), (half + 4, belt + 2), (half + 4, belt + 5), (half, belt + 4))
        pen.poly(at((side * u, v) for u, v in mirror), _shade(subject.paint, 0.8))


def _exterior(pen: _Pen, subject: _Subject, _caption: str) -> None:
    _yard(pen)
    body, angle = subject.body, subject.angle
    if angle in ("left", "right"):
        view = _SideView(x0=80, ground=560, kx=8, ky=8, facing_left=angle == "left")
        _side(pen, subject, view)
        return
    if angle in ("front", "rear"):
        k = min(430 / (body.width + 8), 470 / body.roof)
        _face(pen, subject, _FaceView(pen, 480, 570, k, k), rear=angle == "rear")
        return
    # Three-quarter views: the near end's face overlapping a side that shrinks into the distance.
    rear_view = angle.startswith("rear")
    facing_left = angle in ("front-left", "rear-left")
    face_w = body.width * 4.8
    near_left = facing_left != rear_view
    side_x0 = 60 + face_w * 0.55 if near_left else 60
    view = _SideView(side_x0, 560, 6.2, 8.4, facing_left, far=0.78, near_left=near_left)
    _side(pen, subject, view)
    face_cx = side_x0 + (face_w * 0.05 if near_left else 620 - face_w * 0.05)
    _face(pen, subject, _FaceView(pen, face_cx, 566, 4.8, 8.4), rear=rear_view)


# ---------------------------------------------------------------- interior and detail scenes


def _cabin_view(pen: _Pen) -> None:
    _yard(pen, horizon=230)
    pen.poly(((0, 0), (120, 0), (40, 300), (0, 320)), INK)  # A-pillars
    pen.poly(((BASE_W, 0), (BASE_W - 120, 0), (BASE_W - 40, 300), (BASE_W, 320)), INK)


def _dashboard(pen: _Pen, subject: _Subject, _caption: str) -> None:
    _cabin_view(pen)
    pen.poly(((0, 260), (480, 220), (BASE_W, 260), (BASE_W, PIC_H), (0, PIC_H)), TRIM)
    pen.circle(270, 350, 52, INK, outline=RIM, width=3)
    pen.circle(390, 350, 52, INK, outline=RIM, width=3)
    pen.box((560, 320, 780, 440), (30, 60, 90), radius=10, outline=RIM, width=2)
    for i in range(4):
        pen.line(((580, 345 + i * 24), (700 - i * 20, 345 + i * 24)), (120, 170, 210), 4)
    for x in (90, 820):
        pen.box((x, 300, x + 70, 340), INK, radius=8)
    pen.circle(330, 480, 175, None, outline=INK, width=30)
    pen.box((300, 470, 360, 640), INK)
    pen.line(((160, 480), (500, 480)), INK, 24)


def _odometer(pen: _Pen, subject: _Subject, caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), (22, 22, 26))
    cx, cy, r = 480, 310, 250
    pen.circle(cx, cy, r, (12, 12, 14), outline=RIM, width=6)
    for i in range(12):
        a = math.radians(225 - i * 270 / 11)
        outer, inner = (cx + math.cos(a) * (r - 14), cy - math.sin(a) * (r - 14)), (
            cx + math.cos(a) * (r - 44), cy - math.sin(a) * (r - 44))  # fmt: skip
        pen.line((outer, inner), WHITE, 5)
        label_xy = (cx + math.cos(a) * (r - 78), cy - math.sin(a) * (r - 78))
        pen.text(label_xy, str(i * 20), 24, WHITE, anchor="mm")
    needle = math.radians(225)
    pen.line(((cx, cy), (cx + math.cos(needle) * (r - 40), cy - math.sin(needle) * (r - 40))),
             (240, 80, 40), 8)  # fmt: skip
    pen.circle(cx, cy, 18, RIM)
    pen.text((cx, cy - 90), "km/h", 22, RIM, anchor="mm")
    pen.box((360, 462, 600, 526), (40, 56, 30), radius=8, outline=RIM, width=3)
    pen.text((480, 494), _odometer_reading(caption), 40, (190, 240, 120), anchor="mm")


def _odometer_reading(caption: str) -> str:
    match = re.search(r"(\d[\d,. ]*)\s*(km|mi)\b", caption, re.IGNORECASE)
    if match:
        return f"{int(re.sub(r'[^0-9]', '', match.group(1))):06d} {match.group(2).lower()}"
    return f"{zlib.crc32(caption.encode()) % 300_000:06d} km"


def _steering_wheel(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), TRIM)
    pen.circle(480, 330, 280, None, outline=INK, width=60)
    pen.poly(((220, 300), (740, 300), (640, 400), (320, 400)), INK)
    pen.box((450, 380, 510, 600), INK)
    pen.circle(480, 350, 80, (40, 40, 44), outline=RIM, width=4)
    for x, y in ((290, 330), (330, 330), (630, 330), (670, 330)):
        pen.circle(x, y, 14, (90, 90, 96))


def _screen(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), TRIM)
    pen.box((160, 110, 800, 500), INK, radius=16)
    pen.box((185, 135, 775, 475), (24, 52, 84))
    tiles = ("MAP", "RADIO", "PHONE", "MEDIA", "CAMERA", "SETTINGS")
    for i, name in enumerate(tiles):
        x, y = 215 + (i % 3) * 190, 165 + (i // 3) * 150
        pen.box((x, y, x + 160, y + 120), (44, 96, 150), radius=12)
        pen.text((x + 80, y + 60), name, 22, WHITE, anchor="mm")


def _climate(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), TRIM)
    for i, name in enumerate(("TEMP", "FAN", "MODE")):
        cx = 220 + i * 260
        pen.circle(cx, 320, 95, INK, outline=RIM, width=6)
        pen.line(((cx, 320), (cx + 40, 250)), WHITE, 8)
        pen.text((cx, 450), name, 30, WHITE, anchor="mm")
    pen.box((300, 520, 660, 580), INK, radius=10)
    pen.text((480, 550), "A/C   AUTO   REAR", 24, (120, 200, 240), anchor="mm")


def _shifter(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), (40, 40, 44))
    pen.box((250, 120, 710, 640), TRIM, radius=30)
    pen.box((450, 180, 510, 430), INK, radius=20)
    pen.circle(480, 190, 70, INK, outline=RIM, width=4)
    for i, gear in enumerate("PRND"):
        pen.text(
            (600, 250 + i * 50), gear, 36, WHITE if gear != "D" else (240, 160, 40), anchor="mm"
        )
    pen.box((320, 480, 640, 600), INK, radius=16)


def _seat(pen: _Pen, frame: tuple[float, float, float, float], colour: RGB) -> None:
    x, y, w, h = frame
    pen.box((x + w * 0.3, y, x + w * 0.7, y + h * 0.14), colour, radius=16)  # headrest
    pen.box((x, y + h * 0.18, x + w, y + h * 0.72), colour, radius=28)  # backrest
    pen.line(((x + w * 0.2, y + h * 0.3), (x + w * 0.2, y + h * 0.66)), _shade(colour, 0.7), 4)
    pen.line(((x + w * 0.8, y + h * 0.3), (x + w * 0.8, y + h * 0.66)), _shade(colour, 0.7), 4)
    pen.box((x - w * 0.05, y + h * 0.7, x + w * 1.05, y + h), _tint(colour, 0.12), radius=24)


def _seats(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), (34, 34, 38))
    pen.box((0, 500, BASE_W, PIC_H), (52, 50, 48))  # carpet
    upholstery = (84, 84, 90)
    if subject.angle == "rear seats":
        for i in range(3):
            _seat(pen, (110 + i * 250, 130, 240, 420), upholstery)
    elif subject.angle == "driver seat":
        _seat(pen, (300, 60, 360, 560), upholstery)
        pen.circle(120, 180, 150, None, outline=INK, width=26)  # steering wheel
    else:
        _seat(pen, (110, 100, 300, 480), upholstery)
        _seat(pen, (550, 100, 300, 480), upholstery)
        pen.box((430, 340, 530, 640), TRIM, radius=12)  # console


def _headliner(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), (196, 192, 184))
    pen.box((380, 240, 580, 330), (226, 224, 216), radius=20, outline=(150, 146, 140), width=3)
    for x in (60, 620):
        pen.box((x, 430, x + 280, 560), (176, 172, 164), radius=20)
    pen.box((430, 560, 530, 640), INK, radius=6)  # mirror mount


def _door_panel(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), subject.paint)
    pen.box((40, 0, BASE_W - 40, PIC_H), TRIM, radius=30)
    pen.box((40, 0, BASE_W - 40, 140), GLASS)
    pen.box((160, 260, 800, 340), _tint(TRIM, 0.15), radius=20)  # armrest
    pen.box((600, 190, 720, 230), INK, radius=12)  # handle
    pen.circle(280, 500, 90, INK)
    for r in (70, 50, 30):
        pen.circle(280, 500, r, None, outline=(80, 80, 86), width=3)
    if subject.angle == "window switches":
        for i in range(4):
            pen.box((240 + i * 110, 270, 320 + i * 110, 330), INK, radius=8)


def _glovebox(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), TRIM)
    pen.box((180, 140, 780, 420), INK, radius=20)
    pen.poly(((180, 420), (780, 420), (820, 600), (140, 600)), _tint(TRIM, 0.1))
    pen.box((300, 260, 560, 400), (220, 216, 200), radius=6)  # owner's manual
    pen.text((430, 330), "OWNER'S MANUAL", 24, INK, anchor="mm")


def _footwell(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), (30, 30, 34))
    pen.box((80, 380, 880, PIC_H), (60, 58, 55), radius=30)  # mat
    if subject.angle == "pedals":
        pen.box((300, 240, 420, 420), (90, 90, 96), radius=14)
        pen.box((560, 280, 620, 460), (90, 90, 96), radius=14)
        return
    for x in range(120, 860, 40):
        pen.line(((x, 400), (x, 630)), (72, 70, 66), 4)


def _trunk(pen: _Pen, subject: _Subject, _caption: str) -> None:
    _yard(pen)
    body, paint = subject.body, subject.paint
    pen.box((120, 110, 840, 600), paint, radius=30)
    if body.cargo or body is _PROFILES[BodyType.PICKUP]:
        pen.box((170, 160, 790, 560), INK, radius=8)  # bed liner or box floor
        for x in range(200, 780, 50):
            pen.line(((x, 170), (x, 550)), (58, 58, 60), 8)
    else:
        pen.box((180, 170, 780, 520), (34, 34, 38), radius=20)
        pen.poly(((200, 520), (760, 520), (700, 380), (260, 380)), (74, 72, 70))  # cargo floor
        pen.box((120, 540, 840, 600), _shade(paint, 0.7), radius=14)  # bumper
    if subject.angle == "spare tyre":
        _wheel(pen, 480, 400, 130)


def _engine(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), subject.paint)  # raised hood edge and fenders
    pen.box((60, 60, 900, 620), (38, 38, 40), radius=24)
    pen.box((300, 180, 660, 440), (110, 112, 116), radius=30)  # engine cover
    for y in range(210, 430, 36):
        pen.line(((330, y), (630, y)), (90, 92, 96), 6)
    parts = {
        "battery": (100, 110, 260, 260),
        "radiator": (200, 500, 760, 600),
        "coolant": (720, 110, 840, 220),
    }
    pen.box(parts["battery"], INK, radius=8)
    pen.circle(140, 130, 12, TAIL)
    pen.circle(220, 130, 12, (20, 20, 20), outline=RIM, width=2)
    pen.box(parts["radiator"], (70, 70, 74))
    for x in range(210, 760, 18):
        pen.line(((x, 505), (x, 595)), (46, 46, 50), 4)
    pen.box(parts["coolant"], (214, 214, 196), radius=12)
    pen.circle(780, 130, 16, (240, 200, 40))
    pen.line(((660, 300), (760, 260), (800, 220)), INK, 18)  # hose
    highlight = parts.get(subject.angle)
    if highlight is not None:
        x0, y0, x1, y1 = highlight
        pen.box((x0 - 16, y0 - 16, x1 + 16, y1 + 16), None, outline=(250, 210, 40), width=8)


def _wheel_closeup(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), (150, 142, 128))
    pen.box((0, 0, BASE_W, 260), subject.paint)
    pen.circle(480, 360, 300, (36, 36, 38))  # wheel arch
    pen.box((0, 560, BASE_W, PIC_H), (126, 118, 104))
    if subject.angle == "tyre tread":
        pen.box((250, 40, 710, PIC_H), TYRE, radius=30)
        for y in range(60, PIC_H, 60):
            pen.line(((270, y), (400, y + 30), (560, y), (690, y + 30)), (70, 70, 72), 10)
        return
    _wheel(pen, 480, 360, 260)
    pen.text((480, 150), "225/65 R17", 26, (90, 90, 92), anchor="mm")


def _vin_plate(pen: _Pen, subject: _Subject, caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), _shade(subject.paint, 0.85))
    pen.box((120, 180, 840, 470), (200, 202, 206), radius=12, outline=(120, 120, 124), width=4)
    for x in (150, 810):
        pen.circle(x, 325, 12, (150, 150, 154))
    pen.text((480, 230), "VEHICLE IDENTIFICATION NUMBER", 26, INK, anchor="mm")
    pen.text((480, 300), _vin(caption), 46, INK, anchor="mm")
    for i in range(60):  # barcode
        pen.line(((190 + i * 10, 360), (190 + i * 10, 440)), INK, 2 + (i * 7 % 3) * 2)


def _vin(caption: str) -> str:
    match = re.search(r"\b[A-HJ-NPR-Z0-9]{17}\b", caption.upper())
    return match.group(0) if match else f"DEMO{zlib.crc32(caption.encode()):013d}"


def _sticker(pen: _Pen, subject: _Subject, caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), subject.paint)
    pen.box((0, 0, 160, PIC_H), _shade(subject.paint, 0.6))  # door jamb
    pen.box((260, 90, 760, 560), WHITE, radius=10)
    pen.text((510, 130), "TIRE AND LOADING INFORMATION", 24, INK, anchor="mm")
    for i in range(7):
        pen.line(((300, 190 + i * 40), (720 - (i % 3) * 80, 190 + i * 40)), (90, 90, 96), 6)
    pen.text((510, 520), _vin(caption), 26, INK, anchor="mm")


def _paper(pen: _Pen, subject: _Subject, caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), (122, 86, 56))  # a desk
    for y in range(0, PIC_H, 70):
        pen.line(((0, y), (BASE_W, y + 10)), (108, 76, 50), 4)
    pen.box((220, 40, 740, 630), WHITE, radius=4, outline=(180, 180, 176), width=2)
    title = "CERTIFICATE OF TITLE" if subject.angle == "title document" else "SERVICE RECORD"
    pen.text((480, 100), title, 34, INK, anchor="mm")
    pen.text((480, 150), pen.fits(caption, 22, 460), 22, (60, 60, 66), anchor="mm")
    for i in range(9):
        pen.line(((270, 210 + i * 42), (690 - (i % 4) * 60, 210 + i * 42)), (150, 150, 156), 5)
    pen.circle(640, 560, 44, None, outline=(40, 70, 160), width=5)  # stamp


def _underbody(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), (44, 42, 40))
    for y in (180, 470):  # frame rails
        pen.box((0, y, BASE_W, y + 40), (70, 66, 60))
    pen.line(((0, 330), (BASE_W, 330)), (150, 146, 140), 22)  # exhaust
    if subject.angle == "underbody rear":
        pen.box((520, 270, 800, 390), (120, 116, 110), radius=30)  # muffler
        pen.line(((150, 100), (150, 560)), (30, 30, 30), 36)  # rear axle
    else:
        pen.box((300, 230, 620, 430), (90, 86, 80), radius=20)  # oil pan
        pen.line(((760, 100), (760, 560)), (30, 30, 30), 36)
    pen.circle(40, 80, 70, TYRE)
    pen.circle(40, 580, 70, TYRE)


def _exhaust(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), _shade(subject.paint, 0.7))
    pen.box((0, 420, BASE_W, PIC_H), (70, 66, 60))
    pen.circle(480, 360, 150, RIM, outline=(120, 122, 126), width=14)
    pen.circle(480, 360, 110, INK)


def _roof(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), (150, 142, 128))
    paint = subject.paint
    pen.box((140, 170, 820, 490), paint, radius=70, outline=_shade(paint, 0.6), width=3)
    pen.poly(((620, 190), (700, 200), (700, 460), (620, 470)), GLASS)  # windshield
    pen.poly(((230, 210), (280, 200), (280, 460), (230, 450)), GLASS)  # rear glass
    pen.box((420, 240, 560, 420), _shade(GLASS, 0.7), radius=10)  # sunroof
    for y in (205, 455):
        pen.line(((300, y), (600, y)), INK, 6)  # roof rails


def _windshield(pen: _Pen, subject: _Subject, _caption: str) -> None:
    _yard(pen)
    pen.poly(((140, 560), (820, 560), (720, 160), (240, 160)), subject.paint)
    pen.poly(((170, 540), (790, 540), (700, 180), (260, 180)), GLASS)
    pen.line(((240, 540), (520, 440)), INK, 8)
    pen.line(((520, 540), (780, 470)), INK, 8)


def _lamp(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), subject.paint)
    lens = TAIL if subject.angle == "taillights" else (214, 220, 226)
    pen.box((150, 160, 810, 480), lens, radius=120, outline=_shade(subject.paint, 0.5), width=8)
    for cx in (330, 560):
        pen.circle(cx, 320, 100, _tint(lens, 0.4), outline=_shade(lens, 0.7), width=6)
        pen.circle(cx, 320, 40, LAMP)


def _mirror(pen: _Pen, subject: _Subject, _caption: str) -> None:
    _yard(pen)
    mirrored = subject.angle == "right mirror"
    x0, x1 = (560, 120) if mirrored else (400, 840)
    pen.poly(((x0, 200), (x1, 160), (x1, 500), (x0, 460)), subject.paint)
    inset = 30 if not mirrored else -30
    pen.poly(((x0 + inset, 230), (x1 - inset, 195), (x1 - inset, 465), (x0 + inset, 430)),
             (150, 190, 225))  # fmt: skip


def _fuel_door(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), subject.paint)
    pen.circle(420, 330, 150, (40, 40, 44))
    pen.circle(420, 330, 70, INK, outline=RIM, width=6)
    pen.box((600, 200, 800, 460), subject.paint, radius=90, outline=_shade(subject.paint, 0.5))


def _hitch(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), subject.paint)
    pen.box((0, 280, BASE_W, 400), _shade(subject.paint, 0.6))  # bumper
    pen.box((0, 400, BASE_W, PIC_H), (140, 132, 118))
    pen.box((400, 360, 560, 480), INK)
    pen.box((440, 470, 520, 560), (90, 90, 94))
    pen.circle(480, 520, 60, RIM)


def _keys(pen: _Pen, subject: _Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), (122, 86, 56))
    for i, (x, y) in enumerate(((230, 200), (560, 300))):
        pen.box((x, y, x + 170, y + 260), INK, radius=50)
        for j in range(3):
            pen.circle(x + 85, y + 60 + j * 62, 22, (70, 70, 76))
        pen.box((x + 70, y + 260, x + 100, y + 400 - i * 40), RIM, radius=6)  # key blade
    pen.circle(720, 170, 60, None, outline=RIM, width=10)  # key ring


def _damage(pen: _Pen, subject: _Subject, _caption: str) -> None:
    paint, part = subject.paint, subject.angle.removeprefix("damage: ")
    for i in range(6):  # the panel catching the light
        pen.box((0, PIC_H * i / 6, BASE_W, PIC_H * (i + 1) / 6 + 1), _tint(paint, 0.04 * i))
    if part.endswith("bumper"):
        pen.box((0, 420, BASE_W, PIC_H), _shade(paint, 0.75))
        pen.box((380, 470, 580, 540), WHITE)  # number plate
        pen.line(((120, 430), (200, 500), (170, 560), (260, 640)), INK, 5)  # crack
    elif part.endswith("door"):
        pen.line(((620, 0), (620, PIC_H)), _shade(paint, 0.5), 5)  # door seam
        pen.box((440, 160, 560, 190), _shade(paint, 0.6), radius=10)  # handle
    elif part == "hood":
        pen.poly(((0, 560), (BASE_W, 560), (BASE_W, PIC_H), (0, PIC_H)), GLASS)
        for i in range(14):  # hail dents
            pen.circle(90 + (i * 137) % 780, 90 + (i * 89) % 420, 18, _shade(paint, 0.82))
        return
    else:  # fender or quarter panel: the wheel arch below
        pen.circle(480, PIC_H + 120, 300, (36, 36, 38))
        pen.circle(480, PIC_H + 120, 250, TYRE)
    pen.circle(300, 300, 120, _shade(paint, 0.8))  # dent
    pen.circle(285, 285, 64, _shade(paint, 0.68))
    for i in range(6):  # scratches through to the primer
        pen.line(((200 + i * 14, 170 + i * 22), (760, 260 + i * 26)), _tint(paint, 0.6), 3)
    pen.circle(700, 380, 28, (140, 70, 30))  # rust spot
    pen.circle(735, 395, 14, (120, 60, 26))


_Scene = Callable[[_Pen, _Subject, str], None]

_SCENES: dict[str, _Scene] = {
    **dict.fromkeys(EXTERIOR_ANGLES, _exterior),
    "dashboard": _dashboard,
    "odometer": _odometer,
    "steering wheel": _steering_wheel,
    "infotainment screen": _screen,
    "climate controls": _climate,
    "gear shifter": _shifter,
    **dict.fromkeys(("front seats", "driver seat", "rear seats"), _seats),
    "headliner": _headliner,
    **dict.fromkeys(("door panel", "window switches"), _door_panel),
    "glovebox": _glovebox,
    **dict.fromkeys(("pedals", "floor mats"), _footwell),
    **dict.fromkeys(("trunk", "spare tyre"), _trunk),
    **dict.fromkeys(("engine", "battery", "radiator"), _engine),
    **dict.fromkeys(
        (
            "front-left wheel",
            "front-right wheel",
            "rear-left wheel",
            "rear-right wheel",
            "tyre tread",
        ),
        _wheel_closeup,
    ),
    "VIN plate": _vin_plate,
    "door jamb sticker": _sticker,
    **dict.fromkeys(("title document", "service records"), _paper),
    **dict.fromkeys(("underbody front", "underbody rear"), _underbody),
    "exhaust": _exhaust,
    "roof": _roof,
    "windshield": _windshield,
    **dict.fromkeys(("headlights", "taillights"), _lamp),
    **dict.fromkeys(("left mirror", "right mirror"), _mirror),
    "fuel door": _fuel_door,
    "tow hitch": _hitch,
    "keys": _keys,
    **dict.fromkeys((a for a in ANGLES if a.startswith("damage:")), _damage),
}


def _label_band(pen: _Pen, angle: str, caption: str) -> None:
    pen.box((0, PIC_H, BASE_W, BASE_H), INK)
    pen.text((24, PIC_H + BAND_H / 2), angle.upper(), 26, WHITE, anchor="lm")
    start = 24 + pen.length(angle.upper(), 26) + 24
    pen.text((start, PIC_H + BAND_H / 2), pen.fits(caption, 22, BASE_W - start - 24), 22,
             (200, 200, 196), anchor="lm")  # fmt: skip
    pen.box((BASE_W - 190, 14, BASE_W - 14, 52), INK, radius=8)
    pen.text((BASE_W - 102, 33), "DEMO PHOTO", 20, WHITE, anchor="mm")
