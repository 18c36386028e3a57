from __future__ import annotations

import pytest

from catalog.errors import InvalidVin
from catalog.vehicles.vin import (
    VinCheckDigitError,
    VinForbiddenLetters,
    VinLengthError,
    check_digit,
    decode_vin,
    normalise_vin,
    validate_vin,
    with_check_digit,
)

HONDA_ACCORD_2003 = "1HGCM82633A004352"


def test_a_real_vin_is_accepted_and_normalised() -> None:
    assert validate_vin(" 1hgcm8-2633a 004352 ") == HONDA_ACCORD_2003


def test_a_vin_decodes_to_its_manufacturer_country_and_model_year() -> None:
    decoded = decode_vin(HONDA_ACCORD_2003)
    assert decoded.manufacturer == "Honda"
    assert decoded.country == "United States"
    assert decoded.model_years == (2003,)


def test_a_wrong_check_digit_is_refused_with_the_expected_digit_named() -> None:
    mistyped = HONDA_ACCORD_2003[:8] + "4" + HONDA_ACCORD_2003[9:]
    with pytest.raises(InvalidVin, match="expected 3"):
        validate_vin(mistyped)


def test_a_mistyped_character_elsewhere_breaks_the_check_digit() -> None:
    with pytest.raises(InvalidVin, match="check digit"):
        validate_vin("1HGCM82633A004353")


@pytest.mark.parametrize("vin", ["1HGCM82633A00435", "1HGCM82633A0043521", ""])
def test_a_vin_of_the_wrong_length_is_refused_with_its_length(vin: str) -> None:
    with pytest.raises(InvalidVin, match=f"has {len(vin)}"):
        validate_vin(vin)


@pytest.mark.parametrize("letter", ["I", "O", "Q"])
def test_letters_i_o_and_q_are_refused(letter: str) -> None:
    vin = "1HGCM8263" + letter + "A004352"
    with pytest.raises(InvalidVin, match="never use I, O or Q"):
        validate_vin(vin)


def test_punctuation_inside_a_vin_is_refused() -> None:
    with pytest.raises(InvalidVin, match="other than letters and digits"):
        validate_vin("1HGCM8263*A004352")


def test_check_digit_x_stands_for_ten() -> None:
    # Weighted sum % 11 == 10 is written "X": find such a VIN by varying the serial.
    base = "1M8GDM9A0KP04278"
    vins = [base[:16] + str(n) for n in range(10)]
    with_x = [v[:8] + "X" + v[9:] for v in vins if check_digit(v) == "X"]
    assert with_x, "no serial gave an X check digit"
    assert validate_vin(with_x[0]) == with_x[0]


def test_normalise_keeps_the_characters_people_type() -> None:
    assert normalise_vin("jtd kb20u 8 9 3 7 4 0 4 2 1") == "JTDKB20U893740421"


def test_position_7_picks_the_30_year_cycle_of_the_model_year() -> None:
    # C at position 10 is 1982 or 2012; the letter F at position 7 says 2010 onwards.
    assert decode_vin(with_check_digit("4T1BF1FK0CU123456")).model_years == (2012,)
    assert decode_vin(with_check_digit("4T1BF13K0CU123456")).model_years == (1982,)


def test_make_and_year_come_from_the_vin_when_not_given() -> None:
    from catalog.vehicles.vin import make_from_manufacturer

    decoded = decode_vin(with_check_digit("2T2BF1FK0CU123456"))
    assert make_from_manufacturer(decoded.manufacturer or "") == "Lexus"
    assert make_from_manufacturer("DaimlerChrysler AG/Daimler AG") == "Mercedes-Benz"
    assert make_from_manufacturer("Chevrolet USA") == "Chevrolet"


def test_each_problem_carries_what_a_reply_to_the_buyer_names() -> None:
    """The dialogs explain a buyer's mistyped VIN in their language from these facts."""
    with pytest.raises(VinLengthError) as short:
        validate_vin("1HGCM82633A00435")
    with pytest.raises(VinForbiddenLetters) as letters:
        validate_vin("1HGCM8263OA0Q4352")
    with pytest.raises(VinCheckDigitError) as digit:
        validate_vin("1HGCM82634A004352")

    assert (short.value.vin, short.value.length) == ("1HGCM82633A00435", 16)
    assert letters.value.letters == ("O", "Q")
    assert (digit.value.found, digit.value.expected) == ("3", "1")
    assert isinstance(digit.value, InvalidVin)


def test_every_demo_model_vin_decodes_to_the_models_own_make() -> None:
    from catalog.demo.models_table import MODELS
    from catalog.vehicles.vin import make_from_manufacturer
    from tests.factories import valid_vin

    wrong = [
        (spec.make, spec.model, wmi, make_from_manufacturer(decoded.manufacturer or "?"))
        for spec in MODELS
        for wmi in spec.wmis
        if (decoded := decode_vin(valid_vin(2015, wmi))).manufacturer is None
        or make_from_manufacturer(decoded.manufacturer).casefold() != spec.make.casefold()
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("wmi", "listed", "named"),
    [("JTN", "Toyota", "Toyota"),  # the decoder says "Scion": the same company
     ("KMH", "Hyundai", "Hyundai"),  # it says "Genesis"
     ("1C4", "Jeep", "Jeep"),  # it says "Dodge"
     ("4T1", "Honda", "Toyota"),  # another company: the VIN's maker stands, the mismatch shows
     ("JTN", None, "Scion")],
)  # fmt: skip
def test_the_maker_named_is_the_listings_make_within_one_company(
    wmi: str, listed: str | None, named: str
) -> None:
    from catalog.vehicles.vin import maker_of
    from tests.factories import valid_vin

    assert maker_of(decode_vin(valid_vin(2015, wmi)), listed) == named
