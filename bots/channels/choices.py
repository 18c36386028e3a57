"""What a buyer's typed answer stands for, remembered by the channel adapter that offered it.

After every bot turn the adapter remembers, per conversation:
- the options a number or a name picks from: the buttons of the turn's longest list (the results,
  not the "More" beside them), kept until a later turn offers others, for a day;
- the question just asked, if any: the payloads of its buttons marked yes, no and agree, kept
  only until the next bot turn (a later turn without a question clears it) and answered by text
  only while it is younger than `QUESTION_TTL` (a bid confirmed by "yes" is as binding as a tap,
  so an old summary is not confirmed by a "yes" typed an hour later);
- button payloads too long for the channel (a key stands in for them).
Kept in Redis, so every worker process resolves every answer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import redis.asyncio as aioredis

from chat.answers import Answer
from chat.choosing import Option
from chat.replies import Reply

OPTIONS_TTL: Final = 24 * 3600
QUESTION_TTL: Final = 10 * 60  # how long a typed yes may answer the last question
LONG_PAYLOAD_TTL: Final = 30 * 24 * 3600
_OPTIONS: Final = "nzila:options:{conversation}"
_QUESTION: Final = "nzila:question:{conversation}"
_LONG_PAYLOAD: Final = "nzila:cb:{key}"


@dataclass(frozen=True)
class Question:
    """The last question the bot asked: what each answer sends, and when it was asked."""

    answers: dict[Answer, str]
    asked_at: float

    def payload_for(self, answer: Answer) -> str | None:
        """What a typed answer sends: yes and agree stand in for each other (a terms question
        has one of the two) and answer a binding confirmation; "ok" and 👍 answer a plain yes
        ("Shall I watch it?") but never a binding one: a bid or an erasure is not confirmed by
        a thumbs-up; "thank you" answers nothing."""
        order = {
            Answer.YES: (Answer.YES, Answer.AGREE, Answer.CONFIRM),
            Answer.AGREE: (Answer.AGREE, Answer.YES, Answer.CONFIRM),
            Answer.OK: (Answer.YES,),
            Answer.THANKS: (),
        }.get(answer, (answer,))
        return next((self.answers[a] for a in order if a in self.answers), None)

    def expired(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) - self.asked_at > QUESTION_TTL


def options_of(replies: Sequence[Reply]) -> list[Option]:
    """The options a typed number picks from: the longest list of buttons of the turn (its
    last, when two are as long), numbered as every channel shows them."""
    best: list[Option] = []
    for reply in replies:
        if reply.buttons and len(reply.buttons) >= len(best):
            best = [Option(button.payload, button.title) for button in reply.buttons]
    return best


def question_of(replies: Sequence[Reply]) -> dict[Answer, str]:
    """The answers of the last question of the turn (buttons marked with what they answer)."""
    for reply in reversed(replies):
        marked = {button.answers: button.payload for button in reply.buttons if button.answers}
        if marked:
            return marked
    return {}


class ChoiceMemory:
    """Options, the pending question and long payloads per conversation, in Redis."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis

    async def remember_turn(self, conversation: str, replies: Sequence[Reply]) -> None:
        """Remember what the turn just sent offers: its options (none: the earlier ones stay
        choosable) and its question (none: no question is pending any more)."""
        options = options_of(replies)
        if options:
            await self._redis.set(_OPTIONS.format(conversation=conversation),
                                  json.dumps([[o.payload, o.title] for o in options]),
                                  ex=OPTIONS_TTL)  # fmt: skip
        question = question_of(replies)
        key = _QUESTION.format(conversation=conversation)
        if question:
            stored = {"answers": {k.value: v for k, v in question.items()}, "at": time.time()}
            await self._redis.set(key, json.dumps(stored), ex=OPTIONS_TTL)
        else:
            await self._redis.delete(key)

    async def options(self, conversation: str) -> list[Option]:
        """The options last shown in the conversation, in display order."""
        stored = await self._redis.get(_OPTIONS.format(conversation=conversation))
        rows: list[Any] = json.loads(stored) if stored else []
        return [Option(str(row[0]), str(row[1])) for row in rows if isinstance(row, list)]

    async def option(self, conversation: str, number: int) -> str | None:
        """The payload of option `number` (from 1) last shown in the conversation, if any."""
        options = await self.options(conversation)
        return options[number - 1].payload if 1 <= number <= len(options) else None

    async def question(self, conversation: str) -> Question | None:
        """The question the bot's last turn asked, if it asked one."""
        stored = await self._redis.get(_QUESTION.format(conversation=conversation))
        if not stored:
            return None
        data = json.loads(stored)
        known = {answer.value for answer in Answer}
        answers = {Answer(k): str(v) for k, v in data["answers"].items() if k in known}
        return Question(answers, float(data["at"]))

    async def remember_payloads(self, long_payloads: dict[str, str]) -> None:
        for key, payload in long_payloads.items():
            await self._redis.set(_LONG_PAYLOAD.format(key=key), payload, ex=LONG_PAYLOAD_TTL)

    async def payload(self, key: str) -> str | None:
        """The long payload `key` stands for, if remembered."""
        stored = await self._redis.get(_LONG_PAYLOAD.format(key=key))
        if stored is None:
            return None
        return stored.decode() if isinstance(stored, bytes) else str(stored)
