"""Alert delivery benchmark: a fan-out of 5,000 alerts through the real processes to the fakes.

    .venv/bin/python -m devtools.bench.alert_bench                       # SQLite, 5,000 alerts
    .venv/bin/python -m devtools.bench.alert_bench --database-url postgresql+psycopg://postgres@127.0.0.1:5432/nzila_bench_alerts
    .venv/bin/python -m devtools.bench.alert_bench --alerts 60 --bids 6 --no-write   # smoke

Processes, each as production runs it (`python -m webhook.cli ...`, settings from the
environment): the fake providers, two alert workers (`alerts run --worker-id A/B`) and two
conversation workers (`worker`). The conversation workers talk to a stub Rasa served by this
process (POST /webhooks/rest/webhook answers one text reply; the real Rasa is too heavy for two
shared cores next to the rest): the benchmark queues buyers' messages on the inbound stream
exactly as the webhook does (`InboundQueue.accept`), and the workers record them, ask the stub,
and send the reply through the same adapters and shared rate limits the alerts use.

A fresh database (SQLite by default) gets `--alerts` consenting buyers, a third per channel,
each with a conversation and a recent message (`--outside-window` of the WhatsApp and Twilio
ones last wrote 30 hours ago: their alerts go as templates), plus bidders on live auctions and
buyers who chat. Two phases:

1. quiet: `--bids` real bids (`catalog.auctions.service.place_bid`, two bidders per lot taking
   turns, so each bid after a lot's first outbids someone) and a trickle of search.match
   alerts at `--trickle` of each channel's limit: the event-to-send time under the limits, and
   the outbid latency without a fan-out;
2. fan-out: `--alerts` search.match alerts written in one transaction (as a catalog import
   writes them), `--bids` more bids, `--inbound` buyer messages to the conversation workers,
   and 429s injected at each fake every `--inject-every` seconds (`POST /_fake/failures`,
   retry_after 1 s where the provider has one).

Measured at the fakes (`GET /_fake/requests?since=`, polled so nothing falls out of their
record): per channel and sending number, the busiest 1 s window and the overall rate while the
fan-out was being delivered, against the configured limit; lost (an alert with no delivered
request, or an outbox row not `sent`) and duplicated (a recipient receiving more messages than
the parts recorded for them, or one provider message twice); event-to-send (outbox created_at
to the fake's timestamp of the alert's first part, joined by the provider's message id);
outbid latency (the bid's start to the fake receiving the outbid alert). Results are appended
to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import subprocess
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from redis import Redis
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import service as auction_service
from catalog.auctions.models import Auction
from catalog.buyers import service as buyer_service
from catalog.conversations import service as conversation_service
from catalog.conversations.models import ChatMessage
from catalog.database import make_engine, make_session_factory, transaction, utcnow
from catalog.dealers import service as dealer_service
from catalog.dealers.schemas import DealerIn
from catalog.migrate import upgrade
from catalog.outbox import service as outbox
from catalog.outbox.models import OutboxMessage
from catalog.vehicles import service as vehicle_service
from catalog.vehicles.schemas import VehicleIn
from catalog.vehicles.vin import with_check_digit
from catalog.watchlist import service as watchlist_service
from chat.messages import Channel, InboundKind, InboundMessage
from devtools.bench._common import (
    NZILA,
    Children,
    append_results,
    cpu_line,
    free_port,
    fresh_dir,
    percentile,
)

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"  # a database of its own, emptied by each run
MARKER = "nzila:bench:alert_bench"  # a Redis database holding this key is ours to empty
CHANNELS = ("telegram", "whatsapp", "twilio")
TWILIO_SID = "HX" + "b" * 32
RASA_TOKEN = "bench-rasa-token"
INJECTED_RETRY_AFTER = 1  # seconds; Telegram and Twilio say it, Graph's 429 has none
REPLY = "Thanks, noted (bench stub)."


# --- the world ------------------------------------------------------------------------------


@dataclass
class Person:
    buyer_id: int
    channel: str
    address: str  # where the provider request goes: chat_id, to, To


@dataclass
class Seeded:
    fanout: list[Person]
    chatters: list[Person]
    lots: dict[str, list[tuple[int, Person, Person]]]  # phase -> (auction, bidder A, bidder B)
    vehicle_id: int
    ending: list[tuple[int, int]] = field(default_factory=list)  # (auction, window minutes)


def _address(channel: str, serial: int, number: str) -> str:
    return {"telegram": str(700_000_000 + serial), "whatsapp": number.lstrip("+"),
            "twilio": f"whatsapp:{number}"}[channel]  # fmt: skip


def _person(db_session: Session, channel: str, serial: int, wrote: datetime) -> Person:
    """A consenting buyer with a conversation on `channel`, who last wrote at `wrote`."""
    number = f"+23490{serial:07d}"
    buyer = buyer_service.get_or_create_by_whatsapp(db_session=db_session, number=number)
    buyer.consent_given_at, buyer.language = utcnow(), "en"
    address = _address(channel, serial, number)
    user = {"telegram": address, "whatsapp": number, "twilio": number}[channel]
    conversation = conversation_service.get_or_create(
        db_session=db_session, key=f"{channel}:{user}", channel=channel, chat_id=address,
        buyer_id=buyer.id,
    )  # fmt: skip
    message = conversation_service.record_inbound(
        db_session=db_session, conversation=conversation,
        provider_message_id=f"in-{uuid.uuid4().hex}", kind="text", text="hi", payload={},
    )  # fmt: skip
    assert message is not None
    db_session.flush()
    message.created_at = wrote
    return Person(buyer.id, channel, address)


def seed(sessions: sessionmaker[Session], args: argparse.Namespace) -> Seeded:
    now = utcnow()
    recent, old = now - timedelta(minutes=10), now - timedelta(hours=30)
    rng = random.Random(7)
    serial = 0
    fanout, chatters = [], []
    lots: dict[str, list[tuple[int, Person, Person]]] = {"quiet": [], "fanout": []}
    with transaction(sessions) as db_session:
        dealer = dealer_service.create(db_session=db_session, dealer_in=DealerIn(
            name="Bench Motors", country="US", city="Houston", region="TX"))  # fmt: skip
        vehicles = []
        lots_needed = 2 * max(1, -(-args.bids // args.bids_per_lot))
        for number in range(lots_needed + 1 + args.ending):
            vehicles.append(vehicle_service.create(db_session=db_session,
                                                   vehicle_in=VehicleIn.model_validate({
                "dealer_id": dealer.id, "vin": with_check_digit(f"4T1BF1FK0FU{number:06d}"),
                "make": "Toyota", "model": "Camry", "year": 2015, "body_type": "sedan",
                "fuel": "gasoline", "transmission": "automatic", "drive": "fwd",
                "mileage_km": 90_000, "price_cents": 9_000_00, "yard_city": "Houston",
                "yard_region": "TX", "yard_country": "US",
                "export_port": "Houston, TX"})))  # fmt: skip
        for index in range(args.alerts):
            channel = CHANNELS[index % 3]
            outside = channel != "telegram" and rng.random() < args.outside_window
            fanout.append(_person(db_session, channel, serial, old if outside else recent))
            serial += 1
        for index in range(args.chatters):
            chatters.append(_person(db_session, CHANNELS[index % 3], serial, recent))
            serial += 1
        for number in range(lots_needed):
            auction = auction_service.create(
                db_session=db_session, vehicle_id=vehicles[number + 1].id,
                starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=2),
                starting_bid_cents=1_000_00,
            )  # fmt: skip
            pair = []
            for side in range(2):
                channel = CHANNELS[(number + side) % 3]
                person = _person(db_session, channel, serial, recent)
                serial += 1
                auction_service.accept_terms(db_session=db_session, buyer_id=person.buyer_id)
                auction_service.set_limit(db_session=db_session, buyer_id=person.buyer_id,
                                          limit_cents=auction_service.MAX_AMOUNT_CENTS,
                                          by="bench")  # fmt: skip
                pair.append(person)
            phase = "quiet" if number < lots_needed // 2 else "fanout"
            lots[phase].append((auction.id, pair[0], pair[1]))
        ending = []
        for number in range(args.ending):  # lots whose reminders fall due in the fan-out
            auction = auction_service.create(
                db_session=db_session, vehicle_id=vehicles[lots_needed + 1 + number].id,
                starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=2),
                starting_bid_cents=1_000_00,
            )  # fmt: skip
            watcher = _person(db_session, CHANNELS[number % 3], serial, recent)
            serial += 1
            watchlist_service.watch(db_session=db_session, buyer_id=watcher.buyer_id,
                                    vehicle_id=auction.vehicle_id)  # fmt: skip
            ending.append((auction.id, 60 if number % 2 == 0 else 10))
        vehicle_id = vehicles[0].id
    return Seeded(fanout, chatters, lots, vehicle_id, ending)


def match_entry(person: Person, vehicle_id: int, tag: str) -> outbox.Entry:
    payload = {"vehicle_ids": [vehicle_id], "label": "Toyota under $10,000",
               "saved_search_id": 1}  # fmt: skip
    return outbox.Entry("search.match", f"bench:{tag}:{uuid.uuid4().hex}",
                        buyer_id=person.buyer_id, payload=payload)  # fmt: skip


# --- a stub Rasa for the conversation workers ------------------------------------------------


class _StubRasa(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path.startswith("/status"):
            self._answer({"model_file": "stub.tar.gz", "num_active_training_jobs": 0})
        else:
            self._answer({"sender_id": "x", "slots": {}, "events": [], "paused": False,
                          "latest_message": {}})  # fmt: skip

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = json.loads(self.rfile.read(length) or b"{}")
        if self.path.startswith("/webhooks/rest/webhook"):
            self._answer([{"recipient_id": request.get("sender"), "text": REPLY}])
        else:
            self._answer({})


def stub_rasa(port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), _StubRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- what the fakes received -----------------------------------------------------------------


@dataclass
class Request:
    seq: int
    at: float
    provider: str
    sender: str
    recipient: str
    outcome: str
    message_id: str | None
    retry_after: float | None
    text: str


class FakeLog:
    """Polls /_fake/requests?since= in a thread; keeps every message send it saw."""

    def __init__(self, url: str) -> None:
        self._url = f"{url}/_fake/requests"
        self._since = 0
        self.requests: list[Request] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, daemon=True)  # stopped in stop()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.poll()

    def _follow(self) -> None:
        while not self._stop.wait(0.5):
            self.poll()

    def poll(self) -> None:
        entries = httpx.get(self._url, params={"since": self._since}, timeout=30).json()
        for entry in entries:
            self._since = max(self._since, int(entry["seq"]))
            request = _read(entry)
            if request is not None:
                self.requests.append(request)


def _read(entry: dict[str, Any]) -> Request | None:
    provider, body, response = entry["provider"], entry["body"] or {}, entry["response"] or {}
    at = datetime.fromisoformat(entry["timestamp"]).timestamp()
    retry_after: float | None = None
    if provider == "telegram":
        if not entry["endpoint"].startswith("send") or entry["endpoint"] == "sendChatAction":
            return None
        sender = entry["path"].split("/")[1].removeprefix("bot").partition(":")[0]
        recipient = str(body.get("chat_id", ""))
        result = response.get("result") if isinstance(response, dict) else None
        first = result[0] if isinstance(result, list) and result else result
        message_id = (f"{first['chat']['id']}:{first['message_id']}"
                      if isinstance(first, dict) and "message_id" in first else None)  # fmt: skip
        params = response.get("parameters") if isinstance(response, dict) else None
        retry_after = (params or {}).get("retry_after")
        said = str(body.get("text") or body.get("caption") or "")
    elif provider == "whatsapp":
        if body.get("status") == "read" or ("to" not in body and "recipient" not in body):
            return None
        sender = entry["path"].strip("/").split("/")[1]
        recipient = str(body.get("to") or body.get("recipient"))
        messages = response.get("messages") if isinstance(response, dict) else None
        message_id = str(messages[0]["id"]) if messages else None
        said = str((body.get("text") or {}).get("body") or (body.get("interactive") or {})
                   .get("body", {}).get("text") or body.get("type"))  # fmt: skip
    else:
        sender, recipient = str(body.get("From", "")), str(body.get("To", ""))
        message_id = str(response["sid"]) if isinstance(response, dict) and "sid" in response \
            else None  # fmt: skip
        said = str(body.get("Body") or body.get("ContentSid") or "")
    return Request(int(entry["seq"]), at, provider, sender, recipient, entry["outcome"],
                   message_id, retry_after, said)  # fmt: skip


# --- the load --------------------------------------------------------------------------------


@dataclass
class Bid:
    auction_id: int
    started: float
    outbid_alert: int | None  # the outbox row this bid wrote for the bidder it outbid


@dataclass
class Load:
    bids: dict[str, list[Bid]] = field(default_factory=lambda: {"quiet": [], "fanout": []})
    reminders_due: dict[tuple[int, int], float] = field(default_factory=dict)  # (lot, min): at
    inbound: list[tuple[str, float]] = field(default_factory=list)  # (chat, queued at)
    trickle: list[int] = field(default_factory=list)
    warmup: list[int] = field(default_factory=list)
    fanout: list[int] = field(default_factory=list)
    fanout_written: float = 0.0
    injected: int = 0


def place_bids(sessions: sessionmaker[Session], lots: list[tuple[int, Person, Person]],
               count: int, rate: float, load: Load, phase: str) -> None:  # fmt: skip
    """`count` bids that each outbid the lot's other bidder (the first bid on a lot outbids
    nobody and is not counted), `rate` a second across the lots, round robin."""
    shown = {auction: 1_000_00 for auction, _, _ in lots}
    turn = dict.fromkeys(shown, 0)
    placed, tick = 0, 1.0 / rate
    next_at = time.time()
    while placed < count:
        for auction, first, second in lots:
            if placed >= count:
                break
            time.sleep(max(next_at - time.time(), 0))
            next_at += tick
            bidder = (first, second)[turn[auction] % 2]
            started = time.time()
            with transaction(sessions) as db_session:
                result = auction_service.place_bid(
                    db_session=db_session, auction_id=auction, buyer_id=bidder.buyer_id,
                    amount_cents=shown[auction] + 50_00,
                )  # fmt: skip
                shown[auction] = result.decision.state.minimum_next_bid_cents
            turn[auction] += 1
            if turn[auction] == 1:
                continue  # nobody outbid yet
            other = second if bidder is first else first
            with sessions() as db_session:
                alert = db_session.scalar(
                    select(func.max(OutboxMessage.id)).where(
                        OutboxMessage.kind == "auction.outbid",
                        OutboxMessage.subject_id == auction,
                        OutboxMessage.buyer_id == other.buyer_id))  # fmt: skip
            load.bids[phase].append(Bid(auction, started, alert))
            placed += 1


def trickle(sessions: sessionmaker[Session], seeded: Seeded, rates: dict[str, float],
            share: float, seconds: float, load: Load) -> None:  # fmt: skip
    """search.match alerts written one by one at `share` of each channel's limit."""
    by_channel = {c: [p for p in seeded.fanout if p.channel == c] for c in CHANNELS}
    schedule = sorted((n / (rates[c] * share), c) for c in CHANNELS
                      for n in range(int(rates[c] * share * seconds)))  # fmt: skip
    start, counts = time.time(), Counter[str]()
    for offset, channel in schedule:
        people = by_channel[channel]
        if not people:
            continue
        time.sleep(max(start + offset - time.time(), 0))
        person = people[counts[channel] % len(people)]
        counts[channel] += 1
        entry = match_entry(person, seeded.vehicle_id, "trickle")
        with transaction(sessions) as db_session:
            outbox.add(db_session, "saved_search", 1, [entry])
        with sessions() as db_session:
            found = db_session.scalar(
                select(OutboxMessage.id).where(OutboxMessage.key == entry.key)
            )
        assert found is not None
        load.trickle.append(found)


def warm_up(sessions: sessionmaker[Session], seeded: Seeded, load: Load) -> None:
    """One alert per channel, waited for: every process is up and has sent once."""
    people = [next(p for p in seeded.fanout if p.channel == c) for c in CHANNELS]
    entries = [match_entry(person, seeded.vehicle_id, "warmup") for person in people]
    with transaction(sessions) as db_session:
        outbox.add(db_session, "saved_search", 1, entries)
    with sessions() as db_session:
        load.warmup = list(db_session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.key.in_([entry.key for entry in entries]))))  # fmt: skip
    wait_for(sessions, load.warmup, 120)


def write_fanout(sessions: sessionmaker[Session], seeded: Seeded, load: Load) -> None:
    entries = [match_entry(person, seeded.vehicle_id, "fanout") for person in seeded.fanout]
    with transaction(sessions) as db_session:
        outbox.add(db_session, "saved_search", 1, entries)
    load.fanout_written = time.time()
    with sessions() as db_session:
        keys = [entry.key for entry in entries]
        for start in range(0, len(keys), 500):
            load.fanout.extend(
                db_session.scalars(
                    select(OutboxMessage.id).where(OutboxMessage.key.in_(keys[start : start + 500]))
                )
            )


def schedule_endings(sessions: sessionmaker[Session], seeded: Seeded, load: Load,
                     spread: float) -> None:  # fmt: skip
    """Move the reminder lots' ends so that their 60- or 10-minute reminder falls due at even
    steps over the next `spread` seconds (a 10-minute lot also gets its 60-minute reminder at
    once: it is already within the hour)."""
    now = time.time()
    with transaction(sessions) as db_session:
        for number, (auction_id, minutes) in enumerate(seeded.ending):
            due = now + spread * (number + 1) / len(seeded.ending)
            ends = datetime.fromtimestamp(due, UTC) + timedelta(minutes=minutes)
            db_session.execute(update(Auction).where(Auction.id == auction_id).values(
                ends_at=ends, current_ends_at=ends))  # fmt: skip
            load.reminders_due[(auction_id, minutes)] = due


def wait_for_reminders(sessions: sessionmaker[Session], load: Load, timeout: float) -> None:
    """Until every reminder measured is written and none of them is pending."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        with sessions() as db_session:
            rows = db_session.scalars(select(OutboxMessage).where(
                OutboxMessage.kind == "auction.ending_soon")).all()  # fmt: skip
        measured = [
            row
            for row in rows
            if (row.subject_id, row.payload.get("window_minutes")) in load.reminders_due
        ]
        if len(measured) >= len(load.reminders_due) and all(
                row.status.value != "pending" for row in rows):  # fmt: skip
            return
        time.sleep(0.5)


def feed_inbound(redis_url: str, chatters: list[Person], count: int, seconds: float,
                 load: Load) -> None:  # fmt: skip
    """Buyers' messages queued as the webhook queues them, spread over `seconds`."""
    from bots.queue import InboundQueue
    from infra.redis import RedisSettings, connect_async_redis

    async def main() -> None:
        redis = connect_async_redis(RedisSettings(_env_file=None, redis_url=redis_url))  # type: ignore[call-arg]
        queue = InboundQueue(redis)
        start = time.time()
        for number in range(count):
            await asyncio.sleep(max(start + number * seconds / max(count, 1) - time.time(), 0))
            person = chatters[number % len(chatters)]
            user = person.address
            if person.channel == "whatsapp":
                user = "+" + person.address
            elif person.channel == "twilio":
                user = person.address.removeprefix("whatsapp:")
            message = InboundMessage(
                channel=Channel(person.channel), message_id=f"bench-{uuid.uuid4().hex}",
                user_id=user, chat_id=person.address, kind=InboundKind.TEXT,
                text=f"any news on my car? #{number}",
            )  # fmt: skip
            load.inbound.append((person.address, time.time()))
            await queue.accept(message)
        await redis.aclose()

    asyncio.run(main())


def inject_429s(fakes_url: str, every: float, stop: threading.Event, load: Load) -> None:
    while not stop.wait(every):
        for provider in CHANNELS:
            if stop.is_set():
                return
            with contextlib.suppress(httpx.HTTPError):  # the fakes stopped: the run is over
                failure = {"provider": provider, "status": 429, "count": 2,
                           "retry_after": INJECTED_RETRY_AFTER}  # fmt: skip
                httpx.post(f"{fakes_url}/_fake/failures", json=failure, timeout=10)
            load.injected += 2


def replied(log: FakeLog, load: Load, *, timeout: float) -> None:
    """Until every queued buyer message has a reply at the fakes (or `timeout`)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        answered: dict[str, list[float]] = defaultdict(list)
        for request in list(log.requests):
            if request.outcome == "delivered":
                answered[request.recipient].append(request.at)
        if all(any(at >= queued for at in answered[chat]) for chat, queued in load.inbound):
            return
        time.sleep(0.5)


def wait_for(sessions: sessionmaker[Session], ids: list[int], timeout: float) -> float:
    """Until none of `ids` is pending; returns when (time.time())."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        with sessions() as db_session:
            pending = 0
            for start in range(0, len(ids), 900):
                pending += db_session.scalar(select(func.count()).select_from(OutboxMessage)
                    .where(OutboxMessage.id.in_(ids[start:start + 900]),
                           OutboxMessage.status == "pending")) or 0  # fmt: skip
        if not pending:
            return time.time()
        time.sleep(0.5)
    return time.time()


# --- the run ---------------------------------------------------------------------------------


def fresh_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def fresh_redis(url: str) -> None:
    redis = Redis.from_url(url)
    if redis.dbsize() and not redis.exists(MARKER):
        raise SystemExit(f"{url} holds keys that are not this benchmark's: pick another "
                         "database with --redis-url")  # fmt: skip
    redis.flushdb()
    redis.set(MARKER, "1")
    redis.close()


def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(args.workdir) if args.workdir else fresh_dir("alert-bench")
    workdir.mkdir(parents=True, exist_ok=True)
    url = url.replace("{workdir}", str(workdir))
    fresh_database(url)
    fresh_redis(args.redis_url)
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    started = time.time()
    seeded = seed(sessions, args)
    seeding = time.time() - started
    rates = {"telegram": args.telegram_rate, "whatsapp": args.whatsapp_rate,
             "twilio": args.twilio_rate}  # fmt: skip
    fakes_port, rasa_port = free_port(), free_port()
    fakes_url = f"http://127.0.0.1:{fakes_port}"
    env = {
        "DATABASE_URL": url, "REDIS_URL": args.redis_url,
        "TELEGRAM_API_BASE_URL": fakes_url, "WHATSAPP_API_BASE_URL": fakes_url,
        "TWILIO_API_BASE_URL": fakes_url,
        "TELEGRAM_MESSAGES_PER_SECOND": str(args.telegram_rate),
        "WHATSAPP_MESSAGES_PER_SECOND": str(args.whatsapp_rate),
        "TWILIO_MESSAGES_PER_SECOND": str(args.twilio_rate),
        "WHATSAPP_MESSAGING_TIER": "100000",
        "ALERTS_QUIET_START_HOUR": "0", "ALERTS_QUIET_END_HOUR": "0",
        "ALERTS_TWILIO_CONTENT_SIDS": json.dumps(
            {kind: {"en": TWILIO_SID} for kind in ("search.match", "auction.outbid")}),
        "RASA_URL": f"http://127.0.0.1:{rasa_port}", "RASA_AUTH_TOKEN": RASA_TOKEN,
        "WORKER_METRICS_PORT": "0", "LOG_LEVEL": "WARNING",
    }  # fmt: skip
    env |= dict(setting.split("=", 1) for setting in args.env or [])
    load = Load()
    log = FakeLog(fakes_url)
    rasa = stub_rasa(rasa_port)
    with Children(workdir) as children:
        children.start("fakes", [*NZILA, "fake-providers", "--port", str(fakes_port)], env=env,
                       ready_url=f"{fakes_url}/_fake/healthz")  # fmt: skip
        for name in ("A", "B"):
            command = [*NZILA, "alerts", "run", "--worker-id", name, "--metrics-port", "0"]
            children.start(f"alerts-{name}", command, env=env, ready_url=None)
        for name in ("C1", "C2"):
            children.start(f"worker-{name}", [*NZILA, "worker", "--consumer", name], env=env,
                           ready_url=None)  # fmt: skip
        children.start("scheduler", [*NZILA, "scheduler", "--interval", "1"], env=env,
                       ready_url=None)  # fmt: skip
        log.start()
        warm_up(sessions, seeded, load)
        cpu_before, wall_before = children.cpu(), time.time()
        # Phase 1: quiet. Bids and a trickle of alerts under the limits.
        quiet_start = time.time()
        quiet_seconds = args.bids / args.bid_rate
        bidding = threading.Thread(target=place_bids, args=(
            sessions, seeded.lots["quiet"], args.bids, args.bid_rate, load, "quiet"))  # fmt: skip
        bidding.start()
        trickle(sessions, seeded, rates, args.trickle, quiet_seconds, load)
        bidding.join()
        quiet_ids = load.trickle + [b.outbid_alert for b in load.bids["quiet"] if b.outbid_alert]
        quiet_end = wait_for(sessions, quiet_ids, 60)
        time.sleep(1.0)
        # Phase 2: the fan-out, bids, buyers' messages, 429s.
        stop_injecting = threading.Event()
        fanout_start = time.time()
        write_fanout(sessions, seeded, load)
        slowest = max(len(seeded.fanout) / 3 / min(rates.values()), 5.0)
        if seeded.ending:
            schedule_endings(sessions, seeded, load, min(slowest, 60.0))
        threads = [
            threading.Thread(target=place_bids, args=(sessions, seeded.lots["fanout"],
                             args.bids, args.bid_rate, load, "fanout")),
            threading.Thread(target=feed_inbound, args=(args.redis_url, seeded.chatters,
                             args.inbound, min(slowest, 60.0), load)),
            threading.Thread(target=inject_429s, args=(fakes_url, args.inject_every,
                                                       stop_injecting, load)),
        ]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads[:2]:
            thread.join()
        fanout_ids = load.fanout + [b.outbid_alert for b in load.bids["fanout"] if b.outbid_alert]
        fanout_end = wait_for(sessions, fanout_ids, args.timeout)
        wait_for_reminders(sessions, load, 120.0)
        stop_injecting.set()
        threads[2].join()
        replied(log, load, timeout=30.0)  # replies still being sent
        used = {name: seconds - cpu_before.get(name, 0.0)
                for name, seconds in children.cpu().items()}  # fmt: skip
        wall = time.time() - wall_before
        log.stop()
    with (workdir / "requests.jsonl").open("w") as dump:  # for a closer look afterwards
        for request in log.requests:
            dump.write(json.dumps(request.__dict__) + "\n")
    rasa.shutdown()
    rasa.server_close()
    result = analyse(sessions, seeded, load, log.requests, rates,
                     windows={"quiet": (quiet_start, quiet_end),
                              "fanout": (fanout_start, fanout_end)})  # fmt: skip
    result |= {"backend": make_url(url).get_backend_name(), "seeding": seeding,
               "cpu": cpu_line(used, wall)}  # fmt: skip
    engine.dispose()
    return result


# --- the numbers -----------------------------------------------------------------------------


def _covered(spans: list[tuple[float, float]]) -> float:
    """Seconds covered by the union of `spans`."""
    total, reach = 0.0, float("-inf")
    for begins, end in sorted(spans):
        start = max(begins, reach)
        if end > start:
            total += end - start
            reach = end
    return total


def max_window(times: list[float], width: float = 1.0) -> int:
    """The most of `times` in any window of `width` seconds."""
    ordered, best, low = sorted(times), 0, 0
    for high, at in enumerate(ordered):
        while ordered[low] <= at - width:
            low += 1
        best = max(best, high - low + 1)
    return best


def analyse(sessions: sessionmaker[Session], seeded: Seeded, load: Load,
            requests: list[Request], rates: dict[str, float],
            windows: dict[str, tuple[float, float]]) -> dict[str, Any]:  # fmt: skip
    delivered = [r for r in requests if r.outcome == "delivered"]
    by_id: dict[tuple[str, str | None], Request] = {
        (r.provider, r.message_id): r for r in delivered if r.message_id
    }
    # Each alert's parts, as recorded, with the provider's message id of each.
    parts: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    alert_ids = (
        set(load.fanout)
        | set(load.trickle)
        | set(load.warmup)
        | {b.outbid_alert for bids in load.bids.values() for b in bids if b.outbid_alert}
    )
    with sessions() as db_session:
        rows = db_session.execute(select(ChatMessage.outbox_id, ChatMessage.channel,
                                         ChatMessage.provider_message_id)
                                  .where(ChatMessage.outbox_id.is_not(None))).all()  # fmt: skip
        alerts = {row.id: row for row in db_session.scalars(select(OutboxMessage))}
    # Every reminder about the reminder lots is checked for loss and duplicates; those of the
    # window each lot was set up for are timed (a 10-minute lot's 60-minute one goes at once).
    reminder_lots = {lot for lot, _ in load.reminders_due}
    alert_ids |= {
        i
        for i, row in alerts.items()
        if row.kind == "auction.ending_soon" and row.subject_id in reminder_lots
    }
    reminders = {
        i: row
        for i, row in alerts.items()
        if row.kind == "auction.ending_soon"
        and (row.subject_id, row.payload.get("window_minutes")) in load.reminders_due
    }
    for outbox_id, channel, provider_id in rows:
        if outbox_id is not None:
            parts[outbox_id].append((channel, provider_id))
    statuses = Counter(str(alerts[i].status.value) for i in alert_ids if i in alerts)
    other = Counter(f"{row.kind} {row.status.value}" for i, row in alerts.items()
                    if i not in alert_ids)  # fmt: skip
    first_seen: dict[int, float] = {}
    lost = []
    for alert_id in alert_ids:
        seen = [by_id.get((channel, pid)) for channel, pid in parts.get(alert_id, [])]
        if not seen or any(r is None for r in seen):
            lost.append(alert_id)
            continue
        first_seen[alert_id] = min(r.at for r in seen if r is not None)
    # Duplicates: per recipient, delivered messages beyond the parts recorded for them.
    expected: Counter[str] = Counter()
    alert_recipients: set[str] = set()
    for alert_id in alert_ids:
        for channel, pid in parts.get(alert_id, []):
            request = by_id.get((channel, pid))
            if request is not None:
                alert_recipients.add(request.recipient)
        expected_here = len(parts.get(alert_id, []))
        row = alerts.get(alert_id)
        if row is not None:
            recipient = next((by_id[(c, p)].recipient for c, p in parts.get(alert_id, [])
                              if (c, p) in by_id), None)  # fmt: skip
            if recipient:
                expected[recipient] += expected_here
    received = Counter(r.recipient for r in delivered if r.recipient in alert_recipients)
    duplicated = sum(max(received[who] - expected[who], 0) for who in received)
    repeated_ids = sum(n - 1 for n in Counter((r.provider, r.message_id) for r in delivered
                                               if r.message_id).values() if n > 1)  # fmt: skip
    # Rates per channel and sending number, during the fan-out's delivery.
    start, end = windows["fanout"]
    rate_rows = []
    senders = sorted({(r.provider, r.sender) for r in delivered})
    for provider, sender in senders:
        times = [r.at for r in delivered if (r.provider, r.sender) == (provider, sender)]
        busy = [at for at in times if start <= at <= end]
        overall = (len(busy) - 1) / (max(busy) - min(busy)) if len(busy) > 1 else 0.0
        refused = [r for r in requests if (r.provider, r.sender) == (provider, sender)
                   and r.outcome == "injected_failure"]  # fmt: skip
        in_pause = 0
        pauses = []
        for failure in refused:
            pause = failure.retry_after or (INJECTED_RETRY_AFTER if provider == "twilio" else 0)
            in_pause += sum(1 for at in times if failure.at + 0.05 < at < failure.at + pause)
            if busy and pause and min(busy) <= failure.at <= max(busy):
                pauses.append((failure.at, min(failure.at + pause, max(busy))))
        paused = _covered(pauses)
        sending = (max(busy) - min(busy)) - paused if len(busy) > 1 else 0.0
        unpaused = (len(busy) - 1) / sending if sending > 0 else 0.0
        rate_rows.append({"provider": provider, "sender": sender, "limit": rates[provider],
                          "sent": len(busy), "overall": overall, "unpaused": unpaused,
                          "paused": paused, "max_1s": max_window(times),
                          "max_1s_fanout": max_window(busy), "injected": len(refused),
                          "in_pause": in_pause})  # fmt: skip

    # Event to send.
    def lags(ids: list[int]) -> list[float]:
        return [first_seen[i] - alerts[i].created_at.timestamp() for i in ids if i in first_seen]

    quiet_ids = load.trickle + [b.outbid_alert for b in load.bids["quiet"] if b.outbid_alert]
    fan_ids = load.fanout
    outbid = {
        phase: [
            first_seen[b.outbid_alert] - b.started for b in bids if b.outbid_alert in first_seen
        ]
        for phase, bids in load.bids.items()
    }
    outbid_missing = {phase: sum(1 for b in bids if b.outbid_alert not in first_seen)
                      for phase, bids in load.bids.items()}  # fmt: skip
    chat_addresses = {p.address for p in seeded.chatters}
    replies = sorted(r.at for r in delivered if r.recipient in chat_addresses)
    reply_lags = []
    for address, queued in load.inbound:
        later = [r.at for r in delivered if r.recipient == address and r.at >= queued]
        if later:
            reply_lags.append(min(later) - queued)
    reminder_lags: dict[int, list[float]] = {60: [], 10: []}
    for alert_id, row in reminders.items():
        window = int(row.payload["window_minutes"])
        if alert_id in first_seen:
            due = load.reminders_due[(row.subject_id, window)]
            reminder_lags[window].append(first_seen[alert_id] - due)
    reminders_missing = len(load.reminders_due) - sum(len(v) for v in reminder_lags.values())
    by_channel = Counter(alerts[i].channel or "-" for i in load.fanout if i in alerts)
    templates = sum(1 for i in load.fanout if i in alerts and alerts[i].template)
    return {
        "alerts": len(load.fanout),
        "trickle": len(load.trickle),
        "statuses": statuses,
        "other_rows": other,
        "lost": len(lost),
        "lost_ids": sorted(lost)[:10],
        "duplicated": duplicated,
        "repeated_ids": repeated_ids,
        "rates": rate_rows,
        "quiet_lag": lags(quiet_ids),
        "trickle_lag": lags(load.trickle),
        "fanout_lag": lags(fan_ids),
        "outbid": outbid,
        "outbid_missing": outbid_missing,
        "reminder_lags": reminder_lags,
        "reminders_missing": reminders_missing,
        "fanout_seconds": end - start,
        "quiet_seconds": windows["quiet"][1] - windows["quiet"][0],
        "inbound": len(load.inbound),
        "replies": len(replies),
        "reply_lags": reply_lags,
        "injected": load.injected,
        "by_channel": by_channel,
        "templates": templates,
    }


def _pcts(values: list[float]) -> str:
    if not values:
        return "none"
    return (
        f"p50 {percentile(values, 50):.2f} s, p95 {percentile(values, 95):.2f} s, "
        f"p99 {percentile(values, 99):.2f} s, max {max(values):.2f} s (n={len(values)})"
    )


def report(result: dict[str, Any], args: argparse.Namespace) -> str:
    rows = ["| channel | sending number | limit /s | sent in fan-out | overall /s | of limit | "
            "paused by 429s | /s outside the pauses | of limit | busiest 1 s (whole run) | "
            "429s injected | sent during a 429's pause |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    rate_ok = raw_ok = True
    for row in result["rates"]:
        share, unpaused = row["overall"] / row["limit"], row["unpaused"] / row["limit"]
        rate_ok &= unpaused >= 0.9 and row["max_1s"] <= row["limit"]
        raw_ok &= share >= 0.9
        rows.append(f"| {row['provider']} | {row['sender']} | {row['limit']:g} | {row['sent']} | "
                    f"{row['overall']:.1f} | {share:.0%} | {row['paused']:.1f} s | "
                    f"{row['unpaused']:.1f} | {unpaused:.0%} | {row['max_1s']} | "
                    f"{row['injected']} | {row['in_pause']} |")  # fmt: skip
    outbid_q = percentile(result["outbid"]["quiet"], 95)
    outbid_f = percentile(result["outbid"]["fanout"], 95)
    lost_ok = result["lost"] == 0 and set(result["statuses"]) <= {"sent", "delivered", "read"}
    dup_ok = result["duplicated"] == 0 and result["repeated_ids"] == 0

    def held(ok: bool) -> str:
        return "holds" if ok else "**misses**"

    lines = [
        f"**{result['backend']}**: {result['alerts']:,} search.match alerts to "
        f"{result['alerts']:,} "
        f"buyers ({dict(result['by_channel'])}; {result['templates']} as templates, outside the "
        f"window), delivered in {result['fanout_seconds']:.1f} s after they were written; "
        f"{result['injected']} 429s injected; seeding {result['seeding']:.1f} s.",
        "",
        *rows,
        "",
        f"- rates: {held(rate_ok)} (outside the pauses the 429s asked for, >= 90% of the limit, "
        f"and no 1 s window above it); counting the pauses, {held(raw_ok)} (>= 90% overall)",
        f"- lost: {result['lost']} ({held(lost_ok)}); final statuses of the alerts measured: "
        f"{dict(result['statuses'])}; other outbox rows: {dict(result['other_rows']) or 'none'}",
        f"- duplicated: {result['duplicated']} messages beyond the parts recorded per recipient, "
        f"{result['repeated_ids']} provider ids seen twice ({held(dup_ok)})",
        f"- event to send under the limits (quiet phase: {result['trickle']} trickled alerts at "
        f"{args.trickle:.0%} of each limit, plus the outbid alerts): {_pcts(result['quiet_lag'])}",
        f"- event to send in the fan-out (queued behind the limits): {_pcts(result['fanout_lag'])}",
        f"- outbid, bid to the provider, without the fan-out: {_pcts(result['outbid']['quiet'])} "
        f"({held(outbid_q <= 5.0)} p95 <= 5 s; {result['outbid_missing']['quiet']} not received)",
        f"- outbid, bid to the provider, during the fan-out: {_pcts(result['outbid']['fanout'])} "
        f"({held(outbid_f <= 5.0)} p95 <= 5 s; {result['outbid_missing']['fanout']} not received)",
        *(
            f"- ending soon, {window} min before the end, due to the provider during the fan-out: "
            f"{_pcts(lags)} ({held(bool(lags) and max(lags) <= 30.0)} all within 30 s)"
            for window, lags in result["reminder_lags"].items()
            if args.ending
        ),
        *(
            [f"- ending-soon reminders never received: {result['reminders_missing']}"]
            if args.ending
            else []
        ),
        f"- conversation workers: {result['inbound']} buyer messages queued during the fan-out, "
        f"{result['replies']} replies delivered; first reply {_pcts(result['reply_lags'])}",
        f"- {result['cpu']}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Run, print, append to bench/RESULTS.md unless --no-write; the results, per database."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", action="append",
                        help="default: a fresh SQLite file under var/alert-bench")  # fmt: skip
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--alerts", type=int, default=5_000)
    parser.add_argument("--bids", type=int, default=200, help="outbidding bids per phase")
    parser.add_argument("--bids-per-lot", type=int, default=10)
    parser.add_argument("--bid-rate", type=float, default=5.0, help="bids a second")
    parser.add_argument("--chatters", type=int, default=60)
    parser.add_argument("--ending", type=int, default=40, help="lots with a reminder due")
    parser.add_argument("--inbound", type=int, default=300, help="buyer messages, fan-out")
    parser.add_argument("--outside-window", type=float, default=0.1)
    parser.add_argument("--trickle", type=float, default=0.4, help="share of each limit")
    parser.add_argument("--inject-every", type=float, default=5.0)
    parser.add_argument("--telegram-rate", type=float, default=30.0)
    parser.add_argument("--whatsapp-rate", type=float, default=80.0)
    parser.add_argument("--twilio-rate", type=float, default=80.0)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--env", action="append", metavar="NAME=VALUE",
                        help="a setting for every process, e.g. ALERTS_BATCH_SIZE=100")  # fmt: skip
    parser.add_argument("--workdir", help="default: var/alert-bench, emptied")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    urls = args.database_url or ["sqlite:///{workdir}/catalog.sqlite3"]
    sections, results = [], []
    for url in urls:
        results.append(run(url, args))
        sections.append(report(results[-1], args))
        print(sections[-1], "\n", flush=True)
    if args.no_write:
        return results
    listed = ("database_url", "env")
    shown = [f"--{name.replace('_', '-')} {value:g}" if isinstance(value, float)
             else f"--{name.replace('_', '-')} {value}"
             for name, value in vars(args).items()
             if value != parser.get_default(name) and name not in listed]  # fmt: skip
    shown += [f"--database-url {url}" for url in args.database_url or []]
    shown += [f"--env {setting}" for setting in args.env or []]
    command = " ".join([".venv/bin/python -m devtools.bench.alert_bench", *shown])
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    model = next((line.split(":", 1)[1].strip() for line in cpu.splitlines()
                  if line.startswith("Model name")), platform.machine())  # fmt: skip
    append_results(f"Alert delivery: a fan-out of {args.alerts:,} ({model}, nproc "
                   f"{os.cpu_count()})", command, "\n\n".join(sections), load)  # fmt: skip
    return results


if __name__ == "__main__":
    main()
