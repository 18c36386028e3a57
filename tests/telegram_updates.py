"""Telegram updates as a fuzzer or an attacker sends them, for the parser's and the route's tests.

Each case of `FUZZED` mutates the recorded text message ("text.json") the way one of the 4,000
fuzzed updates that once gave a 500 did, and names the field the refusal must point at.
`mutated_updates` makes more of them, from every recorded update: any value anywhere replaced by
a null, a value of another type, a huge number or a deep nesting, or taken away.
"""

from __future__ import annotations

import copy
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

Update = dict[str, Any]
Mutation = Callable[[Update], None]
Where = tuple[str | int, ...]

RECORDED = Path(__file__).parent / "fixtures" / "telegram"

HUGE_ID = int("9" * 130)  # a 130-digit id
AFTER_YEAR_9999 = 253402300800  # 10000-01-01T00:00:00Z
BEFORE_TELEGRAM = 1000  # 1970
DEEP = 900


def deep_replies(depth: int) -> dict[str, Any]:
    """A reply to a reply to ... `depth` levels, built without recursion."""
    reply: dict[str, Any] = {}
    for _ in range(depth):
        reply = {"reply_to_message": reply}
    return reply


def _message(update: Update) -> dict[str, Any]:
    message: dict[str, Any] = update["message"]
    return message


FUZZED: dict[str, tuple[Mutation, str]] = {
    "null_chat": (lambda u: _message(u).update(chat=None), "message.chat"),
    "no_chat": (lambda u: _message(u).pop("chat"), "message.chat"),
    "null_first_name": (
        lambda u: _message(u)["from"].update(first_name=None),
        "message.from.first_name",
    ),
    "numeric_text": (lambda u: _message(u).update(text=8000), "message.text"),
    "lone_surrogate_text": (lambda u: _message(u).update(text="Toyota \ud800"), "message.text"),
    "huge_chat_id": (lambda u: _message(u)["chat"].update(id=HUGE_ID), "message.chat.id"),
    "huge_user_id": (lambda u: _message(u)["from"].update(id=-HUGE_ID), "message.from.id"),
    "huge_update_id": (lambda u: u.update(update_id=HUGE_ID), "update_id"),
    "id_at_52_bits": (lambda u: _message(u)["chat"].update(id=2**52), "message.chat.id"),
    "string_chat_id": (lambda u: _message(u)["chat"].update(id="512345678"), "message.chat.id"),
    "bool_user_id": (lambda u: _message(u)["from"].update(id=True), "message.from.id"),
    "float_message_id": (lambda u: _message(u).update(message_id=1042.5), "message.message_id"),
    "date_after_9999": (lambda u: _message(u).update(date=AFTER_YEAR_9999), "message.date"),
    "date_before_telegram": (lambda u: _message(u).update(date=BEFORE_TELEGRAM), "message.date"),
    "string_date": (lambda u: _message(u).update(date="1718000000"), "message.date"),
    "deep_reply_to_message": (
        lambda u: _message(u).update(deep_replies(DEEP)),
        "message.reply_to_message.reply_to_message",
    ),
    "message_not_object": (lambda u: u.update(message=[1, 2]), "message"),
}


@contextmanager
def recursion_limit(limit: int) -> Iterator[None]:
    """Room for the test's own json.dumps of a deeply nested update (never for the app's)."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def encode(update: Any) -> bytes:
    """`update` as the JSON body a client would post, however deep it nests."""
    with recursion_limit(10 * DEEP):
        return json.dumps(update).encode()  # a lone surrogate is escaped: "\\ud800"


DATED = ("message", "edited_message", "message_reaction")  # what may be refused as stale


def refresh(update: Update, now: float | None = None) -> Update:
    """`update` as if sent just now: its dates moved by the same amount, to `now` at the latest.

    A recorded update is months old, older than the dedupe window: the webhook refuses it.
    """
    for kind in DATED:
        dated = update.get(kind)
        if isinstance(dated, dict) and isinstance(dated.get("date"), int):
            latest = dated.get("edit_date", dated["date"])
            shift = int(time.time() if now is None else now) - latest
            dated["date"] += shift
            if "edit_date" in dated:
                dated["edit_date"] += shift
    return update


def sent_at(update: Update) -> int | None:
    """When the user did what `update` reports (the edit's date for an edit), if it says."""
    for kind in DATED:
        dated = update.get(kind)
        if isinstance(dated, dict):
            date = dated.get("edit_date", dated.get("date"))
            return date if isinstance(date, int) else None
    return None


@cache
def recorded_updates() -> dict[str, Update]:
    """Every Telegram update under tests/fixtures/telegram, ours and others', by file name."""
    return {
        str(path.relative_to(RECORDED).with_suffix("")): json.loads(path.read_text())
        for path in sorted(RECORDED.rglob("*.json"))
    }


def paths(value: Any) -> Iterator[Where]:
    """The path to every value inside `value` (keys and list indices), however deep it nests."""
    todo: list[tuple[Where, Any]] = [((), value)]
    while todo:
        prefix, inner = todo.pop()
        if isinstance(inner, dict):
            items: list[tuple[str | int, Any]] = list(inner.items())
        elif isinstance(inner, list):
            items = list(enumerate(inner))
        else:
            continue
        for key, item in items:
            yield (*prefix, key)
            todo.append(((*prefix, key), item))


def nested(depth: int, inner: Any = 1, *, as_list: bool = False) -> Any:
    """`inner` `depth` levels down, in lists or one-key objects, built without recursion."""
    for _ in range(depth):
        inner = [inner] if as_list else {"reply_to_message": inner}
    return inner


_HUGE = st.sampled_from([2**52, -(2**52), 2**53 + 1, 2**63, -(2**64), HUGE_ID, AFTER_YEAR_9999])
_JUNK: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**130), max_value=10**130),
    _HUGE,
    st.floats(),  # NaN and infinities included
    st.text(max_size=8),
    st.text(st.characters(categories=["Cs"]), min_size=1, max_size=2),  # lone surrogates
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=3),
    st.tuples(st.integers(1, DEEP), st.booleans()).map(
        lambda shape: nested(shape[0], as_list=shape[1])
    ),
)
_TAKE_AWAY = object()


def _mutate(update: Update, where: Where, junk: Any) -> None:
    parent: Any = update
    for key in where[:-1]:
        parent = parent[key]
    if junk is _TAKE_AWAY and isinstance(parent, dict):
        del parent[where[-1]]
    else:
        parent[where[-1]] = None if junk is _TAKE_AWAY else junk


@st.composite
def mutated_updates(draw: st.DrawFn, fresh: Callable[[Update], None] = lambda _: None) -> Update:
    """A recorded update (dates made current by `fresh`) with one to three values spoiled."""
    name = draw(st.sampled_from(sorted(recorded_updates())))
    update = copy.deepcopy(recorded_updates()[name])
    fresh(update)
    for _ in range(draw(st.integers(1, 3))):
        inside = list(paths(update))
        if not inside:  # everything taken away
            break
        _mutate(update, draw(st.sampled_from(inside)), draw(st.one_of(st.just(_TAKE_AWAY), _JUNK)))
    return update
