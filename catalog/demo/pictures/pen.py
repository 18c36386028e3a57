"""The pen every scene draws with: ImageDraw in fixed 960x720 units, scaled to the picture."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from PIL import ImageDraw, ImageFont

from catalog.demo.pictures.palette import RGB

Point = tuple[float, float]

BASE_W, BASE_H = 960, 720  # scenes are drawn in these units and scaled to the requested size
BAND_H = 64  # the label band at the bottom
PIC_H = BASE_H - BAND_H


@cache
def _font(pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=pixels)


@dataclass(frozen=True, slots=True)
class Pen:
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
