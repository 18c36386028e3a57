"""The exchange format: short scripted exchanges kept as YAML under tests/conversations/.

One file per language in each set (heldout/, written before the fixes and never tuned against;
dev/, written later). An exchange is a context (what the buyer typed, tapped or sent before),
what the buyer types now, and what must happen, as checks a buyer would notice:

    - id: en-choose-01
      language: en          # en, fr, pt, pcm (pidgin)
      channel: whatsapp     # telegram, whatsapp, twilio
      category: choosing    # one of CATEGORIES
      context:
        - Toyota Hilux diesel          # typed text
        - tap: 2                       # the 2nd choice of the last reply (or an intent: affirm)
        - send: voice                  # a voice note, sticker, video, document or image
      says: "the first one"
      expect:
        - not_fallback
        - shows_vehicle: first

Typed text and checks may name what the runner fills in from the catalog before playing the
exchange: {lot} (a live auction's lot number), {bid} (the next valid bid on it, in whole dollars),
{over_limit} (a bid on it above a new buyer's bidding limit); and, in what the buyer types last,
{model_N} and {year_N}: the model and the year of result N (1-9) of the last list shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from devtools.conversation_eval import BadExchangeSet

Language = Literal["en", "fr", "pt", "pcm"]
ChannelName = Literal["telegram", "whatsapp", "twilio"]
Category = Literal[
    "choosing", "answering", "emoji_short", "not_in_stock", "contact_details", "questions",
    "bidding_limit", "media", "language", "consent", "small_things",
]  # fmt: skip
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]
LANGUAGES: tuple[str, ...] = Language.__args__  # type: ignore[attr-defined]
CHANNELS: tuple[str, ...] = ChannelName.__args__  # type: ignore[attr-defined]
SETS = ("heldout", "dev")
SETS_DIR = Path(__file__).resolve().parents[2] / "tests" / "conversations"
_PLACEHOLDER = re.compile(r"\{([a-z_]+[0-9]?)\}")
_KNOWN_PLACEHOLDER = re.compile(r"lot|bid|over_limit|(model|year)_[1-9]")
MediaKind = Literal["voice", "sticker", "video", "document", "image"]
Stored = Literal["watch", "saved_search", "alerts_on", "handoff", "erased"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- what the buyer does -------------------------------------------------------------------------


class Typed(_Frozen):
    """Text typed by the buyer, sent as text (never turned into a tap)."""

    kind: Literal["type"] = "type"
    text: str = Field(min_length=1)


class Tap(_Frozen):
    """A tap on a choice of the bot's last message that had choices: its position from 1 (-1 the
    last one), or the intent its payload names ("affirm")."""

    kind: Literal["tap"] = "tap"
    choice: int | str


class Send(_Frozen):
    """Something that is not text: a voice note, a sticker, a video, a document, a photo."""

    kind: Literal["send"] = "send"
    media: MediaKind


Step = Annotated[Typed | Tap | Send, Field(discriminator="kind")]


def _step(value: Any) -> Any:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return {"kind": "type", "text": str(value)}
    if isinstance(value, dict) and len(value) == 1 and "tap" in value:
        return {"kind": "tap", "choice": value["tap"]}
    if isinstance(value, dict) and len(value) == 1 and "send" in value:
        return {"kind": "send", "media": value["send"]}
    return value


# --- what must happen ----------------------------------------------------------------------------


class NotFallback(_Frozen):
    """The reply is not the bot's "sorry, I didn't understand" (in any language)."""

    kind: Literal["not_fallback"]


class ShowsVehicle(_Frozen):
    """The reply shows the details of one vehicle of the last list shown: by position from 1
    (-1: the last one) or by a part of its name ("Camry", "2018"); and of no other in that list."""

    kind: Literal["shows_vehicle"]
    pick: int | str

    @field_validator("pick", mode="before")
    @classmethod
    def _words(cls, value: Any) -> Any:
        return {"first": 1, "last": -1}.get(value, value) if isinstance(value, str) else value


class ListsVehicles(_Frozen):
    """The reply shows at least `min` vehicles of the catalog, none of them of make `not_make`."""

    kind: Literal["lists_vehicles"]
    min: int = 1
    not_make: str | None = None


class SaysListSize(_Frozen):
    """The reply says how many items the last list had (the number appears), showing none."""

    kind: Literal["says_list_size"]


class AsksBidConfirmation(_Frozen):
    """The reply asks to confirm a bid: the amount and the lot number both appear in it."""

    kind: Literal["asks_bid_confirmation"]
    amount: str
    lot: str


class BidPlaced(_Frozen):
    """The catalog holds this buyer's bid of `amount` on `lot`."""

    kind: Literal["bid_placed"]
    amount: str
    lot: str


class NoBidPlaced(_Frozen):
    """The catalog holds no bid of this buyer at all."""

    kind: Literal["no_bid_placed"]


class OffersHandoff(_Frozen):
    """The reply offers a person (a choice that asks for one), or a handoff was requested."""

    kind: Literal["offers_handoff"]


class Offers(_Frozen):
    """The reply offers a choice whose payload names this intent (save_search, watch_vehicle)."""

    kind: Literal["offers"]
    intent: str


class RepliedIn(_Frozen):
    """The reply is written in this language (pidgin buyers are answered in English)."""

    kind: Literal["replied_in"]
    language: Literal["en", "fr", "pt"]


class MentionsAny(_Frozen):
    """At least one of these words appears in the reply (case and accents ignored)."""

    kind: Literal["mentions_any"]
    words: list[str] = Field(min_length=1)


class MentionsNone(_Frozen):
    """None of these words appears in the reply (case and accents ignored)."""

    kind: Literal["mentions_none"]
    words: list[str] = Field(min_length=1)


class StoredCheck(_Frozen):
    """What the catalog holds for this buyer after the exchange: a watched vehicle, a saved
    search, alerts consent in force, a request for a person, the buyer's data erased."""

    kind: Literal["stored"]
    what: Stored
    present: bool


class CleanRendering(_Frozen):
    """The reply looks cared for: no row numbered twice ("1. 1."), no title cut mid-word, no
    word printed twice in a row, and the typed sentence not echoed back as a header."""

    kind: Literal["clean_rendering"]


Check = Annotated[
    NotFallback | ShowsVehicle | ListsVehicles | SaysListSize | AsksBidConfirmation | BidPlaced
    | NoBidPlaced | OffersHandoff | Offers | RepliedIn | MentionsAny | MentionsNone | StoredCheck
    | CleanRendering,
    Field(discriminator="kind"),
]  # fmt: skip
# The field a one-key form fills: `shows_vehicle: first` is {kind: shows_vehicle, pick: first}.
_SHORT_FIELD = {"shows_vehicle": "pick", "offers": "intent", "replied_in": "language",
                "mentions_any": "words", "mentions_none": "words"}  # fmt: skip


def _check(value: Any) -> Any:
    if isinstance(value, str):
        return {"kind": value}
    if isinstance(value, dict) and len(value) == 1:
        [(kind, argument)] = value.items()
        if isinstance(argument, dict):
            return {"kind": kind, **argument}
        if kind in _SHORT_FIELD:
            return {"kind": kind, _SHORT_FIELD[kind]: argument}
    return value


class Exchange(_Frozen):
    """One scripted exchange: the context, what the buyer types, what must happen."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    language: Language
    channel: ChannelName
    category: Category
    context: list[Step] = []
    says: Step
    expect: list[Check] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _compact(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        data["context"] = [_step(step) for step in data.get("context") or []]
        if "says" in data:
            data["says"] = _step(data["says"])
        data["expect"] = [_check(check) for check in data.get("expect") or []]
        return data

    @model_validator(mode="after")
    def _known_placeholders(self) -> Exchange:
        unknown = {name for name in self.placeholders if not _KNOWN_PLACEHOLDER.fullmatch(name)}
        if unknown:
            raise ValueError(f"unknown placeholders {sorted(unknown)}: lot, bid, over_limit, "
                             "model_N, year_N")  # fmt: skip
        return self

    @property
    def typed(self) -> str:
        """What the buyer types (or sends) now, as the report shows it."""
        says = self.says
        return says.text if isinstance(says, Typed) else f"[{says.kind} {_step_label(says)}]"

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(_PLACEHOLDER.findall(self.model_dump_json()))


def _step_label(step: Tap | Send) -> str:
    return str(step.choice) if isinstance(step, Tap) else step.media


def load_file(path: Path) -> list[Exchange]:
    """The exchanges of one file (a YAML list).

    Raises:
        BadExchangeSet: not a list, or an exchange that does not follow the format.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(raw, list):
        raise BadExchangeSet(f"{path}: a list of exchanges expected")
    exchanges = []
    for number, item in enumerate(raw, 1):
        try:
            exchanges.append(Exchange.model_validate(item))
        except ValidationError as error:
            name = item.get("id", f"#{number}") if isinstance(item, dict) else f"#{number}"
            raise BadExchangeSet(f"{path.name}: exchange {name}: {error}") from error
    return exchanges


def load_set(name: str, root: Path = SETS_DIR) -> list[Exchange]:
    """Every exchange of a set ("heldout", "dev" or "all"), in file order.

    Raises:
        BadExchangeSet: an unknown set, a bad file, or an id used twice.
    """
    if name not in (*SETS, "all"):
        raise BadExchangeSet(f"unknown set {name!r}: heldout, dev or all")
    chosen = SETS if name == "all" else (name,)
    exchanges = [exchange for part in chosen
                 for path in sorted((root / part).glob("*.yml"))
                 for exchange in load_file(path)]  # fmt: skip
    _unique_ids(exchanges)
    return exchanges


def _unique_ids(exchanges: Iterable[Exchange]) -> None:
    seen: set[str] = set()
    for exchange in exchanges:
        if exchange.id in seen:
            raise BadExchangeSet(f"exchange id {exchange.id!r} is used twice")
        seen.add(exchange.id)
