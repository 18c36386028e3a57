"""Buyers' questions about buying from us ("can I pay in instalments?", "how long to Lagos?",
"is this car accident free?"), answered from a small knowledge base that staff edit:
dialogs/knowledge/answers.yml (its header says how).

Why not Rasa retrieval intents with a ResponseSelector: every edit of an answer would need a
model retrained and redeployed, and the answers would live in the domain, far from staff. Here
the file is read again whenever it changes, and a topic is found by its keys, in any of the
three languages, so a French question from an English-speaking buyer finds its answer too.
Messages the classifier could not place, and those it took for out of scope, are looked up
here before the bot says it did not understand (no intent of their own: a new intent would
cost the other intents' accuracy, and the keys find these questions in any language).
"""
# rasa_sdk ships no py.typed, so its names are untyped (Any) here.
# mypy: disable-error-code="import-untyped"

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from catalog.text import words
from chat.payloads import build_payload, is_payload
from dialogs.actions.choice import current_vehicle
from dialogs.actions.support import OffLoopAction, catalog_sessions, language

logger = logging.getLogger(__name__)

ANSWERS_FILE: Final = Path(__file__).resolve().parent.parent / "knowledge" / "answers.yml"
HISTORY: Final = "history"  # the `next` step that opens the vehicle in view's history


@dataclass(frozen=True)
class Topic:
    id: str
    keys: tuple[tuple[str, ...], ...]  # each key: the starts of the words it needs
    answer: Mapping[str, str]
    next: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    topics: tuple[Topic, ...]
    buttons: Mapping[str, Mapping[str, str]]

    def topic_for(self, text: str) -> Topic | None:
        """The topic whose keys in `text` have the most words ("clean title" says more than
        "title"); the first listed on a tie; None when no key is there."""
        found = [_fold(word) for word in words(text)]
        best, best_score = None, 0
        for topic in self.topics:
            score = sum(len(key) for key in topic.keys
                        if all(any(w.startswith(part) for w in found) for part in key))  # fmt: skip
            if score > best_score:
                best, best_score = topic, score
        return best


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def parse(data: Mapping[str, Any]) -> KnowledgeBase:
    """The knowledge base in `data` (answers.yml's shape); ValueError when it is malformed, so
    an edit that breaks it is refused and the last good one kept."""
    try:
        topics = tuple(_topic(entry) for entry in data["topics"])
        buttons = {str(name): {str(k): str(v) for k, v in button.items()}
                   for name, button in (data.get("buttons") or {}).items()}  # fmt: skip
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"malformed knowledge base: {error!r}") from error
    for topic in topics:
        unknown = [step for step in topic.next if step not in buttons]
        if unknown or not all(topic.keys):
            raise ValueError(f"topic {topic.id}: unknown next steps {unknown} or an empty key")
    return KnowledgeBase(topics, buttons)


def _topic(entry: Mapping[str, Any]) -> Topic:
    keys = tuple(tuple(_fold(part) for part in str(key).split()) for key in entry["keys"])
    answer = {lang: " ".join(str(entry["answer"][lang]).split()) for lang in ("en", "fr", "pt")}
    steps = tuple(str(step) for step in entry.get("next") or ())
    return Topic(id=str(entry["id"]), keys=keys, answer=answer, next=steps)


class _Loaded:
    """answers.yml, read again when its modification time changes."""

    def __init__(self, path: Path) -> None:
        self._path, self._lock = path, threading.Lock()
        self._stamp: float | None = None
        self._base = KnowledgeBase((), {})

    def get(self) -> KnowledgeBase:
        try:
            stamp = self._path.stat().st_mtime
        except OSError:
            return self._base
        with self._lock:
            if stamp != self._stamp:
                try:
                    self._base = parse(yaml.safe_load(self._path.read_text(encoding="utf-8")))
                except (ValueError, yaml.YAMLError) as error:  # keep the last good one
                    logger.error("knowledge base %s not reloaded: %s", self._path, error)
                self._stamp = stamp
            return self._base


knowledge = _Loaded(ANSWERS_FILE)


def answer_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Answer the latest message from the knowledge base, in the buyer's language, with its
    next steps; False when no topic matches (the caller says what it would otherwise)."""
    text = str((tracker.latest_message or {}).get("text") or "")
    base = knowledge.get()
    topic = None if is_payload(text) else base.topic_for(text)
    if topic is None:
        return False
    lang = language(tracker)
    dispatcher.utter_message(text=topic.answer.get(lang, topic.answer["en"]),
                             buttons=_buttons(base, topic.next, lang, tracker))  # fmt: skip
    return True


def _buttons(
    base: KnowledgeBase, steps: Sequence[str], lang: str, tracker: Tracker
) -> list[dict[str, str]]:
    buttons = []
    for step in steps:
        button = base.buttons[step]
        payload = button["payload"]
        if step == HISTORY:
            with catalog_sessions()() as db_session:
                vehicle = current_vehicle(tracker, db_session)
            if vehicle is None:
                continue
            payload = build_payload(payload, vehicle_id=vehicle.id)
        buttons.append({"title": button.get(lang, button["en"]), "payload": payload})
    return buttons


class ActionOutOfScope(OffLoopAction):
    """What the classifier took for out of scope: a question the knowledge base answers, or
    what the bot can do."""

    def name(self) -> str:
        return "action_out_of_scope"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not answer_question(dispatcher, tracker):
            dispatcher.utter_message(response="utter_out_of_scope")
        return []
