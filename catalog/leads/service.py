"""Leads: created or merged when a buyer engages with a vehicle, scored (`scoring.py`), and
shown only ever to the vehicle's own dealer.

Hot leads. A lead whose score reaches the hot threshold records one `lead.hot` alert in the
outbox (key ``lead.hot:<lead id>``), in the caller's transaction, for the dealer: once per lead,
ever. Later engagement updates its score and reasons (seen in `/leads`), and a claimed lead is
the dealer's already, so neither alerts again. No alert while the dealer's alerts are paused or
the vehicle is muted; the lead stays un-alerted then, so the next engagement after `/resume`
that finds it still hot alerts (a muted vehicle's leads never do).

The digest. Leads never alerted as hot (lower scores, or hot while paused), of vehicles not
muted, with activity since they were last digested: `digest` lists and marks them;
`record_digests` writes one `lead.digest` alert per dealer and day.

The alert payloads hold what the dealer's message needs and nothing that identifies the buyer:
the lead, the vehicle and its title, the buyer's country and language, the actions, the score
and the reasons.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalog.buyers.models import Buyer
from catalog.database import utcnow
from catalog.dealers.models import Dealer, DealerMutedVehicle
from catalog.errors import InvalidInput, NotFound
from catalog.leads import scoring
from catalog.leads.models import Lead
from catalog.leads.schemas import LeadView
from catalog.leads.scoring import HOT_THRESHOLD, LeadAction
from catalog.outbox import service as outbox_service
from catalog.outbox.models import OutboxMessage
from catalog.vehicles.models import Vehicle

logger = logging.getLogger(__name__)

__all__ = ["HOT_THRESHOLD", "LeadAction", "LeadView", "claim", "digest", "leads_for_dealer",
           "mute_vehicle", "record_digests", "record_engagement", "unmute_vehicle"]  # fmt: skip

HOT_KIND: Final = "lead.hot"
DIGEST_KIND: Final = "lead.digest"
SUBJECT: Final = "lead"
DAYS_KEPT: Final = 30  # distinct active days remembered per lead


def record_engagement(
    db_session: Session, buyer_id: int, vehicle_id: int, action: LeadAction | str,
    now: datetime | None = None,
) -> Lead:  # fmt: skip
    """The buyer did `action` about the vehicle: create or merge their lead, score it, and
    record the hot alert if it just became hot. In the caller's transaction.

    Raises:
        NotFound: no such vehicle. InvalidInput: an unknown action.
    """
    now = now or utcnow()
    try:
        done = LeadAction(action)
    except ValueError:
        raise InvalidInput(f"{action!r} is not a lead action") from None
    vehicle = db_session.get(Vehicle, vehicle_id)
    if vehicle is None:
        raise NotFound(f"no vehicle {vehicle_id}")
    lead = _lead(db_session, buyer_id, vehicle, now)
    counts = dict(lead.counts or {})
    counts[done.value] = int(counts.get(done.value, 0)) + 1
    days = sorted({*(lead.active_days or []), now.date().isoformat()})[-DAYS_KEPT:]
    lead.counts, lead.active_days, lead.last_activity_at = counts, days, now
    scored = scoring.score(counts, days, now, now)
    lead.score, lead.reasons = scored.score, scored.reasons
    if scored.hot and lead.hot_alerted_at is None and _may_alert(db_session, lead):
        _alert_hot(db_session, lead, vehicle, done, now)
    db_session.flush()
    return lead


def _lead(db_session: Session, buyer_id: int, vehicle: Vehicle, now: datetime) -> Lead:
    """The buyer's lead on the vehicle, locked; created if new (a racing insert is re-read)."""
    query = (
        select(Lead)
        .where(Lead.buyer_id == buyer_id, Lead.vehicle_id == vehicle.id)
        .with_for_update()
    )
    found = db_session.scalar(query)
    if found is not None:
        return found
    lead = Lead(dealer_id=vehicle.dealer_id, buyer_id=buyer_id, vehicle_id=vehicle.id, score=0,
                reasons=[], counts={}, active_days=[], first_seen_at=now,
                last_activity_at=now)  # fmt: skip
    try:
        with db_session.begin_nested():
            db_session.add(lead)
    except IntegrityError:
        return db_session.scalars(query).one()
    return lead


def _may_alert(db_session: Session, lead: Lead) -> bool:
    dealer = db_session.get_one(Dealer, lead.dealer_id)
    return dealer.alerts_paused_at is None and not _muted(db_session, lead.dealer_id,
                                                          lead.vehicle_id)  # fmt: skip


def _muted(db_session: Session, dealer_id: int, vehicle_id: int) -> bool:
    return db_session.get(DealerMutedVehicle, (dealer_id, vehicle_id)) is not None


def _alert_hot(
    db_session: Session, lead: Lead, vehicle: Vehicle, done: LeadAction, now: datetime
) -> None:
    buyer = db_session.get_one(Buyer, lead.buyer_id)
    payload: dict[str, Any] = {
        "lead_id": lead.id, "vehicle_id": vehicle.id, "vehicle_title": _title(vehicle),
        "buyer_country": buyer.country, "buyer_language": buyer.language,
        "action": done.value, "actions": dict(lead.counts), "score": lead.score,
        "reasons": list(lead.reasons),
    }  # fmt: skip
    entry = outbox_service.Entry(kind=HOT_KIND, key=f"{HOT_KIND}:{lead.id}",
                                 dealer_id=lead.dealer_id, payload=payload)  # fmt: skip
    outbox_service.add(db_session, SUBJECT, lead.id, [entry])
    lead.hot_alerted_at = now


def leads_for_dealer(
    db_session: Session, dealer_id: int, *, limit: int = 10, now: datetime | None = None
) -> list[LeadView]:
    """The dealer's own leads (never another's): the most recently active `limit`, warmest
    first, scored as of `now`."""
    now = now or utcnow()
    query = (
        select(Lead)
        .where(Lead.dealer_id == dealer_id)
        .order_by(Lead.last_activity_at.desc(), Lead.id.desc())
        .limit(limit)
    )
    views = [_view(db_session, lead, now) for lead in db_session.scalars(query)]
    return sorted(views, key=lambda view: (-view.score, -view.last_activity_at.timestamp()))


def digest(
    db_session: Session, dealer_id: int, since: datetime | None = None,
    now: datetime | None = None,
) -> list[LeadView]:  # fmt: skip
    """The dealer's leads for a digest, warmest first, marked digested: never alerted as hot,
    not of a muted vehicle, active since they were last digested (and since `since`)."""
    now = now or utcnow()
    muted = select(DealerMutedVehicle.vehicle_id).where(DealerMutedVehicle.dealer_id == dealer_id)
    query = select(Lead).where(
        Lead.dealer_id == dealer_id,
        Lead.hot_alerted_at.is_(None),
        Lead.vehicle_id.not_in(muted),
        or_(Lead.digested_at.is_(None), Lead.last_activity_at > Lead.digested_at),
    )
    if since is not None:
        query = query.where(Lead.last_activity_at > since)
    leads = list(db_session.scalars(query.order_by(Lead.id)))
    views = [_view(db_session, lead, now) for lead in leads]
    for lead in leads:
        lead.digested_at = now
    db_session.flush()
    return sorted(views, key=lambda view: (-view.score, view.id))


def record_digests(db_session: Session, now: datetime | None = None) -> int:
    """One `lead.digest` alert per linked dealer whose alerts are on and who has leads for a
    digest, once per UTC day (key ``lead.digest:<dealer>:<date>``). How many were recorded."""
    now = now or utcnow()
    recorded = 0
    dealers = select(Dealer).where(Dealer.telegram_chat_id.is_not(None),
                                   Dealer.alerts_paused_at.is_(None))  # fmt: skip
    for dealer in db_session.scalars(dealers).all():
        key = f"{DIGEST_KIND}:{dealer.id}:{now.date().isoformat()}"
        if _recorded(db_session, key):
            continue
        views = digest(db_session, dealer.id, now=now)
        if not views:
            continue
        payload = {"leads": [view.model_dump(mode="json") for view in views]}
        entry = outbox_service.Entry(kind=DIGEST_KIND, key=key, dealer_id=dealer.id,
                                     payload=payload)  # fmt: skip
        outbox_service.add(db_session, "dealer", dealer.id, [entry])
        recorded += 1
    return recorded


def _recorded(db_session: Session, key: str) -> bool:
    return db_session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None


def claim(
    db_session: Session, dealer_id: int, lead_id: int, now: datetime | None = None
) -> LeadView:
    """The dealer takes the lead (claimed once; claiming again keeps the first time).

    Raises:
        NotFound: no such lead of this dealer's (another dealer's lead is not said to exist).
    """
    now = now or utcnow()
    lead = _own(db_session, dealer_id, lead_id)
    lead.claimed_at = lead.claimed_at or now
    db_session.flush()
    return _view(db_session, lead, now)


def get_for_dealer(
    db_session: Session, dealer_id: int, lead_id: int, now: datetime | None = None
) -> LeadView:
    """One of the dealer's leads (raises NotFound for another dealer's)."""
    return _view(db_session, _own(db_session, dealer_id, lead_id), now or utcnow())


def _own(db_session: Session, dealer_id: int, lead_id: int) -> Lead:
    lead = db_session.get(Lead, lead_id)
    if lead is None or lead.dealer_id != dealer_id:
        raise NotFound(f"no lead {lead_id}")
    return lead


def mute_vehicle(db_session: Session, dealer_id: int, vehicle_id: int) -> None:
    """No more hot alerts or digest lines about this vehicle of the dealer's.

    Raises:
        NotFound: no such vehicle of this dealer's.
    """
    _own_vehicle(db_session, dealer_id, vehicle_id)
    if not _muted(db_session, dealer_id, vehicle_id):
        db_session.add(DealerMutedVehicle(dealer_id=dealer_id, vehicle_id=vehicle_id))
        db_session.flush()


def unmute_vehicle(db_session: Session, dealer_id: int, vehicle_id: int) -> None:
    _own_vehicle(db_session, dealer_id, vehicle_id)
    row = db_session.get(DealerMutedVehicle, (dealer_id, vehicle_id))
    if row is not None:
        db_session.delete(row)
        db_session.flush()


def muted_vehicles(db_session: Session, dealer_id: int) -> Sequence[int]:
    query = select(DealerMutedVehicle.vehicle_id).where(DealerMutedVehicle.dealer_id == dealer_id)
    return db_session.scalars(query.order_by(DealerMutedVehicle.vehicle_id)).all()


def _own_vehicle(db_session: Session, dealer_id: int, vehicle_id: int) -> Vehicle:
    vehicle = db_session.get(Vehicle, vehicle_id)
    if vehicle is None or vehicle.dealer_id != dealer_id:
        raise NotFound(f"no vehicle {vehicle_id} of this dealer's")
    return vehicle


def _view(db_session: Session, lead: Lead, now: datetime) -> LeadView:
    vehicle = db_session.get_one(Vehicle, lead.vehicle_id)
    buyer = db_session.get_one(Buyer, lead.buyer_id)
    scored = scoring.score(lead.counts, lead.active_days, lead.last_activity_at, now)
    return LeadView(
        id=lead.id, dealer_id=lead.dealer_id, vehicle_id=lead.vehicle_id,
        vehicle_title=_title(vehicle), buyer_country=buyer.country,
        buyer_language=buyer.language, counts=dict(lead.counts), score=scored.score,
        reasons=scored.reasons, hot=scored.hot, first_seen_at=lead.first_seen_at,
        last_activity_at=lead.last_activity_at, hot_alerted_at=lead.hot_alerted_at,
        claimed_at=lead.claimed_at,
    )  # fmt: skip


def _title(vehicle: Vehicle) -> str:
    return f"{vehicle.year} {vehicle.make} {vehicle.model}"
