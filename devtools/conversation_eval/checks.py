"""Each check kind of `cases`, decided from an `Observation`: what the bot sent in answer to the
buyer's last message (its text and its choices, with the payloads the channel adapter remembers),
the last list shown before it, and what the catalog holds for the buyer afterwards.

No check reads the bot's wording, except `not_fallback`, which compares with the bot's own
fallback texts (read from the domain by the runner).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chat.payloads import PayloadError, parse_payload
from devtools.conversation_eval import cases
from devtools.conversation_eval.language_guess import guess_language


@dataclass(frozen=True)
class Vehicle:
    """A catalog vehicle, as far as a buyer can recognise it in a reply."""

    id: int
    year: int
    make: str
    model: str
    vin: str

    @property
    def title(self) -> str:
        return f"{self.year} {self.make} {self.model}"


@dataclass(frozen=True)
class SeenChoice:
    """A choice the bot offered: its label and the payload tapping it sends ("" unknown)."""

    title: str
    payload: str = ""
    description: str = ""

    @property
    def intent(self) -> str:
        try:
            return parse_payload(self.payload).intent
        except PayloadError:
            return ""

    def entity(self, name: str) -> str | None:
        try:
            return parse_payload(self.payload).entities.get(name)
        except PayloadError:
            return None


@dataclass(frozen=True)
class SeenReply:
    """One message the bot sent, as the buyer sees it."""

    text: str
    choices: tuple[SeenChoice, ...] = ()

    @property
    def visible(self) -> str:
        """Everything the buyer reads: the text and every choice's label and description."""
        labels = [f"{choice.title} {choice.description}".strip() for choice in self.choices]
        return "\n".join([self.text, *labels])


@dataclass(frozen=True)
class BuyerRecord:
    """What the catalog holds for the buyer after the exchange."""

    erased: bool = False
    alerts_on: bool = False
    watches: int = 0
    saved_searches: int = 0
    handoffs: int = 0
    bids: tuple[tuple[int, int], ...] = ()  # (lot, amount in cents)


@dataclass(frozen=True)
class Observation:
    typed: str
    replies: tuple[SeenReply, ...]
    last_list: tuple[Vehicle, ...] = ()  # the vehicles of the last list shown, in order
    catalog: Mapping[int, Vehicle] = field(default_factory=dict)  # every vehicle, by id
    lots: Mapping[int, int] = field(default_factory=dict)  # lot number -> vehicle id
    record: BuyerRecord = field(default_factory=BuyerRecord)
    fallback_texts: tuple[str, ...] = ()

    @property
    def visible(self) -> str:
        return "\n".join(reply.visible for reply in self.replies)

    @property
    def choices(self) -> list[SeenChoice]:
        return [choice for reply in self.replies for choice in reply.choices]


@dataclass(frozen=True)
class Verdict:
    passed: bool
    why: str = ""  # for a failure: what was seen instead


PASS = Verdict(True)


def fail(why: str) -> Verdict:
    return Verdict(False, why)


def decide(check: cases.Check, seen: Observation) -> Verdict:
    """Whether `seen` meets `check`; a failure says what was seen instead."""
    return _DECIDERS[type(check)](check, seen)


# --- reading replies -----------------------------------------------------------------------------


def plain(text: str) -> str:
    """Lower case, accents removed, spaces folded: what word checks compare."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())


def vehicles_named(seen: Observation, among: Sequence[Vehicle] | None = None) -> set[int]:
    """The vehicles a reply points at: by a choice's payload (its vehicle or its lot), by VIN, or
    by a title ("2016 Toyota Hilux") that only one vehicle of `among` has."""
    named: set[int] = set()
    for choice in seen.choices:
        vehicle = choice.entity("vehicle_id")
        lot = choice.entity("lot")
        if vehicle and vehicle.isdigit():
            named.add(int(vehicle))
        elif lot and lot.isdigit() and int(lot) in seen.lots:
            named.add(seen.lots[int(lot)])
    text = plain(seen.visible)
    pool = list(among if among is not None else seen.catalog.values())
    titles: dict[str, list[int]] = {}
    for known in pool:
        titles.setdefault(plain(known.title), []).append(known.id)
        if known.vin and known.vin.lower() in text:
            named.add(known.id)
    named |= {ids[0] for title, ids in titles.items() if len(ids) == 1 and title in text}
    return named


def _makes_shown(seen: Observation) -> set[str]:
    text = plain(seen.visible)
    return {vehicle.make for vehicle in seen.catalog.values()
            if plain(f"{vehicle.make} {vehicle.model}") in text}  # fmt: skip


def amount_in(text: str, amount: str) -> bool:
    """Whether a whole-dollar amount appears, however grouped: 5200, 5,200, 5 200, $5.200,00."""
    digits = re.sub(r"\D", "", amount)
    joined = re.sub(r"(?<=\d)[,.\u202f\u00a0 '](?=\d{3}(?!\d))", "", text)
    return bool(digits) and re.search(rf"(?<!\d){digits}(?!\d)", joined) is not None


def number_in(text: str, number: str) -> bool:
    return re.search(rf"(?<![\d.,]){re.escape(number)}(?![\d])", text) is not None


# --- the deciders --------------------------------------------------------------------------------


def _not_fallback(check: cases.NotFallback, seen: Observation) -> Verdict:
    if not seen.replies:
        return fail("no reply at all")
    for reply in seen.replies:
        start = plain(reply.text)[:40]
        if any(start and plain(text).startswith(start[:30]) for text in seen.fallback_texts):
            return fail("the fallback")
    return PASS


def _pick(seen: Observation, pick: int | str) -> list[Vehicle]:
    if isinstance(pick, int):
        index = pick - 1 if pick > 0 else len(seen.last_list) + pick
        return [seen.last_list[index]] if 0 <= index < len(seen.last_list) else []
    wanted = plain(pick)
    return [vehicle for vehicle in seen.last_list if wanted in plain(vehicle.title)]


def _shows_vehicle(check: cases.ShowsVehicle, seen: Observation) -> Verdict:
    if not seen.last_list:
        return fail("no list of vehicles was shown before")
    targets = _pick(seen, check.pick)
    if not targets:
        return fail(f"the last list ({len(seen.last_list)} vehicles) has no {check.pick!r}")
    shown = vehicles_named(seen, seen.last_list)
    wanted = {vehicle.id for vehicle in targets}
    if not shown & wanted:
        return fail(f"{targets[0].title} not shown")
    if shown - wanted:
        return fail(f"shows {len(shown)} vehicles, not one")
    return PASS


def _lists_vehicles(check: cases.ListsVehicles, seen: Observation) -> Verdict:
    named = vehicles_named(seen)
    makes = {seen.catalog[vehicle].make for vehicle in named if vehicle in seen.catalog}
    count = len(named) or len(_makes_shown(seen))
    makes |= _makes_shown(seen)
    if count < check.min:
        return fail(f"{count} vehicles shown, at least {check.min} expected")
    if check.not_make and plain(check.not_make) in {plain(make) for make in makes}:
        return fail(f"shows a {check.not_make}")
    return PASS


def _says_list_size(check: cases.SaysListSize, seen: Observation) -> Verdict:
    if not seen.last_list:
        return fail("no list of vehicles was shown before")
    size = str(len(seen.last_list))
    if vehicles_named(seen, seen.last_list) & {vehicle.id for vehicle in seen.last_list}:
        return fail("shows a vehicle of the list instead")
    if not number_in(seen.visible, size):
        return fail(f"does not say the list had {size}")
    return PASS


def _asks_bid_confirmation(check: cases.AsksBidConfirmation, seen: Observation) -> Verdict:
    text = seen.visible
    if not amount_in(text, check.amount):
        return fail(f"the amount {check.amount} is not in the reply")
    if not number_in(text, check.lot):
        return fail(f"lot {check.lot} is not in the reply")
    return PASS


def _bid_placed(check: cases.BidPlaced, seen: Observation) -> Verdict:
    wanted = (int(check.lot), int(re.sub(r"\D", "", check.amount)) * 100)
    if wanted in seen.record.bids:
        return PASS
    return fail(f"bids placed: {list(seen.record.bids) or 'none'}")


def _no_bid_placed(check: cases.NoBidPlaced, seen: Observation) -> Verdict:
    return PASS if not seen.record.bids else fail(f"bids placed: {list(seen.record.bids)}")


def _offers_handoff(check: cases.OffersHandoff, seen: Observation) -> Verdict:
    if seen.record.handoffs or any(c.intent == "human_handoff" for c in seen.choices):
        return PASS
    return fail("no way to reach a person offered")


def _offers(check: cases.Offers, seen: Observation) -> Verdict:
    intents = [choice.intent for choice in seen.choices]
    if check.intent in intents:
        return PASS
    return fail(f"offers {', '.join(i for i in intents if i) or 'nothing'}")


def _replied_in(check: cases.RepliedIn, seen: Observation) -> Verdict:
    language = guess_language(seen.visible)
    return PASS if language == check.language else fail(f"answered in {language or '?'}")


def _mentions_any(check: cases.MentionsAny, seen: Observation) -> Verdict:
    text = plain(seen.visible)
    if any(plain(word) in text for word in check.words):
        return PASS
    return fail(f"none of {check.words} in the reply")


def _mentions_none(check: cases.MentionsNone, seen: Observation) -> Verdict:
    text = plain(seen.visible)
    found = [word for word in check.words if plain(word) in text]
    return fail(f"mentions {found}") if found else PASS


def _stored(check: cases.StoredCheck, seen: Observation) -> Verdict:
    record = seen.record
    held = {"watch": record.watches > 0, "saved_search": record.saved_searches > 0,
            "alerts_on": record.alerts_on, "handoff": record.handoffs > 0,
            "erased": record.erased}[check.what]  # fmt: skip
    if held == check.present:
        return PASS
    return fail(f"{check.what} {'stored' if held else 'not stored'}")


_DOUBLE_NUMBER = re.compile(r"^\s*\d{1,2}[.)]\s*\d{1,2}[.)]\s")
_CUT = re.compile(r"\w(…|\.\.\.)$")
_FIELDS = re.compile(r"\s*[·•|]\s*")


def _clean_rendering(check: cases.CleanRendering, seen: Observation) -> Verdict:
    lines = [line for reply in seen.replies for line in reply.text.splitlines()]
    labels = [choice.title for choice in seen.choices]
    if any(_DOUBLE_NUMBER.match(line) for line in [*lines, *labels]):
        return fail("a row numbered twice")
    cut = [choice.title for choice in seen.choices if _cut_badly(choice.title, choice.description)]
    if cut:
        return fail(f"a title cut mid-word, or its rest lost: {cut[0]!r}")
    rows = [
        c.description if _CUT.search(c.title.strip()) else f"{c.title} · {c.description}"
        for c in seen.choices
    ]  # a cut title's description is the whole title again
    for line in [*lines, *rows]:
        repeated = _repeated_word(line)
        if repeated:
            return fail(f"{repeated!r} printed twice: {line.strip()[:80]!r}")
    typed = plain(seen.typed)
    if len(typed.split()) >= 5 and typed in plain(seen.visible):
        return fail("echoes the sentence typed")
    return PASS


def _cut_badly(title: str, description: str | None) -> bool:
    """A title cut short is fine only at a word, with the whole of it in the row's description
    ("2012 Land Cruiser…" over "2012 Land Cruiser Prado $18,500"); "2012 Land Cru…" is not."""
    title = title.strip()
    if not _CUT.search(title):
        return False
    kept = title.removesuffix("…").removesuffix("...")
    whole = (description or "").strip()
    return not (whole.startswith(kept) and whole[len(kept) : len(kept) + 1] in {" ", ","})


def _repeated_word(line: str) -> str | None:
    """A word (4 letters or more) in two fields of a "a · b · c" line, or twice in a row."""
    words = plain(line).split()
    for first, second in itertools.pairwise(words):
        if first == second and len(first) >= 4 and first.isalpha():
            return first
    parts = _FIELDS.split(plain(line))
    seen: set[str] = set()
    for part in parts if len(parts) > 1 else []:
        fresh = set(re.findall(r"[a-z]{4,}", part))
        again = fresh & seen
        if again:
            return str(sorted(again)[0])
        seen |= fresh
    return None


_DECIDERS: dict[type[Any], Callable[[Any, Observation], Verdict]] = {
    cases.NotFallback: _not_fallback,
    cases.ShowsVehicle: _shows_vehicle,
    cases.ListsVehicles: _lists_vehicles,
    cases.SaysListSize: _says_list_size,
    cases.AsksBidConfirmation: _asks_bid_confirmation,
    cases.BidPlaced: _bid_placed,
    cases.NoBidPlaced: _no_bid_placed,
    cases.OffersHandoff: _offers_handoff,
    cases.Offers: _offers,
    cases.RepliedIn: _replied_in,
    cases.MentionsAny: _mentions_any,
    cases.MentionsNone: _mentions_none,
    cases.StoredCheck: _stored,
    cases.CleanRendering: _clean_rendering,
}
