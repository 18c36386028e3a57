"""Vehicle photos: an ordered gallery of content-addressed images with three renditions each."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.database import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from catalog.vehicles.models import Vehicle


class VehicleMedia(Base):
    """One photo of a vehicle. The files live under the media folder, named by content hash."""

    __tablename__ = "vehicle_media"
    __table_args__ = (
        UniqueConstraint("vehicle_id", "position"),
        UniqueConstraint("vehicle_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 0-based order in the gallery
    label: Mapped[str] = mapped_column(String(60), default="")  # "front", "odometer"...
    content_hash: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of the pixels
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    web_width: Mapped[int] = mapped_column(Integer)
    web_height: Mapped[int] = mapped_column(Integer)
    thumb_width: Mapped[int] = mapped_column(Integer)
    thumb_height: Mapped[int] = mapped_column(Integer)
    bytes_original: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    vehicle: Mapped[Vehicle] = relationship(back_populates="media", lazy="raise")
