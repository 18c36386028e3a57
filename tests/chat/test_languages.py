import pytest

from chat.languages import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    is_language,
    language_or_default,
    supported_language,
)


def test_the_bot_speaks_english_french_and_portuguese_defaulting_to_english() -> None:
    assert LANGUAGES == ("en", "fr", "pt")
    assert DEFAULT_LANGUAGE == "en"


def test_every_language_has_its_own_name_for_the_picker() -> None:
    assert dict(LANGUAGE_NAMES) == {"en": "English", "fr": "Français", "pt": "Português"}


@pytest.mark.parametrize(
    ("code", "language"),
    [("fr", "fr"), ("FR", "fr"), (" pt ", "pt"), ("pt-BR", "pt"), ("fr_CM", "fr"), ("en-US", "en")],
)
def test_codes_as_channels_and_detectors_give_them_name_a_supported_language(
    code: str, language: str
) -> None:
    assert supported_language(code) == language


@pytest.mark.parametrize("code", ["de", "", "-", "portuguese", None, 7])
def test_an_unsupported_or_missing_code_names_no_language(code: object) -> None:
    assert supported_language(code) is None
    assert language_or_default(code) == "en"


def test_only_exact_codes_are_languages() -> None:
    assert is_language("pt")
    assert not is_language("PT") and not is_language("pt-BR") and not is_language(None)
