"""Whole conversations, for the buyer features: the real Rasa server and action server, the worker,
and one catalog database they all share (the action server's, created by the rasa_stack fixture).

The showroom is a small fixed catalog seeded once per test session; tests read it, and each test
talks as a new buyer, so tests never see each other's watchlists or conversations.

    def test_something(chat: ChatFactory) -> None:
        buyer = chat(Channel.WHATSAPP)
        [heading, listing] = buyer.say("Toyota Hilux diesel under 20k", replies=2)
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from catalog.config import CatalogSettings
from catalog.database import make_engine, make_session_factory, transaction
from catalog.media import service as media_service
from catalog.media.storage import MediaStore
from catalog.vehicles.models import Vehicle
from chat.messages import Channel, InboundKind, InboundMessage
from devtools.simulator.webhooks import build_inbound
from dialogs.config import DialogSettings
from infra.redis import RedisSettings
from tests.factories import make_dealer, make_vehicle, valid_vin
from tests.harness import Harness, _text_of, telegram, twilio, whatsapp
from tests.rasa_stack import RasaStack
from tests.servers import channel_settings
from webhook.app import create_app
from webhook.config import AppSettings

PUBLIC_URL = "http://testserver"

# key: (make, model, year, price in dollars, other fields); every key is unique in the showroom.
SHOWROOM: dict[str, dict[str, Any]] = {
    "hilux_2016": {"make": "Toyota", "model": "Hilux", "year": 2016, "price_cents": 18_500_00,
                   "body_type": "pickup", "fuel": "diesel", "transmission": "manual",
                   "drive": "4wd", "mileage_km": 98_000, "seats": 5, "steering": "rhd"},
    "hilux_2012": {"make": "Toyota", "model": "Hilux", "year": 2012, "price_cents": 12_900_00,
                   "body_type": "pickup", "fuel": "diesel", "transmission": "manual",
                   "drive": "4wd", "mileage_km": 161_000, "seats": 5},
    "rav4_2017": {"make": "Toyota", "model": "RAV4", "year": 2017, "price_cents": 16_200_00,
                  "body_type": "suv", "mileage_km": 87_000},
    "rav4_2013": {"make": "Toyota", "model": "RAV4", "year": 2013, "price_cents": 9_800_00,
                  "body_type": "suv", "mileage_km": 140_000},
    "corolla_2012": {"make": "Toyota", "model": "Corolla", "year": 2012, "price_cents": 6_400_00,
                     "mileage_km": 150_000},
    "camry_2015": {"make": "Toyota", "model": "Camry", "year": 2015, "price_cents": 9_500_00},
    "prado_2014": {"make": "Toyota", "model": "Land Cruiser Prado", "year": 2014,
                   "price_cents": 24_000_00, "body_type": "suv", "fuel": "diesel",
                   "drive": "4wd", "seats": 7, "mileage_km": 120_000},
    "pilot_2016": {"wmi": "5FN", "make": "Honda", "model": "Pilot", "year": 2016,
                   "price_cents": 14_900_00, "body_type": "suv", "seats": 8, "drive": "awd",
                   "mileage_km": 110_000},
    "c300_2014": {"wmi": "WDD", "make": "Mercedes-Benz", "model": "C-Class", "trim": "C300",
                  "year": 2014, "price_cents": 11_200_00, "drive": "awd", "mileage_km": 105_000},
    "sienna_2011": {"make": "Toyota", "model": "Sienna", "year": 2011, "price_cents": 7_900_00,
                    "body_type": "van", "seats": 8, "mileage_km": 175_000},
}  # fmt: skip
PHOTOS_PER_VEHICLE = 12


@dataclass(frozen=True)
class Showroom:
    sessions: sessionmaker[Session]
    media_dir: Any
    ids: dict[str, int] = field(default_factory=dict)  # SHOWROOM key -> vehicle id

    def vehicle(self, key: str) -> Vehicle:
        with self.sessions() as db_session:
            vehicle = db_session.get(Vehicle, self.ids[key])
            assert vehicle is not None
            db_session.expunge(vehicle)
            return vehicle


@pytest.fixture(scope="session")
def showroom(rasa_stack: RasaStack) -> Showroom:
    """The catalog the action server reads, seeded once: SHOWROOM, each with a few photos."""
    sessions = make_session_factory(make_engine(rasa_stack.database_url))
    store = MediaStore(rasa_stack.media_dir)
    ids: dict[str, int] = {}
    with transaction(sessions) as db_session:
        dealer = make_dealer(db_session, name="Showroom Motors")
        for key, values in SHOWROOM.items():
            fields = {key: value for key, value in values.items() if key != "wmi"}
            vin = valid_vin(values["year"], values.get("wmi", "4T1"))
            vehicle = make_vehicle(db_session, dealer, vin=vin, **fields)
            for position in range(PHOTOS_PER_VEHICLE):
                media_service.add_photo(db_session=db_session, store=store,
                                        vehicle_id=vehicle.id, data=_photo(key, position),
                                        label=f"photo {position + 1}")  # fmt: skip
            ids[key] = vehicle.id
    return Showroom(sessions, rasa_stack.media_dir, ids)


def _photo(key: str, position: int) -> bytes:
    """A small JPEG, different for every vehicle and position (photos are content-addressed)."""
    shade = (hash(key) + position * 37) % 200
    image = Image.new("RGB", (64, 48), (shade, 255 - shade, (shade * 3) % 255))
    output = io.BytesIO()
    image.save(output, "JPEG")
    return output.getvalue()


class Buyer:
    """One buyer on one channel, talking to the whole bot: each message a signed webhook into the
    real web app, then the worker, Rasa and the action server, and the reply out through the fake
    provider, as that channel renders it."""

    def __init__(self, harness: Harness, client: TestClient, channel: Channel) -> None:
        self._harness = harness
        self._client = client
        self.channel = channel
        serial = uuid.uuid4().int
        self.user = str(700_000_000 + serial % 10**8) if channel is Channel.TELEGRAM else (
            f"23480{serial % 10**8:08d}")  # fmt: skip
        self.chat = {Channel.TELEGRAM: self.user, Channel.WHATSAPP: self.user,
                     Channel.TWILIO: f"whatsapp:+{self.user}"}[channel]  # fmt: skip

    def say(self, text: str, *, replies: int = 1, **fields: Any) -> list[dict[str, Any]]:
        """Type `text`; wait for at least `replies` new provider calls; return the new ones.

        `fields` (InboundMessage's: kind=InboundKind.BUTTON with payload, language_hint...) say
        what no webhook carries here: such a message is queued as the webhook would have."""
        if fields.get("kind") is InboundKind.BUTTON and set(fields) == {"kind", "payload"}:
            return self.tap(str(fields["payload"]), text, replies=replies)
        if fields:
            return self.send(self.message(text, **fields), replies=replies)
        return self._post(replies, text=text)

    def tap(self, payload: str, title: str = "", *, replies: int = 1) -> list[dict[str, Any]]:
        """Tap a button (or a WhatsApp list row) whose payload is `payload`."""
        return self._post(replies, button_payload=payload, button_title=title or "OK")

    def send(self, message: InboundMessage, *, replies: int = 1) -> list[dict[str, Any]]:
        """Queue an already parsed message (what the webhook would have queued)."""
        before = len(self._harness.sent(self.chat))
        self._harness.run([message], until=lambda: len(self._harness.sent(self.chat)) >= before
                          + replies)  # fmt: skip
        return self._harness.sent(self.chat)[before:]

    def _post(self, replies: int, **said: Any) -> list[dict[str, Any]]:
        before = len(self._harness.sent(self.chat))
        user_id = self.user if self.channel is Channel.TELEGRAM else f"+{self.user}"
        request = build_inbound(self.channel, user_id=user_id, user_name="Ama Mensah",
                                settings=self._harness.channels, public_base_url=PUBLIC_URL,
                                **said)  # fmt: skip
        if request.form is not None:
            response = self._client.post(request.path, data=request.form, headers=request.headers)
        else:
            response = self._client.post(request.path, content=request.body,
                                         headers=request.headers)  # fmt: skip
        assert response.status_code == 200, response.text
        self._harness.run([], until=lambda: len(self._harness.sent(self.chat)) >= before + replies)
        return self._harness.sent(self.chat)[before:]

    def texts(self, records: list[dict[str, Any]]) -> list[str]:
        return [_text_of(record) for record in records]

    def message(self, text: str, **fields: Any) -> InboundMessage:
        """A parsed message from this buyer, for `send` (fields as InboundMessage takes them)."""
        if self.channel is Channel.TELEGRAM:
            return telegram(text, int(self.user), **fields)
        if self.channel is Channel.WHATSAPP:
            return whatsapp(text, self.user, **fields)
        return twilio(text, self.user, **fields)


ChatFactory = Callable[[Channel], Buyer]


@pytest.fixture
def chat(
    showroom: Showroom, redis_settings: RedisSettings, fakes_url: str, rasa_stack: RasaStack
) -> Iterator[ChatFactory]:
    """New buyers on the given channel, in the showroom's catalog, through the real web app."""
    since = httpx.get(f"{fakes_url}/_fake/requests").json()
    channels = channel_settings(fakes_url, inbound_stream=f"nzila:test:{uuid.uuid4().hex[:10]}")
    harness = Harness(showroom.sessions, redis_settings, channels, fakes_url, rasa_stack,
                      max([r["seq"] for r in since], default=0))  # fmt: skip
    app = create_app(
        AppSettings(_env_file=None, public_base_url=PUBLIC_URL),  # type: ignore[call-arg]
        CatalogSettings(database_url=rasa_stack.database_url, media_dir=rasa_stack.media_dir),
        redis_settings,
        channels,
        DialogSettings(_env_file=None, rasa_url=rasa_stack.base_url),  # type: ignore[call-arg]
    )
    with TestClient(app) as client:
        yield lambda channel: Buyer(harness, client, channel)
