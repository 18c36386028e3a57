"""Shipping references: ISO 6346 container numbers with their check digit, bills of lading and
bookings told apart, and references found in what buyers write.

Container vectors: python-stdnum's `tests/test_iso6346.doctest` (arthurdejong/python-stdnum),
and DCSA's example container APZU4812090 (dcsaorg/Conformance-Gateway, T&T 2.2 examples).
"""

from __future__ import annotations

import pytest

from catalog.tracking.references import (
    LETTER_VALUES,
    ContainerNumber,
    InvalidContainerNumber,
    Problem,
    Reference,
    ReferenceKind,
    check_container_number,
    container_check_digit,
    find_reference,
    find_references,
    parse_reference,
)

# python-stdnum's valid numbers, as its doctest writes them (some lower-case), then DCSA's.
VALID = ["CSQU3054383", "csqu3054383", "csQU3054383", "tcnu7200794", "tolu4734787",
         "GYOU4047990", "APZU4812090"]  # fmt: skip


@pytest.mark.parametrize("number", VALID)
def test_real_container_numbers_are_valid_and_normalised(number: str) -> None:
    assert check_container_number(number) == ContainerNumber(number.upper())


def test_a_remainder_of_ten_gives_check_digit_zero() -> None:
    # GYOU404799: the weighted sum is 10 modulo 11, and the check digit is 0.
    assert container_check_digit("GYOU404799") == "0"
    assert isinstance(check_container_number("GYOU4047990"), ContainerNumber)
    wrong = InvalidContainerNumber("GYOU4047991", Problem.CHECK_DIGIT, "0")
    assert check_container_number("GYOU4047991") == wrong


def test_letter_values_skip_the_multiples_of_eleven() -> None:
    assert (LETTER_VALUES["A"], LETTER_VALUES["B"], LETTER_VALUES["K"]) == (10, 12, 21)
    assert (LETTER_VALUES["L"], LETTER_VALUES["U"], LETTER_VALUES["V"]) == (23, 32, 34)
    assert LETTER_VALUES["Z"] == 38
    assert not any(value % 11 == 0 for value in LETTER_VALUES.values())


def test_a_wrong_check_digit_is_reported_with_the_expected_digit() -> None:
    checked = check_container_number("CSQU3054384")
    assert checked == InvalidContainerNumber("CSQU3054384", Problem.CHECK_DIGIT, "3")
    assert checked.reason == "check the last digit (it should be 3)"


@pytest.mark.parametrize("typed", ["csqu 305438 3", "CSQU-305438-3", " CSQU 3054383\n"])
def test_spaces_dashes_and_lower_case_are_accepted(typed: str) -> None:
    assert check_container_number(typed) == ContainerNumber("CSQU3054383")


def test_a_typed_number_is_normalised_before_its_check_digit_is_judged() -> None:
    checked = check_container_number("msku 305438-3")
    assert checked == InvalidContainerNumber("MSKU3054383", Problem.CHECK_DIGIT, "8")


@pytest.mark.parametrize("category", ["U", "J", "Z"])
def test_the_three_categories_are_accepted(category: str) -> None:
    first_ten = f"ABC{category}123456"
    number = first_ten + container_check_digit(first_ten)
    checked = check_container_number(number)
    assert isinstance(checked, ContainerNumber)
    assert checked.category == category


@pytest.mark.parametrize("category", ["A", "R", "X"])
def test_another_category_letter_is_refused_as_such(category: str) -> None:
    first_ten = f"ABC{category}123456"
    number = first_ten + container_check_digit(first_ten)  # a right check digit, still refused
    checked = check_container_number(number)
    assert checked == InvalidContainerNumber(number, Problem.CATEGORY)
    assert "U, J or Z" in checked.reason


@pytest.mark.parametrize(
    "number",
    ["CSQU305438", "CSQU30543833", "CSQU3054Z83", "CSQ3054383", "C5QU3054383", "", "CSQU"],
)
def test_wrong_lengths_and_characters_are_refused_as_the_wrong_shape(number: str) -> None:
    checked = check_container_number(number)
    assert isinstance(checked, InvalidContainerNumber)
    assert checked.problem is Problem.SHAPE
    assert checked.expected_check_digit is None


def test_the_parts_of_a_container_number() -> None:
    number = ContainerNumber("CSQU3054383")
    parts = (number.owner_code, number.category, number.serial, number.check_digit)
    assert parts == ("CSQ", "U", "305438", "3")
    assert str(number) == "CSQU3054383"


def test_the_check_digit_needs_four_letters_and_six_digits() -> None:
    with pytest.raises(ValueError, match="4 letters then 6 digits"):
        container_check_digit("CSQU30543")


# -- parse_reference ------------------------------------------------------------------------


def test_a_container_number_is_parsed_as_a_container() -> None:
    assert parse_reference("CSQU 305438 3") == Reference(ReferenceKind.CONTAINER, "CSQU3054383")


def test_a_mistyped_container_number_is_invalid_not_a_bill_of_lading() -> None:
    # MSCU is both MSC's container prefix and one of its bill-of-lading codes.
    parsed = parse_reference("MSCU3054383")
    assert parsed.kind is ReferenceKind.INVALID
    assert parsed.problem is Problem.CHECK_DIGIT
    assert parsed.expected_check_digit == container_check_digit("MSCU305438")


@pytest.mark.parametrize("typed", ["CSQU305438", "CSQU30543838", "CSQU3054Z83"])
def test_a_near_container_number_is_reported_as_the_wrong_shape(typed: str) -> None:
    parsed = parse_reference(typed)
    assert (parsed.kind, parsed.problem) == (ReferenceKind.INVALID, Problem.SHAPE)


def test_four_letters_and_seven_digits_with_another_category_is_a_category_problem() -> None:
    assert parse_reference("ABCD1234567").problem is Problem.CATEGORY


@pytest.mark.parametrize(
    ("typed", "value"),
    [("MAEU123456789", "MAEU123456789"), ("maeu-123456789", "MAEU123456789"),
     ("MEDUJ1234567", "MEDUJ1234567"), ("HLCU HAM2107ABCD1", "HLCUHAM2107ABCD1"),
     ("CMDU SHZ1234567", "CMDUSHZ1234567")],
)  # fmt: skip
def test_a_carrier_prefix_makes_a_bill_of_lading(typed: str, value: str) -> None:
    assert parse_reference(typed) == Reference(ReferenceKind.BILL_OF_LADING, value)


@pytest.mark.parametrize("typed", ["234567890", "ABC709951", "ABC123123123", "SGN 12345678"])
def test_other_references_with_digits_are_bookings(typed: str) -> None:
    parsed = parse_reference(typed)
    assert parsed.kind is ReferenceKind.BOOKING
    assert parsed.valid


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "hello", "1234567", "SHIPPING", "ABC12", "A" * 10 + "1" * 11, "MAEU 1234!",
     "booking 234567890", "where is it"],
)  # fmt: skip
def test_what_is_no_reference_is_invalid(typed: str) -> None:
    parsed = parse_reference(typed)
    assert (parsed.kind, parsed.problem) == (ReferenceKind.INVALID, Problem.NOT_A_REFERENCE)
    assert not parsed.valid


# -- in free text ---------------------------------------------------------------------------


def test_a_container_number_is_found_inside_a_sentence() -> None:
    assert find_reference("où est CSQU 305438 3 ?") == Reference(
        ReferenceKind.CONTAINER, "CSQU3054383"
    )


def test_a_mistyped_container_in_a_sentence_is_found_with_the_digit_to_check() -> None:
    found = find_reference("track MSKU3054383 please")
    assert found == Reference(ReferenceKind.INVALID, "MSKU3054383", Problem.CHECK_DIGIT, "8")


def test_a_bill_of_lading_split_after_its_carrier_code_is_found() -> None:
    found = find_reference("my BL is MAEU 123456789, thanks")
    assert found == Reference(ReferenceKind.BILL_OF_LADING, "MAEU123456789")


def test_every_reference_is_found_in_order_of_appearance() -> None:
    found = find_references("booking 234567890 and container gyou 404799-0")
    assert found == [Reference(ReferenceKind.BOOKING, "234567890"),
                     Reference(ReferenceKind.CONTAINER, "GYOU4047990")]  # fmt: skip


def test_a_valid_reference_is_preferred_to_an_earlier_mistyped_one() -> None:
    found = find_reference("CSQU3054384 or rather CSQU3054383")
    assert found == Reference(ReferenceKind.CONTAINER, "CSQU3054383")


def test_dates_words_and_short_numbers_are_not_references() -> None:
    assert find_references("Hello, on 2026-12-08 I paid 1500 dollars, where is my car?") == []
    assert find_reference("bonjour") is None
