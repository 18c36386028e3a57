"""The alert worker: drains the outbox and delivers each alert to its recipient, once.

A pass claims a batch of due alerts (urgent kinds first; `catalog.outbox.service.claim`: SKIP
LOCKED on PostgreSQL, the single writer on SQLite) and commits the claim; then each alert is
planned (who, which channel, free text or template, now or later) and sent through the
`Notifier`, alerts of one recipient in order, different recipients at once. Every outcome is
written back: sent, held until a time (quiet hours, the messaging tier, a marketing limit),
retried later with exponential backoff and jitter, sent another way (its template when the
24-hour window closed, the buyer's other channel when a number is unreachable), skipped with
the reason (STOP, a muted kind, no channel), or dead-lettered after the last try
(`nzila alerts dead-letter`, `--replay`).

A worker killed mid-batch loses nothing: its claims run out (the lease) and another worker
takes the alerts; the parts the provider accepted are recorded and are not sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy.orm import Session, sessionmaker

from catalog.database import transaction, utcnow
from catalog.leads import service as lead_service
from catalog.leads.scoring import LeadAction
from catalog.outbox import service as outbox
from catalog.outbox.models import AlertStatus, OutboxMessage
from catalog.preferences import service as preferences
from chat.messages import Channel
from chat.timezones import is_north_american
from notifications import metrics
from notifications.config import AlertSettings
from notifications.kinds import URGENT_KINDS, Category, Kind, kind_of
from notifications.notifier import Delivery, Notifier, NotSent, Template
from notifications.routing import Audience, Route, Unreachable, audience, quiet_until
from notifications.tiers import MessagingTier

logger = logging.getLogger(__name__)

# The providers' codes this service answers in its own way (Meta's Cloud API, then Twilio's).
WINDOW_CLOSED: Final = frozenset({"131047", "63016"})
MARKETING_LIMIT: Final = "131049"
MARKETING_STOPPED: Final = "131050"
UNDELIVERABLE: Final = "131026"
TEMPLATE_UNUSABLE: Final = frozenset({"132015", "132016"})
TEMPLATE_RETRY: Final = timedelta(hours=1)
# Planned alerts a worker keeps waiting for a busy channel (a fan-out's Telegram part, at 30 a
# second), so that it claims on past them for the other channels; their leases are renewed.
MAX_WAITING: Final = 5_000
MARKETING_HOLD: Final = timedelta(hours=24)
WHATSAPP_CHANNELS: Final = frozenset({Channel.WHATSAPP, Channel.TWILIO})


@dataclass(frozen=True)
class Hold:
    until: datetime
    reason: str
    code: str


@dataclass(frozen=True)
class Skip:
    reason: str
    code: str


@dataclass(frozen=True)
class Dead:
    reason: str
    code: str


@dataclass(frozen=True)
class Send:
    delivery: Delivery
    kind: Kind
    urgent_business_initiated: bool | None  # None: inside the window (no tier cost)


Plan = Hold | Skip | Dead | Send


@dataclass
class PassReport:
    claimed: int = 0
    sent: int = 0
    held: int = 0
    retried: int = 0
    rerouted: int = 0
    skipped: int = 0
    dead: int = 0


@dataclass(frozen=True)
class Claimed:
    """An alert this worker claimed: who hears it, and whether its kind is urgent."""

    id: int
    recipient: str
    urgent: bool


class AlertWorker:
    """Delivers the outbox's alerts through `notifier`; several may run at once."""

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        notifier: Notifier,
        settings: AlertSettings,
        tier: MessagingTier,
        worker_id: str,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._sessions = sessions
        self._notifier = notifier
        self._settings = settings
        self._tier = tier
        self._worker = worker_id
        self._clock = clock
        self._slots: dict[str, asyncio.Semaphore] = {}  # per channel: sends at once
        self._parked = 0  # planned alerts waiting for a slot of their channel
        self._held: set[int] = set()  # claimed and not done: their leases are renewed
        self._locks: dict[str, asyncio.Lock] = {}  # per recipient: they hear in order
        self._queued: defaultdict[str, int] = defaultdict(int)  # alerts holding or awaiting it

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set, then finish what is in flight.

        A pipeline, not batches: whenever the channels' slots are not all busy, more are
        claimed (`_room`), so an outbid written now is claimed within a poll,
        not after a batch. Each channel sends `alerts_concurrency` at once; the alerts waiting
        for a busy channel (Telegram's 30 a second, behind a fan-out) do not count, up to
        MAX_WAITING, so a slow channel never holds the others back."""
        logger.info("alert worker started", extra={"worker": self._worker})
        in_flight: set[asyncio.Task[None]] = set()
        report = PassReport()
        loop = asyncio.get_running_loop()
        renew_every = self._settings.alerts_lease_seconds / 3
        renew_at = loop.time() + renew_every
        while not stop.is_set():
            if loop.time() >= renew_at and self._held:
                renew_at = loop.time() + renew_every
                await asyncio.to_thread(self._renew, sorted(self._held))
            room = self._room(len(in_flight))
            if self._parked >= MAX_WAITING:
                room = 0
            claimed: list[Claimed] = []
            if room > 0:
                try:
                    claimed = await asyncio.to_thread(
                        self._claim, min(room, self._settings.alerts_batch_size)
                    )
                except Exception:  # a lost database connection: the next poll tries again
                    logger.exception("claiming alerts failed")
            for alert in claimed:
                task = asyncio.create_task(self._in_order(alert.recipient, alert.id, report))
                in_flight.add(task)
                task.add_done_callback(in_flight.discard)
            if not claimed or room <= 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._settings.alerts_poll_seconds)
        if in_flight:
            await asyncio.gather(*in_flight, return_exceptions=True)
        logger.info("alert worker stopped", extra={"worker": self._worker})

    def _room(self, in_flight: int) -> int:
        """How many more alerts to claim: each channel in use may fill its slots and have as
        many again being planned (a channel not seen yet counts as one), less those in hand
        that are not waiting for a slot."""
        channels = len(self._slots) + 1
        return self._settings.alerts_concurrency * (channels + 1) - (in_flight - self._parked)

    async def drain_once(self) -> PassReport:
        """One pass: claim a batch, deliver it, write every outcome back (urgent recipients
        first: near the messaging tier's cap they take the last slots)."""
        claimed = await asyncio.to_thread(self._claim, self._settings.alerts_batch_size)
        report = PassReport(claimed=len(claimed))
        urgent = {alert.recipient for alert in claimed if alert.urgent}
        for first in (True, False):
            await asyncio.gather(*(self._in_order(alert.recipient, alert.id, report)
                                   for alert in claimed
                                   if (alert.recipient in urgent) is first))  # fmt: skip
        return report

    def _renew(self, alert_ids: list[int]) -> None:
        """The leases of the alerts this worker still holds run on."""
        until = self._clock() + timedelta(seconds=self._settings.alerts_lease_seconds)
        try:
            with transaction(self._sessions) as db_session:
                outbox.extend_claims(db_session=db_session, worker=self._worker,
                                     message_ids=alert_ids, until=until,
                                     now=self._clock())  # fmt: skip
        except Exception:  # the next renewal tries again; a lost lease is safe (dedupe keys)
            logger.exception("renewing the alerts' leases failed")

    def _claim(self, limit: int) -> list[Claimed]:
        """Claim up to `limit` due alerts (urgent kinds first), in the order each recipient
        must hear them."""
        lease = timedelta(seconds=self._settings.alerts_lease_seconds)
        with transaction(self._sessions) as db_session:
            claimed = outbox.claim(db_session=db_session, worker=self._worker, limit=limit,
                                   lease=lease, now=self._clock(),
                                   first_kinds=URGENT_KINDS)  # fmt: skip
            self._held |= {m.id for m in claimed}
            return [Claimed(m.id, _recipient_key(m), m.kind in URGENT_KINDS)
                    for m in sorted(claimed, key=lambda m: m.id)]  # fmt: skip

    async def _in_order(self, recipient: str, alert_id: int, report: PassReport) -> None:
        """One alert, after the alerts of its recipient claimed before it (a lock per
        recipient; asyncio's locks are first come, first served)."""
        lock = self._locks.setdefault(recipient, asyncio.Lock())
        self._queued[recipient] += 1
        try:
            async with lock:
                try:
                    await self.deliver(alert_id, report)
                except Exception as error:  # one alert's bug never stops the others
                    logger.exception("alert delivery raised", extra={"alert_id": alert_id})
                    await asyncio.to_thread(self._retry_or_bury, alert_id,
                                            f"internal: {error!r}", "internal", report)  # fmt: skip
        finally:
            self._held.discard(alert_id)
            self._queued[recipient] -= 1
            if not self._queued[recipient]:  # nobody else waits: forget the recipient
                del self._queued[recipient], self._locks[recipient]

    async def deliver(self, alert_id: int, report: PassReport | None = None) -> Plan | None:
        """Plan one claimed alert and carry the plan out; what was done."""
        report = report or PassReport()
        now = self._clock()
        planned = await asyncio.to_thread(self._plan, alert_id, now)
        if planned is None:
            return None
        plan, kind_name = planned
        if isinstance(plan, Send):
            async with self._channel_slot(plan.delivery):
                return await self._admit_and_send(alert_id, kind_name, plan, now, report)
        await asyncio.to_thread(self._record_plan, alert_id, kind_name, plan, report)
        return plan

    @contextlib.asynccontextmanager
    async def _channel_slot(self, delivery: Delivery) -> AsyncIterator[None]:
        """One of the channel's `alerts_concurrency` slots; urgent alerts are few and need
        none, so they never queue behind a fan-out (they go ahead at the rate limiter too)."""
        if delivery.urgent:
            yield
            return
        channel = delivery.recipient.channel.value
        slots = self._slots.setdefault(
            channel, asyncio.Semaphore(self._settings.alerts_concurrency)
        )
        self._parked += 1
        try:
            await slots.acquire()
        finally:
            self._parked -= 1
        try:
            yield
        finally:
            slots.release()

    async def _admit_and_send(
        self, alert_id: int, kind_name: str, plan: Send, now: datetime, report: PassReport
    ) -> Plan:
        """The messaging tier's admission, then the send (or the hold it says)."""
        if plan.urgent_business_initiated is not None:
            admission = await self._tier.admit(
                plan.delivery.recipient.address, urgent=plan.urgent_business_initiated,
                now_ms=int(now.timestamp() * 1000),
            )  # fmt: skip
            if not admission.admitted:
                until = now + timedelta(seconds=admission.retry_in_seconds)
                held = Hold(until, "the messaging tier's 24-hour limit is reached", "tier_limit")
                await asyncio.to_thread(self._record_plan, alert_id, kind_name, held, report)
                return held
        await self._send(alert_id, kind_name, plan, report)
        return plan

    def _plan(self, alert_id: int, now: datetime) -> tuple[Plan, str] | None:
        with self._sessions() as db_session:
            message = db_session.get(OutboxMessage, alert_id)
            if message is None or message.status is not AlertStatus.PENDING:
                return None
            return plan_delivery(db_session, message, self._settings, now), message.kind

    async def _send(self, alert_id: int, kind_name: str, plan: Send, report: PassReport) -> None:
        delivery = plan.delivery
        channel = delivery.recipient.channel.value
        lags: list[float] = []

        def finish(db_session: Session) -> None:  # with the last part's "accepted": one write
            lags.append(self._mark_sent(db_session, alert_id, channel, delivery.template))

        try:
            await self._notifier.deliver(delivery, finish=finish)
        except NotSent as error:
            outcome = await asyncio.to_thread(self._failed, alert_id, error, channel,
                                              delivery.template)  # fmt: skip
            _count(report, outcome)
            metrics.ALERTS.labels(kind_name, channel, outcome).inc()
            logger.warning("alert not sent", extra={"alert_id": alert_id, "kind": kind_name,
                                                    "channel": channel, "code": error.code,
                                                    "outcome": outcome})  # fmt: skip
            return
        report.sent += 1
        metrics.ALERTS.labels(kind_name, channel, "sent").inc()
        metrics.ALERT_LAG_SECONDS.labels(kind_name, channel).observe(max(sum(lags), 0.0))

    def _failed(
        self, alert_id: int, error: NotSent, channel: str, template: Template | None
    ) -> str:
        with transaction(self._sessions) as db_session:
            return handle_failure(
                db_session, alert_id, code=error.code, detail=error.reason,
                retryable=error.retryable, settings=self._settings, now=self._clock(),
                channel=channel, template=template,
            )  # fmt: skip

    def _mark_sent(
        self, db_session: Session, alert_id: int, channel: str, template: Template | None
    ) -> float:
        """Mark it sent (in the notifier's transaction); the seconds from its writing to now."""
        now = self._clock()
        outbox.mark_sent(db_session=db_session, message_ids=[alert_id], now=now,
                         channel=channel, template=template.name if template else None)  # fmt: skip
        created = db_session.get(OutboxMessage, alert_id)
        if created is None:
            return 0.0
        _leads_of(db_session, created, now)
        return (now - created.created_at).total_seconds()

    def _record_plan(self, alert_id: int, kind_name: str, plan: Plan, report: PassReport) -> None:
        with transaction(self._sessions) as db_session:
            if isinstance(plan, Hold):
                outbox.hold(db_session=db_session, message_id=alert_id, until=plan.until,
                            reason=plan.reason, code=plan.code)  # fmt: skip
                report.held += 1
                outcome = "held"
            elif isinstance(plan, Skip):
                outbox.skip(db_session=db_session, message_id=alert_id, reason=plan.reason,
                            code=plan.code)  # fmt: skip
                report.skipped += 1
                outcome = "skipped"
            else:
                assert isinstance(plan, Dead)
                outbox.mark_failed(db_session=db_session, message_id=alert_id,
                                   error=plan.reason, give_up=True, code=plan.code)  # fmt: skip
                report.dead += 1
                outcome = "dead"
        metrics.ALERTS.labels(kind_name, "", outcome).inc()
        logger.info("alert not sent now",
                    extra={"alert_id": alert_id, "kind": kind_name, "outcome": outcome,
                           "code": plan.code})  # fmt: skip

    def _retry_or_bury(self, alert_id: int, detail: str, code: str, report: PassReport) -> None:
        try:
            with transaction(self._sessions) as db_session:
                outcome = handle_failure(db_session, alert_id, code=code, detail=detail,
                                         retryable=True, settings=self._settings,
                                         now=self._clock())  # fmt: skip
            _count(report, outcome)
        except Exception:  # the lease runs out and another pass takes it
            logger.exception("could not record an alert's failure", extra={"alert_id": alert_id})


LEADS_PER_MATCH: Final = 10  # vehicles of one saved-search alert that make leads


def _leads_of(db_session: Session, message: OutboxMessage, now: datetime) -> None:
    """A saved-search alert the buyer was sent is a lead for each vehicle's dealer (the first
    few of a large import): in a savepoint, so a failure never unsends the alert."""
    if message.kind != "search.match" or message.buyer_id is None:
        return
    for vehicle_id in list(message.payload.get("vehicle_ids") or [])[:LEADS_PER_MATCH]:
        try:
            with db_session.begin_nested():
                lead_service.record_engagement(db_session, message.buyer_id, int(vehicle_id),
                                               LeadAction.SAVED_SEARCH_MATCH, now)  # fmt: skip
        except Exception:  # the lead is a bonus; the alert is what the buyer is owed
            logger.exception("lead of a saved-search match not recorded",
                             extra={"alert_id": message.id, "vehicle_id": vehicle_id})  # fmt: skip


def _count(report: PassReport, outcome: str) -> None:
    field = {"retried": "retried", "rerouted": "rerouted", "held": "held", "skipped": "skipped",
             "dead": "dead"}.get(outcome)  # fmt: skip
    if field:
        setattr(report, field, getattr(report, field) + 1)


def _recipient_key(message: OutboxMessage) -> str:
    if message.buyer_id is not None:
        return f"buyer:{message.buyer_id}"
    if message.dealer_id is not None:
        return f"dealer:{message.dealer_id}"
    return "staff"


def plan_delivery(
    db_session: Session, message: OutboxMessage, settings: AlertSettings, now: datetime
) -> Plan:
    """What to do with one alert now: the recipient's settings, quiet hours, the window and
    its templates, marketing rules. Pure reading: nothing is written."""
    whom = _whom(db_session, message, settings, now)
    if not isinstance(whom, tuple):
        return whom
    kind, found, route = whom
    recipient = route.recipient
    rendered = kind.render(db_session, message, recipient.language)
    forced = bool((message.payload.get("_route") or {}).get("template"))
    if recipient.channel not in WHATSAPP_CHANNELS or (route.window_open(now) and not forced):
        delivery = Delivery(message.id, _route_name(message, recipient.channel, "free"),
                            recipient, rendered, key=_dedupe_key(message),
                            urgent=kind.urgent)  # fmt: skip
        return Send(delivery, kind, None)
    # Outside the window (or the window closed on us): an approved template, or nothing.
    waits = _template_refused(found, message, kind, recipient.address, now)
    if waits is not None:
        return waits
    template = template_for(kind, recipient.channel, recipient.language, settings)
    if template is None:
        return Dead(f"no {recipient.channel.value} template is configured for {kind.name} "
                    f"({recipient.language}), and the 24-hour window is closed",
                    "no_template")  # fmt: skip
    if template.name in message.payload.get("_unusable_templates", []):
        return Hold(now + TEMPLATE_RETRY, f"template {template.name} is paused or disabled",
                    "template_unusable")  # fmt: skip
    delivery = Delivery(message.id, _route_name(message, recipient.channel, "template"),
                        recipient, rendered, template, key=_dedupe_key(message),
                        urgent=kind.urgent)  # fmt: skip
    return Send(delivery, kind, kind.urgent)


def _whom(
    db_session: Session, message: OutboxMessage, settings: AlertSettings, now: datetime
) -> Plan | tuple[Kind, Audience, Route]:
    """The alert's kind, recipient and route, or why it does not go now."""
    kind = kind_of(message.kind)
    if kind is None:
        return Dead(f"no alert kind {message.kind!r} is known", "unknown_kind")
    found = audience(db_session, message, settings)
    if isinstance(found, Unreachable):
        return Skip(found.reason, found.code)
    refused = _refused(found, message, kind) or _stale(db_session, message, kind, now)
    if refused is not None:
        return refused
    route = _route(found, message)
    if route is None:
        return Dead("every channel of the buyer was tried", "no_channel_left")
    waking = kind.wakes is not None and kind.wakes(db_session, message, now)
    sleeping_until = quiet_until(found, now, settings)
    if sleeping_until is not None and not waking:
        return Hold(sleeping_until, "the recipient's quiet hours", "quiet_hours")
    return kind, found, route


def _dedupe_key(message: OutboxMessage) -> str:
    """The alert's key and when it was written: a database made again (a demo re-seeded) next to
    the same Redis never mistakes a new alert for an old one's send."""
    return f"{message.key}@{message.created_at.timestamp():.6f}"


def _route_name(message: OutboxMessage, channel: Channel, form: str) -> str:
    """ "whatsapp:template"; a replayed alert's rounds are told apart ("whatsapp:free:r1")."""
    replays = int(message.payload.get("_replays", 0))
    return f"{channel.value}:{form}" + (f":r{replays}" if replays else "")


def _refused(found: Audience, message: OutboxMessage, kind: Kind) -> Skip | None:
    """The recipient does not want this alert at all."""
    prefs = found.preferences
    if prefs is not None and message.kind in prefs.muted_kinds:
        return Skip("the buyer turned this kind of alert off", "muted")
    stopped = prefs is not None and prefs.marketing_stopped_at is not None
    if kind.category is Category.MARKETING and stopped:
        return Skip("the buyer stopped marketing messages on WhatsApp", MARKETING_STOPPED)
    return None


def _stale(db_session: Session, message: OutboxMessage, kind: Kind, now: datetime) -> Skip | None:
    if kind.stale is not None and kind.stale(db_session, message, now):
        return Skip("what it was about is over (the lot has ended)", "stale")
    return None


def _template_refused(
    found: Audience, message: OutboxMessage, kind: Kind, address: str, now: datetime
) -> Plan | None:
    """Why a marketing template may not go now: never to +1 numbers, and not while WhatsApp
    holds the buyer's marketing messages."""
    if kind.category is not Category.MARKETING:
        return None
    if is_north_american(address):
        return Skip("Meta does not deliver marketing templates to US (+1) numbers",
                    "marketing_us_number")  # fmt: skip
    held = found.preferences.marketing_held_until if found.preferences else None
    if held is not None and held > now:
        return Hold(held, "the buyer's WhatsApp marketing limit", MARKETING_LIMIT)
    return None


def _route(found: Audience, message: OutboxMessage) -> Route | None:
    """The route to use: the one a retry asked for, else the first not yet given up on."""
    asked = (message.payload.get("_route") or {}).get("channel")
    lost = set(message.payload.get("_unreachable_channels", []))
    for route in found.routes:
        if asked and route.recipient.channel.value != asked:
            continue
        if route.recipient.channel.value not in lost:
            return route
    return None


def template_for(
    kind: Kind, channel: Channel, language: str, settings: AlertSettings
) -> Template | None:
    """The approved template of `kind` in `language` on `channel`, from settings."""
    if channel is Channel.TWILIO:
        sid = settings.alerts_twilio_content_sids.get(kind.name, {}).get(language)
        return Template(sid, language, kind.category.value) if sid else None
    name = settings.alerts_templates.get(kind.name, {}).get(language)
    name = name or "nzila_" + kind.name.replace(".", "_")
    code = settings.alerts_template_languages.get(language, language)
    return Template(name, code, kind.category.value)


@dataclass(frozen=True)
class Failure:
    """A failed send, as `handle_failure` reads it."""

    message: OutboxMessage
    code: str | None
    detail: str
    channel: str | None
    template: Template | None
    settings: AlertSettings
    now: datetime


def handle_failure(
    db_session: Session, alert_id: int, *, code: str | None, detail: str, retryable: bool,
    settings: AlertSettings, now: datetime, channel: str | None = None,
    template: Template | None = None,
) -> str:  # fmt: skip
    """What a failed send means, whether the provider refused it at once or reported it failed
    later (its status callback): returns the outcome (rerouted, held, skipped, retried, dead).

    - 131047 / 63016, the 24-hour window closed: sent once more as its template.
    - 131049, the buyer's marketing limit: their marketing alerts wait 24 hours.
    - 131050, the buyer stopped marketing messages: honoured as an opt-out of marketing.
    - 131026, undeliverable: the buyer's other channel if they have one, else dead-lettered.
    - 132015 / 132016, template paused or disabled: staff are told; inside the window it goes
      as free text, outside it waits and is tried again.
    - anything retryable: exponential backoff with jitter, until the last try.
    """
    message = db_session.get(OutboxMessage, alert_id, with_for_update=True)
    if message is None:
        return "gone"
    failure = Failure(message, code, detail, channel or message.channel, template, settings, now)
    handler = _BY_CODE.get(code or "")
    outcome = handler(db_session, failure) if handler is not None else None
    if outcome is not None:
        return outcome
    if message.status is not AlertStatus.PENDING:  # reported failed after it was sent
        return "failed"
    attempts = message.attempts + 1
    if not retryable or attempts >= settings.alerts_max_attempts:
        outbox.mark_failed(db_session=db_session, message_id=alert_id, error=detail,
                           give_up=True, now=now, code=code)  # fmt: skip
        return "dead"
    delay = min(settings.alerts_retry_base_seconds * 2.0 ** (attempts - 1),
                settings.alerts_retry_max_seconds) * random.uniform(0.8, 1.2)  # fmt: skip
    outbox.mark_failed(db_session=db_session, message_id=alert_id, error=detail,
                       retry_at=now + timedelta(seconds=delay), code=code)  # fmt: skip
    return "retried"


def _window_closed(db_session: Session, failure: Failure) -> str | None:
    if failure.template is not None:  # the template itself failed: an ordinary failure
        return None
    rerouted = outbox.retry_as(db_session=db_session, message_id=failure.message.id,
                               reason=failure.detail, code=failure.code, template="yes",
                               channel=failure.channel)  # fmt: skip
    return "rerouted" if rerouted else None


def _marketing_limit(db_session: Session, failure: Failure) -> str | None:
    message = failure.message
    if message.buyer_id is None:
        return None
    until = failure.now + MARKETING_HOLD
    preferences.hold_marketing(db_session=db_session, buyer_id=message.buyer_id, until=until)
    outbox.reopen(message)
    outbox.hold(db_session=db_session, message_id=message.id, until=until,
                reason=failure.detail, code=failure.code)  # fmt: skip
    return "held"


def _marketing_stopped(db_session: Session, failure: Failure) -> str | None:
    message = failure.message
    if message.buyer_id is None:
        return None
    preferences.stop_marketing(db_session=db_session, buyer_id=message.buyer_id, now=failure.now)
    outbox.reopen(message)
    outbox.skip(db_session=db_session, message_id=message.id, reason=failure.detail,
                code=failure.code, now=failure.now)  # fmt: skip
    return "skipped"


def _undeliverable(db_session: Session, failure: Failure) -> str | None:
    message = failure.message
    if message.buyer_id is None or not failure.channel:
        return None
    lost = sorted({*message.payload.get("_unreachable_channels", []), failure.channel})
    message.payload = {**message.payload, "_unreachable_channels": lost, "_route": {}}
    found = audience(db_session, message, failure.settings)
    routes = [] if isinstance(found, Unreachable) else found.routes
    if any(route.recipient.channel.value not in lost for route in routes):
        outbox.reopen(message)
        db_session.flush()
        return "rerouted"
    outbox.bury(message, error=failure.detail, code=failure.code or UNDELIVERABLE, now=failure.now)
    db_session.flush()
    return "dead"


def _template_unusable(db_session: Session, failure: Failure) -> str | None:
    message, template = failure.message, failure.template
    if template is None:
        return None
    _tell_staff_about_template(db_session, message, template, failure.code or "", failure.now)
    unusable = sorted({*message.payload.get("_unusable_templates", []), template.name})
    message.payload = {**message.payload, "_unusable_templates": unusable}
    if not outbox.retry_as(db_session=db_session, message_id=message.id, reason=failure.detail,
                           code=failure.code, template=None, channel=failure.channel):  # fmt: skip
        return None
    # Free text: the plan sends it only inside the window, else holds it.
    message.payload = {**message.payload, "_route": {"channel": failure.channel}}
    db_session.flush()
    return "rerouted"


_BY_CODE: Final[dict[str, Callable[[Session, Failure], str | None]]] = {
    **dict.fromkeys(WINDOW_CLOSED, _window_closed),
    MARKETING_LIMIT: _marketing_limit,
    MARKETING_STOPPED: _marketing_stopped,
    UNDELIVERABLE: _undeliverable,
    **dict.fromkeys(TEMPLATE_UNUSABLE, _template_unusable),
}


def _tell_staff_about_template(
    db_session: Session, message: OutboxMessage, template: Template, code: str, now: datetime
) -> None:
    state = "paused" if code == "132015" else "disabled"
    outbox.add(db_session, "template", message.id, [outbox.Entry(
        "alerts.template_problem", f"template:{template.name}:{template.language}:{code}:"
        f"{now.date().isoformat()}", to_staff=True,
        payload={"template": template.name, "language": template.language,
                 "kind": message.kind, "code": code, "state": state},
    )])  # fmt: skip


def apply_status(
    db_session: Session, alert_id: int, status: AlertStatus, *, code: str | None,
    detail: str | None, settings: AlertSettings, now: datetime | None = None,
) -> str:  # fmt: skip
    """A provider's status callback on a message that delivers an alert (the conversation
    worker calls this): the funnel moves on, and a failure is answered like a refused send."""
    now = now or utcnow()
    message = db_session.get(OutboxMessage, alert_id)
    if message is None:
        return "gone"
    metrics.ALERT_STATUSES.labels(message.kind, message.channel or "", status.value).inc()
    if status is not AlertStatus.FAILED:
        outbox.apply_status(db_session=db_session, message_id=alert_id, status=status, now=now)
        return status.value
    if message.status is AlertStatus.PENDING:  # a failure of an earlier way: decided already
        return "ignored"
    outbox.apply_status(db_session=db_session, message_id=alert_id, status=status, now=now,
                        code=code, error=detail)  # fmt: skip
    template = Template(message.template, "", "") if message.template else None
    return handle_failure(db_session, alert_id, code=code, detail=detail or f"failed {code}",
                          retryable=False, settings=settings, now=now,
                          template=template)  # fmt: skip
