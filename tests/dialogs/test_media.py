"""Voice notes, stickers, videos, documents and photos, through the whole bot: each gets an answer
that names what was sent and what the bot can read instead, in the buyer's language."""

from __future__ import annotations

import pytest

from chat.messages import Channel, InboundKind
from tests.conversations import ChatFactory
from tests.dialogs.test_vehicles import agreed, choices


@pytest.mark.parametrize(
    ("channel", "greeting", "provider_type", "said"),
    [(Channel.WHATSAPP, "olá", "audio", "não consigo ouvir mensagens de voz"),
     (Channel.TELEGRAM, "bonjour", "sticker", "Dites-moi quel véhicule vous cherchez"),
     (Channel.TWILIO, "hello", "video/mp4", "I can't watch videos yet"),
     (Channel.WHATSAPP, "hello", "document", "I can't read documents yet")],
)  # fmt: skip
def test_what_is_not_words_is_named_with_what_the_bot_can_read_and_a_way_to_a_person(
    chat: ChatFactory, channel: Channel, greeting: str, provider_type: str, said: str
) -> None:
    buyer = chat(channel)
    buyer.say(greeting)  # a first message in the buyer's language sets it
    agreed(buyer)

    [reply] = buyer.say("", kind=InboundKind.UNSUPPORTED, provider_type=provider_type)

    text = buyer.texts([reply])[0]
    assert said in text
    assert "Sorry" not in text and "didn't understand" not in text
    if channel is not Channel.TWILIO:  # Twilio shows choices as numbered text
        assert [payload for _, payload in choices(reply)] == ["/human_handoff"]


def test_a_photo_of_a_car_gets_the_honest_answer_and_an_offer_to_search_by_name(
    chat: ChatFactory,
) -> None:
    buyer = agreed(chat(Channel.WHATSAPP))

    [reply] = buyer.say("", kind=InboundKind.IMAGE, media_id="1234567890")

    assert "tell me its make and model" in buyer.texts([reply])[0]
