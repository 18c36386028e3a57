"""The alert settings action on a real catalog database (SQLite and PostgreSQL), run directly
without Rasa: what it shows in each language, each change a button or typed words make, and
what it stores in the buyer's preferences."""

# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session, sessionmaker

from catalog.conversations import service as conversation_service
from catalog.database import transaction
from catalog.preferences import service as preferences
from catalog.preferences.models import AlertPreferences
from catalog.privacy import service as privacy_service
from chat.payloads import parse_payload
from dialogs.actions import alert_settings
from dialogs.actions.alert_settings import GROUPS, ActionAlertSettings
from dialogs.actions.alert_settings_wording import WORDS, asks_on, group_named
from dialogs.nlu_eval import read_examples
from notifications.kinds import KINDS, Category
from tests.factories import make_buyer

ROOT = Path(__file__).resolve().parents[2]
AUCTION_KINDS = sorted(GROUPS["auctions"])
WHATSAPP_BODY_LIMIT = 1024


@pytest.fixture(autouse=True)
def action_uses(sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(alert_settings, "catalog_sessions", lambda: sessions)


class Talk:
    """A buyer with conversations on some channels, talking to the action on the first."""

    def __init__(self, sessions: sessionmaker[Session], *channels: str, consent: bool = True,
                 country: str | None = None) -> None:  # fmt: skip
        self.sessions = sessions
        with transaction(sessions) as db_session:
            buyer = make_buyer(db_session)
            buyer.country = country
            if consent:
                privacy_service.give_consent(db_session=db_session, buyer_id=buyer.id)
            self.buyer_id = buyer.id
            self.conversations: dict[str, tuple[int, str]] = {}
            for channel in reversed(channels or ("whatsapp",)):  # the first is written on last
                key = f"{channel}:{buyer.id}:{uuid.uuid4().hex[:6]}"
                conversation = conversation_service.get_or_create(
                    db_session=db_session, key=key, channel=channel, chat_id=str(buyer.id),
                    buyer_id=buyer.id)  # fmt: skip
                conversation_service.record_inbound(
                    db_session=db_session, conversation=conversation,
                    provider_message_id=uuid.uuid4().hex, kind="text", text="hi",
                    payload={})  # fmt: skip
                self.conversations[channel] = (conversation.id, key)
        self.channel = (channels or ("whatsapp",))[0]

    def say(self, text: str, intent: str, language: str = "en",
            entities: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
        """The one message the action answers with."""
        conversation, key = self.conversations[self.channel]
        message = {"text": text, "intent": {"name": intent, "confidence": 1.0},
                   "entities": [{"entity": name, "value": value}
                                for name, value in (entities or {}).items()],
                   "metadata": {"buyer_id": self.buyer_id, "conversation_id": conversation,
                                "channel": self.channel}}  # fmt: skip
        tracker = Tracker(key, {"language": language}, message, [], False, None, {}, "")
        dispatcher = CollectingDispatcher()
        asyncio.run(ActionAlertSettings().run(dispatcher, tracker, {}))
        [said] = dispatcher.messages
        return dict(said)

    def tap(self, payload: str, language: str = "en") -> dict[str, Any]:
        parsed = parse_payload(payload)
        return self.say(payload, parsed.intent, language, dict(parsed.entities))

    def prefs(self) -> AlertPreferences | None:
        with self.sessions() as db_session:
            row = preferences.get(db_session=db_session, buyer_id=self.buyer_id)
            if row is not None:
                db_session.expunge(row)
            return row


def payloads(said: dict[str, Any]) -> list[str]:
    return [button["payload"] for button in said["buttons"]]


def titles(said: dict[str, Any]) -> list[str]:
    return [button["title"] for button in said["buttons"]]


def test_a_new_buyers_settings_are_every_group_on_and_the_default_quiet_hours(
    sessions: sessionmaker[Session],
) -> None:
    said = Talk(sessions).say("alert settings", "alert_settings")

    assert said["text"].splitlines() == [
        "🔔 Your alert settings",
        "Alerts: on ✅",
        "• Auctions (outbid, ending soon, results): on ✅",
        "• New matches for my saved searches: on ✅",
        "• Price drops on my watchlist: on ✅",
        "Quiet hours: 21:00-07:00, your time (Africa/Lagos); only a lot ending within the hour"
        " wakes you",
        "Tap an option to change it, or say its number.",
    ]
    assert titles(said) == ["Turn off auctions", "Turn off new matches", "Turn off price drops",
                            "No quiet hours", "Quiet 22:00-06:00"]  # fmt: skip
    assert payloads(said) == [
        '/alert_settings_set{"group":"auctions","on":"false"}',
        '/alert_settings_set{"group":"matches","on":"false"}',
        '/alert_settings_set{"group":"price_drops","on":"false"}',
        '/alert_settings_quiet{"hours":"off"}',
        '/alert_settings_quiet{"hours":"22-06"}',
    ]
    assert (
        Talk(sessions, country="KE")
        .say("my alerts", "alert_settings")["text"]
        .count("(Africa/Nairobi)")
        == 1
    )


def test_a_tap_turns_price_drops_off_and_the_settings_come_back_with_a_confirmation(
    sessions: sessionmaker[Session],
) -> None:
    talk = Talk(sessions)

    said = talk.tap('/alert_settings_set{"group":"price_drops","on":"false"}')

    lines = said["text"].splitlines()
    assert lines[0] == "✅ Price drops on my watchlist: off 🔕."
    assert "• Price drops on my watchlist: off 🔕" in lines
    assert "• New matches for my saved searches: on ✅" in lines
    assert titles(said)[2] == "Turn on price drops"
    prefs = talk.prefs()
    assert prefs is not None and prefs.muted_kinds == ["watch.price_drop"]

    talk.tap(payloads(said)[2])  # on again

    assert (talk.prefs() or AlertPreferences()).muted_kinds == []


def test_the_auctions_group_is_every_buyers_auction_alert(sessions: sessionmaker[Session]) -> None:
    talk = Talk(sessions)

    said = talk.tap('/alert_settings_set{"group":"auctions","on":"false"}', "pt")

    assert said["text"].startswith("✅ Leilões (superado, a terminar, resultados): desligado 🔕.")
    assert (talk.prefs() or AlertPreferences()).muted_kinds == AUCTION_KINDS
    assert titles(said)[0] == "Ligar leilões"


def test_every_kind_a_buyer_is_sent_is_in_exactly_one_group() -> None:
    buyers_kinds = sorted(name for name, kind in KINDS.items()
                          if kind.category is not Category.SERVICE)  # fmt: skip
    grouped = [kind for kinds in GROUPS.values() for kind in kinds]

    assert sorted(grouped) == buyers_kinds


@pytest.mark.parametrize(
    ("hours", "stored", "confirmation", "offered"),
    [
        ("22-06", (22, 6), "✅ Quiet hours: 22:00-06:00.", ["off", "21-07"]),
        ("off", (0, 0), "✅ Quiet hours: off.", ["21-07", "22-06"]),
        ("21-07", (21, 7), "✅ Quiet hours: 21:00-07:00.", ["off", "22-06"]),
    ],
)
def test_quiet_hours_are_chosen_by_a_tap(
    sessions: sessionmaker[Session], hours: str, stored: tuple[int, int], confirmation: str,
    offered: list[str],
) -> None:  # fmt: skip
    talk = Talk(sessions)

    said = talk.tap(f'/alert_settings_quiet{{"hours":"{hours}"}}')

    prefs = talk.prefs()
    assert prefs is not None and (prefs.quiet_start_hour, prefs.quiet_end_hour) == stored
    assert said["text"].splitlines()[0] == confirmation
    assert [p for p in payloads(said) if "quiet" in p] == [
        f'/alert_settings_quiet{{"hours":"{choice}"}}' for choice in offered
    ]
    if hours == "off":
        assert "Quiet hours: off (alerts come at any hour)" in said["text"]


def test_an_unknown_choice_changes_nothing_and_shows_the_settings(
    sessions: sessionmaker[Session],
) -> None:
    talk = Talk(sessions)

    for payload in ['/alert_settings_quiet{"hours":"03-04"}',
                    '/alert_settings_set{"group":"lottery","on":"false"}',
                    '/alert_settings_channel{"channel":"telegram"}']:  # fmt: skip
        said = talk.tap(payload)
        assert said["text"].startswith("🔔 Your alert settings"), payload

    assert talk.prefs() is None


@pytest.mark.parametrize(
    ("language", "text", "muted", "confirmation"),
    [
        ("en", "turn off price alerts", ["watch.price_drop"], "✅ Price drops on my watchlist"),
        ("en", "abeg stop dis price alert", ["watch.price_drop"], "✅ Price drops"),
        ("en", "no more new car alerts", ["search.match"], "✅ New matches for my saved searches"),
        ("fr", "arrête les alertes de prix", ["watch.price_drop"],
         "✅ Baisses de prix de ma liste de suivi : coupé 🔕."),
        ("fr", "plus d'alertes d'enchères", AUCTION_KINDS, "✅ Enchères"),
        ("pt", "não quero alertas de preço", ["watch.price_drop"],
         "✅ Baixas de preço da minha lista: desligado 🔕."),
        ("pt", "chega de alertas de carros novos", ["search.match"], "✅ Novidades"),
    ],
)  # fmt: skip
def test_a_group_turned_off_in_words_is_muted(
    sessions: sessionmaker[Session], language: str, text: str, muted: list[str],
    confirmation: str,
) -> None:  # fmt: skip
    talk = Talk(sessions)

    said = talk.say(text, "mute_alerts", language)

    assert said["text"].startswith(confirmation)
    assert (talk.prefs() or AlertPreferences()).muted_kinds == muted


def test_words_that_ask_for_a_group_back_on_never_turn_it_off(
    sessions: sessionmaker[Session],
) -> None:
    talk = Talk(sessions)
    talk.say("stop price alerts", "mute_alerts")

    said = talk.say("turn price alerts back on", "mute_alerts")

    assert said["text"].startswith("✅ Price drops on my watchlist: on ✅.")
    assert (talk.prefs() or AlertPreferences()).muted_kinds == []


@pytest.mark.parametrize(
    "text",
    ["turn price alerts back on", "switch on auction alerts", "réactive les alertes de prix",
     "remets les alertes d'enchères", "liga os alertas de leilão",
     "volta a mandar alertas de preço",
     "ativa os alertas de carros novos"],
)  # fmt: skip
def test_words_for_on_are_read(text: str) -> None:
    assert asks_on(text)


def test_no_example_of_turning_a_group_off_reads_as_on() -> None:
    files = [*(ROOT / "nlu").glob("*/alert_settings.yml"), *(ROOT / "tests" / "nlu").glob("*.yml")]
    examples = [example for path in files
                for example in read_examples(path).get("mute_alerts", [])]  # fmt: skip

    assert not [example for example in examples if asks_on(example)]


def test_words_that_name_no_group_ask_which_and_change_nothing(
    sessions: sessionmaker[Session],
) -> None:
    talk = Talk(sessions)

    said = talk.say("stop those ones", "mute_alerts")

    assert said["text"].startswith("Which alerts shall I turn off? Tap one below.")
    assert talk.prefs() is None


def test_every_example_of_turning_a_group_off_names_its_group() -> None:
    files = [*(ROOT / "nlu").glob("*/alert_settings.yml"), *(ROOT / "tests" / "nlu").glob("*.yml")]
    examples = [example for path in files
                for example in read_examples(path).get("mute_alerts", [])]  # fmt: skip

    assert len(examples) > 100
    assert not [example for example in examples if group_named(example) is None]
    assert group_named("stop telling me when prices drop on my watchlist") == "price_drops"
    assert group_named("no more outbid messages") == "auctions"
    assert group_named("desativa os alertas de novos veículos") == "matches"


def test_a_buyer_who_said_stop_is_told_how_to_turn_alerts_on(
    sessions: sessionmaker[Session],
) -> None:
    talk = Talk(sessions)
    with transaction(sessions) as db_session:
        privacy_service.stop_alerts(db_session=db_session, buyer_id=talk.buyer_id)

    said = talk.say("mes alertes", "alert_settings", "fr")

    assert "Alertes : coupées ⛔ (vous avez écrit STOP). Écrivez START" in said["text"]
    assert said["buttons"][0] == {"title": "Réactiver les alertes", "payload": "/opt_in"}


def test_a_buyer_without_consent_is_asked_for_it_by_a_tap(
    sessions: sessionmaker[Session],
) -> None:
    said = Talk(sessions, consent=False).say("os meus alertas", "alert_settings", "pt")

    assert "Alertas: desligados. Para enviar alertas precisamos do seu acordo" in said["text"]
    assert said["buttons"][0] == {"title": "Aceito", "payload": "/give_consent",
                                  "answers": "agree"}  # fmt: skip


def test_a_buyer_on_two_channels_chooses_where_alerts_go(sessions: sessionmaker[Session]) -> None:
    talk = Talk(sessions, "whatsapp", "telegram")

    shown = talk.say("alert settings", "alert_settings")
    said = talk.tap('/alert_settings_channel{"channel":"telegram"}')

    assert "Alerts go to: WhatsApp (where you last wrote)" in shown["text"]
    assert titles(shown)[3] == "Alerts on Telegram"
    assert payloads(shown)[3] == '/alert_settings_channel{"channel":"telegram"}'
    assert said["text"].startswith("✅ Your alerts now go to Telegram.")
    assert "Alerts go to: Telegram\n" in said["text"]
    assert '/alert_settings_channel{"channel":"whatsapp"}' in payloads(said)
    assert (talk.prefs() or AlertPreferences()).channel == "telegram"


def test_a_buyer_on_one_channel_is_not_asked_about_channels(
    sessions: sessionmaker[Session],
) -> None:
    said = Talk(sessions, "telegram").say("notifications", "alert_settings")

    assert "Alerts go to" not in said["text"]
    assert not [p for p in payloads(said) if "channel" in p]


def test_whatsapp_offers_stopped_are_shown_and_allowed_again_by_a_tap(
    sessions: sessionmaker[Session],
) -> None:
    talk = Talk(sessions)
    with transaction(sessions) as db_session:
        preferences.stop_marketing(db_session=db_session, buyer_id=talk.buyer_id,
                                   now=datetime(2026, 12, 1, tzinfo=UTC))  # fmt: skip

    shown = talk.say("alert settings", "alert_settings")
    said = talk.tap(payloads(shown)[-1])

    assert "⚠️ WhatsApp says you stopped offers from us" in shown["text"]
    assert shown["buttons"][-1] == {"title": "Allow offers again",
                                    "payload": "/alert_settings_marketing"}  # fmt: skip
    assert said["text"].startswith("✅ Offers on WhatsApp are allowed again.")
    assert "WhatsApp says" not in said["text"]
    assert (talk.prefs() or AlertPreferences()).marketing_stopped_at is None


@pytest.mark.parametrize("language", ["en", "fr", "pt"])
def test_the_longest_settings_fit_whatsapp_in_every_language(
    sessions: sessionmaker[Session], language: str
) -> None:
    talk = Talk(sessions, "whatsapp", "telegram", consent=False)
    with transaction(sessions) as db_session:
        preferences.stop_marketing(db_session=db_session, buyer_id=talk.buyer_id)

    said = talk.tap('/alert_settings_set{"group":"matches","on":"false"}', language)

    assert len(said["text"]) <= WHATSAPP_BODY_LIMIT
    assert len(said["buttons"]) <= 10  # a WhatsApp list
    assert all(len(title) <= 24 for title in titles(said))  # a list row's title
    assert all(len(payload.encode()) <= 64 for payload in payloads(said))  # Telegram's data


def test_every_language_has_every_word() -> None:
    assert set(WORDS["fr"]) == set(WORDS["en"]) == set(WORDS["pt"])


def test_without_an_account_nothing_is_changed(sessions: sessionmaker[Session]) -> None:
    message = {"text": "alert settings", "intent": {"name": "alert_settings"}, "entities": [],
               "metadata": {}}  # fmt: skip
    dispatcher = CollectingDispatcher()
    tracker = Tracker("test:1", {"language": "en"}, message, [], False, None, {}, "")

    asyncio.run(ActionAlertSettings().run(dispatcher, tracker, {}))

    assert dispatcher.messages[0]["response"] == "utter_privacy_unavailable"
