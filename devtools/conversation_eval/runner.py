"""Play exchanges through the running stack as buyers on their channels, and score them.

Each exchange is a new buyer (a new Telegram id or WhatsApp number). Every step is a signed
webhook built by the chat simulator (`devtools.simulator.webhooks`): typed text is sent as text,
never as a tap. A step is over when the worker has finished the buyer's turn (the inbound
queue's per-conversation "done" number has caught up); its replies are then read from the fake
providers (`devtools.simulator.replies`) and their choices resolved to the payloads the channel
adapter remembers (a Telegram key, a Twilio number). A tap in the context taps a choice of the
bot's last message with choices (on Twilio, as a quick-reply payload).
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import redis.asyncio as aioredis
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import service as auction_service
from catalog.auctions.engine import AuctionStatus
from catalog.auctions.fees import AuctionSettings
from catalog.auctions.models import Auction, AuctionBid
from catalog.buyers.models import Buyer
from catalog.conversations.models import Conversation, HandoffRequest
from catalog.database import make_engine, make_session_factory
from catalog.vehicles.models import Vehicle as VehicleRow
from catalog.watchlist.models import SavedSearch, WatchlistEntry
from chat.messages import Channel
from devtools.bench._common import ROOT
from devtools.conversation_eval import cases
from devtools.conversation_eval.checks import (
    BuyerRecord,
    Observation,
    SeenChoice,
    SeenReply,
    Vehicle,
    Verdict,
    decide,
)
from devtools.conversation_eval.stack import EvalStack
from devtools.simulator.replies import ChoiceStyle, ReplyView, read_replies
from devtools.simulator.webhooks import build_inbound

TURN_TIMEOUT = 60.0
_LIST_PLACEHOLDER = re.compile(r"\{(model|year)_([1-9])\}")


@dataclass(frozen=True)
class Outcome:
    """One exchange played: each check with its verdict, or why it could not be played."""

    exchange: cases.Exchange
    typed: str  # what the buyer typed last, placeholders filled in
    verdicts: tuple[tuple[str, Verdict], ...] = ()
    replies: tuple[str, ...] = ()
    error: str = ""  # the context could not be played (no such choice to tap, no reply...)

    @property
    def passed(self) -> bool:
        return not self.error and all(verdict.passed for _, verdict in self.verdicts)

    @property
    def failures(self) -> list[str]:
        if self.error:
            return [self.error]
        return [f"{name}: {verdict.why}" for name, verdict in self.verdicts if not verdict.passed]


class ContextFailed(Exception):
    """A step of the context could not be played: the exchange fails, saying why."""


@dataclass
class _Buyer:
    channel: Channel
    user_id: str  # as the simulator takes it: digits (Telegram) or +E.164
    language: str
    # The choices of the turn's messages with choices: as resolved, the message, the raw payload.
    offered: list[tuple[SeenChoice, ReplyView, str]] = field(default_factory=list)
    last_list: tuple[Vehicle, ...] = ()

    @property
    def conversation(self) -> str:
        return f"{self.channel.value}:{self.user_id}"

    @property
    def digits(self) -> str:
        return self.user_id.lstrip("+")


class Runner:
    """Plays exchanges against one running stack (a few at a time)."""

    def __init__(self, stack: EvalStack, http: httpx.AsyncClient, redis: aioredis.Redis,
                 sessions: sessionmaker[Session]) -> None:  # fmt: skip
        self._stack, self._http, self._redis, self._sessions = stack, http, redis, sessions
        self._catalog = _vehicles(sessions)
        self._fallbacks = fallback_texts()
        self._lots_used = 0
        self._cursor = 0  # the fakes' highest sequence number seen so far

    async def run(self, exchanges: Sequence[cases.Exchange], concurrency: int = 3) -> list[Outcome]:
        slots = asyncio.Semaphore(concurrency)

        async def one(exchange: cases.Exchange) -> Outcome:
            async with slots:
                return await self.play(exchange)

        return list(await asyncio.gather(*(one(exchange) for exchange in exchanges)))

    async def play(self, exchange: cases.Exchange) -> Outcome:
        buyer = _new_buyer(exchange)
        values = await asyncio.to_thread(self._lot_values) if exchange.placeholders else {}
        try:
            for step in exchange.context:
                await self._step(buyer, step, values)
            listed = buyer.last_list
            final = _fill_from_list(exchange.says, listed, values)
            views = await self._step(buyer, final, values)
        except ContextFailed as error:
            return Outcome(exchange, exchange.typed, error=f"context: {error}")
        except httpx.HTTPError as error:  # the stack, not the exchange: said, and the run goes on
            return Outcome(exchange, exchange.typed, error=f"stack: {error!r}")
        seen = await self._observe(buyer, exchange, final, views, listed)
        verdicts = tuple((_name(check), decide(_filled_check(check, seen, values), seen))
                         for check in exchange.expect)  # fmt: skip
        typed = final.text if isinstance(final, cases.Typed) else exchange.typed
        return Outcome(exchange, typed, verdicts, tuple(reply.visible for reply in seen.replies))

    # --- one step ------------------------------------------------------------------------------

    async def _step(self, buyer: _Buyer, step: cases.Typed | cases.Tap | cases.Send,
                    values: dict[str, str]) -> list[ReplyView]:  # fmt: skip
        since = self._cursor  # every record after it is fetched; other buyers' are skipped
        said: dict[str, Any]
        if isinstance(step, cases.Typed):
            said = {"text": _fill(step.text, values)}
        elif isinstance(step, cases.Send):
            said = {"media": step.media}
        else:
            said = self._tap(buyer, step)
        request = build_inbound(buyer.channel, user_id=buyer.user_id, user_name="Ama Mensah",
                                settings=self._stack.channels,
                                public_base_url=self._stack.web_url,
                                language_code=_app_language(buyer.language), **said)  # fmt: skip
        response = await self._http.post(self._stack.web_url + request.path,
                                         content=request.body, headers=request.headers)  # fmt: skip
        if response.status_code != 200:
            raise ContextFailed(f"the webhook answered {response.status_code}")
        await self._turn_done(buyer)
        views = await self._replies(buyer, since)
        await self._remember(buyer, views)
        return views

    def _tap(self, buyer: _Buyer, step: cases.Tap) -> dict[str, Any]:
        offered = buyer.offered
        if not offered:
            raise ContextFailed(f"nothing to tap ({step.choice!r}): no choices were offered")
        if isinstance(step.choice, int):
            index = step.choice - 1 if step.choice > 0 else len(offered) + step.choice
            if not 0 <= index < len(offered):
                raise ContextFailed(f"no choice {step.choice} among {len(offered)}")
        else:
            intents = [choice.intent for choice, _, _ in offered]
            if step.choice not in intents:
                raise ContextFailed(f"no {step.choice!r} choice to tap (offered: {intents})")
            index = intents.index(step.choice)
        choice, view, raw = offered[index]
        payload = choice.payload if view.style is ChoiceStyle.NUMBERED else raw
        return {"button_payload": payload or choice.payload, "button_title": choice.title[:20],
                "from_list": view.style is ChoiceStyle.LIST,
                "in_reply_to": view.message_id}  # fmt: skip

    async def _turn_done(self, buyer: _Buyer) -> None:
        """Wait until the worker has finished every queued item of the buyer's conversation."""
        deadline = time.monotonic() + TURN_TIMEOUT
        while time.monotonic() < deadline:
            queued, done = await self._redis.mget(f"nzila:seq:{buyer.conversation}",
                                                  f"nzila:done:{buyer.conversation}")  # fmt: skip
            if queued is not None and int(done or 0) >= int(queued):
                return
            await asyncio.sleep(0.05)
        raise ContextFailed(f"no reply within {TURN_TIMEOUT:.0f} s")

    async def _replies(self, buyer: _Buyer, since: int) -> list[ReplyView]:
        response = await self._http.get(f"{self._stack.fakes_url}/_fake/requests",
                                        params={"provider": buyer.channel.value,
                                                "since": since})  # fmt: skip
        response.raise_for_status()
        records = response.json()
        self._cursor = max([self._cursor, *(int(record["seq"]) for record in records)])
        return read_replies(records, buyer.channel, buyer.user_id)

    async def _remember(self, buyer: _Buyer, views: list[ReplyView]) -> None:
        """Keep the choices of the turn's last message with choices, and its list of vehicles."""
        with_choices = [view for view in views if view.choices]
        if not with_choices:
            return
        buyer.offered = [(seen, view, raw.payload) for view in with_choices
                         for seen, raw in zip(await self._resolve(buyer, view), view.choices,
                                              strict=True)]  # fmt: skip
        choices = [choice for choice, _, _ in buyer.offered]
        shown = _vehicles_in(choices, self._catalog, await asyncio.to_thread(self._lots))
        if len(shown) >= 2:
            buyer.last_list = tuple(shown)

    async def _resolve(self, buyer: _Buyer, view: ReplyView) -> list[SeenChoice]:
        """The payload each choice of `view` stands for, as the channel adapter remembers it."""
        options: list[str] = []
        if view.style is ChoiceStyle.NUMBERED:
            stored = await self._redis.get(f"nzila:options:{buyer.conversation}")
            # [payload, title] pairs, as ChoiceMemory writes them
            options = [
                str(row[0])
                for row in (json.loads(stored) if stored else [])
                if isinstance(row, list) and row
            ]
        seen = []
        for number, choice in enumerate(view.choices, 1):
            payload = choice.payload
            if view.style is ChoiceStyle.NUMBERED:
                payload = options[number - 1] if number <= len(options) else ""
            elif payload and not payload.startswith("/"):
                stored = await self._redis.get(f"nzila:cb:{payload}")
                payload = (stored.decode() if isinstance(stored, bytes) else stored) or payload
            seen.append(SeenChoice(choice.title, payload, choice.description))
        return seen

    # --- what happened -------------------------------------------------------------------------

    async def _observe(
        self, buyer: _Buyer, exchange: cases.Exchange, final: Any, views: list[ReplyView],
        listed: tuple[Vehicle, ...],
    ) -> Observation:  # fmt: skip
        replies = []
        for view in views:
            choices = await self._resolve(buyer, view) if view.choices else []
            text = "\n".join(part for part in (view.header, view.text, view.footer) if part)
            replies.append(SeenReply(text, tuple(choices)))
        record = await asyncio.to_thread(self._record, buyer)
        typed = final.text if isinstance(final, cases.Typed) else exchange.typed
        return Observation(
            typed,
            tuple(replies),
            listed,
            self._catalog,
            await asyncio.to_thread(self._lots),
            record,
            self._fallbacks,
        )

    def _record(self, buyer: _Buyer) -> BuyerRecord:
        with self._sessions() as db:
            identity = (Buyer.telegram_user_id == int(buyer.digits)
                        if buyer.channel is Channel.TELEGRAM
                        else Buyer.whatsapp_number == buyer.user_id)  # fmt: skip
            found = db.scalars(select(Buyer).where(identity)).first()
            if found is None or found.erased_at is not None:
                return BuyerRecord(erased=True)

            def count(model: type[Any], *where: Any) -> int:
                return db.scalar(select(func.count()).select_from(model).where(*where)) or 0

            conversations = select(Conversation.id).where(Conversation.buyer_id == found.id)
            bids = db.execute(select(AuctionBid.auction_id, AuctionBid.amount_cents)
                              .where(AuctionBid.buyer_id == found.id)).all()  # fmt: skip
            return BuyerRecord(
                erased=False,
                alerts_on=found.consent_given_at is not None and found.opted_out_at is None,
                watches=count(WatchlistEntry, WatchlistEntry.buyer_id == found.id),
                saved_searches=count(SavedSearch, SavedSearch.buyer_id == found.id,
                                     SavedSearch.active.is_(True)),
                handoffs=count(HandoffRequest, HandoffRequest.conversation_id.in_(conversations)),
                bids=tuple((lot, amount) for lot, amount in bids),
            )  # fmt: skip

    def _lots(self) -> dict[int, int]:
        with self._sessions() as db:
            rows = db.execute(select(Auction.id, Auction.vehicle_id)).all()
        return {int(lot): int(vehicle) for lot, vehicle in rows}

    def _lot_values(self) -> dict[str, str]:
        """{lot}, {bid}, {over_limit}: a live lot (a different one each time, cheapest first)."""
        now = datetime.now(UTC)
        with self._sessions() as db:
            live = [(state.minimum_next_bid_cents, auction.id)
                    for auction in db.scalars(select(Auction))
                    if (state := auction_service.state_of(auction, now)).status
                    is AuctionStatus.LIVE]  # fmt: skip
        if not live:
            return {"lot": "0", "bid": "0", "over_limit": "0"}
        live.sort()
        minimum, lot = live[self._lots_used % len(live)]
        self._lots_used += 1
        bid = math.ceil(minimum / 100 / 100) * 100  # whole hundreds of dollars
        limit = AuctionSettings().default_limit_cents // 100
        over = math.ceil(max(limit + 2000, bid + 1000) / 1000) * 1000
        return {"lot": str(lot), "bid": str(bid), "over_limit": str(over)}


# --- helpers -------------------------------------------------------------------------------------


# Where buyers of each language have WhatsApp numbers: Nigeria, Côte d'Ivoire, Angola.
_NUMBER_PREFIX = {"en": "+23480", "pcm": "+23480", "fr": "+22507", "pt": "+2449"}


def _new_buyer(exchange: cases.Exchange) -> _Buyer:
    channel = Channel(exchange.channel)
    serial = secrets.randbelow(10**8)
    user_id = (str(800_000_000 + serial) if channel is Channel.TELEGRAM
               else f"{_NUMBER_PREFIX[exchange.language]}{serial:08d}")  # fmt: skip
    return _Buyer(channel, user_id, exchange.language)


def _app_language(language: str) -> str:
    return "en" if language == "pcm" else language


def _fill(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def _fill_from_list(step: Any, listed: tuple[Vehicle, ...], values: dict[str, str]) -> Any:
    """The last step with {model_N} / {year_N} filled from the last list (and kept in `values`
    for the checks)."""
    for kind, number in _LIST_PLACEHOLDER.findall(step.model_dump_json()):
        index = int(number) - 1
        if index >= len(listed):
            raise ContextFailed(f"{{{kind}_{number}}}: the last list has {len(listed)} vehicles")
        vehicle = listed[index]
        values[f"{kind}_{number}"] = vehicle.model if kind == "model" else str(vehicle.year)
    if isinstance(step, cases.Typed):
        return cases.Typed(text=_fill(step.text, values))
    return step


def _filled_check(check: cases.Check, seen: Observation, values: dict[str, str]) -> cases.Check:
    data = json.loads(_fill(check.model_dump_json(), values))
    return type(check).model_validate(data)


def _name(check: cases.Check) -> str:
    return check.kind


def _vehicles_in(choices: list[SeenChoice], catalog: dict[int, Vehicle],
                 lots: dict[int, int]) -> list[Vehicle]:  # fmt: skip
    shown: list[Vehicle] = []
    for choice in choices:
        vehicle_id = choice.entity("vehicle_id")
        lot = choice.entity("lot")
        number = int(vehicle_id) if vehicle_id and vehicle_id.isdigit() else (
            lots.get(int(lot)) if lot and lot.isdigit() else None)  # fmt: skip
        if number in catalog and catalog[number] not in shown:
            shown.append(catalog[number])
    return shown


def _vehicles(sessions: sessionmaker[Session]) -> dict[int, Vehicle]:
    with sessions() as db:
        rows = db.execute(select(VehicleRow.id, VehicleRow.year, VehicleRow.make,
                                 VehicleRow.model, VehicleRow.vin)).all()  # fmt: skip
    return {row.id: Vehicle(row.id, row.year, row.make, row.model, row.vin or "") for row in rows}


def fallback_texts(domain: Path = ROOT / "dialogs" / "domain" / "core.yml") -> tuple[str, ...]:
    """The bot's own "didn't understand" texts, in every language (utter_default)."""
    responses = yaml.safe_load(domain.read_text(encoding="utf-8")).get("responses", {})
    return tuple(variant["text"] for variant in responses.get("utter_default", [])
                 if isinstance(variant, dict) and variant.get("text"))  # fmt: skip


async def run_exchanges(stack: EvalStack, exchanges: Sequence[cases.Exchange],
                        concurrency: int = 3) -> list[Outcome]:  # fmt: skip
    """Play `exchanges` against `stack`; one Outcome each, in the same order."""
    engine = make_engine(stack.database_url)
    redis = aioredis.from_url(stack.redis_url)
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            runner = Runner(stack, http, redis, make_session_factory(engine))
            return await runner.run(exchanges, concurrency)
    finally:
        await redis.aclose()
        engine.dispose()
