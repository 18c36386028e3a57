"""Which of the options just shown a buyer's words pick: "2", "number 3", "option 2 pls", "2nd",
"the first one", "le deuxième", "o primeiro", "the last one", or a name ("the Camry", "the 2018
one"). No I/O: the channel adapter remembers what it offered and asks this module what a message
chose (bots/channels/choices.py); the dialog reads places inside longer sentences ("details of
number 2") with `position_in`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

LAST: Final = -1
OUT_OF_RANGE_INTENT: Final = "choice_out_of_range"  # {"number": 14, "count": 8}

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
# "number 2", "no. 2", "#2", "nº 2" (º reads as o), "numéro 2", "número 2", "num 2", "option 2"
_NUMBERED: Final = re.compile(
    r"(?:\bnumber|\bnumero|\bnum|\bnr|\bno\.?|\bn°|#|\boption|\bopcao|\bchoix|\bchoice)\s*"
    r"(\d{1,2})\b"
)
# "2nd", "3rd", "2e", "2eme", "1er", "1re", "2º", "2ª"
_ORDINAL_DIGITS: Final = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th|eme|er|re|e|o|a)\b")
_DIGITS: Final = re.compile(r"^\d{1,2}$")
_TOKENS: Final = re.compile(r"[a-z0-9]+")
# Words around a choice that do not change it: "the first one pls", "je veux le deuxième",
# "quero o primeiro", "abeg show me di second one", "option 2 please".
_FILLER: Final = frozenset({
    # en and pidgin
    "the", "a", "an", "one", "ones", "pls", "plz", "please", "i", "want", "take", "ll", "d",
    "choose", "pick", "show", "me", "give", "see", "let", "lets", "s", "like", "would", "go",
    "with", "that", "this", "it", "is", "abeg", "make", "di", "dat", "dis", "na", "am", "dey",
    "car", "vehicle", "truck", "number", "no", "option", "choice", "ok", "okay", "then", "for",
    "send", "can", "you", "u", "oya",
    # fr
    "le", "la", "les", "l", "je", "veux", "voudrais", "prends", "prend", "choisis", "choix",
    "montre", "moi", "voir", "svp", "stp", "celui", "celle", "ci", "ce", "cette", "voiture",
    "numero", "du", "de", "des", "un", "une", "donne", "envoie", "merci",
    # pt
    "o", "os", "as", "um", "uma", "quero", "escolho", "mostra", "mostre", "ver", "por",
    "favor", "pf", "pfv", "esse", "essa", "este", "esta", "carro", "opcao", "do", "da",
    "manda", "obrigado", "obrigada",
})  # fmt: skip


@dataclass(frozen=True)
class Option:
    """A choice the bot offered: what tapping it sends, and what it said."""

    payload: str
    title: str


@dataclass(frozen=True)
class Chosen:
    """What a message chose: the option, or (`count` > 0, option None) a place past the end."""

    option: Option | None
    number: int | None = None  # the place the buyer named, when they named one
    count: int = 0  # how many options there were, when the place is past the end


def position_in(text: str) -> int | None:
    """The place in a list that `text` names (1-based, or LAST), if it names one."""
    plain = _plain(text)
    for pattern in (_NUMBERED, _ORDINAL_DIGITS):
        match = pattern.search(plain)
        if match:
            return int(match.group(1)) or None
    words = ["", *_TOKENS.findall(plain), ""]
    for before, word, after in zip(words, words[1:], words[2:], strict=False):
        if word in _ORDINALS and not {before, after} & _NOT_A_PLACE:
            return _ORDINALS[word]
    return None


def bare_position(text: str) -> int | None:
    """The place a message names when naming it is all the message does ("2", "2.", "the
    first one", "option 2 pls", "le deuxième"); None when it says anything more ("2 doors")."""
    plain = _plain(text)
    if _DIGITS.match(plain.strip(" .)")):
        return int(plain.strip(" .)")) or None
    tokens = _TOKENS.findall(plain)
    position = position_in(text)
    if position is None:  # "la 2", "o 14": a lone number among words that do not change it
        digits = [token for token in tokens if _DIGITS.match(token)]
        if len(digits) != 1:
            return None
        position = int(digits[0]) or None
    rest = [token for token in tokens
            if token not in _FILLER and token not in _ORDINALS
            and not re.fullmatch(r"\d{1,2}(?:st|nd|rd|th|eme|er|re|e|o|a)?", token)]  # fmt: skip
    return None if rest else position


def choose(text: str, options: Sequence[Option]) -> Chosen | None:
    """The option a whole message picks from `options` (in the order shown), by its place or by
    words of its title that no other option shares; None when it picks none of them."""
    if not options:
        return None
    position = bare_position(text)
    if position == LAST:
        return Chosen(_last_item(options), LAST)
    if position is not None:
        if position <= len(options):
            return Chosen(options[position - 1], position)
        return Chosen(None, position, count=len(_same_kind(options)))
    return _by_name(text, options)


def _last_item(options: Sequence[Option]) -> Option:
    """The last option of the same kind as the first: in "1-5 and More results", the fifth."""
    return _same_kind(options)[-1]


def _same_kind(options: Sequence[Option]) -> list[Option]:
    """The options of the first one's kind: in "1-5 and More results", the five vehicles."""
    kind = _intent(options[0].payload)
    return [option for option in options if _intent(option.payload) == kind]


def _by_name(text: str, options: Sequence[Option]) -> Chosen | None:
    words = [token for token in _TOKENS.findall(_plain(text)) if token not in _FILLER]
    if not words or len(words) > 4:
        return None
    matching = [option for option in options
                if set(words) <= set(_TOKENS.findall(_plain(option.title)))]  # fmt: skip
    return Chosen(matching[0]) if len(matching) == 1 else None


def _intent(payload: str) -> str:
    return payload.split("{", 1)[0]


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
