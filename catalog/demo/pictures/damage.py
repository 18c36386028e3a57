"""Damage close-ups: a dented, scratched and rusty panel, with what surrounds that panel."""

from __future__ import annotations

from catalog.demo.pictures.angles import ANGLES
from catalog.demo.pictures.bodies import Scene, Subject
from catalog.demo.pictures.palette import GLASS, INK, TYRE, WHITE, shade, tint
from catalog.demo.pictures.pen import BASE_W, PIC_H, Pen


def _damage(pen: Pen, subject: Subject, _caption: str) -> None:
    paint, part = subject.paint, subject.angle.removeprefix("damage: ")
    for i in range(6):  # the panel catching the light
        pen.box((0, PIC_H * i / 6, BASE_W, PIC_H * (i + 1) / 6 + 1), tint(paint, 0.04 * i))
    if part.endswith("bumper"):
        pen.box((0, 420, BASE_W, PIC_H), shade(paint, 0.75))
        pen.box((380, 470, 580, 540), WHITE)  # number plate
        pen.line(((120, 430), (200, 500), (170, 560), (260, 640)), INK, 5)  # crack
    elif part.endswith("door"):
        pen.line(((620, 0), (620, PIC_H)), shade(paint, 0.5), 5)  # door seam
        pen.box((440, 160, 560, 190), shade(paint, 0.6), radius=10)  # handle
    elif part == "hood":
        pen.poly(((0, 560), (BASE_W, 560), (BASE_W, PIC_H), (0, PIC_H)), GLASS)
        for i in range(14):  # hail dents
            pen.circle(90 + (i * 137) % 780, 90 + (i * 89) % 420, 18, shade(paint, 0.82))
        return
    else:  # fender or quarter panel: the wheel arch below
        pen.circle(480, PIC_H + 120, 300, (36, 36, 38))
        pen.circle(480, PIC_H + 120, 250, TYRE)
    pen.circle(300, 300, 120, shade(paint, 0.8))  # dent
    pen.circle(285, 285, 64, shade(paint, 0.68))
    for i in range(6):  # scratches through to the primer
        pen.line(((200 + i * 14, 170 + i * 22), (760, 260 + i * 26)), tint(paint, 0.6), 3)
    pen.circle(700, 380, 28, (140, 70, 30))  # rust spot
    pen.circle(735, 395, 14, (120, 60, 26))


DAMAGE_SCENES: dict[str, Scene] = dict.fromkeys(
    (angle for angle in ANGLES if angle.startswith("damage:")), _damage
)
