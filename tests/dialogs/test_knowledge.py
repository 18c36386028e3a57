"""The knowledge base staff edit (dialogs/knowledge/answers.yml): it parses, every topic answers
in en/fr/pt with its next steps, typical questions find their topic in any of the languages,
a broken edit keeps the last good one, and whole conversations get the answers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from chat.messages import Channel
from dialogs.actions import knowledge as knowledge_module
from dialogs.actions.knowledge import ANSWERS_FILE, KnowledgeBase, parse
from tests.conversations import ChatFactory, Showroom
from tests.dialogs.test_vehicles import agreed, choices


@pytest.fixture(scope="module")
def base() -> KnowledgeBase:
    return parse(yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8")))


def test_every_topic_answers_in_three_languages_and_offers_a_next_step(
    base: KnowledgeBase,
) -> None:
    assert len(base.topics) >= 8
    for topic in base.topics:
        assert all(len(topic.answer[lang]) > 40 for lang in ("en", "fr", "pt")), topic.id
        assert topic.next, topic.id
    for button in base.buttons.values():
        assert all(len(button[lang]) <= 20 for lang in ("en", "fr", "pt"))  # WhatsApp's limit


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("do you accept payment in instalments", "payment"),
        ("puis-je régler en plusieurs fois", "payment"),
        ("aceitam pagamento por m-pesa?", "payment"),
        ("how long does shipping take to Dakar", "shipping_time"),
        ("quel délai pour Douala ?", "shipping_time"),
        ("qual o prazo de entrega em Lobito", "shipping_time"),
        ("what's the freight to Mombasa", "shipping_cost"),
        ("c'est combien le fret pour Cotonou", "shipping_cost"),
        ("does it have a clean title", "condition"),
        ("a voiture est-elle accidentée", "condition"),
        ("which documents come with it", "documents"),
        ("can a mechanic look at it first", "inspection"),
        ("who pays the import duty", "customs"),
        ("o desembaraço é convosco?", "customs"),
        ("is there any warranty", "warranty"),
        ("how do I know this is not a scam", "trust"),
        ("how much deposit do you need", "deposit"),
    ],
)
def test_a_question_finds_its_topic_in_any_language(
    base: KnowledgeBase, question: str, topic: str
) -> None:
    found = base.topic_for(question)
    assert found is not None and found.id == topic, question


@pytest.mark.parametrize("text", ["toyota hilux diesel", "bid 5200 on lot 12", "hello", "yes"])
def test_searches_bids_and_greetings_are_no_question(base: KnowledgeBase, text: str) -> None:
    assert base.topic_for(text) is None


def test_a_broken_edit_is_refused_and_the_last_good_answers_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text(ANSWERS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    loaded = knowledge_module._Loaded(answers)
    assert loaded.get().topic_for("any warranty?") is not None

    answers.write_text("topics:\n  - id: oops\n    keys: [warranty]\n", encoding="utf-8")
    os.utime(answers, (1, 1))  # a new modification time, whatever the clock's resolution

    assert loaded.get().topic_for("any warranty?") is not None
    assert "not reloaded" in caplog.text


@pytest.mark.parametrize(
    ("channel", "language", "question", "starts"),
    [
        (Channel.WHATSAPP, "en", "do you take mobile money?", "💵 You pay by bank transfer"),
        (Channel.TELEGRAM, "fr", "je peux régler en plusieurs fois ?", "💵 Le paiement se fait"),
        (Channel.TELEGRAM, "pt", "quanto tempo leva o envio para Luanda?", "⏱️ Por mar"),
        (Channel.WHATSAPP, "en", "what will the freight cost to Tema?", "🚢 Shipping quotes"),
    ],
)
def test_a_typed_question_is_answered_in_the_buyers_language_with_an_agent_to_talk_to(
    chat: ChatFactory, showroom: Showroom, channel: Channel, language: str, question: str,
    starts: str,
) -> None:  # fmt: skip
    buyer = agreed(chat(channel))

    reply, *_ = buyer.say(question, language_hint=language)

    assert buyer.texts([reply])[0].startswith(starts)
    assert "/human_handoff" in [payload for _, payload in choices(reply)]
