"""Vehicle photo galleries on the web: the page a chat links to, and the photo files it shows.

Photos are named by content hash, so a photo URL never changes what it serves and can be cached
for a year. The page itself is small and works without JavaScript; with it, a lightbox opens.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Final

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from bots.config import ChannelSettings
from catalog.auctions import service as auction_service
from catalog.auctions.engine import AuctionStatus
from catalog.auctions.models import AuctionResult
from catalog.database import utcnow
from catalog.errors import NotFound
from catalog.media import service as media_service
from catalog.media.schemas import MEDIA_PATH, PhotoOut, media_url
from catalog.vehicles import service as vehicle_service
from catalog.vehicles.models import ListingStatus, Vehicle
from chat.dates import format_moment
from chat.deeplinks import telegram_vehicle_link, whatsapp_vehicle_link
from chat.money import format_money_exact
from chat.translations import attribute_word
from webhook.deps import MediaStoreDep, SessionDep

router = APIRouter()
templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))

STATIC_DIR: Final = Path(__file__).with_name("static")
STATIC_FILES: Final = {"gallery.css": "text/css", "gallery.js": "text/javascript"}
IMMUTABLE: Final = "public, max-age=31536000, immutable"
REVALIDATE: Final = "public, max-age=300"


@router.api_route(MEDIA_PATH, methods=["GET", "HEAD"], include_in_schema=False)
def photo_file(
    content_hash: str, rendition: str, request: Request, store: MediaStoreDep
) -> Response:
    """One rendition of a photo, cached forever by browsers and proxies (its name is its hash)."""
    try:
        path = store.path(content_hash, rendition)
    except NotFound as missing:
        raise HTTPException(status_code=404) from missing
    if not path.is_file():
        raise HTTPException(status_code=404)
    etag = f'"{content_hash}-{rendition}"'
    headers = {"Cache-Control": IMMUTABLE, "ETag": etag, "X-Content-Type-Options": "nosniff"}
    if _etag_matches(request, etag):
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type="image/jpeg", headers=headers)


@router.get("/static/gallery/{name}", include_in_schema=False)
def gallery_static(name: str, request: Request, v: str = "") -> Response:
    """The gallery's CSS and script; cached for a year when asked for by their current version."""
    if name not in STATIC_FILES:
        raise HTTPException(status_code=404)
    version = static_version(name)
    etag = f'"{version}"'
    headers = {"Cache-Control": IMMUTABLE if v == version else REVALIDATE, "ETag": etag}
    if _etag_matches(request, etag):
        return Response(status_code=304, headers=headers)
    return FileResponse(STATIC_DIR / name, media_type=STATIC_FILES[name], headers=headers)


@router.get("/vehicles/{vehicle_id}/gallery", response_class=HTMLResponse, include_in_schema=False)
def vehicle_gallery(vehicle_id: int, request: Request, db_session: SessionDep) -> HTMLResponse:
    """The vehicle's title, price, key specs and every photo, in gallery order."""
    vehicle = _listed_vehicle(db_session=db_session, vehicle_id=vehicle_id)
    context: dict[str, object] = {
        "css_version": static_version("gallery.css"),
        "js_version": static_version("gallery.js"),
    }
    if vehicle is None:
        return templates.TemplateResponse(request, "gallery.html", context, status_code=404)
    media = media_service.get_all_for_vehicle(db_session=db_session, vehicle_id=vehicle.id)
    photos = [PhotoOut.from_media(item) for item in media]
    context |= {
        "vehicle": vehicle,
        "price": format_price(vehicle.price_cents, vehicle.currency),
        "auction": auction_line(db_session, vehicle.id, utcnow()),
        "chat_links": chat_links(request.app.state.channel_settings, vehicle),
        "status": "" if vehicle.status is ListingStatus.AVAILABLE else vehicle.status.value,
        "specs": key_specs(vehicle),
        "photos": photos,
        "share_image": media_url(media[0].content_hash, "web", base_url=_site_url(request))
        if media
        else None,
    }
    return templates.TemplateResponse(request, "gallery.html", context)


def format_price(price_cents: int, currency: str) -> str:
    """The price as the chat writes it in English: "$12,500", "$12,500.50" when there are cents."""
    return format_money_exact(price_cents, currency, "en")


def chat_links(settings: ChannelSettings, vehicle: Vehicle) -> list[tuple[str, str]]:
    """(label, link) for each served channel a buyer can open a chat about the vehicle on."""
    links = []
    if "telegram" in settings.channels and settings.telegram_bot_username:
        links.append(
            ("Telegram", telegram_vehicle_link(settings.telegram_bot_username, vehicle.id))
        )
    number = settings.whatsapp_display_number if "whatsapp" in settings.channels else ""
    if not number and "twilio" in settings.channels:
        number = settings.twilio_whatsapp_from.removeprefix("whatsapp:")
    if number:
        links.append(("WhatsApp", whatsapp_vehicle_link(number, vehicle.id, vehicle.title)))
    return links


def auction_line(db_session: Session, vehicle_id: int, now: datetime) -> str | None:
    """The vehicle's open auction as the chat tells it ("Lot 12 · current bid $5,200 · 3 bids ·
    ends 2026-12-09 15:00 UTC"), or None when it has none."""
    auction = auction_service.latest_for_vehicle(db_session=db_session, vehicle_id=vehicle_id)
    if auction is None or auction.result is not AuctionResult.OPEN:
        return None
    state = auction_service.state_of(auction, now)
    if state.status is AuctionStatus.SCHEDULED:
        starting = format_price(auction.starting_bid_cents, "USD")
        return (f"Auction: lot {auction.id} · starting bid {starting} · "
                f"opens {format_moment(auction.starts_at)}")  # fmt: skip
    if state.status is not AuctionStatus.LIVE:
        return None
    price = format_price(state.current_price_cents or auction.starting_bid_cents, "USD")
    bids = f"{state.bids_accepted} bid{'s' if state.bids_accepted != 1 else ''}"
    return (f"Auction: lot {auction.id} · current bid {price} · {bids} · "
            f"ends {format_moment(state.ends_at)}")  # fmt: skip


def key_specs(vehicle: Vehicle) -> list[tuple[str, str]]:
    """What a buyer compares first, as (label, value) pairs; empty values are left out."""
    specs = [
        ("Mileage", f"{vehicle.mileage_km:,} km ({vehicle.mileage_mi:,} mi)"),
        ("Engine", vehicle.engine),
        ("Fuel", _words(vehicle.fuel)),
        ("Gearbox", _words(vehicle.transmission)),
        ("Drive", _words(vehicle.drive)),
        ("Body", _words(vehicle.body_type)),
        ("Colour", vehicle.colour.capitalize()),
        ("Seats", str(vehicle.seats or "")),
        ("Steering", _words(vehicle.steering)),
        ("Condition", _words(vehicle.condition)),
        ("Title", _words(vehicle.title_status)),
        ("Location", f"{vehicle.yard_city}, {vehicle.yard_region}, {vehicle.yard_country}"),
        ("Export port", vehicle.export_port),
        ("VIN", vehicle.vin),
    ]
    return [(label, value) for label, value in specs if value]


def _words(value: StrEnum) -> str:
    """A catalog value as the chat words it (the page is in English), as a label's value."""
    text = attribute_word(value.value, "en")
    return text[:1].upper() + text[1:]


@cache
def static_version(name: str) -> str:
    """A short hash of a static file, read once; it changes whenever the file does."""
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]


def _listed_vehicle(*, db_session: Session, vehicle_id: int) -> Vehicle | None:
    try:
        vehicle = vehicle_service.get(db_session=db_session, vehicle_id=vehicle_id)
    except NotFound:
        return None
    # Drafts are not public yet; sold and withdrawn vehicles stay visible with their status.
    return None if vehicle.status is ListingStatus.DRAFT else vehicle


def _etag_matches(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if not header:
        return False
    candidates = {candidate.strip().removeprefix("W/") for candidate in header.split(",")}
    return "*" in candidates or etag in candidates


def _site_url(request: Request) -> str:
    # Links shown in chat previews must use the public address, not the one behind the proxy.
    settings = getattr(request.app.state, "settings", None)
    return str(getattr(settings, "public_base_url", "") or request.base_url)
