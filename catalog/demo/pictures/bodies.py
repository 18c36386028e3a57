"""What a scene draws: a side silhouette per body type, painted and seen from one angle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from catalog.demo.pictures.palette import RGB
from catalog.demo.pictures.pen import Pen, Point
from catalog.vehicles.models import BodyType


@dataclass(frozen=True, slots=True)
class Body:
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
class Subject:
    """What one picture shows: the body, its paint and the angle without any " (2)"."""

    body: Body
    paint: RGB
    angle: str


PROFILES: dict[BodyType, Body] = {
    BodyType.SEDAN: Body(
        ((1, 5), (0, 15), (2, 20), (24, 22), (33, 29), (40, 31), (58, 31), (71, 22), (95, 19),
         (100, 14), (99, 5)),
        (((35, 22.5), (41, 29.5), (50, 29.5), (50, 22.5)),
         ((52, 22.5), (52, 29.5), (57, 29.5), (67, 22.5))),
        (19, 80), 7, 22, 31, 38,
    ),
    BodyType.HATCHBACK: Body(
        ((1, 5), (0, 18), (3, 33), (10, 35), (50, 35), (66, 24), (94, 21), (100, 15), (99, 5)),
        (((5, 25), (9, 32.5), (28, 32.5), (28, 25)),
         ((30, 25), (30, 32.5), (49, 32.5), (61, 25))),
        (17, 82), 8.5, 24, 35, 42,
    ),
    BodyType.SUV: Body(
        ((1, 6), (0, 22), (2, 36), (6, 38), (64, 38), (76, 26), (96, 24), (100, 18), (99, 6)),
        (((4, 27), (6, 35.5), (24, 35.5), (24, 27)), ((26, 27), (26, 35.5), (45, 35.5), (45, 27)),
         ((47, 27), (47, 35.5), (62, 35.5), (71, 27))),
        (18, 80), 9.5, 26, 38, 41,
    ),
    BodyType.PICKUP: Body(
        ((1, 7), (0, 24), (38, 24), (38, 32), (42, 33), (58, 33), (68, 24), (95, 22), (100, 17),
         (99, 7)),
        (((41, 25), (43, 31.5), (51, 31.5), (51, 25)),
         ((53, 25), (53, 31.5), (57, 31.5), (65, 25))),
        (15, 80), 8, 24, 33, 35,
    ),
    BodyType.VAN: Body(
        ((1, 6), (0, 40), (2, 42), (76, 42), (86, 30), (97, 27), (100, 20), (99, 6)),
        (((70, 29), (70, 39), (77, 39), (84, 29)),),
        (16, 82), 8, 28, 42, 34,
    ),
    BodyType.MINIVAN: Body(
        ((1, 5), (0, 22), (2, 32), (6, 34), (64, 34), (78, 23), (96, 21), (100, 15), (99, 5)),
        (((4, 23), (6, 31.5), (22, 31.5), (22, 23)), ((24, 23), (24, 31.5), (46, 31.5), (46, 23)),
         ((48, 23), (48, 31.5), (63, 31.5), (73, 23))),
        (17, 82), 8, 23, 34, 39,
    ),
    BodyType.COUPE: Body(
        ((1, 5), (0, 15), (3, 19), (18, 21), (36, 28), (44, 29), (57, 28), (70, 20), (96, 17),
         (100, 13), (99, 5)),
        (((30, 21.5), (39, 27), (56, 27), (64, 21.5)),),
        (19, 80), 7.5, 20, 29, 40,
    ),
    BodyType.WAGON: Body(
        ((1, 5), (0, 17), (2, 29), (8, 31), (58, 31), (71, 22), (95, 19), (100, 14), (99, 5)),
        (((4, 22.5), (7, 29.5), (24, 29.5), (24, 22.5)),
         ((26, 22.5), (26, 29.5), (44, 29.5), (44, 22.5)),
         ((46, 22.5), (46, 29.5), (57, 29.5), (67, 22.5))),
        (19, 80), 7, 22, 31, 38,
    ),
    BodyType.TRUCK: Body(
        ((68, 8), (68, 44), (88, 44), (100, 31), (100, 8)),
        (((80, 30), (80, 41), (88, 41), (97, 31)),),
        (12, 26, 86), 7.5, 30, 48, 30,
        cargo=((0, 9), (0, 48), (66, 48), (66, 9)),
    ),
}  # fmt: skip


# A scene draws one angle of the subject; the caption feeds VINs and odometer readings.
Scene = Callable[[Pen, Subject, str], None]
