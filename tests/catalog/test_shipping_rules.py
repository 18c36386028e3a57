"""Import rules by destination: every refusing row of the data file refuses a vehicle that fails
it, with the reason and the source; the hand-written cases are the ones buyers ask about."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from catalog.shipping.rules import (
    REFUSING,
    Admissibility,
    ImportRule,
    RuleBook,
    RuleError,
    VehicleFacts,
    check,
    load,
)

TODAY = date(2026, 12, 7)
BOOK = load()
REFUSING_ROWS = [rule for rule in BOOK.rules if rule.kind in REFUSING]


def _failing(rule: ImportRule, today: date) -> VehicleFacts:
    """A vehicle that fails `rule` and nothing else of its kind that `rule` would admit."""
    vehicle = VehicleFacts(today.year, "lhd", rule.vehicle_class or "car")
    if rule.kind == "steering":
        return replace(vehicle, steering="rhd" if "lhd" in rule.allowed else "lhd")
    if rule.kind == "max_age":
        year = today.year - rule.years - (0 if rule.under else 1)
        return replace(vehicle, year=year, first_registration_year=year)
    if rule.kind == "min_year":
        return replace(vehicle, year=rule.year - 1, first_registration_year=rule.year - 1)
    return vehicle  # used_import_ban: any used vehicle


def _siblings(rule: ImportRule) -> list[ImportRule]:
    return [other for other in BOOK.for_country(rule.country).rules
            if (other.kind, other.vehicle_class) == (rule.kind, rule.vehicle_class)]  # fmt: skip


def _codes(reasons: tuple[object, ...]) -> list[str]:
    return [getattr(reason, "code") for reason in reasons]  # noqa: B009


@pytest.mark.parametrize("rule", REFUSING_ROWS, ids=lambda rule: f"{rule.country}-{rule.kind}")
def test_a_vehicle_failing_a_rule_is_refused_with_the_reason_and_source(rule: ImportRule) -> None:
    today = max(TODAY, rule.effective_from or TODAY)
    verdict = check(BOOK, rule.country, _failing(rule, today), today)
    siblings = _siblings(rule)
    if len(siblings) == 1:
        refusal = next(reason for reason in verdict.refusals if reason.rule == rule)
        assert not verdict.admitted
        assert refusal.code == rule.kind
        assert refusal.source == rule.source
        assert BOOK.for_country(rule.country).name in refusal.text
        assert verdict.suggestions
    elif verdict.admitted:  # a stricter row of sources that disagree: flagged, not refused
        assert verdict.uncertain
        said = [w for w in verdict.warnings if w.code == "sources_disagree"]
        assert said and rule.source in said[0].text
    else:
        assert any(reason.rule in siblings and reason.code == rule.kind
                   for reason in verdict.refusals)  # fmt: skip
        assert verdict.uncertain == any(other.uncertain for other in siblings)


def test_every_row_names_its_source_and_the_date_it_was_read() -> None:
    assert BOOK.rules
    for rule in BOOK.rules:
        assert rule.source.strip()
        assert isinstance(rule.as_of, date)
        assert rule.as_of <= TODAY
        assert rule.url is None or rule.url.startswith(("http://", "https://"))


def test_a_2012_lhd_camry_to_kenya_is_refused_for_steering_and_age() -> None:
    verdict = check(BOOK, "KE", VehicleFacts(2012, "lhd"), TODAY)
    assert not verdict.admitted
    assert _codes(verdict.refusals) == ["steering", "min_year"]
    assert verdict.refusals[0].text == (
        "Kenya admits right-hand drive vehicles only; this one is left-hand drive"
    )
    assert verdict.refusals[0].params["allowed"] == "rhd"
    assert "2019" in verdict.refusals[1].text
    assert [s.text for s in verdict.suggestions] == [
        "Kenya admits right-hand drive vehicles only", "a 2019 or newer vehicle"
    ]  # fmt: skip
    assert any("QISJ" in document.name for document in verdict.documents)


def test_a_2020_lhd_to_kenya_is_refused_for_steering_only() -> None:
    verdict = check(BOOK, "KE", VehicleFacts(2020, "lhd"), TODAY)
    assert not verdict.admitted
    assert _codes(verdict.refusals) == ["steering"]


def test_kenyas_2019_rule_waits_for_2026() -> None:
    verdict = check(BOOK, "KE", VehicleFacts(2012, "rhd"), date(2025, 12, 31))
    assert verdict.admitted


def test_a_2013_car_to_nigeria_is_uncertain_failing_10_years_but_not_15() -> None:
    verdict = check(BOOK, "NG", VehicleFacts(2013, "lhd"), TODAY)
    assert verdict.admitted
    assert verdict.uncertain
    (said,) = [w for w in verdict.warnings if w.code == "sources_disagree"]
    assert said.params["refusing"] == "up to 10 years"
    assert said.params["admitting"] == "up to 15 years"
    assert "Oskar Motorama" in said.text and "Legit.ng" in said.text


def test_a_2005_car_to_nigeria_fails_both_limits_and_is_refused() -> None:
    verdict = check(BOOK, "NG", VehicleFacts(2005, "lhd"), TODAY)
    assert not verdict.admitted
    (refusal,) = verdict.refusals
    assert refusal.code == "max_age"
    assert refusal.params["years"] == 15  # the most lenient source decides
    assert verdict.uncertain
    assert "unconfirmed_rule" in _codes(verdict.warnings)


def test_a_2012_car_to_ghana_is_admitted_with_an_age_penalty_warning() -> None:
    verdict = check(BOOK, "GH", VehicleFacts(2012, "lhd"), TODAY)
    assert verdict.admitted
    assert not verdict.uncertain
    (penalty,) = [w for w in verdict.warnings if w.code == "age_penalty"]
    assert penalty.params == {"country": "GH", "years": 10, "basis": "manufacture", "age": 14}


def test_south_africa_refuses_used_vehicles_but_lets_them_through_to_a_neighbour() -> None:
    as_destination = check(BOOK, "ZA", VehicleFacts(2022, "lhd"), TODAY)
    assert not as_destination.admitted
    assert _codes(as_destination.refusals) == ["used_import_ban"]
    assert [s.text for s in as_destination.suggestions] == [
        "Durban is transit only: ship to Durban for a neighbouring country"
    ]
    assert check(BOOK, "ZA", VehicleFacts(2022, "lhd"), TODAY, transit=True).admitted


def test_transit_skips_age_and_steering_but_keeps_the_tracking_note() -> None:
    through_kenya = check(BOOK, "KE", VehicleFacts(2012, "lhd"), TODAY, transit=True)
    assert through_kenya.admitted
    assert through_kenya.documents == ()  # inspection is the destination's business
    through_benin = check(BOOK, "BJ", VehicleFacts(2012, "lhd"), TODAY, transit=True)
    assert [document.kind for document in through_benin.documents] == ["tracking_note"]


def test_a_2018_car_to_angola_is_refused_in_2026() -> None:
    verdict = check(BOOK, "AO", VehicleFacts(2018, "lhd"), TODAY)
    assert not verdict.admitted
    (refusal,) = verdict.refusals
    assert refusal.text == (
        "Angola admits cars up to 6 years old from manufacture; this one is 8 (2018)"
    )
    assert [s.text for s in verdict.suggestions] == ["a 2020 or newer vehicle"]


def test_angola_gives_commercial_vehicles_ten_years() -> None:
    assert check(BOOK, "AO", VehicleFacts(2017, "lhd", "commercial"), TODAY).admitted


def test_uganda_refuses_a_vehicle_at_fifteen_years_from_manufacture() -> None:
    assert not check(BOOK, "UG", VehicleFacts(2011, "lhd"), TODAY).admitted
    assert check(BOOK, "UG", VehicleFacts(2012, "lhd"), TODAY).admitted


def test_a_country_without_rules_says_so() -> None:
    verdict = check(BOOK, "DJ", VehicleFacts(2012, "lhd"), TODAY)
    assert verdict == Admissibility("DJ", admitted=True, uncertain=True, warnings=verdict.warnings)
    assert _codes(verdict.warnings) == ["no_rules"]
    assert BOOK.for_country("zz").rules == ()


def test_an_admitted_vehicle_lists_the_tracking_note_the_quote_must_carry() -> None:
    verdict = check(BOOK, "BJ", VehicleFacts(2015, "lhd"), TODAY)
    assert verdict.admitted and not verdict.uncertain
    assert [document.name for document in verdict.documents] == [
        "BESC / ECTN (number on the bill of lading)"
    ]


def _book(tmp_path: Path, row: str) -> RuleBook:
    path = tmp_path / "rules.yaml"
    path.write_text(f"countries:\n  KE:\n    name: Kenya\n    rules:\n{row}", encoding="utf-8")
    return load(path)


def test_a_row_without_a_source_is_rejected_at_load_time(tmp_path: Path) -> None:
    row = "      - {kind: steering, allowed: [rhd], as_of: 2025-11-14}\n"
    with pytest.raises(RuleError, match=r"KE rule 1 \(steering\): missing source"):
        _book(tmp_path, row)


def test_a_row_without_as_of_is_rejected_at_load_time(tmp_path: Path) -> None:
    row = "      - {kind: steering, allowed: [rhd], source: KEBS}\n"
    with pytest.raises(RuleError, match="missing as_of"):
        _book(tmp_path, row)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("      - {kind: colour, source: x, as_of: 2025-01-01}\n", "unknown kind 'colour'"),
        ("      - {kind: max_age, years: 8, source: x, as_of: 2025-01-01}\n", "missing basis"),
        ("      - {kind: steering, allowed: [left], source: x, as_of: 2025-01-01}\n",
         "`allowed` must be one of lhd, rhd"),
        ("      - {kind: steering, allowed: [rhd], colour: red, source: x, as_of: 2025-01-01}\n",
         "unknown field colour"),
        ("      - {kind: steering, allowed: [rhd], source: x, as_of: soon}\n", "Invalid isoformat"),
    ],
)  # fmt: skip
def test_malformed_rows_are_rejected_with_a_clear_error(
    tmp_path: Path, row: str, message: str
) -> None:
    with pytest.raises(RuleError, match=message):
        _book(tmp_path, row)
