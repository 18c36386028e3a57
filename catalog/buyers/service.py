"""Buyers: found or created by the channel that identifies them, one row per person."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Column, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalog.buyers.models import Buyer
from catalog.buyers.schemas import BuyerProfileIn
from catalog.database import utcnow
from catalog.errors import InvalidInput, NotFound
from catalog.phone import normalise_e164

logger = logging.getLogger(__name__)


def get(*, db_session: Session, buyer_id: int) -> Buyer:
    buyer = db_session.get(Buyer, buyer_id)
    if buyer is None:
        raise NotFound(f"no buyer {buyer_id}")
    return buyer


def get_or_create_by_whatsapp(
    *, db_session: Session, number: str | None, bsuid: str | None = None, name: str = ""
) -> Buyer:
    """The buyer behind a WhatsApp number or business-scoped user id (BSUID), created on first
    contact; last-seen is refreshed.

    Found by number first, then by BSUID; whichever id the buyer lacks is attached. A buyer
    known only by BSUID (Meta withheld the number) whose number then appears while another
    buyer holds it is merged into that one (see `merge`).
    """
    if not number and not bsuid:
        raise InvalidInput("a WhatsApp buyer needs a number or a business-scoped user id")
    e164 = normalise_e164(number) if number else None
    if e164 is None:
        return _get_or_create(
            db_session, Buyer.whatsapp_bsuid == bsuid, whatsapp_bsuid=bsuid, name=name
        )
    buyer = _get_or_create(
        db_session, Buyer.whatsapp_number == e164, whatsapp_number=e164, name=name
    )
    if bsuid and buyer.whatsapp_bsuid != bsuid:
        other = db_session.scalar(select(Buyer).where(Buyer.whatsapp_bsuid == bsuid))
        if other is not None and other.id != buyer.id:
            try:
                merge(db_session=db_session, keep=buyer, drop=other)
            except BuyersNotMerged:
                logger.warning(
                    "buyers %s and %s are one WhatsApp user but hold conflicting records: "
                    "left for staff to merge", buyer.id, other.id,
                    extra={"buyer_id": buyer.id, "other_buyer_id": other.id},
                )  # fmt: skip
                return buyer  # answered as the number's buyer; the BSUID stays with the other
        buyer.whatsapp_bsuid = bsuid  # a new number brings a new BSUID: the latest is the one
        db_session.flush()
    return buyer


# Rows of a merged buyer that the kept buyer may already hold (the same vehicle watched): the
# duplicate goes. Any other conflict (two bidder accounts, with deposits) is left to staff.
_MERGE_DROPS_DUPLICATES = frozenset({"watchlist_entries"})


def merge(*, db_session: Session, keep: Buyer, drop: Buyer) -> None:
    """Make `drop`'s history `keep`'s: every row that names `drop` names `keep`, and `drop`
    goes. Consent and opt-out carry over (the earlier consent, any opt-out).

    Raises:
        BuyersNotMerged: both hold rows that cannot be combined (staff must decide).
    """
    try:
        with db_session.begin_nested():
            _carry_over(keep, drop)
            bsuid = drop.whatsapp_bsuid
            db_session.flush()
            for column in _columns_naming_buyers(db_session):
                _repoint(db_session, column, keep.id, drop.id)
            db_session.expire_all()  # rows loaded before name `drop` still: read them again
            db_session.delete(drop)
            db_session.flush()
            if bsuid and not keep.whatsapp_bsuid:
                keep.whatsapp_bsuid = bsuid
    except IntegrityError as error:
        raise BuyersNotMerged(f"buyers {keep.id} and {drop.id} hold rows that conflict") from error


class BuyersNotMerged(InvalidInput):
    """Two records of one person that cannot be merged automatically."""


def _columns_naming_buyers(db_session: Session) -> list[Column[Any]]:
    tables = Buyer.metadata.sorted_tables
    return [
        column
        for table in tables
        for column in table.columns
        for key in column.foreign_keys
        if key.column.table is Buyer.__table__
    ]


def _repoint(db_session: Session, column: Column[Any], keep: int, drop: int) -> None:
    table = column.table
    try:
        with db_session.begin_nested():
            db_session.execute(update(table).where(column == drop).values({column.name: keep}))
    except IntegrityError:
        if table.name not in _MERGE_DROPS_DUPLICATES:
            raise
        db_session.execute(delete(table).where(column == drop))  # the kept buyer has them


def _carry_over(keep: Buyer, drop: Buyer) -> None:
    if drop.consent_given_at and (
        keep.consent_given_at is None or drop.consent_given_at < keep.consent_given_at
    ):
        keep.consent_given_at, keep.consent_version = drop.consent_given_at, drop.consent_version
        keep.language = drop.language
    if drop.opted_out_at and not keep.opted_out_at:
        keep.opted_out_at = drop.opted_out_at
    keep.name = keep.name or drop.name
    keep.country = keep.country or drop.country


def change_whatsapp_id(*, db_session: Session, buyer: Buyer, new_id: str) -> None:
    """The buyer told WhatsApp of a new number (or got a new BSUID): their record follows.

    Meta's notice is authoritative, so a buyer already holding the new id is the same person
    (who wrote from it before the notice was handled, or is writing from it now, in another
    worker): merged into `buyer`. When they cannot be merged automatically, both are left for
    staff (logged).
    """
    is_number = new_id.startswith("+")
    column = Buyer.whatsapp_number if is_number else Buyer.whatsapp_bsuid
    value = normalise_e164(new_id) if is_number else new_id
    for attempt in range(2):
        holder = db_session.scalar(select(Buyer).where(column == value))
        if holder is not None and holder.id != buyer.id:
            try:
                merge(db_session=db_session, keep=buyer, drop=holder)
            except BuyersNotMerged:
                logger.warning(
                    "buyer %s changed WhatsApp id to one buyer %s holds: left for staff to merge",
                    buyer.id, holder.id,
                    extra={"buyer_id": buyer.id, "other_buyer_id": holder.id},
                )  # fmt: skip
                return
        try:
            with db_session.begin_nested():
                setattr(buyer, column.key, value)
                db_session.flush()
            return
        except IntegrityError:
            if attempt:
                raise
            # Another worker created the holder since we looked (its first message from the
            # new id, committed meanwhile): look again, and merge it.


def get_or_create_by_telegram(*, db_session: Session, user_id: int, name: str = "") -> Buyer:
    if user_id <= 0:
        raise InvalidInput(f"{user_id} is not a Telegram user id")
    return _get_or_create(
        db_session, Buyer.telegram_user_id == user_id, telegram_user_id=user_id, name=name
    )


def _get_or_create(db_session: Session, where: object, **values: object) -> Buyer:
    buyer = db_session.scalar(select(Buyer).where(where))  # type: ignore[arg-type]
    if buyer is None:
        try:
            with db_session.begin_nested():
                buyer = Buyer(**values)
                db_session.add(buyer)
        except IntegrityError:  # another worker created the same person first
            buyer = db_session.scalar(select(Buyer).where(where))  # type: ignore[arg-type]
            if buyer is None:
                raise
    buyer.last_seen_at = utcnow()
    if values.get("name") and not buyer.name:
        buyer.name = str(values["name"])
    db_session.flush()
    return buyer


def update_profile(*, db_session: Session, buyer: Buyer, profile_in: BuyerProfileIn) -> Buyer:
    for field, value in profile_in.model_dump(exclude_none=True).items():
        setattr(buyer, field, value)
    db_session.flush()
    return buyer


def record_consent(*, db_session: Session, buyer: Buyer, version: str) -> Buyer:
    buyer.consent_given_at = utcnow()
    buyer.consent_version = version
    db_session.flush()
    return buyer


def opt_out(*, db_session: Session, buyer: Buyer) -> Buyer:
    """Stop every alert to this buyer (they can still chat)."""
    if buyer.opted_out_at is None:
        buyer.opted_out_at = utcnow()
    db_session.flush()
    return buyer


def opt_in(*, db_session: Session, buyer: Buyer) -> Buyer:
    buyer.opted_out_at = None
    db_session.flush()
    return buyer
