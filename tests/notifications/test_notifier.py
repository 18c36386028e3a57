"""The Notifier seam's value types: a recipient needs an address; "not sent" says if it may be
retried."""

from __future__ import annotations

import pytest

from chat.messages import Channel
from notifications.notifier import NotificationError, NotSent, Recipient


def test_a_recipient_without_an_address_is_refused() -> None:
    with pytest.raises(ValueError, match="address"):
        Recipient(Channel.TELEGRAM, "", "fr")


def test_recipients_are_equal_by_channel_address_and_language() -> None:
    assert Recipient(Channel.WHATSAPP, "2348012345678", "en") == Recipient(
        Channel.WHATSAPP, "2348012345678", "en"
    )
    assert Recipient(Channel.WHATSAPP, "2348012345678", "en") != Recipient(
        Channel.TWILIO, "2348012345678", "en"
    )


def test_not_sent_carries_whether_a_retry_may_help() -> None:
    error = NotSent("429: slow down", retryable=True)

    assert isinstance(error, NotificationError)
    assert (error.reason, error.retryable) == ("429: slow down", True)
