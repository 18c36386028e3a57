"""`Notifier` backed by the channel adapters: alerts rendered and sent like any bot reply,
through the same senders (and so within the same shared rate limits), and recorded in the
recipient's conversation like any message the bot sends.

Each part is recorded before it is sent, keyed by the alert and its route ("alert:12:whatsapp:
template:0"), and is sent only while it is pending; just before the provider call a Redis key
per part (SET NX, for the claim's lease, taken after the rate limiter's wait) makes sure two
workers holding the same alert (one whose claim ran out while the provider was slow) never
both send it. A worker that dies after
the provider accepted a part but before recording it leaves the one case this cannot decide:
the part is sent again when the lease ends (a window of the provider's answer, milliseconds).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from redis import asyncio as aioredis
from sqlalchemy.orm import Session, sessionmaker

from bots import turns
from bots.adapters import ChannelAdapter
from bots.outbound.parts import OutboundPart
from bots.outbound.sender import PermanentSendError, RetryableSendError, Superseded
from catalog.conversations import service as conversation_service
from catalog.database import transaction
from chat.replies import Reply
from notifications.notifier import Delivery, NotSent

SENDING_PREFIX = "nzila:alerts:sending"
# Provider codes that are a status, not a refusal: the sender gave up retrying them.
_TRANSIENT_CODES = {"0", "408", "429", "500", "502", "503", "504"}


class ChannelNotifier:
    """Sends alerts through the adapter of the recipient's channel."""

    def __init__(
        self,
        adapters: dict[Any, ChannelAdapter],
        sessions: sessionmaker[Session],
        redis: aioredis.Redis,
        *,
        lease: timedelta = timedelta(minutes=2),
    ) -> None:
        self._adapters = adapters
        self._sessions = sessions
        self._redis = redis
        self._lease_ms = int(lease.total_seconds() * 1000)

    async def deliver(
        self, delivery: Delivery, *, finish: Callable[[Session], None] | None = None
    ) -> list[str]:
        recipient = delivery.recipient
        adapter = self._adapters.get(recipient.channel)
        if adapter is None:
            raise NotSent(f"{recipient.channel.value} is not served", retryable=False,
                          code="channel_not_served")  # fmt: skip
        parts = await self._parts(adapter, delivery)
        pending = await asyncio.to_thread(self._record, delivery, parts)  # off the loop
        sent: list[str] = []
        if not pending and finish is not None:  # every part was accepted by an earlier try
            await asyncio.to_thread(self._finish, finish)
        for index, (row_id, part) in enumerate(pending):
            claim = (
                f"{SENDING_PREFIX}:{delivery.key or delivery.alert_id}:{delivery.route}:{row_id}"
            )

            async def first(claim: str = claim) -> bool:  # checked at the provider call
                return bool(await self._redis.set(claim, uuid.uuid4().hex, nx=True,
                                                  px=self._lease_ms))  # fmt: skip

            try:
                message_id = await adapter.sender.send(
                    part, before_call=first, urgent=delivery.urgent
                )
            except Superseded as error:
                raise NotSent("another worker is sending this alert", retryable=True,
                              code="in_flight") from error  # fmt: skip
            except RetryableSendError as error:
                await self._redis.delete(claim)
                raise NotSent(f"{error.status}: {error.detail}", retryable=True,
                              code=str(error.status)) from error  # fmt: skip
            except PermanentSendError as error:
                await self._redis.delete(claim)
                if error.code in _TRANSIENT_CODES:  # retried to the end: later, not never
                    raise NotSent(f"{error.code}: {error.detail}", retryable=True,
                                  code=error.code) from error  # fmt: skip
                await asyncio.to_thread(turns.mark_failed, self._sessions, row_id, error.code,
                                        error.detail)  # fmt: skip
                raise NotSent(f"{error.code}: {error.detail}", retryable=False,
                              code=error.code) from error  # fmt: skip
            last = index == len(pending) - 1
            await asyncio.to_thread(turns.mark_sent, self._sessions, row_id, message_id,
                                    then=finish if last else None)  # fmt: skip
            if message_id:
                sent.append(message_id)
        return sent

    async def _parts(self, adapter: ChannelAdapter, delivery: Delivery) -> list[OutboundPart]:
        recipient, message, template = delivery.recipient, delivery.message, delivery.template
        if template is not None:
            payloads = [button.payload for button in message.buttons]
            return [adapter.template_part(recipient.address, template.name, template.language,
                                          list(message.params), payloads)]  # fmt: skip
        # The adapter remembers its numbered options and long payloads, as for a reply.
        reply = Reply(text=message.text, buttons=message.buttons)
        return await adapter.prepare(
            [reply], conversation=recipient.conversation_key, chat_id=recipient.address
        )

    def _finish(self, finish: Callable[[Session], None]) -> None:
        with transaction(self._sessions) as db_session:
            finish(db_session)

    def _record(
        self, delivery: Delivery, parts: Sequence[OutboundPart]
    ) -> list[tuple[int, OutboundPart]]:
        """The parts recorded in the recipient's conversation (once per alert and route),
        those the provider has not accepted yet."""
        recipient = delivery.recipient
        with transaction(self._sessions) as db_session:
            conversation = conversation_service.get_or_create(
                db_session=db_session, key=recipient.conversation_key,
                channel=recipient.channel.value, chat_id=recipient.address,
                buyer_id=recipient.buyer_id,
            )  # fmt: skip
            rows = conversation_service.record_notice(
                db_session=db_session, conversation=conversation,
                notice_key=f"alert:{delivery.alert_id}:{delivery.route}",
                replies=[(part.kind, part.text, {"endpoint": part.endpoint, "body": part.body})
                         for part in parts],
                outbox_id=delivery.alert_id,
            )  # fmt: skip
            return [(row.id, turns.part_of(row)) for row in rows]
