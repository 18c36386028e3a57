"""Which vehicle the buyer means: one named by its place in the last list the bot showed
("details of number 2", "photos de la deuxième", "segue o primeiro"), else the one they are
looking at (the `vehicle_id` slot, set by any button naming a vehicle).

Every list of vehicles the bot shows (a page of results, the nearest ones, similar vehicles, the
watchlist) is numbered in the order of its buttons and remembered in the `listed_vehicles` slot,
so a number in the buyer's words means what they see, on every channel.
"""

# mypy: disable-error-code="import-untyped"
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any, Final

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from sqlalchemy.orm import Session

from catalog.errors import NotFound
from catalog.vehicles import service as vehicle_service
from catalog.vehicles.models import ListingStatus, Vehicle
from chat.payloads import is_payload
from dialogs.actions.support import VEHICLE_SLOT

LISTED_SLOT: Final = "listed_vehicles"
LAST: Final = -1

_ORDINALS: Final = {
    # en
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "last": LAST,
    # fr (accents removed)
    "premier": 1, "premiere": 1, "deuxieme": 2, "seconde": 2, "troisieme": 3,
    "quatrieme": 4, "cinquieme": 5, "sixieme": 6, "septieme": 7, "huitieme": 8,
    "neuvieme": 9, "dixieme": 10, "dernier": LAST, "derniere": LAST,
    # pt (accents removed)
    "primeiro": 1, "primeira": 1, "segundo": 2, "segunda": 2, "terceiro": 3, "terceira": 3,
    "quarto": 4, "quarta": 4, "quinto": 5, "quinta": 5, "sexto": 6, "sexta": 6,
    "setimo": 7, "setima": 7, "oitavo": 8, "oitava": 8, "nono": 9, "nona": 9,
    "decimo": 10, "decima": 10, "ultimo": LAST, "ultima": LAST,
}  # fmt: skip
# Words beside an ordinal that make it something else: "second hand", "first owner", "last price".
_NOT_A_PLACE: Final = frozenset({
    "hand", "owner", "owners", "time", "price", "offer", "registration",
    "main", "proprietaire", "fois", "prix", "offre", "immatriculation",
    "mao", "dono", "donos", "vez", "preco", "oferta", "matricula",
})  # fmt: skip
# "number 2", "no. 2", "#2", "nº 2" (º reads as o), "numéro 2", "número 2", "num 2"
_NUMBERED: Final = re.compile(r"(?:\bnumber|\bnumero|\bnum|\bno\.?|\bn°|#)\s*(\d{1,2})\b")
# "2nd", "3rd", "2e", "2eme", "1er", "1re", "2º", "2ª"
_ORDINAL_DIGITS: Final = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th|eme|er|re|e|o|a)\b")
_WORDS: Final = re.compile(r"[a-z]+")


def position_in(text: str) -> int | None:
    """The place in a list that `text` names (1-based, or LAST), if it names one."""
    plain = _plain(text)
    for pattern in (_NUMBERED, _ORDINAL_DIGITS):
        match = pattern.search(plain)
        if match:
            return int(match.group(1)) or None
    words = ["", *_WORDS.findall(plain), ""]
    for before, word, after in zip(words, words[1:], words[2:], strict=False):
        if word in _ORDINALS and not {before, after} & _NOT_A_PLACE:
            return _ORDINALS[word]
    return None


def listed(vehicle_ids: Sequence[int]) -> SlotSet:
    """Remember a list just shown, in the order of its buttons."""
    return SlotSet(LISTED_SLOT, [str(vehicle_id) for vehicle_id in vehicle_ids])


def chosen_vehicle_id(tracker: Tracker) -> str | None:
    """The id of the vehicle the latest message means: its place in the last list (None past
    the list's end), else the `vehicle_id` slot. A tapped payload names its vehicle, so it is
    taken as it is."""
    text = str((tracker.latest_message or {}).get("text") or "")
    shown: Any = tracker.get_slot(LISTED_SLOT)
    position = None if is_payload(text) else position_in(text)
    if position is not None and isinstance(shown, list) and shown:
        if position == LAST:
            return str(shown[-1])
        return str(shown[position - 1]) if position <= len(shown) else None
    value = tracker.get_slot(VEHICLE_SLOT)
    return None if value is None else str(value)


def current_vehicle(tracker: Tracker, db_session: Session) -> Vehicle | None:
    """The listed vehicle the buyer means, if any (drafts are not public)."""
    try:
        vehicle = vehicle_service.get(
            db_session=db_session, vehicle_id=int(chosen_vehicle_id(tracker) or "")
        )
    except (ValueError, NotFound):
        return None
    return None if vehicle.status is ListingStatus.DRAFT else vehicle


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
