"""chat.answers: short answers as buyers type them, in four languages and their SMS spellings."""

from __future__ import annotations

import pytest

from chat.answers import Answer, is_heart, read_answer


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("yes", Answer.YES), ("Yesss!", Answer.YES), ("yeah", Answer.YES), ("sure", Answer.YES),
        ("yes o", Answer.YES), ("oui", Answer.YES), ("Oui oui", Answer.YES),
        ("sim 👍", Answer.YES), ("Pode ser", Answer.YES), ("claro", Answer.YES),
        ("✅", Answer.YES), ("✔️", Answer.YES),
        ("no", Answer.NO), ("Not now", Answer.NO), ("non merci", Answer.NO),
        ("pas maintenant", Answer.NO), ("não", Answer.NO), ("nao obrigado", Answer.NO),
        ("agora não", Answer.NO), ("no be so", Answer.NO), ("👎", Answer.NO),
        ("I agree", Answer.AGREE), ("I accept", Answer.AGREE), ("j'accepte", Answer.AGREE),
        ("J’accepte", Answer.AGREE), ("aceito", Answer.AGREE), ("concordo", Answer.AGREE),
        ("ok", Answer.OK), ("Ok.", Answer.OK), ("k", Answer.OK),
        ("thx", Answer.THANKS), ("merci", Answer.THANKS), ("obrigado", Answer.THANKS),
        ("d'accord", Answer.OK), ("no wahala", Answer.OK), ("👍", Answer.OK),
        ("👍👍👍", Answer.OK), ("🙏🏾", Answer.THANKS), ("👌", Answer.OK),
        ("ok 👍", Answer.OK), ("ok merci", Answer.THANKS), ("merci 👍", Answer.OK),
    ],
)  # fmt: skip
def test_a_short_answer_is_read_in_every_language(typed: str, answer: Answer) -> None:
    assert read_answer(typed) is answer


@pytest.mark.parametrize(
    "typed",
    ["yes I want the red one", "no diesel", "2", "Toyota", "ok show me hilux", "yes no",
     "okay so how much is shipping to lagos", "", "   "],
)  # fmt: skip
def test_anything_more_than_an_answer_is_left_to_the_dialog(typed: str) -> None:
    assert read_answer(typed) is None


def test_a_heart_is_interest_not_an_answer() -> None:
    assert is_heart("❤️") and is_heart("😍") and is_heart("❤️❤️")
    assert not is_heart("ok") and not is_heart("❤️ but too expensive")
    assert read_answer("❤️") is None


@pytest.mark.parametrize(
    ("text", "answer"),
    [("yes abeg", Answer.YES), ("abeg no", Answer.NO), ("oui svp", Answer.YES),
     ("sim por favor", Answer.YES), ("ok sir", Answer.OK), ("please", None), ("por favor", None)],
)  # fmt: skip
def test_an_answer_said_politely_is_the_same_answer(text: str, answer: Answer | None) -> None:
    assert read_answer(text) == answer
