"""What is handed over with the vehicle: VIN plate, door jamb sticker, title, records and keys."""

from __future__ import annotations

import re
import zlib

from catalog.demo.pictures.bodies import Scene, Subject
from catalog.demo.pictures.palette import INK, RIM, WHITE, shade
from catalog.demo.pictures.pen import BASE_W, PIC_H, Pen


def _vin_plate(pen: Pen, subject: Subject, caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), shade(subject.paint, 0.85))
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


def _sticker(pen: Pen, subject: Subject, caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), subject.paint)
    pen.box((0, 0, 160, PIC_H), shade(subject.paint, 0.6))  # door jamb
    pen.box((260, 90, 760, 560), WHITE, radius=10)
    pen.text((510, 130), "TIRE AND LOADING INFORMATION", 24, INK, anchor="mm")
    for i in range(7):
        pen.line(((300, 190 + i * 40), (720 - (i % 3) * 80, 190 + i * 40)), (90, 90, 96), 6)
    pen.text((510, 520), _vin(caption), 26, INK, anchor="mm")


def _paper(pen: Pen, subject: Subject, caption: str) -> None:
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


def _keys(pen: Pen, subject: Subject, _caption: str) -> None:
    pen.box((0, 0, BASE_W, PIC_H), (122, 86, 56))
    for i, (x, y) in enumerate(((230, 200), (560, 300))):
        pen.box((x, y, x + 170, y + 260), INK, radius=50)
        for j in range(3):
            pen.circle(x + 85, y + 60 + j * 62, 22, (70, 70, 76))
        pen.box((x + 70, y + 260, x + 100, y + 400 - i * 40), RIM, radius=6)  # key blade
    pen.circle(720, 170, 60, None, outline=RIM, width=10)  # key ring


PAPERWORK_SCENES: dict[str, Scene] = {
    "VIN plate": _vin_plate,
    "door jamb sticker": _sticker,
    **dict.fromkeys(("title document", "service records"), _paper),
    "keys": _keys,
}
