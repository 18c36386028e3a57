"""Guessing a new buyer's language from their first words."""

from __future__ import annotations

import pytest

from bots.language import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("bonjour patron", "fr"),
        ("Bonsoir, je cherche une Camry 2015 automatique svp", "fr"),
        ("c'est combien la corolla ?", "fr"),
        ("bom dia mano", "pt"),
        ("quero um Land Cruiser a diesel", "pt"),
        ("Olá, quanto custa o Hilux?", "pt"),
        ("abeg how much for Corolla 2012", "en"),
        ("hello, I need a 7 seater", "en"),
        ("wetin dey for Benz", "en"),
    ],
)
def test_the_words_of_a_language_give_it_away(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["Corolla 2012", "ok", "👍", "", "RAV4 15k"])
def test_names_numbers_and_emoji_say_nothing(text: str) -> None:
    assert detect_language(text) is None
