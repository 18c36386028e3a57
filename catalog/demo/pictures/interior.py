"""Interior scenes: the dashboard and its instruments, the seats and the trim."""

from __future__ import annotations

import math
import re
import zlib

from catalog.demo.pictures.bodies import Scene, Subject
from catalog.demo.pictures.exterior import yard
from catalog.demo.pictures.palette import GLASS, INK, RGB, RIM, TRIM, WHITE, shade, tint
from catalog.demo.pictures.pen import BASE_W, PIC_H, Pen


def _cabin_view(pen: Pen) -> None:
    yard(pen, horizon=230)
    pen.poly(((0, 0), (120, 0), (40, 300), (0, 320)), INK)  # A-pillars
    pen.poly(((BASE_W, 0), (BASE_W - 120, 0), (BASE_W - 40, 300), (BASE_W, 320)), INK)


def _dashboard(pen: Pen, subject: Subject, _caption: str) -> None:
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


def _odometer(pen: Pen, subject: Subject, caption: str) -> None:
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


def _steering_wheel(pen: Pen, subject: Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), TRIM)
    pen.circle(480, 330, 280, None, outline=INK, width=60)
    pen.poly(((220, 300), (740, 300), (640, 400), (320, 400)), INK)
    pen.box((450, 380, 510, 600), INK)
    pen.circle(480, 350, 80, (40, 40, 44), outline=RIM, width=4)
    for x, y in ((290, 330), (330, 330), (630, 330), (670, 330)):
        pen.circle(x, y, 14, (90, 90, 96))


def _screen(pen: Pen, subject: Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), TRIM)
    pen.box((160, 110, 800, 500), INK, radius=16)
    pen.box((185, 135, 775, 475), (24, 52, 84))
    tiles = ("MAP", "RADIO", "PHONE", "MEDIA", "CAMERA", "SETTINGS")
    for i, name in enumerate(tiles):
        x, y = 215 + (i % 3) * 190, 165 + (i // 3) * 150
        pen.box((x, y, x + 160, y + 120), (44, 96, 150), radius=12)
        pen.text((x + 80, y + 60), name, 22, WHITE, anchor="mm")


def _climate(pen: Pen, subject: Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), TRIM)
    for i, name in enumerate(("TEMP", "FAN", "MODE")):
        cx = 220 + i * 260
        pen.circle(cx, 320, 95, INK, outline=RIM, width=6)
        pen.line(((cx, 320), (cx + 40, 250)), WHITE, 8)
        pen.text((cx, 450), name, 30, WHITE, anchor="mm")
    pen.box((300, 520, 660, 580), INK, radius=10)
    pen.text((480, 550), "A/C   AUTO   REAR", 24, (120, 200, 240), anchor="mm")


def _shifter(pen: Pen, subject: Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), (40, 40, 44))
    pen.box((250, 120, 710, 640), TRIM, radius=30)
    pen.box((450, 180, 510, 430), INK, radius=20)
    pen.circle(480, 190, 70, INK, outline=RIM, width=4)
    for i, gear in enumerate("PRND"):
        pen.text(
            (600, 250 + i * 50), gear, 36, WHITE if gear != "D" else (240, 160, 40), anchor="mm"
        )
    pen.box((320, 480, 640, 600), INK, radius=16)


def _seat(pen: Pen, frame: tuple[float, float, float, float], colour: RGB) -> None:
    x, y, w, h = frame
    pen.box((x + w * 0.3, y, x + w * 0.7, y + h * 0.14), colour, radius=16)  # headrest
    pen.box((x, y + h * 0.18, x + w, y + h * 0.72), colour, radius=28)  # backrest
    pen.line(((x + w * 0.2, y + h * 0.3), (x + w * 0.2, y + h * 0.66)), shade(colour, 0.7), 4)
    pen.line(((x + w * 0.8, y + h * 0.3), (x + w * 0.8, y + h * 0.66)), shade(colour, 0.7), 4)
    pen.box((x - w * 0.05, y + h * 0.7, x + w * 1.05, y + h), tint(colour, 0.12), radius=24)


def _seats(pen: Pen, subject: Subject, _caption: str) -> None:
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


def _headliner(pen: Pen, subject: Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), (196, 192, 184))
    pen.box((380, 240, 580, 330), (226, 224, 216), radius=20, outline=(150, 146, 140), width=3)
    for x in (60, 620):
        pen.box((x, 430, x + 280, 560), (176, 172, 164), radius=20)
    pen.box((430, 560, 530, 640), INK, radius=6)  # mirror mount


def _door_panel(pen: Pen, subject: Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), subject.paint)
    pen.box((40, 0, BASE_W - 40, PIC_H), TRIM, radius=30)
    pen.box((40, 0, BASE_W - 40, 140), GLASS)
    pen.box((160, 260, 800, 340), tint(TRIM, 0.15), radius=20)  # armrest
    pen.box((600, 190, 720, 230), INK, radius=12)  # handle
    pen.circle(280, 500, 90, INK)
    for r in (70, 50, 30):
        pen.circle(280, 500, r, None, outline=(80, 80, 86), width=3)
    if subject.angle == "window switches":
        for i in range(4):
            pen.box((240 + i * 110, 270, 320 + i * 110, 330), INK, radius=8)


def _glovebox(pen: Pen, subject: Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), TRIM)
    pen.box((180, 140, 780, 420), INK, radius=20)
    pen.poly(((180, 420), (780, 420), (820, 600), (140, 600)), tint(TRIM, 0.1))
    pen.box((300, 260, 560, 400), (220, 216, 200), radius=6)  # owner's manual
    pen.text((430, 330), "OWNER'S MANUAL", 24, INK, anchor="mm")


def _footwell(pen: Pen, subject: Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), (30, 30, 34))
    pen.box((80, 380, 880, PIC_H), (60, 58, 55), radius=30)  # mat
    if subject.angle == "pedals":
        pen.box((300, 240, 420, 420), (90, 90, 96), radius=14)
        pen.box((560, 280, 620, 460), (90, 90, 96), radius=14)
        return
    for x in range(120, 860, 40):
        pen.line(((x, 400), (x, 630)), (72, 70, 66), 4)


INTERIOR_SCENES: dict[str, Scene] = {
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
}
