"""The alert settings through the whole bot (signed webhook, worker, real Rasa, action server):
a buyer opens them, turns price drops off and sets quiet hours, typing or tapping, in English,
French and Portuguese, on WhatsApp, Telegram and Twilio; the stored preferences change."""

from __future__ import annotations

from catalog.preferences import service as preferences
from catalog.preferences.models import AlertPreferences
from chat.messages import Channel
from tests.conversations import Buyer, ChatFactory, Showroom
from tests.dialogs.chat_support import buyer_row, payloads
from tests.dialogs.test_vehicles import agreed

PRICE_DROPS_OFF = '/alert_settings_set{"group":"price_drops","on":"false"}'


def speaking(buyer: Buyer, greeting: str, language: str) -> Buyer:
    """A buyer whose conversation is in `language` (set on its first message) and who accepted
    the privacy notice."""
    buyer.say(greeting, language_hint=language)
    return agreed(buyer)


def stored(showroom: Showroom, buyer: Buyer) -> AlertPreferences | None:
    buyer_id = buyer_row(showroom, buyer).id
    with showroom.sessions() as db_session:
        row = preferences.get(db_session=db_session, buyer_id=buyer_id)
        if row is not None:
            db_session.expunge(row)
        return row


def test_typed_in_english_on_whatsapp_price_drops_off_then_quiet_hours(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.WHATSAPP))

    [shown] = buyer.say("alert settings")
    [muted] = buyer.say("turn off price alerts")
    after_mute = stored(showroom, buyer)
    [quiet] = buyer.tap('/alert_settings_quiet{"hours":"22-06"}', "Quiet 22:00-06:00")

    text = buyer.texts([shown])[0]
    assert text.startswith("🔔 Your alert settings\nAlerts: on ✅")
    assert "• Price drops on my watchlist: on ✅" in text
    assert "Quiet hours: 21:00-07:00, your time (Africa/Lagos)" in text
    assert shown["body"]["interactive"]["type"] == "list"  # five options: a WhatsApp list
    assert payloads(shown)[2] == PRICE_DROPS_OFF
    assert buyer.texts([muted])[0].startswith("✅ Price drops on my watchlist: off 🔕.")
    assert after_mute is not None and after_mute.muted_kinds == ["watch.price_drop"]
    assert buyer.texts([quiet])[0].startswith("✅ Quiet hours: 22:00-06:00.")
    prefs = stored(showroom, buyer)
    assert prefs is not None
    assert (prefs.quiet_start_hour, prefs.quiet_end_hour) == (22, 6)
    assert prefs.muted_kinds == ["watch.price_drop"]


def test_tapped_in_french_on_telegram(chat: ChatFactory, showroom: Showroom) -> None:
    buyer = speaking(chat(Channel.TELEGRAM), "bonjour", "fr")

    [shown] = buyer.say("paramètres des alertes")
    [muted] = buyer.tap(PRICE_DROPS_OFF, "Couper baisses de prix")
    [quiet] = buyer.tap('/alert_settings_quiet{"hours":"off"}', "Sans heures calmes")

    assert buyer.texts([shown])[0].startswith("🔔 Vos paramètres d'alertes")
    assert PRICE_DROPS_OFF in payloads(shown)
    assert buyer.texts([muted])[0].startswith("✅ Baisses de prix de ma liste de suivi : coupé 🔕.")
    assert '/alert_settings_set{"group":"price_drops","on":"true"}' in payloads(muted)
    assert buyer.texts([quiet])[0].startswith("✅ Heures calmes : aucune.")
    prefs = stored(showroom, buyer)
    assert prefs is not None
    assert prefs.muted_kinds == ["watch.price_drop"]
    assert prefs.quiet_start_hour == prefs.quiet_end_hour == 0


def test_typed_numbers_in_portuguese_on_twilio(chat: ChatFactory, showroom: Showroom) -> None:
    buyer = speaking(chat(Channel.TWILIO), "olá bom dia", "pt")

    [shown] = buyer.say("configurações de alertas")
    [muted] = buyer.say("3")  # the third option: price drops off
    [quiet] = buyer.say("5")  # the fifth: quiet hours 22:00-06:00

    text = buyer.texts([shown])[0]
    assert text.startswith("🔔 As suas configurações de alertas")
    assert "3. Desligar baixas de preço" in text
    assert "5. Silêncio 22:00-06:00" in text
    assert buyer.texts([muted])[0].startswith("✅ Baixas de preço da minha lista: desligado 🔕.")
    assert buyer.texts([quiet])[0].startswith("✅ Horas de silêncio: 22:00-06:00.")
    prefs = stored(showroom, buyer)
    assert prefs is not None
    assert prefs.muted_kinds == ["watch.price_drop"]
    assert (prefs.quiet_start_hour, prefs.quiet_end_hour) == (22, 6)


def test_pidgin_turns_a_group_off_in_words_on_telegram(
    chat: ChatFactory, showroom: Showroom
) -> None:
    buyer = agreed(chat(Channel.TELEGRAM))

    [muted] = buyer.say("abeg stop dis price alert")
    [shown] = buyer.say("notif setting")
    [auctions] = buyer.say("stop auction alerts")

    assert buyer.texts([muted])[0].startswith("✅ Price drops on my watchlist: off")
    assert buyer.texts([shown])[0].startswith("🔔 Your alert settings")
    assert "• Price drops on my watchlist: off 🔕" in buyer.texts([shown])[0]
    assert buyer.texts([auctions])[0].startswith("✅ Auctions (outbid, ending soon, results): off")
    muted_kinds = (stored(showroom, buyer) or AlertPreferences()).muted_kinds
    assert "watch.price_drop" in muted_kinds and "auction.outbid" in muted_kinds
    assert "search.match" not in muted_kinds
    assert buyer_row(showroom, buyer).opted_out_at is None  # one group, never STOP


def test_help_names_the_alert_settings(chat: ChatFactory) -> None:
    buyer = agreed(chat(Channel.WHATSAPP))

    [help_reply] = buyer.say("help")

    assert '"alert settings" to choose your alerts' in buyer.texts([help_reply])[0]
