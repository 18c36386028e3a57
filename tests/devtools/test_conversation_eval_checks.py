"""The conversation evaluation's format and check kinds: the sets load, compact forms mean what
they say, and every check kind fails when what it looks for is not there."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools.conversation_eval import BadExchangeSet
from devtools.conversation_eval.cases import (
    CATEGORIES,
    CHANNELS,
    LANGUAGES,
    Exchange,
    Send,
    Tap,
    Typed,
    load_set,
)
from devtools.conversation_eval.checks import (
    BuyerRecord,
    Observation,
    SeenChoice,
    SeenReply,
    Vehicle,
    amount_in,
    decide,
)
from devtools.conversation_eval.runner import fallback_texts

HILUX = Vehicle(1, 2016, "Toyota", "Hilux", "MR0FB8CD3G0000001")
CAMRY = Vehicle(2, 2015, "Toyota", "Camry", "4T1BF1FK5FU000002")
RAV4 = Vehicle(3, 2013, "Toyota", "RAV4", "2T3BF4DV1DW000003")
CATALOG = {vehicle.id: vehicle for vehicle in (HILUX, CAMRY, RAV4)}
SENTENCE = "toyota hilux diesel for my farm please"
FALLBACK = "Sorry, I didn't understand that. You can rephrase, or choose below."


def exchange(**fields: object) -> Exchange:
    base: dict[str, object] = {
        "id": "t-1",
        "language": "en",
        "channel": "whatsapp",
        "category": "choosing",
        "says": "1",
        "expect": ["not_fallback"],
    }
    return Exchange.model_validate(base | fields)


def check(form: object) -> object:
    return exchange(expect=[form]).expect[0]


def seen(*replies: SeenReply, record: BuyerRecord | None = None, typed: str = "1") -> Observation:
    return Observation(
        typed,
        replies,
        (HILUX, CAMRY, RAV4),
        CATALOG,
        {12: CAMRY.id},
        record or BuyerRecord(),
        (FALLBACK,),
    )


def card(vehicle: Vehicle) -> SeenReply:
    return SeenReply(
        f"{vehicle.title}\nPrice: $9,500",
        (SeenChoice("Watch", f'/watch_vehicle{{"vehicle_id":"{vehicle.id}"}}'),),
    )


# --- the sets and the format ---------------------------------------------------------------------


def test_the_held_out_set_covers_every_language_channel_and_category() -> None:
    exchanges = load_set("heldout")

    assert len(exchanges) >= 150
    assert {e.language for e in exchanges} == set(LANGUAGES)
    assert {e.channel for e in exchanges} == set(CHANNELS)
    assert {e.category for e in exchanges} == set(CATEGORIES)
    assert min(sum(e.language == language for e in exchanges) for language in LANGUAGES) >= 30


def test_compact_forms_are_typed_steps_and_checks() -> None:
    read = exchange(
        context=["toyota hilux", {"tap": 2}, {"tap": "affirm"}, {"send": "voice"}],
        says="the {model_2}",
        expect=[
            {"shows_vehicle": "first"},
            {"replied_in": "fr"},
            {"stored": {"what": "watch", "present": False}},
        ],
    )

    assert read.context == [
        Typed(text="toyota hilux"),
        Tap(choice=2),
        Tap(choice="affirm"),
        Send(media="voice"),
    ]
    assert [c.kind for c in read.expect] == ["shows_vehicle", "replied_in", "stored"]
    assert read.expect[0].pick == 1  # type: ignore[union-attr]
    assert read.placeholders == {"model_2"}


@pytest.mark.parametrize(
    "fields",
    [
        {"expect": ["sounds_nice"]},
        {"says": "bid {amount} on {lot}"},
        {"language": "de"},
        {"category": "weather"},
        {"expect": []},
    ],
    ids=[
        "unknown check",
        "unknown placeholder",
        "unknown language",
        "unknown category",
        "no check",
    ],
)
def test_what_the_format_does_not_know_is_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        exchange(**fields)


def test_an_id_used_twice_in_a_set_is_refused(tmp_path: Path) -> None:
    (tmp_path / "heldout").mkdir()
    entry = (
        "- {id: x-1, language: en, channel: twilio, category: media, says: hi,"
        " expect: [not_fallback]}\n"
    )
    (tmp_path / "heldout" / "en.yml").write_text(entry)
    (tmp_path / "heldout" / "fr.yml").write_text(entry.replace("en,", "fr,"))

    with pytest.raises(BadExchangeSet, match="used twice"):
        load_set("heldout", root=tmp_path)


def test_the_fallback_texts_are_the_bot_s_own_in_every_language() -> None:
    texts = fallback_texts()

    assert len(texts) >= 3
    assert any(text.startswith("Désolé") for text in texts)


# --- each check kind passes on what it looks for, and fails without it ---------------------------

CASES = [
    ("not_fallback", seen(card(HILUX)), seen(SeenReply(FALLBACK))),
    ("not_fallback", seen(card(HILUX)), seen()),
    ({"shows_vehicle": "first"}, seen(card(HILUX)), seen(card(CAMRY))),
    ({"shows_vehicle": -1}, seen(card(RAV4)), seen(card(RAV4), card(HILUX))),
    (
        {"shows_vehicle": "Camry"},
        seen(SeenReply("2015 Toyota Camry\nPrice: $9,500")),
        seen(SeenReply("Here is what I have: 2015 Toyota Camry, 2016 Toyota Hilux")),
    ),
    (
        {"lists_vehicles": {"min": 2, "not_make": "BMW"}},
        seen(SeenReply("Nearest: 2016 Toyota Hilux · 2015 Toyota Camry")),
        seen(SeenReply("Nothing like that in stock.")),
    ),
    (
        "says_list_size",
        seen(SeenReply("There were only 3: pick 1 to 3.")),
        seen(SeenReply("Pick one of the 5 below.")),
    ),
    (
        {"asks_bid_confirmation": {"amount": "5200", "lot": "12"}},
        seen(SeenReply("Bid US$ 5 200 on lot 12? Fees: $390.")),
        seen(SeenReply("Bid $5,000 on lot 12?")),
    ),
    (
        {"bid_placed": {"amount": "5200", "lot": "12"}},
        seen(record=BuyerRecord(bids=((12, 520_000),))),
        seen(record=BuyerRecord(bids=((12, 500_000),))),
    ),
    ("no_bid_placed", seen(), seen(record=BuyerRecord(bids=((12, 520_000),)))),
    (
        "offers_handoff",
        seen(SeenReply("Shall a person call you?", (SeenChoice("Yes", "/human_handoff"),))),
        seen(SeenReply("Noted.", (SeenChoice("Help", "/help"),))),
    ),
    ("offers_handoff", seen(record=BuyerRecord(handoffs=1)), seen(SeenReply("Noted."))),
    (
        {"offers": "save_search"},
        seen(SeenReply("None now.", (SeenChoice("Alert me", '/save_search{"make":"BMW"}'),))),
        seen(SeenReply("None now.", (SeenChoice("Search", "/search_vehicles"),))),
    ),
    (
        {"replied_in": "pt"},
        seen(SeenReply("Não temos nenhum agora. Quer que eu avise?")),
        seen(SeenReply("Nous n'en avons pas pour le moment. Voulez-vous une alerte ?")),
    ),
    (
        {"mentions_any": ["vocal", "audio"]},
        seen(SeenReply("Je ne peux pas écouter les notes vocales.")),
        seen(SeenReply("Voici ce que je peux faire.")),
    ),
    (
        {"mentions_none": ["Scion"]},
        seen(SeenReply("Made by Toyota")),
        seen(SeenReply("Made by SCION")),
    ),
    ({"stored": {"what": "watch", "present": False}}, seen(), seen(record=BuyerRecord(watches=1))),
    (
        {"stored": {"what": "erased", "present": True}},
        seen(record=BuyerRecord(erased=True)),
        seen(),
    ),
    (
        "clean_rendering",
        seen(SeenReply("Toyota Hilux · diesel · under $25,000")),
        seen(SeenReply("Results", (SeenChoice("1. 1. Mercedes"),))),
    ),
    (
        "clean_rendering",
        seen(SeenReply("Pick one", (SeenChoice("2012 Land Cruiser"),))),
        seen(SeenReply("Pick one", (SeenChoice("2012 Land Cru…"),))),
    ),
    (
        "clean_rendering",
        seen(SeenReply("Pick", (SeenChoice("2012 Land…", "/x", "2012 Land Cruiser $9,000"),))),
        seen(SeenReply("Pick", (SeenChoice("2012 Land…", "/x", "2012 Landau $9,000"),))),
    ),
    (
        "clean_rendering",
        seen(SeenReply("Pick", (SeenChoice("2012 Land…", "/x", "2012 Land Cruiser $9,000"),))),
        seen(SeenReply("Pick", (SeenChoice("2012 Land…"),))),  # the rest is lost
    ),
    (
        "clean_rendering",
        seen(SeenReply("2019 Camry Hybrid · automatic")),
        seen(SeenReply("2019 Camry Hybrid · hybrid · automatic")),
    ),
    (
        "clean_rendering",
        seen(SeenReply("Toyota Hilux · diesel"), typed=SENTENCE),
        seen(SeenReply(f'Here is what I have for "{SENTENCE}"'), typed=SENTENCE),
    ),
]


@pytest.mark.parametrize(
    ("form", "meets", "misses"),
    CASES,
    ids=[f"{n}-{c[0] if isinstance(c[0], str) else next(iter(c[0]))}" for n, c in enumerate(CASES)],
)
def test_a_check_passes_on_what_it_looks_for_and_fails_without_it(
    form: object, meets: Observation, misses: Observation
) -> None:
    kind = check(form)

    assert decide(kind, meets).passed, decide(kind, meets).why  # type: ignore[arg-type]
    missed = decide(kind, misses)  # type: ignore[arg-type]
    assert not missed.passed
    assert missed.why


@pytest.mark.parametrize("text", ["$5,200", "5 200 $", "US$ 5.200", "5200", "5\u202f200 FCFA"])
def test_an_amount_is_found_however_it_is_grouped(text: str) -> None:
    assert amount_in(f"Bid {text} on lot 12?", "5200")


def test_an_amount_is_not_found_inside_a_larger_number() -> None:
    assert not amount_in("Bid $15,200 on lot 12?", "5200")
    assert not amount_in("Bid $5,2000 on lot 12?", "5200")
