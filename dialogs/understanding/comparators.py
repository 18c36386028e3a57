"""Comparators around a number ("under", "moins de", "ou mais novo", "or newer"): which way
they bound it, whether they make it a price or a year, and whether the bound is strict."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from dialogs.understanding.lexicon import regex_of

# Comparators written before a number: (direction, what they imply, strict for years).
AT_MOST, AT_LEAST, AROUND = "at_most", "at_least", "around"
PRICE, YEAR = "price", "year"


@dataclass(frozen=True)
class Comparator:
    direction: str
    implies: str | None = None  # PRICE or YEAR when only one of them reads this way
    strict: bool = False  # for years: "older than 2010" is 2009 at most


def _comparators(comparator: Comparator, phrases: str) -> dict[str, Comparator]:
    return dict.fromkeys((p.strip() for p in phrases.split(",")), comparator)


BEFORE: Final[Mapping[str, Comparator]] = {
    **_comparators(
        Comparator(AT_MOST, PRICE),
        """under, below, less than, lower than, cheaper than, not more than, no more than,
        not above, not over, within, budget, my budget, budget of, wey no pass, no pass, no reach,
        not pass, moins de, moins que, pas plus de, pas plus que, inferieur a, inferieure a,
        en dessous de, au dessous de, sous, budget de, mon budget, menos de, menos que,
        abaixo de, nao mais de, nao mais que, inferior a, orcamento, orcamento de,
        meu orcamento, <, <=, ≤""",
    ),
    **_comparators(
        Comparator(AT_MOST),
        """max, maximum, up to, at most, until, till, jusqu a, jusqua, jusque, au maximum,
        au plus, ate, no maximo, maximo, no max""",
    ),
    **_comparators(
        Comparator(AT_LEAST, PRICE),
        """above, over, more than, higher than, plus de, plus que, superieur a, au dessus de,
        mais de, mais que, acima de, superior a, >, >=, ≥""",
    ),
    **_comparators(
        Comparator(AT_LEAST),
        """at least, min, minimum, from, starting at, starting from, a partir de, au moins,
        des, pelo menos, no minimo, minimo""",
    ),
    **_comparators(
        Comparator(AT_LEAST, YEAR),
        """since, not older than, no older than, depuis, pas plus ancien que,
        pas plus vieux que, desde, nao mais antigo que, nao mais velho que""",
    ),
    **_comparators(
        Comparator(AT_LEAST, YEAR, strict=True),
        """newer than, after, later than, apres, plus recent que, depois de, mais novo que,
        mais recente que""",
    ),
    **_comparators(Comparator(AT_MOST, YEAR), "not newer than, no newer than"),
    **_comparators(
        Comparator(AT_MOST, YEAR, strict=True),
        """older than, before, earlier than, avant, plus ancien que, plus vieux que, antes de,
        mais antigo que, mais velho que""",
    ),
    **_comparators(
        Comparator(AROUND),
        """around, about, approximately, approx, roughly, circa, ~, environ, autour de,
        aux alentours de, vers, a peu pres, dans les, cerca de, por volta de, aproximadamente,
        mais ou menos, em torno de, uns, umas""",
    ),
}
AFTER: Final[Mapping[str, Comparator]] = {
    **_comparators(
        Comparator(AT_MOST),
        """or less, or below, or under, or lower, or cheaper, and below, and under, max,
        maximum, at most, tops, budget, ou moins, au maximum, au plus, maxi, et moins, ou menos,
        no maximo, maximo, no max, e menos""",
    ),
    **_comparators(
        Comparator(AT_LEAST),
        """or more, or above, or over, and above, and up, and over, minimum, min, at least, +,
        ou plus, et plus, au moins, au minimum, ou mais, e mais, no minimo, pelo menos,
        para cima, pra cima, ou acima, e acima""",
    ),
    **_comparators(
        Comparator(AT_LEAST, YEAR),
        """or newer, or later, and newer, and later, or more recent, upward, upwards, onward,
        onwards, ou plus recent, ou plus recente, et plus recent, ou apres, ou mais novo,
        ou mais nova, ou mais recente, em diante, ou superior, ou posterior""",
    ),
    **_comparators(
        Comparator(AT_MOST, YEAR),
        """or older, or earlier, and older, and earlier, ou plus ancien, ou plus vieux,
        ou avant, ou anterieur, ou mais antigo, ou mais velho, ou antes, ou anterior""",
    ),
}


_FILLERS = r"(?:[\s:,\-]+(?:is|of|de|d|est|e|na|do|da|du|be))*"
BEFORE_RE: Final = re.compile(rf"(?<![a-z0-9])(?P<phrase>{regex_of(BEFORE)}){_FILLERS}[\s:,\-]*$")
AFTER_RE: Final = re.compile(rf"[\s,]*(?P<phrase>{regex_of(AFTER)})(?![a-z0-9])")
