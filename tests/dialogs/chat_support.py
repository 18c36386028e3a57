"""What the privacy, handoff and language conversations check: the buyer's row and privacy
audit in the showroom catalog, the buttons a reply offers, and Rasa spoken to without our worker."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import select

from catalog.buyers.models import Buyer as BuyerRow
from catalog.conversations.models import Conversation
from catalog.privacy.models import PrivacyAction, PrivacyAuditEntry
from chat.messages import Channel
from chat.replies import Reply
from dialogs.client import RasaClient
from tests.conversations import Buyer, Showroom
from tests.rasa_stack import RasaStack


def buyer_row(showroom: Showroom, buyer: Buyer) -> BuyerRow:
    """The catalog's row for this chat buyer (found by the identifier the channel gives)."""
    with showroom.sessions() as db_session:
        if buyer.channel is Channel.TELEGRAM:
            where = BuyerRow.telegram_user_id == int(buyer.user)
        else:
            where = BuyerRow.whatsapp_number == f"+{buyer.user}"
        row = db_session.scalars(select(BuyerRow).where(where)).one()
        db_session.expunge(row)
        return row


def reload(showroom: Showroom, row: BuyerRow) -> BuyerRow:
    with showroom.sessions() as db_session:
        fresh = db_session.get(BuyerRow, row.id)
        assert fresh is not None
        db_session.expunge(fresh)
        return fresh


def conversation_of(showroom: Showroom, buyer: Buyer) -> Conversation:
    user = buyer.user if buyer.channel is Channel.TELEGRAM else f"+{buyer.user}"
    key = f"{buyer.channel.value}:{user}"
    with showroom.sessions() as db_session:
        conversation = db_session.scalars(select(Conversation).where(Conversation.key == key)).one()
        db_session.expunge(conversation)
        return conversation


def audit(showroom: Showroom, buyer_id: int) -> list[PrivacyAction]:
    with showroom.sessions() as db_session:
        return list(
            db_session.scalars(
                select(PrivacyAuditEntry.action)
                .where(PrivacyAuditEntry.buyer_id == buyer_id)
                .order_by(PrivacyAuditEntry.id)
            )
        )


def payloads(record: dict[str, Any]) -> list[str]:
    """The payloads of the buttons a WhatsApp Cloud or Telegram message offers."""
    body = record["body"]
    if "reply_markup" in body:
        rows = body["reply_markup"]["inline_keyboard"]
        return [button["callback_data"] for row in rows for button in row]
    interactive = body.get("interactive") or {}
    action = interactive.get("action") or {}
    if "buttons" in action:
        return [button["reply"]["id"] for button in action["buttons"]]
    return [row["id"] for section in action.get("sections", []) for row in section["rows"]]


def without_worker(
    stack: RasaStack, texts: list[str], metadata: dict[str, Any] | None = None
) -> tuple[list[list[Reply]], dict[str, Any]]:
    """Say `texts` to Rasa directly (no worker, so no buyer): each turn's replies, and the
    tracker afterwards."""
    conversation = f"test:{uuid.uuid4().hex[:12]}"

    async def run() -> tuple[list[list[Reply]], dict[str, Any]]:
        async with httpx.AsyncClient() as http:
            client = RasaClient(http=http, base_url=stack.base_url, auth_token=stack.auth_token)
            turns = [
                await client.send(conversation_id=conversation, text=text, metadata=metadata or {})
                for text in texts
            ]
            return turns, await client.tracker(conversation)

    return asyncio.run(run())


def tracker_of(stack: RasaStack, conversation: str) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        async with httpx.AsyncClient() as http:
            client = RasaClient(http=http, base_url=stack.base_url, auth_token=stack.auth_token)
            return await client.tracker(conversation)

    return asyncio.run(run())
