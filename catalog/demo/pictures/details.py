"""Close-ups of the outside and the mechanicals: trunk, engine bay, wheels, lamps, underbody."""

from __future__ import annotations

from catalog.demo.pictures.bodies import PROFILES, Scene, Subject
from catalog.demo.pictures.exterior import wheel, yard
from catalog.demo.pictures.palette import GLASS, INK, LAMP, RIM, TAIL, TYRE, shade, tint
from catalog.demo.pictures.pen import BASE_W, PIC_H, Pen
from catalog.vehicles.models import BodyType


def _trunk(pen: Pen, subject: Subject, _caption: str) -> None:
    yard(pen)
    body, paint = subject.body, subject.paint
    pen.box((120, 110, 840, 600), paint, radius=30)
    if body.cargo or body is PROFILES[BodyType.PICKUP]:
        pen.box((170, 160, 790, 560), INK, radius=8)  # bed liner or box floor
        for x in range(200, 780, 50):
            pen.line(((x, 170), (x, 550)), (58, 58, 60), 8)
    else:
        pen.box((180, 170, 780, 520), (34, 34, 38), radius=20)
        pen.poly(((200, 520), (760, 520), (700, 380), (260, 380)), (74, 72, 70))  # cargo floor
        pen.box((120, 540, 840, 600), shade(paint, 0.7), radius=14)  # bumper
    if subject.angle == "spare tyre":
        wheel(pen, 480, 400, 130)


def _engine(pen: Pen, subject: Subject, _caption: str) -> None:
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


def _wheel_closeup(pen: Pen, subject: Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), (150, 142, 128))
    pen.box((0, 0, BASE_W, 260), subject.paint)
    pen.circle(480, 360, 300, (36, 36, 38))  # wheel arch
    pen.box((0, 560, BASE_W, PIC_H), (126, 118, 104))
    if subject.angle == "tyre tread":
        pen.box((250, 40, 710, PIC_H), TYRE, radius=30)
        for y in range(60, PIC_H, 60):
            pen.line(((270, y), (400, y + 30), (560, y), (690, y + 30)), (70, 70, 72), 10)
        return
    wheel(pen, 480, 360, 260)
    pen.text((480, 150), "225/65 R17", 26, (90, 90, 92), anchor="mm")


def _underbody(pen: Pen, subject: Subject, _caption: str) -> None:
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


def _exhaust(pen: Pen, subject: Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), shade(subject.paint, 0.7))
    pen.box((0, 420, BASE_W, PIC_H), (70, 66, 60))
    pen.circle(480, 360, 150, RIM, outline=(120, 122, 126), width=14)
    pen.circle(480, 360, 110, INK)


def _roof(pen: Pen, subject: Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), (150, 142, 128))
    paint = subject.paint
    pen.box((140, 170, 820, 490), paint, radius=70, outline=shade(paint, 0.6), width=3)
    pen.poly(((620, 190), (700, 200), (700, 460), (620, 470)), GLASS)  # windshield
    pen.poly(((230, 210), (280, 200), (280, 460), (230, 450)), GLASS)  # rear glass
    pen.box((420, 240, 560, 420), shade(GLASS, 0.7), radius=10)  # sunroof
    for y in (205, 455):
        pen.line(((300, y), (600, y)), INK, 6)  # roof rails


def _windshield(pen: Pen, subject: Subject, _caption: str) -> None:
    yard(pen)
    pen.poly(((140, 560), (820, 560), (720, 160), (240, 160)), subject.paint)
    pen.poly(((170, 540), (790, 540), (700, 180), (260, 180)), GLASS)
    pen.line(((240, 540), (520, 440)), INK, 8)
    pen.line(((520, 540), (780, 470)), INK, 8)


def _lamp(pen: Pen, subject: Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), subject.paint)
    lens = TAIL if subject.angle == "taillights" else (214, 220, 226)
    pen.box((150, 160, 810, 480), lens, radius=120, outline=shade(subject.paint, 0.5), width=8)
    for cx in (330, 560):
        pen.circle(cx, 320, 100, tint(lens, 0.4), outline=shade(lens, 0.7), width=6)
        pen.circle(cx, 320, 40, LAMP)


def _mirror(pen: Pen, subject: Subject, _caption: str) -> None:
    yard(pen)
    mirrored = subject.angle == "right mirror"
    x0, x1 = (560, 120) if mirrored else (400, 840)
    pen.poly(((x0, 200), (x1, 160), (x1, 500), (x0, 460)), subject.paint)
    inset = 30 if not mirrored else -30
    pen.poly(((x0 + inset, 230), (x1 - inset, 195), (x1 - inset, 465), (x0 + inset, 430)),
             (150, 190, 225))  # fmt: skip


def _fuel_door(pen: Pen, subject: Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), subject.paint)
    pen.circle(420, 330, 150, (40, 40, 44))
    pen.circle(420, 330, 70, INK, outline=RIM, width=6)
    pen.box((600, 200, 800, 460), subject.paint, radius=90, outline=shade(subject.paint, 0.5))


def _hitch(pen: Pen, subject: Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), subject.paint)
    pen.box((0, 280, BASE_W, 400), shade(subject.paint, 0.6))  # bumper
    pen.box((0, 400, BASE_W, PIC_H), (140, 132, 118))
    pen.box((400, 360, 560, 480), INK)
    pen.box((440, 470, 520, 560), (90, 90, 94))
    pen.circle(480, 520, 60, RIM)


DETAIL_SCENES: dict[str, Scene] = {
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
    **dict.fromkeys(("underbody front", "underbody rear"), _underbody),
    "exhaust": _exhaust,
    "roof": _roof,
    "windshield": _windshield,
    **dict.fromkeys(("headlights", "taillights"), _lamp),
    **dict.fromkeys(("left mirror", "right mirror"), _mirror),
    "fuel door": _fuel_door,
    "tow hitch": _hitch,
}
