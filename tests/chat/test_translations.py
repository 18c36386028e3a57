import pytest

from catalog.vehicles.models import (
    BodyType,
    Condition,
    Drive,
    Fuel,
    Steering,
    TitleStatus,
    Transmission,
)
from chat.languages import LANGUAGES, Language
from chat.translations import VEHICLE_ATTRIBUTES, attribute_word

CATALOG_ENUMS = {
    "fuel": Fuel,
    "transmission": Transmission,
    "drive": Drive,
    "steering": Steering,
    "body_type": BodyType,
    "condition": Condition,
    "title_status": TitleStatus,
}


def test_every_value_the_catalog_can_hold_has_a_word_in_every_language() -> None:
    assert set(VEHICLE_ATTRIBUTES) == set(CATALOG_ENUMS)
    for attribute, enum in CATALOG_ENUMS.items():
        table = VEHICLE_ATTRIBUTES[attribute]
        assert set(table) == {member.value for member in enum}, attribute
        for value, words in table.items():
            assert set(words) == set(LANGUAGES), value
            assert all(word.strip() for word in words.values()), value


def test_a_value_belongs_to_one_attribute_only_so_its_word_is_never_ambiguous() -> None:
    values = [value for table in VEHICLE_ATTRIBUTES.values() for value in table]
    assert len(values) == len(set(values))


@pytest.mark.parametrize(
    ("value", "lang", "word"),
    [
        ("diesel", "pt", "gasóleo"),
        ("automatic", "pt", "automática"),
        ("non_running", "fr", "ne démarre pas"),
        ("non_running", "pt", "não arranca"),
        ("non_running", "en", "does not start"),
        ("starts", "fr", "démarre, ne roule pas"),
        ("gasoline", "en", "petrol"),
    ],
)
def test_the_words_chosen_where_the_old_copies_disagreed(
    value: str, lang: Language, word: str
) -> None:
    assert attribute_word(value, lang) == word


def test_a_value_no_table_holds_is_shown_as_stored() -> None:
    assert attribute_word("steam_powered", "fr") == "steam powered"
