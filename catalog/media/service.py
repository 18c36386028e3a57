"""Vehicle photos: add them to a vehicle's gallery once each, in order, and read them back."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.errors import InvalidInput, NotFound
from catalog.media.images import ProcessedImage, process_image
from catalog.media.models import VehicleMedia
from catalog.media.storage import MediaStore
from catalog.vehicles import service as vehicle_service

MAX_LABEL_LENGTH = 60


def get(*, db_session: Session, media_id: int) -> VehicleMedia:
    media = db_session.get(VehicleMedia, media_id)
    if media is None:
        raise NotFound(f"no photo {media_id}")
    return media


def get_all_for_vehicle(*, db_session: Session, vehicle_id: int) -> list[VehicleMedia]:
    """The vehicle's photos in gallery order; empty for a vehicle without photos."""
    query = (
        select(VehicleMedia)
        .where(VehicleMedia.vehicle_id == vehicle_id)
        .order_by(VehicleMedia.position)
    )
    return list(db_session.scalars(query))


def get_by_hash(*, db_session: Session, vehicle_id: int, content_hash: str) -> VehicleMedia | None:
    return db_session.scalar(
        select(VehicleMedia).where(
            VehicleMedia.vehicle_id == vehicle_id, VehicleMedia.content_hash == content_hash
        )
    )


def add_photo(
    *,
    db_session: Session,
    store: MediaStore,
    vehicle_id: int,
    data: bytes,
    label: str = "",
    position: int | None = None,
) -> VehicleMedia:
    """Process the uploaded bytes and add the photo to the vehicle's gallery.

    See `add_processed_photo` for what happens to a photo the vehicle already has.

    Raises:
        InvalidImage: the bytes are not a readable photo.
        NotFound: there is no such vehicle.
        InvalidInput: the label is too long or the position is taken or negative.
    """
    return add_processed_photo(
        db_session=db_session,
        store=store,
        vehicle_id=vehicle_id,
        processed=process_image(data),
        label=label,
        position=position,
    )


def add_processed_photo(
    *,
    db_session: Session,
    store: MediaStore,
    vehicle_id: int,
    processed: ProcessedImage,
    label: str = "",
    position: int | None = None,
) -> VehicleMedia:
    """Add an already processed photo to the vehicle's gallery, after the last one by default.

    A photo the vehicle already has (same content hash) is not added again: its existing row
    is returned unchanged. Files are written before the row, so a row never names missing
    files. The session is flushed, not committed.

    Raises:
        NotFound: there is no such vehicle.
        InvalidInput: the label is too long or the position is taken or negative.
    """
    vehicle_service.get(db_session=db_session, vehicle_id=vehicle_id)
    existing = get_by_hash(
        db_session=db_session, vehicle_id=vehicle_id, content_hash=processed.content_hash
    )
    if existing is not None:
        return existing
    label = _checked_label(label)
    if position is None:
        position = _next_position(db_session=db_session, vehicle_id=vehicle_id)
    else:
        _check_position_free(db_session=db_session, vehicle_id=vehicle_id, position=position)
    store.save(processed)
    media = _row(vehicle_id, position, label, processed)
    db_session.add(media)
    db_session.flush()
    return media


def add_processed_photos(
    *,
    db_session: Session,
    store: MediaStore,
    vehicle_id: int,
    photos: Sequence[tuple[str, ProcessedImage]],
) -> list[VehicleMedia]:
    """Append labelled photos to the vehicle's gallery in one go, for bulk imports and seeding.

    Photos the vehicle already has, and repeats within `photos`, are skipped. Returns the new
    rows in gallery order. The session is flushed once, not committed.

    Raises:
        NotFound: there is no such vehicle.
        InvalidInput: a label is too long.
    """
    vehicle_service.get(db_session=db_session, vehicle_id=vehicle_id)
    known = set(
        db_session.scalars(
            select(VehicleMedia.content_hash).where(VehicleMedia.vehicle_id == vehicle_id)
        )
    )
    position = _next_position(db_session=db_session, vehicle_id=vehicle_id)
    added: list[VehicleMedia] = []
    for label, processed in photos:
        if processed.content_hash in known:
            continue
        known.add(processed.content_hash)
        store.save(processed)
        added.append(_row(vehicle_id, position, _checked_label(label), processed))
        position += 1
    db_session.add_all(added)
    db_session.flush()
    return added


def _row(vehicle_id: int, position: int, label: str, processed: ProcessedImage) -> VehicleMedia:
    return VehicleMedia(
        vehicle_id=vehicle_id,
        position=position,
        label=label,
        content_hash=processed.content_hash,
        width=processed.original.width,
        height=processed.original.height,
        web_width=processed.web.width,
        web_height=processed.web.height,
        thumb_width=processed.thumb.width,
        thumb_height=processed.thumb.height,
        bytes_original=len(processed.original.data),
    )


def _checked_label(label: str) -> str:
    label = " ".join(label.split())
    if len(label) > MAX_LABEL_LENGTH:
        raise InvalidInput(f"a photo label has at most {MAX_LABEL_LENGTH} characters")
    return label


def _next_position(*, db_session: Session, vehicle_id: int) -> int:
    last = db_session.scalar(
        select(func.max(VehicleMedia.position)).where(VehicleMedia.vehicle_id == vehicle_id)
    )
    return 0 if last is None else last + 1


def _check_position_free(*, db_session: Session, vehicle_id: int, position: int) -> None:
    if position < 0:
        raise InvalidInput("a photo position is 0 or more")
    taken = db_session.scalar(
        select(VehicleMedia.id).where(
            VehicleMedia.vehicle_id == vehicle_id, VehicleMedia.position == position
        )
    )
    if taken is not None:
        raise InvalidInput(f"position {position} already holds another photo of this vehicle")
