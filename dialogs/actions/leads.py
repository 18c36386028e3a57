"""A buyer's engagement with a vehicle, recorded as a lead for its dealer (catalog/leads), by the
actions where it happens: details, photos, watch, a bid, asking for a person.

Recording a lead never breaks the buyer's turn: a failure is logged and the action carries on.
In an action's own transaction it runs in a savepoint (`note`), so a failed lead write leaves
the rest of the transaction (the watch, the bid) as it was; an action that only reads records it
in a short transaction of its own (`note_apart`).
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from catalog.database import transaction
from catalog.leads import service as lead_service
from catalog.leads.scoring import LeadAction
from dialogs.actions.support import catalog_sessions

logger = logging.getLogger(__name__)


def note(db_session: Session, buyer: int | None, vehicle_id: int, action: LeadAction) -> None:
    """Record the engagement in the caller's transaction; never raises."""
    if buyer is None:  # Rasa used without our worker: nobody to score
        return
    try:
        with db_session.begin_nested():
            lead_service.record_engagement(db_session, buyer, vehicle_id, action)
    except Exception:
        logger.exception("lead not recorded", extra={"vehicle_id": vehicle_id,
                                                     "action": action.value})  # fmt: skip


def note_apart(buyer: int | None, vehicle_id: int, action: LeadAction) -> None:
    """Record the engagement in a transaction of its own; never raises."""
    if buyer is None:
        return
    try:
        with transaction(catalog_sessions()) as db_session:
            lead_service.record_engagement(db_session, buyer, vehicle_id, action)
    except Exception:
        logger.exception("lead not recorded", extra={"vehicle_id": vehicle_id,
                                                     "action": action.value})  # fmt: skip
