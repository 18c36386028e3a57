"""What the outside world sees of a vehicle photo: sizes and the URLs of its three renditions."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from catalog.media.images import RenditionName
from catalog.media.models import VehicleMedia

# The web edge serves files at this path (webhook/gallery.py); bots send these URLs in chats.
MEDIA_PATH = "/media/{content_hash}/{rendition}.jpg"


def media_url(content_hash: str, rendition: RenditionName, *, base_url: str = "") -> str:
    """The URL of one rendition: relative by default, absolute when `base_url` is given."""
    path = MEDIA_PATH.format(content_hash=content_hash, rendition=rendition)
    return f"{base_url.rstrip('/')}{path}"


class PhotoOut(BaseModel):
    """One photo of a vehicle's gallery, with everything a page or a chat needs to show it."""

    model_config = ConfigDict(frozen=True)

    id: int
    vehicle_id: int
    position: int
    label: str
    content_hash: str
    width: int
    height: int
    web_width: int
    web_height: int
    thumb_width: int
    thumb_height: int
    original_url: str
    web_url: str
    thumb_url: str

    @classmethod
    def from_media(cls, media: VehicleMedia, *, base_url: str = "") -> PhotoOut:
        """Describe `media`, with URLs relative to the site or under `base_url`."""
        return cls(
            id=media.id,
            vehicle_id=media.vehicle_id,
            position=media.position,
            label=media.label,
            content_hash=media.content_hash,
            width=media.width,
            height=media.height,
            web_width=media.web_width,
            web_height=media.web_height,
            thumb_width=media.thumb_width,
            thumb_height=media.thumb_height,
            original_url=media_url(media.content_hash, "original", base_url=base_url),
            web_url=media_url(media.content_hash, "web", base_url=base_url),
            thumb_url=media_url(media.content_hash, "thumb", base_url=base_url),
        )
