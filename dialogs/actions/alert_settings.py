"""The buyer's alert settings in chat ("alert settings", "mes alertes", "os meus alertas").

One action shows them: whether alerts are on at all (consent given and no STOP; if not, how to
turn them on), the three groups on or off (auctions; new matches for saved searches; price
drops on the watchlist), the channel alerts go to (when the buyer writes on more than one),
the quiet hours, and whether WhatsApp said the buyer stopped our offers (131050). The same
action applies a change first, when the message is one, then shows the settings again under a
one-line confirmation:

- ``/alert_settings_set{"group":"price_drops","on":"false"}`` turns a group off (or on);
- ``mute_alerts`` ("stop price alerts", "arrête les alertes de prix") turns off the group the
  words name (the payload's `group` entity wins);
- ``/alert_settings_quiet{"hours":"22-06"}``: quiet hours off, 21-07 or 22-06;
- ``/alert_settings_channel{"channel":"telegram"}``: one of the buyer's channels;
- ``/alert_settings_marketing``: WhatsApp offers allowed again.

Everything is stored through catalog.preferences.service; STOP and consent stay with privacy.
"""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from catalog.buyers.models import Buyer
from catalog.conversations import service as conversation_service
from catalog.database import transaction
from catalog.preferences import service as preferences
from catalog.preferences.models import AlertPreferences
from catalog.privacy import service as privacy_service
from chat.answers import Answer
from chat.languages import Language
from chat.payloads import build_payload
from chat.timezones import zone_of
from dialogs.actions.account import talking_buyer
from dialogs.actions.alert_settings_wording import CHANNEL_NAMES, asks_on, group_named, words
from dialogs.actions.support import OffLoopAction, catalog_sessions, language

UNAVAILABLE: Final = "utter_privacy_unavailable"
Words = dict[str, str]

# The buyers' alert kinds (notifications/kinds.py), in the three groups a buyer turns on or off.
GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "auctions": ("auction.outbid", "auction.ending_soon", "auction.extended", "auction.won",
                 "auction.lost", "auction.reserve_not_met", "auction.dealer_decision",
                 "auction.cancelled"),
    "matches": ("search.match",),
    "price_drops": ("watch.price_drop",),
}  # fmt: skip

# Quiet hours a buyer can choose (local start and end hour; equal hours: none). The default,
# for a buyer who never chose, is the alert service's: 21:00-07:00 (ALERTS_QUIET_*_HOUR).
QUIET_CHOICES: Final[dict[str, tuple[int, int]]] = {"off": (0, 0), "21-07": (21, 7),
                                                    "22-06": (22, 6)}  # fmt: skip
DEFAULT_QUIET: Final = (21, 7)

SET_INTENT: Final = "alert_settings_set"
QUIET_INTENT: Final = "alert_settings_quiet"
CHANNEL_INTENT: Final = "alert_settings_channel"
MARKETING_INTENT: Final = "alert_settings_marketing"
MUTE_INTENT: Final = "mute_alerts"


@dataclass(frozen=True)
class Settings:
    """What the buyer's settings are now, as the alert service reads them."""

    alerts_on: bool
    stopped: bool  # said STOP (else, if off, consent is missing)
    muted_groups: frozenset[str]
    channels: list[str]  # where they wrote, the last first
    channel: str | None  # where alerts go; None: no conversation
    channel_chosen: bool
    quiet: tuple[int, int]
    zone: str
    marketing_stopped: bool


def read_settings(db_session: Session, buyer: Buyer) -> Settings:
    prefs = preferences.get(db_session=db_session, buyer_id=buyer.id)
    muted = set(prefs.muted_kinds) if prefs else set()
    channels = conversation_service.channels_of(db_session=db_session, buyer_id=buyer.id)
    chosen = prefs.channel if prefs and prefs.channel in channels else None
    return Settings(
        alerts_on=privacy_service.alerts_allowed(buyer),
        stopped=buyer.opted_out_at is not None,
        muted_groups=frozenset(group for group, kinds in GROUPS.items() if muted >= set(kinds)),
        channels=channels,
        channel=chosen or (channels[0] if channels else None),
        channel_chosen=chosen is not None,
        quiet=_quiet(prefs),
        zone=(prefs.time_zone if prefs and prefs.time_zone else None)
        or zone_of(buyer.country, buyer.whatsapp_number),
        marketing_stopped=bool(prefs and prefs.marketing_stopped_at),
    )


def _quiet(prefs: AlertPreferences | None) -> tuple[int, int]:
    if prefs is None or prefs.quiet_start_hour is None or prefs.quiet_end_hour is None:
        return DEFAULT_QUIET
    return prefs.quiet_start_hour, prefs.quiet_end_hour


def hours_text(quiet: tuple[int, int]) -> str:
    return f"{quiet[0]:02d}:00-{quiet[1]:02d}:00"


def _entity(tracker: Tracker, name: str) -> str | None:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == name and entity.get("value") is not None:
            return str(entity["value"])
    return None


def apply_change(db_session: Session, buyer: Buyer, tracker: Tracker, lang: Language) -> str | None:
    """Apply what the message asks (if it asks a change) and say it in one line; None when it
    only asks to see the settings (or names nothing it could change)."""
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    change = _CHANGES.get(str(intent))
    return None if change is None else change(db_session, buyer, tracker, words(lang))


def _set_group(db_session: Session, buyer: Buyer, tracker: Tracker, said: Words) -> str | None:
    group, on = _entity(tracker, "group"), _entity(tracker, "on") == "true"
    return _switch(db_session, buyer, group, on, said)


def _mute_in_words(db_session: Session, buyer: Buyer, tracker: Tracker, said: Words) -> str:
    """ "stop price alerts": that group off ("turn price alerts back on": on again)."""
    text = str((tracker.latest_message or {}).get("text") or "")
    group = _entity(tracker, "group") or group_named(text)
    return _switch(db_session, buyer, group, asks_on(text), said) or said["which"]


def _switch(db_session: Session, buyer: Buyer, group: str | None, on: bool,
            said: Words) -> str | None:  # fmt: skip
    if group not in GROUPS:
        return None
    change = preferences.unmute if on else preferences.mute
    change(db_session=db_session, buyer_id=buyer.id, kinds=GROUPS[group])
    return said["done_group"].format(group=said[group], state=said["on" if on else "off"])


def _set_quiet(db_session: Session, buyer: Buyer, tracker: Tracker, said: Words) -> str | None:
    quiet = QUIET_CHOICES.get(_entity(tracker, "hours") or "")
    if quiet is None:
        return None
    preferences.set_quiet_hours(db_session=db_session, buyer_id=buyer.id,
                                start_hour=quiet[0], end_hour=quiet[1])  # fmt: skip
    if quiet[0] == quiet[1]:
        return said["done_quiet_off"]
    return said["done_quiet"].format(hours=hours_text(quiet))


def _set_channel(db_session: Session, buyer: Buyer, tracker: Tracker, said: Words) -> str | None:
    channel = _entity(tracker, "channel")
    channels = conversation_service.channels_of(db_session=db_session, buyer_id=buyer.id)
    if channel is None or channel not in channels:
        return None
    preferences.set_channel(db_session=db_session, buyer_id=buyer.id, channel=channel)
    return said["done_channel"].format(channel=CHANNEL_NAMES.get(channel, channel))


def _allow_marketing(db_session: Session, buyer: Buyer, tracker: Tracker, said: Words) -> str:
    preferences.allow_marketing(db_session=db_session, buyer_id=buyer.id)
    return said["done_marketing"]


_CHANGES: Final[dict[str, Callable[[Session, Buyer, Tracker, Words], str | None]]] = {
    SET_INTENT: _set_group,
    MUTE_INTENT: _mute_in_words,
    QUIET_INTENT: _set_quiet,
    CHANNEL_INTENT: _set_channel,
    MARKETING_INTENT: _allow_marketing,
}


def settings_message(settings: Settings, lang: Language) -> tuple[str, list[dict[str, Any]]]:
    """The settings as lines, and a button for every change they offer (in the order a typed
    number picks them)."""
    said = words(lang)
    lines, buttons = [said["title"]], []
    for part in (_alerts_part, _groups_part, _channel_part, _quiet_part, _marketing_part):
        more_lines, more_buttons = part(settings, said)
        lines += more_lines
        buttons += more_buttons
    lines.append(said["tap"])
    return "\n".join(lines), buttons


Part = tuple[list[str], list[dict[str, Any]]]


def _alerts_part(settings: Settings, said: Words) -> Part:
    if settings.alerts_on:
        return [said["alerts_on"]], []
    if settings.stopped:
        return [said["alerts_stopped"]], [{"title": said["button_resume"], "payload": "/opt_in"}]
    return [said["alerts_need_consent"]], [
        {"title": said["button_consent"], "payload": "/give_consent", "answers": Answer.AGREE}
    ]


def _groups_part(settings: Settings, said: Words) -> Part:
    lines, buttons = [], []
    for group in GROUPS:
        on = group not in settings.muted_groups
        lines.append(f"• {said[group]}: {said['on' if on else 'off']}")
        title = said["button_off" if on else "button_on"].format(short=said[f"short_{group}"])
        payload = build_payload(SET_INTENT, group=group, on="false" if on else "true")
        buttons.append({"title": title[:1].upper() + title[1:], "payload": payload})
    return lines, buttons


def _channel_part(settings: Settings, said: Words) -> Part:
    """Shown only to a buyer who writes on more than one channel."""
    names = {CHANNEL_NAMES.get(channel, channel) for channel in settings.channels}
    if settings.channel is None or len(names) < 2:
        return [], []
    current = CHANNEL_NAMES.get(settings.channel, settings.channel)
    line = said["channel" if settings.channel_chosen else "channel_last"].format(channel=current)
    buttons, offered = [], {current}
    for channel in settings.channels:
        name = CHANNEL_NAMES.get(channel, channel)
        if name not in offered:
            offered.add(name)
            payload = build_payload(CHANNEL_INTENT, channel=channel)
            buttons.append({"title": said["button_channel"].format(channel=name),
                            "payload": payload})  # fmt: skip
    return [line], buttons


def _quiet_part(settings: Settings, said: Words) -> Part:
    off = settings.quiet[0] == settings.quiet[1]
    hours = hours_text(settings.quiet)
    line = said["quiet_off"] if off else said["quiet"].format(hours=hours, zone=settings.zone)
    buttons = []
    for choice, quiet in QUIET_CHOICES.items():
        choice_off = quiet[0] == quiet[1]
        if (off and choice_off) or settings.quiet == quiet:
            continue  # the current one
        title = (said["button_quiet_off"] if choice_off
                 else said["button_quiet"].format(hours=hours_text(quiet)))  # fmt: skip
        buttons.append({"title": title, "payload": build_payload(QUIET_INTENT, hours=choice)})
    return [line], buttons


def _marketing_part(settings: Settings, said: Words) -> Part:
    if not settings.marketing_stopped:
        return [], []
    return [said["marketing_stopped"]], [
        {"title": said["button_marketing"], "payload": "/" + MARKETING_INTENT}
    ]


class ActionAlertSettings(OffLoopAction):
    """Shows the buyer's alert settings, after applying the change the message asks for."""

    def name(self) -> str:
        return "action_alert_settings"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        lang = language(tracker)
        with transaction(catalog_sessions()) as db_session:
            buyer = talking_buyer(db_session, tracker)
            if buyer is None:
                dispatcher.utter_message(response=UNAVAILABLE)
                return []
            confirmation = apply_change(db_session, buyer, tracker, lang)
            text, buttons = settings_message(read_settings(db_session, buyer), lang)
        if confirmation:
            text = confirmation + "\n\n" + text
        dispatcher.utter_message(text=text, buttons=buttons)
        return []
