"""Whether a destination country admits a used vehicle: its import rules as dated, sourced data
(`data/import_rules.yaml`), and a pure checker over them.

The rules are data, not code, because they change every year (Kenya's 8-year rule moves its
cut-off each January) and because a buyer is told "no" on their strength: every row names its
source and the date it was read, and a row without them is refused when the file is loaded.

- refusing kinds: `steering`, `used_import_ban`, `max_age`, `min_year`;
- warning kinds: `age_penalty` (admitted, at a higher duty);
- document kinds: `inspection`, `tracking_note` (names the quote must list).

Sources disagree (Nigeria: 15 or 10 years). Rows of one kind and vehicle class in a country form
a group; a vehicle is refused only when it fails every row of its group. Failing only the
stricter ones makes the answer uncertain, with a warning naming each value and its source.

Each refusal, warning and suggestion has a `code` and `params` the chat layer can translate; the
English `text` is the default wording.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final, Literal, TypeVar

import yaml

Steering = Literal["lhd", "rhd"]
VehicleClass = Literal["car", "commercial"]
Basis = Literal["manufacture", "first_registration"]
Param = str | int | bool
T = TypeVar("T", bound=str)

DATA: Final = Path(__file__).parent / "data" / "import_rules.yaml"
REFUSING: Final = frozenset({"steering", "used_import_ban", "max_age", "min_year"})
WARNING: Final = frozenset({"age_penalty"})
DOCUMENTS: Final = frozenset({"inspection", "tracking_note"})
AGE_KINDS: Final = frozenset({"steering", "max_age", "min_year", "age_penalty"})  # off in transit
_COMMON: Final = frozenset(
    {"kind", "source", "url", "as_of", "note", "uncertain", "effective_from", "vehicle_class"}
)
# kind -> (required parameters, optional parameters)
_PARAMS: Final[Mapping[str, tuple[frozenset[str], frozenset[str]]]] = {
    "steering": (frozenset({"allowed"}), frozenset()),
    "used_import_ban": (frozenset({"transit_allowed"}), frozenset({"port"})),
    "max_age": (frozenset({"years", "basis"}), frozenset({"under"})),
    "min_year": (frozenset({"year"}), frozenset({"basis"})),
    "age_penalty": (frozenset({"years", "basis"}), frozenset()),
    "inspection": (frozenset({"name"}), frozenset()),
    "tracking_note": (frozenset({"name"}), frozenset()),
}
_STEERINGS: Final[tuple[Steering, ...]] = ("lhd", "rhd")
_CLASSES: Final[tuple[VehicleClass, ...]] = ("car", "commercial")
_BASES: Final[tuple[Basis, ...]] = ("manufacture", "first_registration")
_SIDE: Final[Mapping[str, str]] = {"lhd": "left-hand drive", "rhd": "right-hand drive"}
_VEHICLES: Final[Mapping[str | None, str]] = {
    None: "vehicles",
    "car": "cars",
    "commercial": "commercial vehicles",
}
_TOPIC: Final[Mapping[str, str]] = {
    "steering": "steering rule",
    "used_import_ban": "used import ban",
    "max_age": "age limit",
    "min_year": "first-year limit",
    "age_penalty": "over-age penalty",
    "inspection": "inspection",
    "tracking_note": "cargo tracking note",
}


class RuleError(ValueError):
    """The rules file has a row that cannot be trusted; the message names country and row."""


@dataclass(frozen=True)
class ImportRule:
    country: str
    kind: str
    source: str
    as_of: date
    url: str | None = None
    note: str | None = None
    uncertain: bool = False
    effective_from: date | None = None
    vehicle_class: VehicleClass | None = None
    allowed: frozenset[Steering] = frozenset()
    transit_allowed: bool = False
    port: str | None = None
    years: int = 0
    basis: Basis = "manufacture"
    under: bool = False
    year: int = 0
    name: str = ""

    def binds(self, vehicle: VehicleFacts, today: date) -> bool:
        """In force on `today` and written for this vehicle's class."""
        in_force = self.effective_from is None or today >= self.effective_from
        return in_force and self.vehicle_class in (None, vehicle.vehicle_class)


@dataclass(frozen=True)
class CountryRules:
    code: str
    name: str
    rules: tuple[ImportRule, ...] = ()


@dataclass(frozen=True)
class RuleBook:
    countries: Mapping[str, CountryRules]

    def for_country(self, code: str) -> CountryRules:
        """The country's rules; an unknown code has none (and keeps its code as its name)."""
        code = code.upper()
        return self.countries.get(code, CountryRules(code, code))

    @property
    def rules(self) -> tuple[ImportRule, ...]:
        return tuple(rule for country in self.countries.values() for rule in country.rules)


@dataclass(frozen=True)
class VehicleFacts:
    year: int
    steering: Steering
    vehicle_class: VehicleClass = "car"
    first_registration_year: int | None = None  # North American cars: usually the model year

    def year_by(self, basis: Basis) -> int:
        if basis == "first_registration" and self.first_registration_year is not None:
            return self.first_registration_year
        return self.year


@dataclass(frozen=True)
class Reason:
    code: str
    text: str  # English default; translate from code and params
    params: Mapping[str, Param] = field(default_factory=dict)
    rule: ImportRule | None = None

    @property
    def source(self) -> str | None:
        return None if self.rule is None else self.rule.source


@dataclass(frozen=True)
class Document:
    kind: str  # inspection | tracking_note
    name: str
    rule: ImportRule


@dataclass(frozen=True)
class Admissibility:
    country: str
    admitted: bool
    uncertain: bool
    refusals: tuple[Reason, ...] = ()
    warnings: tuple[Reason, ...] = ()
    documents: tuple[Document, ...] = ()
    suggestions: tuple[Reason, ...] = ()


def load(path: Path = DATA) -> RuleBook:
    """The rule book in `path`; raises RuleError on the first row that is not valid."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return parse(raw)


def parse(raw: object) -> RuleBook:
    """The rule book from the YAML's parsed form (`{"countries": {code: {name, rules}}}`)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("countries"), dict):
        raise RuleError("the rules file needs a `countries` mapping")
    countries = {}
    for code, body in raw["countries"].items():
        if not isinstance(code, str) or len(code) != 2 or not code.isupper():
            raise RuleError(f"{code!r} is not an ISO 3166 alpha-2 code")
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            raise RuleError(f"{code}: needs a `name`")
        rows = body.get("rules") or []
        rules = tuple(_rule(code, index, row) for index, row in enumerate(rows))
        countries[code] = CountryRules(code, body["name"], rules)
    return RuleBook(countries)


def _rule(country: str, index: int, row: object) -> ImportRule:
    where = f"{country} rule {index + 1}"
    if not isinstance(row, dict):
        raise RuleError(f"{where}: a rule is a mapping")
    kind = row.get("kind")
    if not isinstance(kind, str) or kind not in _PARAMS:
        raise RuleError(f"{where}: unknown kind {kind!r} (known: {sorted(_PARAMS)})")
    where = f"{where} ({kind})"
    required, optional = _PARAMS[kind]
    missing = ({"source", "as_of"} | required) - {key for key, v in row.items() if v is not None}
    if missing:
        raise RuleError(f"{where}: missing {', '.join(sorted(missing))}")
    unknown = set(row) - _COMMON - required - optional
    if unknown:
        raise RuleError(f"{where}: unknown field {', '.join(sorted(unknown))}")
    try:
        rule = _build(country, kind, row)
    except (TypeError, ValueError) as error:
        raise RuleError(f"{where}: {error}") from error
    if kind == "steering" and not rule.allowed:
        raise RuleError(f"{where}: `allowed` names no side")
    return rule


def _build(country: str, kind: str, row: Mapping[str, object]) -> ImportRule:
    return ImportRule(
        country=country,
        kind=kind,
        source=_text(row["source"], "source"),
        as_of=_date(row["as_of"], "as_of"),
        url=_optional_text(row.get("url"), "url"),
        note=_optional_text(row.get("note"), "note"),
        uncertain=_flag(row.get("uncertain", False), "uncertain"),
        effective_from=None if row.get("effective_from") is None
        else _date(row["effective_from"], "effective_from"),
        vehicle_class=_choice(row.get("vehicle_class"), _CLASSES, "vehicle_class"),
        allowed=_steering(row.get("allowed", [])),
        transit_allowed=_flag(row.get("transit_allowed", False), "transit_allowed"),
        port=_optional_text(row.get("port"), "port"),
        years=_number(row.get("years", 0), "years"),
        basis=_choice(row.get("basis"), _BASES, "basis")
        or ("first_registration" if kind == "min_year" else "manufacture"),
        under=_flag(row.get("under", False), "under"),
        year=_number(row.get("year", 0), "year"),
        name=_text(row.get("name", kind), "name"),
    )  # fmt: skip


def _text(value: object, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"`{key}` must be non-empty text")
    return value.strip()


def _optional_text(value: object, key: str) -> str | None:
    return None if value is None else _text(value, key)


def _date(value: object, key: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value)
    raise ValueError(f"`{key}` must be an ISO date")


def _flag(value: object, key: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"`{key}` must be true or false")
    return value


def _number(value: object, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"`{key}` must be a whole number")
    return value


def _choice(value: object, choices: tuple[T, ...], key: str) -> T | None:
    if value is None:
        return None
    for choice in choices:
        if value == choice:
            return choice
    raise ValueError(f"`{key}` must be one of {', '.join(choices)}")


def _steering(value: object) -> frozenset[Steering]:
    if not isinstance(value, list):
        raise ValueError("`allowed` must be a list of lhd / rhd")
    sides = [_choice(side, _STEERINGS, "allowed") for side in value]
    return frozenset(side for side in sides if side is not None)


def check(
    rulebook: RuleBook, country: str, vehicle: VehicleFacts, today: date, transit: bool = False
) -> Admissibility:
    """Whether `country` admits `vehicle` on `today`, why not, and what it would admit.

    `transit=True`: the vehicle only crosses `country` to a landlocked destination, so its age
    and steering rules do not apply; a used-import ban still refuses unless it allows transit.
    """
    rules = rulebook.for_country(country)
    if not rules.rules:
        return _no_rules(rules)
    skipped = AGE_KINDS if transit else frozenset()
    binding = [
        rule for rule in rules.rules if rule.binds(vehicle, today) and rule.kind not in skipped
    ]
    verdicts = [_judge(rules.name, group, vehicle, today, transit) for group in _groups(binding)]
    refusals = tuple(reason for verdict in verdicts for reason in verdict.refusals)
    documents = tuple(
        Document(rule.kind, rule.name, rule) for rule in binding
        if rule.kind in DOCUMENTS and not (transit and rule.kind == "inspection")
    )  # fmt: skip
    unconfirmed = tuple(
        _unconfirmed(rules.name, doc.rule) for doc in documents if doc.rule.uncertain
    )
    return Admissibility(
        country=rules.code,
        admitted=not refusals,
        uncertain=any(verdict.uncertain for verdict in verdicts),
        refusals=refusals,
        warnings=tuple(reason for verdict in verdicts for reason in verdict.warnings) + unconfirmed,
        documents=documents,
        suggestions=tuple(reason for verdict in verdicts for reason in verdict.suggestions),
    )


@dataclass(frozen=True)
class _Verdict:
    refusals: tuple[Reason, ...] = ()
    warnings: tuple[Reason, ...] = ()
    suggestions: tuple[Reason, ...] = ()
    uncertain: bool = False


def _no_rules(rules: CountryRules) -> Admissibility:
    said = Reason(
        "no_rules",
        f"We have no import rules on file for {rules.name}; "
        "check with a clearing agent before shipping",
        {"country": rules.code},
    )
    return Admissibility(rules.code, admitted=True, uncertain=True, warnings=(said,))


def _groups(rules: Iterable[ImportRule]) -> list[list[ImportRule]]:
    """Rows that answer the same question (kind and vehicle class), in file order."""
    groups: dict[tuple[str, str | None], list[ImportRule]] = {}
    for rule in rules:
        if rule.kind in REFUSING | WARNING:
            groups.setdefault((rule.kind, rule.vehicle_class), []).append(rule)
    return list(groups.values())


def _judge(
    country: str, group: list[ImportRule], vehicle: VehicleFacts, today: date, transit: bool
) -> _Verdict:
    failed = [rule for rule in group if _FAILS[rule.kind](rule, vehicle, today, transit)]
    if not failed:
        return _Verdict()
    if group[0].kind in WARNING:
        said = tuple(_REASONS[rule.kind](country, rule, vehicle, today) for rule in failed)
        return _Verdict(warnings=said, uncertain=any(rule.uncertain for rule in failed))
    if len(failed) < len(group):
        passed = [rule for rule in group if rule not in failed]
        return _Verdict(warnings=(_disagreement(country, failed, passed),), uncertain=True)
    deciding = max(group, key=_LENIENCY[group[0].kind])
    refusal = _REASONS[deciding.kind](country, deciding, vehicle, today)
    doubts = tuple(_unconfirmed(country, rule) for rule in group if rule.uncertain)
    return _Verdict((refusal,), doubts, (_suggest(country, deciding, today),), bool(doubts))


def _age(rule: ImportRule, vehicle: VehicleFacts, today: date) -> int:
    return today.year - vehicle.year_by(rule.basis)


def _too_old(rule: ImportRule, vehicle: VehicleFacts, today: date, transit: bool) -> bool:
    age = _age(rule, vehicle, today)
    return age >= rule.years if rule.under else age > rule.years


_Fails = Callable[[ImportRule, VehicleFacts, date, bool], bool]
_FAILS: Final[Mapping[str, _Fails]] = {
    "steering": lambda rule, vehicle, today, transit: vehicle.steering not in rule.allowed,
    "used_import_ban": lambda rule, vehicle, today, transit: not (transit and rule.transit_allowed),
    "max_age": _too_old,
    "min_year": lambda rule, vehicle, today, transit: vehicle.year_by(rule.basis) < rule.year,
    "age_penalty": lambda rule, vehicle, today, transit: _age(rule, vehicle, today) > rule.years,
}
# The most lenient row of a group decides a refusal: every row refuses, it refuses least.
_LENIENCY: Final[Mapping[str, Callable[[ImportRule], int]]] = {
    "steering": lambda rule: len(rule.allowed),
    "used_import_ban": lambda rule: 0,
    "max_age": lambda rule: rule.years * 2 - rule.under,
    "min_year": lambda rule: -rule.year,
}


def _sides(allowed: frozenset[Steering]) -> str:
    return " and ".join(_SIDE[side] for side in sorted(allowed))


def _steering_reason(country: str, rule: ImportRule, vehicle: VehicleFacts, _: date) -> Reason:
    return Reason(
        "steering",
        f"{country} admits {_sides(rule.allowed)} vehicles only; "
        f"this one is {_SIDE[vehicle.steering]}",
        {"country": rule.country, "allowed": ",".join(sorted(rule.allowed)),
         "steering": vehicle.steering},
        rule,
    )  # fmt: skip


def _ban_reason(country: str, rule: ImportRule, _: VehicleFacts, __: date) -> Reason:
    return Reason(
        "used_import_ban",
        f"{country} does not admit used vehicle imports",
        {"country": rule.country, "transit_allowed": rule.transit_allowed},
        rule,
    )


def _basis_words(basis: Basis) -> str:
    return "first registration" if basis == "first_registration" else "manufacture"


def _done(basis: Basis) -> str:
    return "first registered" if basis == "first_registration" else "made"


def _max_age_reason(country: str, rule: ImportRule, vehicle: VehicleFacts, today: date) -> Reason:
    limit = f"under {rule.years}" if rule.under else f"up to {rule.years}"
    age = _age(rule, vehicle, today)
    return Reason(
        "max_age",
        f"{country} admits {_VEHICLES[rule.vehicle_class]} {limit} years old from "
        f"{_basis_words(rule.basis)}; "
        f"this one is {age} ({vehicle.year_by(rule.basis)})",
        {"country": rule.country, "years": rule.years, "under": rule.under,
         "basis": rule.basis, "age": age, "vehicle_year": vehicle.year_by(rule.basis)},
        rule,
    )  # fmt: skip


def _min_year_reason(country: str, rule: ImportRule, vehicle: VehicleFacts, _: date) -> Reason:
    since = f"Since {rule.effective_from.isoformat()}, " if rule.effective_from else ""
    year = vehicle.year_by(rule.basis)
    return Reason(
        "min_year",
        f"{since}{country} admits {_VEHICLES[rule.vehicle_class]} {_done(rule.basis)} in "
        f"{rule.year} or later; this one was {_done(rule.basis)} in {year}",
        {"country": rule.country, "year": rule.year, "basis": rule.basis, "vehicle_year": year},
        rule,
    )


def _penalty_reason(country: str, rule: ImportRule, vehicle: VehicleFacts, today: date) -> Reason:
    age = _age(rule, vehicle, today)
    return Reason(
        "age_penalty",
        f"{country} charges an over-age penalty past {rule.years} years from "
        f"{_basis_words(rule.basis)}; this one is {age}: expect a higher duty",
        {"country": rule.country, "years": rule.years, "basis": rule.basis, "age": age},
        rule,
    )


_Said = Callable[[str, ImportRule, VehicleFacts, date], Reason]
_REASONS: Final[Mapping[str, _Said]] = {
    "steering": _steering_reason,
    "used_import_ban": _ban_reason,
    "max_age": _max_age_reason,
    "min_year": _min_year_reason,
    "age_penalty": _penalty_reason,
}


def _suggest(country: str, rule: ImportRule, today: date) -> Reason:
    if rule.kind == "steering":
        return Reason("steering", f"{country} admits {_sides(rule.allowed)} vehicles only",
                      {"country": rule.country, "allowed": ",".join(sorted(rule.allowed))},
                      rule)  # fmt: skip
    if rule.kind == "used_import_ban":
        where = rule.port or country
        return Reason("transit_only",
                      f"{where} is transit only: ship to {where} for a neighbouring country",
                      {"country": rule.country, "port": where}, rule)  # fmt: skip
    year = rule.year if rule.kind == "min_year" else today.year - rule.years + rule.under
    return Reason(
        "newer_vehicle", f"a {year} or newer vehicle",
        {"country": rule.country, "year": year, "basis": rule.basis}, rule,
    )  # fmt: skip


def _value(rule: ImportRule) -> str:
    if rule.kind == "steering":
        return f"{_sides(rule.allowed)} only"
    if rule.kind == "min_year":
        return f"{rule.year} or newer"
    return f"{'under' if rule.under else 'up to'} {rule.years} years"


def _disagreement(country: str, failed: list[ImportRule], passed: list[ImportRule]) -> Reason:
    def said(rules: list[ImportRule]) -> str:
        return "; ".join(f"{_value(rule)} ({rule.source}, {rule.as_of})" for rule in rules)

    return Reason(
        "sources_disagree",
        f"Sources disagree on {country}'s {_TOPIC[failed[0].kind]}: "
        f"{said(failed)} would refuse this vehicle, {said(passed)} would admit it; "
        "confirm with a clearing agent before shipping",
        {"country": failed[0].country, "kind": failed[0].kind,
         "refusing": ", ".join(_value(rule) for rule in failed),
         "admitting": ", ".join(_value(rule) for rule in passed)},
        failed[0],
    )  # fmt: skip


def _unconfirmed(country: str, rule: ImportRule) -> Reason:
    return Reason(
        "unconfirmed_rule",
        f"{country}'s {_TOPIC[rule.kind]} ({_value_or_name(rule)}) rests on a "
        f"source we could not confirm: {rule.source} ({rule.as_of})",
        {"country": rule.country, "kind": rule.kind},
        rule,
    )


def _value_or_name(rule: ImportRule) -> str:
    return rule.name if rule.kind in DOCUMENTS else _value(rule)
