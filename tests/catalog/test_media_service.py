"""Media service and store: a vehicle's gallery holds each photo once, in order, on disk once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy.orm import Session

from catalog.errors import InvalidInput, NotFound
from catalog.media import service as media_service
from catalog.media.images import process_image
from catalog.media.storage import MediaStore
from catalog.vehicles.models import Vehicle
from tests.factories import make_dealer
from tests.factories import make_vehicle as make_dealer_vehicle


def make_vehicle(db_session: Session) -> Vehicle:
    return make_dealer_vehicle(db_session, make_dealer(db_session))


def jpeg(shade: int, size: tuple[int, int] = (640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (shade, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_adding_a_photo_writes_three_files_and_a_row_with_their_sizes(
    db_session: Session, media_store: MediaStore
) -> None:
    vehicle = make_vehicle(db_session)

    media = media_service.add_photo(
        db_session=db_session,
        store=media_store,
        vehicle_id=vehicle.id,
        data=jpeg(10),
        label="front",
    )

    assert (media.position, media.label) == (0, "front")
    assert (media.width, media.height) == (640, 480)
    assert (media.web_width, media.web_height) == (640, 480)
    assert (media.thumb_width, media.thumb_height) == (320, 240)
    assert media.bytes_original == media_store.path(media.content_hash, "original").stat().st_size
    assert [path.name for path in files_under(media_store.root)] == [
        "original.jpg",
        "thumb.jpg",
        "web.jpg",
    ]


def test_the_same_photo_twice_gives_one_row_and_one_set_of_files(
    db_session: Session, media_store: MediaStore
) -> None:
    vehicle = make_vehicle(db_session)

    first = media_service.add_photo(
        db_session=db_session,
        store=media_store,
        vehicle_id=vehicle.id,
        data=jpeg(10),
        label="front",
    )
    again = media_service.add_photo(
        db_session=db_session,
        store=media_store,
        vehicle_id=vehicle.id,
        data=jpeg(10),
        label="other",
    )

    assert again.id == first.id
    assert again.label == "front"
    assert len(media_service.get_all_for_vehicle(db_session=db_session, vehicle_id=vehicle.id)) == 1
    assert len(files_under(media_store.root)) == 3


def test_positions_follow_the_last_photo_by_default(
    db_session: Session, media_store: MediaStore
) -> None:
    vehicle = make_vehicle(db_session)

    positions = [
        media_service.add_photo(
            db_session=db_session, store=media_store, vehicle_id=vehicle.id, data=jpeg(shade)
        ).position
        for shade in (10, 20, 30)
    ]

    assert positions == [0, 1, 2]


def test_the_gallery_is_read_back_in_position_order(
    db_session: Session, media_store: MediaStore
) -> None:
    vehicle = make_vehicle(db_session)
    for shade, position, label in ((10, 2, "rear"), (20, 0, "front"), (30, 1, "left")):
        media_service.add_photo(
            db_session=db_session,
            store=media_store,
            vehicle_id=vehicle.id,
            data=jpeg(shade),
            label=label,
            position=position,
        )

    gallery = media_service.get_all_for_vehicle(db_session=db_session, vehicle_id=vehicle.id)

    assert [media.label for media in gallery] == ["front", "left", "rear"]


def test_a_taken_position_is_refused(db_session: Session, media_store: MediaStore) -> None:
    vehicle = make_vehicle(db_session)
    media_service.add_photo(
        db_session=db_session, store=media_store, vehicle_id=vehicle.id, data=jpeg(1)
    )

    with pytest.raises(InvalidInput, match="position 0"):
        media_service.add_photo(
            db_session=db_session,
            store=media_store,
            vehicle_id=vehicle.id,
            data=jpeg(2),
            position=0,
        )


def test_a_photo_for_an_unknown_vehicle_is_refused_and_nothing_is_written(
    db_session: Session, media_store: MediaStore
) -> None:
    with pytest.raises(NotFound):
        media_service.add_photo(
            db_session=db_session, store=media_store, vehicle_id=999, data=jpeg(1)
        )

    assert files_under(media_store.root) == []


def test_one_processed_photo_can_be_added_to_many_vehicles_sharing_its_files(
    db_session: Session, media_store: MediaStore
) -> None:
    processed = process_image(jpeg(40))
    vehicles = [make_vehicle(db_session) for _ in range(3)]

    rows = [
        media_service.add_processed_photo(
            db_session=db_session, store=media_store, vehicle_id=vehicle.id, processed=processed
        )
        for vehicle in vehicles
    ]

    assert len({row.id for row in rows}) == 3
    assert {row.content_hash for row in rows} == {processed.content_hash}
    assert len(files_under(media_store.root)) == 3


def test_a_batch_is_appended_after_the_gallery_skipping_photos_it_already_has(
    db_session: Session, media_store: MediaStore
) -> None:
    vehicle = make_vehicle(db_session)
    front, left, rear = (process_image(jpeg(shade)) for shade in (80, 90, 100))
    media_service.add_processed_photo(
        db_session=db_session,
        store=media_store,
        vehicle_id=vehicle.id,
        processed=front,
        label="front",
    )

    added = media_service.add_processed_photos(
        db_session=db_session,
        store=media_store,
        vehicle_id=vehicle.id,
        photos=[("front again", front), ("left", left), ("left again", left), ("rear", rear)],
    )

    assert [(media.position, media.label) for media in added] == [(1, "left"), (2, "rear")]
    gallery = media_service.get_all_for_vehicle(db_session=db_session, vehicle_id=vehicle.id)
    assert [media.label for media in gallery] == ["front", "left", "rear"]
    assert len(files_under(media_store.root)) == 9


def test_get_returns_the_photo_or_raises_not_found(
    db_session: Session, media_store: MediaStore
) -> None:
    vehicle = make_vehicle(db_session)
    media = media_service.add_photo(
        db_session=db_session, store=media_store, vehicle_id=vehicle.id, data=jpeg(5)
    )

    assert media_service.get(db_session=db_session, media_id=media.id) is media
    with pytest.raises(NotFound):
        media_service.get(db_session=db_session, media_id=media.id + 1)


def test_the_store_names_files_by_hash_under_a_two_character_folder(
    media_store: MediaStore,
) -> None:
    processed = process_image(jpeg(60))

    media_store.save(processed)

    digest = processed.content_hash
    assert media_store.path(digest, "web") == media_store.root / digest[:2] / digest / "web.jpg"
    assert media_store.path(digest, "web").read_bytes() == processed.web.data
    assert media_store.exists(digest, "thumb")


def test_saving_again_leaves_the_files_and_no_temporary_files(media_store: MediaStore) -> None:
    processed = process_image(jpeg(70))
    media_store.save(processed)
    before = {path: path.stat().st_mtime_ns for path in files_under(media_store.root)}

    media_store.save(processed)

    assert {path: path.stat().st_mtime_ns for path in files_under(media_store.root)} == before


@pytest.mark.parametrize(
    ("content_hash", "rendition"),
    [
        ("../../etc/passwd", "original"),
        ("a" * 63, "original"),
        ("A" * 64, "original"),
        ("a" * 64, "../original"),
        ("a" * 64, "huge"),
    ],
)
def test_the_store_refuses_names_that_are_not_a_hash_and_a_rendition(
    media_store: MediaStore, content_hash: str, rendition: str
) -> None:
    with pytest.raises(NotFound):
        media_store.path(content_hash, rendition)
    assert not media_store.exists(content_hash, "original")
