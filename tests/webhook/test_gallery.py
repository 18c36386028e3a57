"""The web gallery: a small page listing every photo in order, and photo files cached forever."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bots.config import ChannelSettings
from catalog.auctions import service as auction_service
from catalog.database import utcnow
from catalog.demo.pictures import angles_for, draw_vehicle_picture
from catalog.media import service as media_service
from catalog.media.storage import MediaStore
from catalog.vehicles.models import BodyType, ListingStatus
from tests.factories import make_dealer, make_vehicle
from webhook import gallery

IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass
class Site:
    client: TestClient
    sessions: sessionmaker[Session]
    store: MediaStore


@pytest.fixture
def site(sessions: sessionmaker[Session], tmp_path: Path) -> Iterator[Site]:
    app = FastAPI()
    app.include_router(gallery.router)
    app.state.sessions = sessions
    app.state.media_store = MediaStore(tmp_path / "media", durable=False)
    app.state.channel_settings = ChannelSettings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_username="NzilaCarsBot",
        whatsapp_display_number="+1 555 010 2030",
    )
    with TestClient(app) as client:
        yield Site(client, sessions, app.state.media_store)


def listed_vehicle(
    site: Site,
    *,
    photos: int = 0,
    status: ListingStatus = ListingStatus.AVAILABLE,
    damage_notes: str = "",
) -> int:
    """A committed 2016 Toyota RAV4 with `photos` demo photos; returns its id."""
    with site.sessions() as db_session, db_session.begin():
        vehicle = make_vehicle(
            db_session,
            make_dealer(db_session),
            model="RAV4",
            year=2016,
            body_type="suv",
            drive="awd",
            mileage_km=87_412,
            colour="silver",
            price_cents=12_500_00,
            yard_city="Newark",
            yard_region="NJ",
            export_port="Newark, NJ",
            status=status,
            damage_notes=damage_notes,
        )
        for angle in angles_for(photos):
            picture = draw_vehicle_picture(
                body_type=BodyType.SUV, colour="silver", angle=angle, caption="2016 Toyota RAV4"
            )
            media_service.add_photo(
                db_session=db_session,
                store=site.store,
                vehicle_id=vehicle.id,
                data=picture,
                label=angle,
            )
        return vehicle.id


def gallery_hashes(site: Site, vehicle_id: int) -> list[str]:
    with site.sessions() as db_session:
        return [
            media.content_hash
            for media in media_service.get_all_for_vehicle(
                db_session=db_session, vehicle_id=vehicle_id
            )
        ]


def test_the_page_shows_title_price_and_key_specs(site: Site) -> None:
    vehicle_id = listed_vehicle(site)

    page = site.client.get(f"/vehicles/{vehicle_id}/gallery")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for text in ("2016 Toyota RAV4 LE", "$12,500", "87,412 km", "2.5L I4", "AWD", "Newark, NJ"):
        assert text in page.text
    assert "No photos yet" in page.text


def test_the_page_lists_every_photo_in_gallery_order(site: Site) -> None:
    vehicle_id = listed_vehicle(site, photos=9)

    page = site.client.get(f"/vehicles/{vehicle_id}/gallery").text

    thumbs = re.findall(r'<img src="/media/([0-9a-f]{64})/thumb\.jpg"', page)
    assert thumbs == gallery_hashes(site, vehicle_id)
    assert "9 photos" in page
    assert re.findall(r'alt="([^"]+)"', page) == list(angles_for(9))


def test_thumbnails_are_lazy_sized_and_link_to_the_web_photo_without_javascript(
    site: Site,
) -> None:
    vehicle_id = listed_vehicle(site, photos=2)
    first = gallery_hashes(site, vehicle_id)[0]

    page = site.client.get(f"/vehicles/{vehicle_id}/gallery").text

    assert f'<a href="/media/{first}/web.jpg" data-original="/media/{first}/original.jpg">' in page
    assert page.count('loading="lazy"') == 2
    assert 'width="320" height="240"' in page
    assert f"/media/{first}/thumb.jpg 320w, /media/{first}/web.jpg 960w" in page


def test_the_page_and_its_css_and_script_stay_small(site: Site) -> None:
    vehicle_id = listed_vehicle(site, photos=8)

    page = site.client.get(f"/vehicles/{vehicle_id}/gallery")
    assets = re.findall(r'(?:href|src)="(/static/gallery/[^"]+)"', page.text)
    weights = [len(page.content)] + [len(site.client.get(url).content) for url in assets]

    assert len(assets) == 2
    assert sum(weights) < 16_000


@pytest.mark.parametrize("rendition", ["original", "web", "thumb"])
def test_photo_files_are_jpegs_cached_for_a_year(site: Site, rendition: str) -> None:
    vehicle_id = listed_vehicle(site, photos=1)
    [content_hash] = gallery_hashes(site, vehicle_id)

    response = site.client.get(f"/media/{content_hash}/{rendition}.jpg")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.headers["etag"] == f'"{content_hash}-{rendition}"'
    assert response.content == site.store.path(content_hash, rendition).read_bytes()


def test_every_image_url_on_the_page_answers(site: Site) -> None:
    vehicle_id = listed_vehicle(site, photos=3)
    page = site.client.get(f"/vehicles/{vehicle_id}/gallery").text

    urls = set(re.findall(r"/media/[0-9a-f]{64}/(?:original|web|thumb)\.jpg", page))

    assert len(urls) == 9
    for url in sorted(urls):
        assert site.client.get(url).headers["content-type"] == "image/jpeg"


@pytest.mark.parametrize("validator", ['"{etag}"', 'W/"{etag}"', '"other", "{etag}"', "*"])
def test_a_photo_the_browser_already_has_is_not_sent_again(site: Site, validator: str) -> None:
    vehicle_id = listed_vehicle(site, photos=1)
    [content_hash] = gallery_hashes(site, vehicle_id)
    etag = f"{content_hash}-web"

    response = site.client.get(
        f"/media/{content_hash}/web.jpg",
        headers={"If-None-Match": validator.format(etag=etag)},
    )

    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["cache-control"] == IMMUTABLE


def test_a_stale_validator_gets_the_photo(site: Site) -> None:
    vehicle_id = listed_vehicle(site, photos=1)
    [content_hash] = gallery_hashes(site, vehicle_id)

    response = site.client.get(
        f"/media/{content_hash}/web.jpg", headers={"If-None-Match": '"something-else"'}
    )

    assert response.status_code == 200


def test_head_gives_the_headers_without_the_photo(site: Site) -> None:
    vehicle_id = listed_vehicle(site, photos=1)
    [content_hash] = gallery_hashes(site, vehicle_id)

    response = site.client.head(f"/media/{content_hash}/thumb.jpg")

    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["content-length"]) > 0


@pytest.mark.parametrize(
    "url",
    [
        "/media/not-a-hash/web.jpg",
        f"/media/{'A' * 64}/web.jpg",
        f"/media/{'a' * 64}/web.jpg",  # a valid hash with no files
        f"/media/{'a' * 64}/poster.jpg",
        "/media/..%2F..%2Fetc/passwd.jpg",
        "/static/gallery/home.html",
        "/static/gallery/..%2Fgallery.py",
    ],
)
def test_unknown_or_invalid_files_are_not_found(site: Site, url: str) -> None:
    assert site.client.get(url).status_code == 404


def test_an_unknown_vehicle_gets_a_not_found_page(site: Site) -> None:
    page = site.client.get("/vehicles/424242/gallery")

    assert page.status_code == 404
    assert "Vehicle not found" in page.text


def test_a_draft_vehicle_is_not_public(site: Site) -> None:
    vehicle_id = listed_vehicle(site, status=ListingStatus.DRAFT)

    assert site.client.get(f"/vehicles/{vehicle_id}/gallery").status_code == 404


def test_a_sold_vehicle_stays_visible_with_its_status(site: Site) -> None:
    vehicle_id = listed_vehicle(site, status=ListingStatus.SOLD)

    page = site.client.get(f"/vehicles/{vehicle_id}/gallery")

    assert page.status_code == 200
    assert '<span class="status">Sold</span>' in page.text


def test_css_and_script_are_cached_for_a_year_at_their_current_version(site: Site) -> None:
    vehicle_id = listed_vehicle(site)
    page = site.client.get(f"/vehicles/{vehicle_id}/gallery").text
    css_url = re.search(r'href="(/static/gallery/gallery\.css\?v=\w+)"', page)
    js_url = re.search(r'src="(/static/gallery/gallery\.js\?v=\w+)"', page)
    assert css_url and js_url

    css, js = site.client.get(css_url.group(1)), site.client.get(js_url.group(1))

    assert css.headers["content-type"].startswith("text/css")
    assert js.headers["content-type"].startswith("text/javascript")
    assert css.headers["cache-control"] == js.headers["cache-control"] == IMMUTABLE
    unversioned = site.client.get("/static/gallery/gallery.css")
    assert unversioned.headers["cache-control"] == "public, max-age=300"
    again = site.client.get(
        "/static/gallery/gallery.css", headers={"If-None-Match": unversioned.headers["etag"]}
    )
    assert again.status_code == 304


def test_the_share_preview_uses_the_first_photo(site: Site) -> None:
    vehicle_id = listed_vehicle(site, photos=2)
    first = gallery_hashes(site, vehicle_id)[0]

    page = site.client.get(f"/vehicles/{vehicle_id}/gallery").text

    assert f'<meta property="og:image" content="http://testserver/media/{first}/web.jpg">' in page


def test_the_page_continues_in_chat_about_this_vehicle_on_telegram_and_whatsapp(site: Site) -> None:
    vehicle_id = listed_vehicle(site)

    page = site.client.get(f"/vehicles/{vehicle_id}/gallery").text

    links = dict(re.findall(r'href="([^"]+)"[^>]*>Continue on (\w+)<', page))
    by_channel = {channel: url.replace("&amp;", "&") for url, channel in links.items()}
    assert by_channel["Telegram"] == f"https://t.me/NzilaCarsBot?start=vehicle_{vehicle_id}"
    whatsapp = by_channel["WhatsApp"]
    assert whatsapp.startswith("https://wa.me/15550102030?text=")
    assert unquote(whatsapp.split("text=")[1]).endswith(f"2016 Toyota RAV4 LE (ref V{vehicle_id})")


def test_the_page_shows_the_damage_the_chat_describes(site: Site) -> None:
    vehicle_id = listed_vehicle(site, damage_notes="Front bumper cracked; airbags intact")

    page = site.client.get(f"/vehicles/{vehicle_id}/gallery").text

    assert "Front bumper cracked; airbags intact" in page


def test_the_page_shows_the_live_auction_with_its_current_bid_and_end(site: Site) -> None:
    vehicle_id = listed_vehicle(site)
    ends = utcnow().replace(microsecond=0) + timedelta(hours=5)
    with site.sessions() as db_session, db_session.begin():
        lot = auction_service.create(
            db_session=db_session,
            vehicle_id=vehicle_id,
            starts_at=utcnow() - timedelta(hours=1),
            ends_at=ends,
            starting_bid_cents=4_000_00,
        ).id

    page = site.client.get(f"/vehicles/{vehicle_id}/gallery").text

    assert (
        f"Auction: lot {lot} · current bid $4,000 · 0 bids · ends {ends:%Y-%m-%d %H:%M} UTC" in page
    )


def test_a_vehicle_without_an_auction_says_nothing_of_auctions(site: Site) -> None:
    vehicle_id = listed_vehicle(site)

    assert "Auction:" not in site.client.get(f"/vehicles/{vehicle_id}/gallery").text
