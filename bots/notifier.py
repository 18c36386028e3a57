"""`Notifier` backed by the channel adapters: alerts rendered and sent like any bot reply,
through the same senders (and so within the same shared rate limits)."""

from __future__ import annotations

import uuid

from bots.adapters import ChannelAdapter
from bots.outbound.sender import PermanentSendError, RetryableSendError
from chat.messages import Channel, InboundKind, InboundMessage
from chat.replies import Reply
from notifications.notifier import AlertMessage, NotSent, Recipient


class ChannelNotifier:
    """Sends alerts through the adapter of the recipient's channel."""

    def __init__(self, adapters: dict[Channel, ChannelAdapter]) -> None:
        self._adapters = adapters

    async def notify(self, recipient: Recipient, message: AlertMessage) -> list[str]:
        adapter = self._adapters.get(recipient.channel)
        if adapter is None:
            raise NotSent(f"{recipient.channel.value} is not served", retryable=False)
        reply = Reply(text=message.text, buttons=message.buttons)
        addressed = _addressed(recipient)
        # The adapter remembers its numbered options and long payloads, as for a reply.
        parts = await adapter.prepare(
            [reply], conversation=addressed.conversation_key, chat_id=addressed.chat_id
        )
        sent: list[str] = []
        for part in parts:
            try:
                message_id = await adapter.sender.send(part)
            except RetryableSendError as error:
                raise NotSent(f"{error.status}: {error.detail}", retryable=True) from error
            except PermanentSendError as error:
                raise NotSent(f"{error.code}: {error.detail}", retryable=False) from error
            if message_id:
                sent.append(message_id)
        return sent


def _addressed(recipient: Recipient) -> InboundMessage:
    """The adapters render replies to the sender of a message: an alert has none, so this
    stands in for one from the recipient."""
    return InboundMessage(
        channel=recipient.channel,
        message_id=f"alert-{uuid.uuid4().hex}",
        user_id=recipient.address,
        chat_id=recipient.address,
        kind=InboundKind.TEXT,
        language_hint=recipient.language,
    )
