"""Provider webhooks: verify, dedupe, enqueue and acknowledge inbound messages fast.

What the three routes share: refusing a request with the right status and a JSON error,
queueing parsed messages (a replay is acknowledged but not queued twice), and applying
delivery reports to our outbound messages.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bots.channels.errors import BadSignature, ChannelError, MissingSignature
from bots.config import ChannelSettings
from bots.messages import Channel, DeliveryState, DeliveryStatus, InboundMessage
from bots.metrics import WEBHOOKS
from bots.queue import InboundQueue
from catalog.conversations import service as conversation_service
from catalog.conversations.models import MessageStatus
from webhook.webhooks.body import BodyRefused, BodyTooLarge, UnsupportedMediaType

logger = logging.getLogger(__name__)

ACK = {"ok": True}
_MESSAGE_STATUS = {
    DeliveryState.SENT: MessageStatus.SENT,
    DeliveryState.DELIVERED: MessageStatus.DELIVERED,
    DeliveryState.READ: MessageStatus.READ,
    DeliveryState.FAILED: MessageStatus.FAILED,
}


def channel_settings(request: Request) -> ChannelSettings:
    settings: ChannelSettings = request.app.state.channel_settings
    return settings


def count(channel: Channel, outcome: str) -> None:
    """Count a webhook request's outcome (see `bots.metrics.WEBHOOKS`)."""
    WEBHOOKS.labels(channel.value, outcome).inc()


def not_served(channel: Channel) -> JSONResponse:
    """The answer for a channel this deployment does not serve."""
    count(channel, "disabled")
    return JSONResponse({"error": f"the {channel.value} channel is not enabled"}, status_code=404)


def refusal(request: Request, channel: Channel, error: ChannelError | BodyRefused) -> JSONResponse:
    """The answer to a request refused before anything was queued: 400, 401, 403, 413 or 415.

    A body refused before it was read whole closes the connection: what is left of it would
    otherwise have to be read (and thrown away) before the next request on it.
    """
    status, outcome = _status_of(error)
    count(channel, outcome)
    if isinstance(error, BadSignature):
        logger.warning(
            "webhook refused channel=%s client=%s status=%s reason=%s",
            channel.value, client_ip(request), status, error,
            extra={"channel": channel.value, "client_ip": client_ip(request)},
        )  # fmt: skip
    else:
        logger.info(
            "webhook refused channel=%s status=%s reason=%s",
            channel.value, status, error,
            extra={"channel": channel.value, "status": status},
        )  # fmt: skip
    headers = {"Connection": "close"} if isinstance(error, BodyRefused) else None
    return JSONResponse({"error": str(error)}, status_code=status, headers=headers)


def _status_of(error: ChannelError | BodyRefused) -> tuple[int, str]:
    """The HTTP status of a refusal, and its outcome for the metrics."""
    if isinstance(error, BodyTooLarge):
        return 413, "too_large"
    if isinstance(error, UnsupportedMediaType):
        return 415, "unsupported_media_type"
    if isinstance(error, MissingSignature):
        return 401, "bad_signature"
    if isinstance(error, BadSignature):
        return 403, "bad_signature"
    return 400, "malformed"  # MalformedPayload


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def ignored(channel: Channel, what: str) -> None:
    """Note a request acknowledged with nothing to queue or record (an edited message, ...)."""
    count(channel, "ignored")
    logger.debug("webhook ignored channel=%s what=%s", channel.value, what)


async def enqueue(request: Request, messages: Sequence[InboundMessage]) -> None:
    """Queue each message once; a replayed provider id is logged as a duplicate and dropped."""
    queue: InboundQueue = request.app.state.inbound_queue
    for message in messages:
        queued = await queue.accept(message)
        count(message.channel, "queued" if queued else "duplicate")
        logger.info(
            "inbound %s channel=%s conversation=%s message_id=%s kind=%s",
            "queued" if queued else "duplicate",
            message.channel.value, message.conversation_key, message.message_id, message.kind.value,
            extra={
                "channel": message.channel.value,
                "conversation": message.conversation_key,
                "message_id": message.message_id,
                "duplicate": not queued,
            },
        )  # fmt: skip


async def record_deliveries(request: Request, statuses: Sequence[DeliveryStatus]) -> None:
    """Apply delivery reports to our outbound messages (the database call runs off the loop)."""
    if statuses:
        await run_in_threadpool(_record_deliveries, request.app.state.sessions, statuses)


def _record_deliveries(sessions: sessionmaker[Session], statuses: Sequence[DeliveryStatus]) -> None:
    with sessions() as session:
        for status in statuses:
            known = conversation_service.record_delivery(
                db_session=session,
                channel=status.channel.value,
                provider_message_id=status.message_id,
                status=_MESSAGE_STATUS[status.state],
                error_code=status.error_code,
                error_detail=status.error_detail,
            )
            count(status.channel, "status")
            logger.info(
                "delivery %s channel=%s message_id=%s state=%s error_code=%s",
                "recorded" if known else "unknown",
                status.channel.value, status.message_id, status.state.value, status.error_code,
                extra={
                    "channel": status.channel.value,
                    "message_id": status.message_id,
                    "state": status.state.value,
                    "known": known,
                },
            )  # fmt: skip
        session.commit()
