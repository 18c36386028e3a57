"""A small world for alert delivery tests: buyers with conversations on real channels (their
last message as old as a test needs), alerts in the outbox, the alert worker draining it through
the real channel adapters to the fake providers, and what the fakes received."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bots.adapters import build_adapters
from bots.notifier import ChannelNotifier
from bots.outbound.limits import RedisRateLimiter, channel_limits
from catalog.auctions import bidders
from catalog.auctions import service as auction_service
from catalog.buyers.models import Buyer
from catalog.conversations import service as conversation_service
from catalog.conversations.models import ChatMessage
from catalog.database import transaction, utcnow
from catalog.dealers.models import Dealer
from catalog.outbox import service as outbox
from catalog.outbox.models import AlertStatus, OutboxMessage
from chat.messages import Channel
from infra.redis import RedisSettings, connect_async_redis
from notifications.config import AlertSettings
from notifications.delivery import AlertWorker, PassReport
from notifications.tiers import MessagingTier
from tests.factories import make_buyer, make_dealer, make_vehicle
from tests.servers import channel_settings


@dataclass
class Person:
    buyer_id: int
    channel: Channel
    address: str


@dataclass
class World:
    sessions: sessionmaker[Session]
    redis: RedisSettings
    fakes_url: str
    settings: AlertSettings = field(
        default_factory=lambda: AlertSettings(
            _env_file=None,  # type: ignore[call-arg]
            alerts_quiet_start_hour=0, alerts_quiet_end_hour=0,  # no quiet hours unless asked
            alerts_retry_base_seconds=0.01, alerts_poll_seconds=0.02,
            alerts_twilio_content_sids={"auction.outbid": {"en": "HX" + "b" * 32}},
        )
    )  # fmt: skip
    prefix: str = field(default_factory=lambda: f"nzila:test:{uuid.uuid4().hex[:10]}")

    def buyer(
        self, channel: Channel = Channel.TELEGRAM, *, wrote: timedelta = timedelta(minutes=5),
        number: str | None = None, country: str | None = None, language: str = "en",
    ) -> Person:  # fmt: skip
        """A buyer who consented and last wrote `wrote` ago on `channel`."""
        serial = uuid.uuid4().int % 10**8
        with transaction(self.sessions) as db_session:
            buyer = make_buyer(db_session, number or f"+23480{serial:08d}")
            buyer.consent_given_at, buyer.country, buyer.language = utcnow(), country, language
            address = {
                Channel.TELEGRAM: str(700_000_000 + serial),
                Channel.WHATSAPP: (buyer.whatsapp_number or "").lstrip("+"),
                Channel.TWILIO: f"whatsapp:{buyer.whatsapp_number}",
            }[channel]
            self._wrote(db_session, buyer, channel, address, utcnow() - wrote)
        return Person(buyer.id, channel, address)

    def bidder(self, channel: Channel = Channel.TELEGRAM, **options: Any) -> Person:
        """A buyer who accepted the bidding terms, with a limit no test bid reaches."""
        person = self.buyer(channel, **options)
        with transaction(self.sessions) as db_session:
            bidders.accept_terms(db_session=db_session, buyer_id=person.buyer_id)
            auction_service.set_limit(db_session=db_session, buyer_id=person.buyer_id,
                                      limit_cents=10_000_000_00, by="test")  # fmt: skip
        return person

    def dealer(self, *, linked: bool = True, language: str = "en") -> tuple[int, str]:
        """A dealer (and, linked, the Telegram chat they read)."""
        chat = 600_000_000 + uuid.uuid4().int % 10**8
        with transaction(self.sessions) as db_session:
            dealer = make_dealer(db_session, name=f"Yard {uuid.uuid4().hex[:8]}")
            dealer.telegram_chat_id = chat if linked else None
            dealer.language = language
            return dealer.id, str(chat)

    def also_on(self, person: Person, channel: Channel) -> Person:
        """The same buyer, with a conversation on another channel too (written to earlier)."""
        with transaction(self.sessions) as db_session:
            buyer = db_session.get(Buyer, person.buyer_id)
            assert buyer is not None
            address = str(800_000_000 + uuid.uuid4().int % 10**8)
            if channel is not Channel.TELEGRAM:
                address = (buyer.whatsapp_number or "").lstrip("+")
            self._wrote(db_session, buyer, channel, address, utcnow() - timedelta(days=3))
        return Person(person.buyer_id, channel, address)

    def _wrote(
        self, db_session: Session, buyer: Buyer, channel: Channel, address: str, at: datetime
    ) -> None:
        conversation = conversation_service.get_or_create(
            db_session=db_session, key=f"{channel.value}:{address}", channel=channel.value,
            chat_id=address, buyer_id=buyer.id,
        )  # fmt: skip
        message = conversation_service.record_inbound(
            db_session=db_session, conversation=conversation,
            provider_message_id=f"in-{uuid.uuid4().hex}", kind="text", text="hi", payload={},
        )  # fmt: skip
        assert message is not None
        db_session.flush()
        message.created_at = at

    def lot(
        self, *, ends_in: timedelta = timedelta(days=1), dealer: int | None = None,
        reserve_cents: int | None = None,
    ) -> int:  # fmt: skip
        with transaction(self.sessions) as db_session:
            owner = db_session.get(Dealer, dealer) if dealer else make_dealer(db_session)
            assert owner is not None
            vehicle = make_vehicle(db_session, owner)
            return auction_service.create(
                db_session=db_session, vehicle_id=vehicle.id, starts_at=utcnow(),
                ends_at=utcnow() + ends_in, starting_bid_cents=1_000_00,
                reserve_cents=reserve_cents,
            ).id  # fmt: skip

    def bid(self, person: Person, lot: int, cents: int) -> None:
        with transaction(self.sessions) as db_session:
            auction_service.place_bid(db_session=db_session, auction_id=lot,
                                      buyer_id=person.buyer_id, amount_cents=cents)  # fmt: skip

    def vehicle(self) -> int:
        with transaction(self.sessions) as db_session:
            return make_vehicle(db_session, make_dealer(db_session)).id

    def outbid(self, person: Person, lot: int | None = None) -> int:
        lot = lot or self.lot()
        payload = {"price_cents": 5_200_00, "minimum_next_bid_cents": 5_300_00}
        return self.alert("auction.outbid", person, "auction", lot, payload)

    def match(self, person: Person, vehicle: int | None = None) -> int:
        vehicle = vehicle or self.vehicle()
        payload = {"vehicle_ids": [vehicle], "label": "Toyota under $9,000", "saved_search_id": 1}
        return self.alert("search.match", person, "saved_search", 1, payload)

    def alert(
        self, kind: str, person: Person | None, subject: str, subject_id: int,
        payload: dict[str, Any], *, dealer_id: int | None = None,
    ) -> int:  # fmt: skip
        key = f"{kind}:{uuid.uuid4().hex}"
        entry = outbox.Entry(kind, key, buyer_id=person.buyer_id if person else None,
                             dealer_id=dealer_id, payload=payload,
                             to_staff=person is None and dealer_id is None)  # fmt: skip
        with transaction(self.sessions) as db_session:
            outbox.add(db_session, subject, subject_id, [entry])
        with self.sessions() as db_session:
            found = db_session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key))
            assert found is not None
            return found

    def row(self, alert: int) -> OutboxMessage:
        with self.sessions() as db_session:
            row = db_session.get(OutboxMessage, alert)
            assert row is not None
            return row

    def parts(self, alert: int) -> list[ChatMessage]:
        with self.sessions() as db_session:
            query = select(ChatMessage).where(ChatMessage.outbox_id == alert)
            return list(db_session.scalars(query.order_by(ChatMessage.id)))

    @contextlib.asynccontextmanager
    async def alert_worker(
        self, *, now: datetime | None = None, tier: int | None = None, worker: str = "w1",
        yielding: bool = False, **channel_overrides: Any,
    ) -> AsyncIterator[AlertWorker]:  # fmt: skip
        """An alert worker sending through the fakes, as `nzila alerts run` builds it."""
        connection = connect_async_redis(self.redis)
        channels = channel_settings(self.fakes_url, **channel_overrides)
        limiter = RedisRateLimiter(connection, channel_limits(channels), prefix=self.prefix,
                                   yielding=yielding)  # fmt: skip
        try:
            async with httpx.AsyncClient(timeout=10) as http:
                adapters = build_adapters(channels, http, "http://127.0.0.1:8000",
                                          connection, limiter)  # fmt: skip
                yield AlertWorker(
                    sessions=self.sessions,
                    notifier=ChannelNotifier(adapters, self.sessions, connection),
                    settings=self.settings,
                    tier=MessagingTier(connection, tier, key=f"{self.prefix}:tier",
                                       urgent_reserve=self.settings.alerts_tier_reserve),
                    worker_id=worker,
                    clock=(lambda: now) if now else utcnow,
                )  # fmt: skip
        finally:
            await connection.aclose()

    def drain(
        self, *, now: datetime | None = None, passes: int = 1, tier: int | None = None,
        worker: str = "w1",
    ) -> list[PassReport]:  # fmt: skip
        """Run the alert worker's passes (at `now`, if given) through the fakes."""

        async def main() -> list[PassReport]:
            async with self.alert_worker(now=now, tier=tier, worker=worker) as alerts:
                return [await alerts.drain_once() for _ in range(passes)]

        return asyncio.run(main())

    def run(
        self, during: Callable[[], Awaitable[None]], *, seconds: float,
        **options: Any,
    ) -> None:  # fmt: skip
        """Run the alert worker as `nzila alerts run` does (its pipeline, a yielding limiter)
        while `during` runs, then for up to `seconds` until nothing is pending."""

        async def main() -> None:
            async with self.alert_worker(yielding=True, **options) as alerts:
                stop = asyncio.Event()
                running = asyncio.create_task(alerts.run(stop))
                await during()
                deadline = asyncio.get_running_loop().time() + seconds
                while asyncio.get_running_loop().time() < deadline and self._pending():
                    await asyncio.sleep(0.05)
                stop.set()
                await running

        asyncio.run(main())

    def _pending(self) -> int:
        with self.sessions() as db_session:
            return db_session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.status == AlertStatus.PENDING)) or 0  # fmt: skip

    def received(self, address: str) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = httpx.get(f"{self.fakes_url}/_fake/requests").json()
        return [
            r for r in records if address in str(r.get("body")) and r.get("outcome") == "delivered"
        ]

    def fail_next(
        self, provider: str, status: int, code: int | None = None, count: int = 1
    ) -> None:
        failure: dict[str, Any] = {"provider": provider, "status": status, "count": count}
        if code is not None:
            failure["code"] = code
        httpx.post(f"{self.fakes_url}/_fake/failures", json=failure).raise_for_status()
