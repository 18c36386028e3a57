"""Provider webhooks: verify, dedupe, enqueue and acknowledge inbound messages fast.

What the three routes share: refusing a request with the right status and a JSON error, and
queueing what it carried (messages, delivery reports, and the refusals of unreadable items; a
replay is acknowledged but not queued twice). Nothing here writes to the database.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.responses import JSONResponse

from bots.channels.errors import BadSignature, ChannelError, MissingSignature
from bots.config import ChannelSettings
from bots.metrics import WEBHOOKS
from bots.queue import InboundQueue
from chat.messages import Channel, DeliveryStatus, InboundMessage, QueueItem, Refusal
from webhook.webhooks.body import (
    BodyRefused,
    BodyTimeout,
    BodyTooLarge,
    TooManyBodies,
    UnsupportedMediaType,
    was_read,
)

logger = logging.getLogger(__name__)

ACK = {"ok": True}


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
    """The answer to a request refused before anything was queued: 400, 401, 403, 408, 413, 415
    or 503 (too many bodies arriving at once: retry after a second).

    A request refused before its body was read whole closes the connection: what is left of
    the body would otherwise have to be read (and thrown away) before the next request on it.
    One refused after (a bad signature, a malformed payload) keeps it open for the next.
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
    headers = {} if was_read(request) else {"Connection": "close"}
    if isinstance(error, TooManyBodies):
        headers["Retry-After"] = "1"
    return JSONResponse({"error": str(error)}, status_code=status, headers=headers)


# The HTTP status and metrics outcome of each refusal; the first class an error is wins.
_STATUSES: tuple[tuple[type[Exception], int, str], ...] = (
    (BodyTooLarge, 413, "too_large"),
    (UnsupportedMediaType, 415, "unsupported_media_type"),
    (BodyTimeout, 408, "body_timeout"),
    (TooManyBodies, 503, "busy"),
    (MissingSignature, 401, "bad_signature"),
    (BadSignature, 403, "bad_signature"),
)


def _status_of(error: ChannelError | BodyRefused) -> tuple[int, str]:
    """The HTTP status of a refusal, and its outcome for the metrics."""
    for kind, status, outcome in _STATUSES:
        if isinstance(error, kind):
            return status, outcome
    return 400, "malformed"  # MalformedPayload


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def ignored(channel: Channel, what: str) -> None:
    """Note a request acknowledged with nothing to queue or record (an edited message, ...)."""
    count(channel, "ignored")
    logger.debug("webhook ignored channel=%s what=%s", channel.value, what)


async def enqueue(request: Request, items: Sequence[QueueItem]) -> Accepted:
    """Queue each item once (a replay is logged as a duplicate and dropped) and count them.

    Messages, delivery reports and refusals all go through the queue: the request writes no
    database row, so a burst of status callbacks costs the webhook no more than messages do,
    and the worker applies each report in its conversation's order.
    """
    queue: InboundQueue = request.app.state.inbound_queue
    accepted = Accepted()
    for item in items:
        queued = await queue.accept(item)
        accepted.count(item, queued)
        _log_item(item, queued)
    return accepted


@dataclass
class Accepted:
    """What a request's items became: queued, known already, or refused (and why)."""

    queued: int = 0
    duplicates: int = 0
    refused: list[str] = field(default_factory=list)

    def count(self, item: QueueItem, queued: bool) -> None:
        if isinstance(item, Refusal):
            self.refused.append(item.reason)
        elif queued:
            self.queued += 1
        else:
            self.duplicates += 1
        outcome = "refused_item" if isinstance(item, Refusal) else None
        count(item.channel, outcome or _outcome(item, queued))

    @property
    def nothing_readable(self) -> bool:
        """Every item was refused: the request as a whole is answered 400."""
        return bool(self.refused) and not self.queued and not self.duplicates


def _outcome(item: QueueItem, queued: bool) -> str:
    if not queued:
        return "duplicate"
    return "status" if isinstance(item, DeliveryStatus) else "queued"


def acknowledge(channel: Channel, accepted: Accepted) -> JSONResponse:
    """200 with what was queued; 400 when everything in the request was refused (its items
    are still recorded, for staff to see)."""
    body: dict[str, object] = {
        **ACK,
        "queued": accepted.queued,
        "duplicates": accepted.duplicates,
    }
    if accepted.refused:
        body["refused"] = accepted.refused
    if accepted.nothing_readable:
        logger.info(
            "webhook refused channel=%s status=400 reason=%s",
            channel.value, accepted.refused[0],
            extra={"channel": channel.value, "status": 400},
        )  # fmt: skip
        return JSONResponse({"error": accepted.refused[0], "refused": accepted.refused}, 400)
    return JSONResponse(body)


def _log_item(item: QueueItem, queued: bool) -> None:
    what = "queued" if queued else "duplicate"
    extra = {
        "channel": item.channel.value,
        "conversation": item.conversation_key,
        "message_id": item.message_id,
        "duplicate": not queued,
    }
    if isinstance(item, InboundMessage):
        logger.info(
            "inbound %s channel=%s conversation=%s message_id=%s kind=%s",
            what, item.channel.value, item.conversation_key, item.message_id, item.kind.value,
            extra=extra,
        )  # fmt: skip
    elif isinstance(item, DeliveryStatus):
        logger.info(
            "delivery %s channel=%s message_id=%s state=%s error_code=%s",
            what, item.channel.value, item.message_id, item.state.value, item.error_code,
            extra=extra,
        )  # fmt: skip
    else:
        logger.warning(
            "inbound item refused channel=%s message_id=%s reason=%s",
            item.channel.value, item.message_id, item.reason,
            extra=extra,
        )  # fmt: skip
