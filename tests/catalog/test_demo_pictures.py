"""Demo pictures: every angle of every body type draws quickly, the same way every time."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from catalog.demo.pictures import ANGLES, angles_for, draw_vehicle_picture, paint_rgb
from catalog.media.images import process_image
from catalog.vehicles.models import BodyType

CAPTION = "2016 Toyota RAV4 LE · 87,412 km · JTMBFREV6GJ081234"


def draw(
    angle: str = "left",
    *,
    body_type: BodyType = BodyType.SEDAN,
    colour: str = "red",
    size: tuple[int, int] = (960, 720),
) -> bytes:
    return draw_vehicle_picture(
        body_type=body_type, colour=colour, angle=angle, caption=CAPTION, size=size
    )


def share_of_colour(data: bytes, rgb: tuple[int, int, int], tolerance: int = 24) -> float:
    raw = Image.open(io.BytesIO(data)).convert("RGB").reduce(4).tobytes()
    pixels = [raw[i : i + 3] for i in range(0, len(raw), 3)]
    close = sum(
        1
        for pixel in pixels
        if all(abs(c - r) <= tolerance for c, r in zip(pixel, rgb, strict=True))
    )
    return close / len(pixels)


@pytest.mark.parametrize("angle", ANGLES)
def test_every_angle_draws_a_jpeg_of_the_requested_size(angle: str) -> None:
    image = Image.open(io.BytesIO(draw(angle)))

    assert image.format == "JPEG"
    assert image.size == (960, 720)


@pytest.mark.parametrize("body_type", list(BodyType))
def test_every_body_type_has_its_own_side_silhouette_in_its_paint(body_type: BodyType) -> None:
    data = draw("left", body_type=body_type, colour="blue")

    assert share_of_colour(data, paint_rgb("blue")) > 0.04
    assert data not in {
        draw("left", body_type=other, colour="blue") for other in BodyType if other != body_type
    }


def test_the_same_arguments_always_give_the_same_bytes() -> None:
    assert draw("front-left", body_type=BodyType.SUV) == draw("front-left", body_type=BodyType.SUV)


def test_scenes_differ_from_one_angle_to_the_next() -> None:
    pictures = {draw(angle) for angle in ANGLES}

    assert len(pictures) == len(ANGLES)


def test_a_smaller_size_is_drawn_at_that_size() -> None:
    assert Image.open(io.BytesIO(draw("odometer", size=(480, 360)))).size == (480, 360)


@pytest.mark.parametrize(
    ("colour", "expected"),
    [
        ("white", (236, 236, 232)),
        ("Pearl White", (236, 236, 232)),
        ("GRAY", (122, 125, 130)),
        ("#204a98", (0x20, 0x4A, 0x98)),
        ("unobtainium", (122, 125, 130)),
        ("", (122, 125, 130)),
    ],
)
def test_paint_names_map_to_colours_and_unknown_ones_to_grey(
    colour: str, expected: tuple[int, int, int]
) -> None:
    assert paint_rgb(colour) == expected


def test_dark_and_light_shades_change_the_paint() -> None:
    blue = paint_rgb("blue")

    assert sum(paint_rgb("dark blue")) < sum(blue) < sum(paint_rgb("light blue"))


def test_there_are_at_least_fifty_distinct_angles_starting_around_the_vehicle() -> None:
    assert len(ANGLES) >= 50
    assert len(set(ANGLES)) == len(ANGLES)
    assert ANGLES[:8] == (
        "front", "front-left", "left", "rear-left", "rear", "rear-right", "right", "front-right",
    )  # fmt: skip
    assert {"dashboard", "odometer", "engine", "trunk", "VIN plate"} <= set(ANGLES)


def test_a_few_photos_cover_the_views_buyers_ask_for_first_in_gallery_order() -> None:
    chosen = angles_for(12)

    assert len(chosen) == 12
    assert {"front-left", "rear-right", "dashboard", "odometer", "engine"} <= set(chosen)
    assert list(chosen) == sorted(chosen, key=ANGLES.index)


def test_asking_for_every_angle_gives_the_gallery_order() -> None:
    assert angles_for(len(ANGLES)) == ANGLES
    assert angles_for(0) == ()


def test_more_photos_than_angles_repeat_the_angles_numbered() -> None:
    chosen = angles_for(len(ANGLES) + 2)

    assert chosen[-2:] == ("front (2)", "front-left (2)")
    assert len(set(chosen)) == len(chosen)
    Image.open(io.BytesIO(draw(chosen[-1]))).verify()


def test_unknown_angles_sizes_and_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown angle"):
        draw("from space")
    with pytest.raises(ValueError, match="size"):
        draw(size=(10_000, 10))
    with pytest.raises(ValueError, match="count"):
        angles_for(-1)


def test_a_picture_draws_and_processes_fast_enough_for_bulk_seeding() -> None:
    started = time.perf_counter()
    for angle in ANGLES[:20]:
        process_image(draw(angle, body_type=BodyType.PICKUP))
    per_picture = (time.perf_counter() - started) / 20

    # About 25 ms on a small machine; the bound leaves room for a busy CI runner.
    assert per_picture < 0.15
