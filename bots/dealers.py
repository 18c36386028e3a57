"""Dealers in the Telegram chat: linking an account with a one-time link, and the commands a
linked dealer has. A dealer's message never reaches the buyer flow (nor Rasa).

The conversation worker asks `recognise` first, for every Telegram message: a ``/start`` with
a dealer link token (`catalog.dealers.service.is_link_token`), or any message from an account
linked to a dealer, is the dealer's; everything else goes on to the buyer's turn. `answer`
then says what the dealer gets back:

- ``/start <token>``: linked and greeted with what they can do, or told why not (the link is
  unknown, used already, expired, or the account is another dealer's);
- ``/leads``: their hot and recent leads with score and reasons, and Claim buttons;
- ``/pause``, ``/resume``: lead alerts off and on; ``/digest``: the digest now;
- buttons ``lead_claim{lead}``, ``lead_open{lead}``, ``lead_mute{vehicle}``, and the approval
  alert's ``dealer_approve`` / ``dealer_counter`` / ``dealer_reject{lot}``, decided here
  through `catalog.auctions.service` (as the dealer, by their linked account);
- anything else: a short help listing the commands.

Every read is scoped to the dealer the account is linked to: a dealer never sees, claims or
mutes another dealer's lead or vehicle (they are "not yours", whether they exist or not).
Texts are English, as every dealer text is today.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Final

from sqlalchemy.orm import Session, sessionmaker

from catalog.auctions import service as auction_service
from catalog.database import transaction, utcnow
from catalog.dealers import service as dealer_service
from catalog.dealers.models import Dealer
from catalog.errors import InvalidInput, NotFound
from catalog.leads import service as lead_service
from chat.dates import format_moment
from chat.messages import Channel, InboundKind, InboundMessage
from chat.money import format_money
from chat.payloads import PayloadError, build_payload, parse_payload
from chat.replies import Button, Reply
from notifications import lead_alerts

logger = logging.getLogger(__name__)

LEADS_SHOWN: Final = 10
CLAIM_BUTTONS: Final = 5
COMMANDS: Final = (
    "/leads – your hot and recent leads, with Claim buttons\n"
    "/digest – the leads that were not hot enough for an alert, now\n"
    "/pause – no lead alerts until /resume\n"
    "/resume – lead alerts again"
)
HELP: Final = "Nzila for dealers. Commands:\n" + COMMANDS
TEXTS: Final[Mapping[str, str]] = {
    "linked": "✅ Linked: this Telegram account is now {name} on Nzila. Hot leads on your "
    "vehicles come here at once, with the buyer's country and language and what they did; the "
    "others come in a daily digest. Buyers' names and numbers stay private: you answer through "
    "Nzila.\n\n" + COMMANDS,
    "refused": "⛔ {reason}",
    "no_leads": "No leads yet on your vehicles.",
    "leads": "Your leads, warmest first:",
    "paused": "⏸ Lead alerts paused. Leads are still recorded: /leads lists them, /resume turns "
    "alerts back on.",
    "resumed": "▶️ Lead alerts are on again.",
    "claimed": "✅ Lead #{lead} is yours ({title}). Answer the buyer through Nzila: the inbox "
    "link on the alert opens the conversation.",
    "not_your_lead": "Lead #{lead} is not one of your leads.",
    "open": "Lead #{lead} ({title}): opening it in the inbox is not available yet; Nzila staff "
    "pass your answers on meanwhile.",
    "muted": "🔕 Vehicle {vehicle} muted: no more lead alerts about it (its leads stay in /leads).",
    "not_your_vehicle": "Vehicle {vehicle} is not one of your vehicles.",
    "approved": "✅ Approved: lot {lot} is sold for {price}. The buyer is told.",
    "rejected": "Rejected: lot {lot} is not sold. The buyer is told.",
    "countered": "Counter-offer of {price} sent for lot {lot}; the buyer has until {deadline} "
    "to take it.",
    "not_your_lot": "Lot {lot} is not one of your vehicles.",
    "not_waiting": "Lot {lot} is not waiting for your decision (already decided or past the "
    "deadline).",
}
_KINDS: Final = frozenset({InboundKind.TEXT, InboundKind.BUTTON, InboundKind.START})
_DECISIONS: Final = {
    "dealer_approve": auction_service.DealerDecision.APPROVE,
    "dealer_reject": auction_service.DealerDecision.REJECT,
    "dealer_counter": auction_service.DealerDecision.COUNTER,
}
_DECIDED: Final = {
    auction_service.DealerDecision.APPROVE: "approved",
    auction_service.DealerDecision.REJECT: "rejected",
    auction_service.DealerDecision.COUNTER: "countered",
}


def may_be_a_dealers(message: InboundMessage) -> bool:
    """Cheap, without the database: only Telegram words, taps and starts can be a dealer's."""
    return message.channel is Channel.TELEGRAM and message.kind in _KINDS


def recognise(sessions: sessionmaker[Session], message: InboundMessage) -> bool:
    """Whether the message is a dealer's: a link's ``/start``, or from a linked account."""
    if not may_be_a_dealers(message):
        return False
    if message.kind is InboundKind.START and dealer_service.is_link_token(message.payload):
        return True
    user = _user_id(message)
    if user is None:
        return False
    with sessions() as db_session:
        return dealer_service.get_by_telegram_user(db_session, user) is not None


def answer(
    sessions: sessionmaker[Session], message: InboundMessage, text: str,
    now: datetime | None = None,
) -> list[Reply]:  # fmt: skip
    """The replies to a dealer's message; `text` is what it says (a tapped button's payload,
    resolved by the adapter). In one transaction."""
    now, user = now or utcnow(), _user_id(message)
    if user is None:  # pragma: no cover - recognise() said it is a dealer's
        return [Reply(text=HELP)]
    with transaction(sessions) as db_session:
        if message.kind is InboundKind.START and dealer_service.is_link_token(message.payload):
            return [_link(db_session, message, user, now)]
        dealer = dealer_service.get_by_telegram_user(db_session, user)
        if dealer is None:  # unlinked between recognise() and now
            return [Reply(text=HELP)]
        return _command(db_session, dealer, text, now)


def _link(db_session: Session, message: InboundMessage, user: int, now: datetime) -> Reply:
    chat = int(message.chat_id) if message.chat_id.lstrip("-").isdigit() else user
    try:
        with db_session.begin_nested():
            dealer = dealer_service.redeem_link(db_session, message.payload, user, chat, now)
    except dealer_service.LinkError as refused:
        logger.info("dealer link refused", extra={"reason": type(refused).__name__})
        return Reply(text=TEXTS["refused"].format(reason=refused))
    logger.info("dealer linked", extra={"dealer_id": dealer.id})
    return Reply(text=TEXTS["linked"].format(name=dealer.name))


def _command(db_session: Session, dealer: Dealer, text: str, now: datetime) -> list[Reply]:
    name, entities = _read(text)
    handler = _HANDLERS.get(name)
    if handler is not None:
        return handler(db_session, dealer, entities, now)
    decision = _DECISIONS.get(name)
    if decision is not None:
        return [_decide(db_session, dealer, decision, entities, now)]
    return [Reply(text=HELP)]


def _read(text: str) -> tuple[str, Mapping[str, str]]:
    """("leads", {}) for "/leads" or "/leads@NzilaBot"; a payload's intent and entities."""
    words = text.strip()
    if not words.startswith("/"):
        return "", {}
    if "{" not in words:
        return words[1:].split(maxsplit=1)[0].split("@")[0].lower() if len(words) > 1 else "", {}
    try:
        payload = parse_payload(words)
    except PayloadError:
        return "", {}
    return payload.intent, payload.entities


def _number(entities: Mapping[str, str], name: str) -> int | None:
    value = entities.get(name, "")
    return int(value) if value.isdigit() and len(value) <= 12 else None


Handler = Callable[[Session, Dealer, Mapping[str, str], datetime], list[Reply]]


def _help(db_session: Session, dealer: Dealer, entities: Mapping[str, str],
          now: datetime) -> list[Reply]:  # fmt: skip
    return [Reply(text=HELP)]


def _leads(db_session: Session, dealer: Dealer, entities: Mapping[str, str],
           now: datetime) -> list[Reply]:  # fmt: skip
    views = lead_service.leads_for_dealer(db_session, dealer.id, limit=LEADS_SHOWN, now=now)
    if not views:
        return [Reply(text=TEXTS["no_leads"])]
    text = TEXTS["leads"] + "\n\n" + "\n\n".join(lead_alerts.lead_lines(view) for view in views)
    claimable = [view for view in views if view.claimed_at is None][:CLAIM_BUTTONS]
    buttons = [Button(title=f"Claim #{view.id}",
                      payload=build_payload(lead_alerts.CLAIM, lead=view.id))
               for view in claimable]  # fmt: skip
    return [Reply(text=text, buttons=buttons)]


def _pause(db_session: Session, dealer: Dealer, entities: Mapping[str, str],
           now: datetime) -> list[Reply]:  # fmt: skip
    dealer_service.pause_alerts(db_session, dealer.id, now)
    return [Reply(text=TEXTS["paused"])]


def _resume(db_session: Session, dealer: Dealer, entities: Mapping[str, str],
            now: datetime) -> list[Reply]:  # fmt: skip
    dealer_service.resume_alerts(db_session, dealer.id)
    return [Reply(text=TEXTS["resumed"])]


def _digest(db_session: Session, dealer: Dealer, entities: Mapping[str, str],
            now: datetime) -> list[Reply]:  # fmt: skip
    views = lead_service.digest(db_session, dealer.id, now=now)
    return [Reply(text=lead_alerts.digest_text(views))]


Fields = Mapping[str, object]


def _on_own(
    entity: str, refused: str, act: Callable[[Session, int, int, datetime], Fields], done: str
) -> Handler:
    """A handler acting on one of the dealer's own leads or vehicles, named by `entity` in the
    button's payload: `act` returns the fields of the `done` text; someone else's (or none)
    gets the `refused` text."""

    def handle(db_session: Session, dealer: Dealer, entities: Mapping[str, str],
               now: datetime) -> list[Reply]:  # fmt: skip
        number = _number(entities, entity)
        try:
            if number is None:
                raise NotFound(f"no {entity}")
            fields = act(db_session, dealer.id, number, now)
        except NotFound:
            return [Reply(text=TEXTS[refused].format(**{entity: number or "?"}))]
        return [Reply(text=TEXTS[done].format(**fields))]

    return handle


def _claimed(db_session: Session, dealer_id: int, lead: int, now: datetime) -> Fields:
    view = lead_service.claim(db_session, dealer_id, lead, now)
    return {"lead": view.id, "title": view.vehicle_title}


def _opened(db_session: Session, dealer_id: int, lead: int, now: datetime) -> Fields:
    view = lead_service.get_for_dealer(db_session, dealer_id, lead, now)
    return {"lead": view.id, "title": view.vehicle_title}


def _muted(db_session: Session, dealer_id: int, vehicle: int, _now: datetime) -> Fields:
    lead_service.mute_vehicle(db_session, dealer_id, vehicle)
    return {"vehicle": vehicle}


_claim = _on_own("lead", "not_your_lead", _claimed, "claimed")
_open = _on_own("lead", "not_your_lead", _opened, "open")
_mute = _on_own("vehicle", "not_your_vehicle", _muted, "muted")


def _decide(
    db_session: Session, dealer: Dealer, decision: auction_service.DealerDecision,
    entities: Mapping[str, str], now: datetime,
) -> Reply:  # fmt: skip
    """The approval alert's Approve / Counter / Reject, as this dealer."""
    lot = _number(entities, "lot")
    if lot is None:
        return Reply(text=HELP)
    try:
        with db_session.begin_nested():
            auction = auction_service.decide(db_session=db_session, auction_id=lot,
                                             dealer_id=dealer.id, decision=decision,
                                             counter_cents=_number(entities, "cents"),
                                             now=now)  # fmt: skip
    except (NotFound, auction_service.NotYours):
        return Reply(text=TEXTS["not_your_lot"].format(lot=lot))
    except InvalidInput:
        return Reply(text=TEXTS["not_waiting"].format(lot=lot))
    price = auction.counter_cents or auction.current_price_cents or 0
    deadline = auction.approval_deadline_at
    return Reply(text=TEXTS[_DECIDED[decision]].format(
        lot=lot, price=format_money(price, "USD", "en"),
        deadline=format_moment(deadline) if deadline else ""))  # fmt: skip


_HANDLERS: Final[Mapping[str, Handler]] = {
    "start": _help, "help": _help, "leads": _leads, "pause": _pause, "resume": _resume,
    "digest": _digest, lead_alerts.CLAIM: _claim, lead_alerts.OPEN: _open,
    lead_alerts.MUTE: _mute,
}  # fmt: skip


def _user_id(message: InboundMessage) -> int | None:
    return int(message.user_id) if message.user_id.lstrip("-").isdigit() else None
