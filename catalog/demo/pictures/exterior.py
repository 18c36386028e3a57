"""Exterior scenes: the vehicle in a dealer's yard, from the sides, the ends and three-quarters."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from catalog.demo.pictures.angles import EXTERIOR_ANGLES
from catalog.demo.pictures.bodies import Scene, Subject
from catalog.demo.pictures.palette import GLASS, INK, LAMP, RGB, RIM, TAIL, TYRE, WHITE, shade, tint
from catalog.demo.pictures.pen import BASE_W, PIC_H, Pen, Point


def yard(pen: Pen, horizon: float = 380) -> None:
    """The backdrop of outdoor scenes: sky, trees and fence, and a gravel yard below `horizon`."""
    bands = 8
    for i in range(bands):  # sky: deeper blue at the top
        top, bottom = horizon * i / bands, horizon * (i + 1) / bands + 1
        pen.box((0, top, BASE_W, bottom), tint((96, 150, 214), 0.1 + 0.07 * i))
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


def _side(pen: Pen, subject: Subject, view: _SideView) -> None:
    body, at = subject.body, view.at
    pen.poly(at(((2, -1), (98, -1), (98, 1.5), (2, 1.5))), (120, 112, 100))  # shadow
    if body.cargo:
        pen.poly(at(body.cargo), (232, 232, 228), shade(WHITE, 0.6))
    pen.poly(at(body.outline), subject.paint, shade(subject.paint, 0.55))
    for window in body.windows:
        pen.poly(at(window), GLASS, shade(subject.paint, 0.4))
        handle_x = min(x for x, _ in window) + 3
        pen.poly(at(((handle_x, body.belt - 3), (handle_x + 3, body.belt - 3),
                     (handle_x + 3, body.belt - 4), (handle_x, body.belt - 4))), INK)  # fmt: skip
    front_top = body.belt - 3 if not body.cargo else 26
    pen.poly(at(((97, front_top - 4), (99.5, front_top - 3), (99.5, front_top))), LAMP)
    if not body.cargo:
        pen.poly(at(((0.2, body.belt - 7), (2, body.belt - 7), (2, body.belt - 3))), TAIL)
    for wheel_x in body.wheels:
        [(cx, cy)] = at(((wheel_x, body.wheel_r),))
        wheel(pen, cx, cy, body.wheel_r * view.ky * view.scale(cx), arch=subject.paint)


def wheel(pen: Pen, cx: float, cy: float, r: float, *, arch: RGB | None = None) -> None:
    """A tyre and five-spoke rim of radius `r` at (cx, cy), in a dark wheel arch if `arch`."""
    if arch is not None:
        pen.circle(cx, cy, r * 1.12, (36, 36, 38))
    pen.circle(cx, cy, r, TYRE)
    pen.circle(cx, cy, r * 0.62, RIM, outline=shade(RIM, 0.6), width=2)
    for i in range(5):
        spoke = math.radians(i * 72)
        pen.line(((cx, cy), (cx + math.cos(spoke) * r * 0.58, cy + math.sin(spoke) * r * 0.58)),
                 shade(RIM, 0.7), r * 0.1)  # fmt: skip
    pen.circle(cx, cy, r * 0.16, shade(RIM, 0.5))


@dataclass(frozen=True, slots=True)
class _FaceView:
    """Where a front or rear view lands: u across the vehicle from its centre, v up."""

    pen: Pen
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


def _face(pen: Pen, subject: Subject, view: _FaceView, *, rear: bool) -> None:
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
        pen.line(at(((0, body.wheel_r * 0.6), (0, top))), shade(WHITE, 0.5), 3)  # box doors
    else:
        _face_cabin(pen, subject, view)
    lamp_v = 14 if box_rear else body.belt - 3
    bumper_v = 4 + body.wheel_r * 0.3
    rect((-half + 1, bumper_v, half - 1, bumper_v + 4), shade(paint, 0.7), 3)
    rect((-5, lamp_v - 8, 5, lamp_v - 5), WHITE)  # number plate
    for side in (-1, 1):
        rect(
            (side * (half - 1.5), lamp_v - 3, side * (half - 9), lamp_v + 1),
            TAIL if rear else LAMP,
            6,
        )
    if not rear:
        rect((-half + 11, lamp_v - 4, half - 11, lamp_v + 1), INK, 4)  # grille


def _face_cabin(pen: Pen, subject: Subject, view: _FaceView) -> None:
    body, at = subject.body, view.at
    half, belt = body.width / 2, body.belt
    roof = 44 if body.cargo else body.roof
    cabin = ((-0.95, belt), (0.95, belt), (0.74, roof), (-0.74, roof))
    glass = ((-0.86, belt + 1), (0.86, belt + 1), (0.69, roof - 1.5), (-0.69, roof - 1.5))
    pen.poly(at((u * half, v) for u, v in cabin), subject.paint)
    pen.poly(at((u * half, v) for u, v in glass), GLASS)
    for side in (-1, 1):  # mirrors
        mirror = ((half, belt + 1), (half + 4, belt + 2), (half + 4, belt + 5), (half, belt + 4))
        pen.poly(at((side * u, v) for u, v in mirror), shade(subject.paint, 0.8))


def _exterior(pen: Pen, subject: Subject, _caption: str) -> None:
    yard(pen)
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


EXTERIOR_SCENES: dict[str, Scene] = dict.fromkeys(EXTERIOR_ANGLES, _exterior)
