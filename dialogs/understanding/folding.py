"""Folding a buyer's text for reading without moving a character: what every pass matches on."""

from __future__ import annotations

from catalog.text import fold


def fold_aligned(text: str) -> str:
    """`fold` one character at a time, so positions in the result are positions in `text`.

    Apostrophes become spaces ("jusqu'à" -> "jusqu a"); a character that folds to several
    ("ﬁ", "½") becomes a space.
    """
    folded = []
    for char in text:
        one = fold(char)
        folded.append(" " if len(one) != 1 or one in "'’`´" else one)
    return "".join(folded)
