"""Dealers' inventory from CSV: each row validated, good rows upserted by VIN, bad rows reported.

The whole file is written in one transaction, so an interruption leaves nothing half-imported;
the alerts it causes (saved searches matched, price drops) are written in it too, once for the file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.orm import Session

from catalog.dealers import service as dealer_service
from catalog.errors import InvalidInput
from catalog.vehicles import service as vehicle_service
from catalog.vehicles.changes import VehicleChanges
from catalog.vehicles.schemas import VehicleIn
from catalog.vehicles.service import Upserted
from catalog.vehicles.vin import normalise_vin

REQUIRED_COLUMNS = frozenset({"vin", "model", "body_type", "fuel", "transmission", "drive",
                              "mileage", "price", "yard_city", "yard_region", "yard_country",
                              "export_port"})  # fmt: skip
# make and year may be left out (or blank): the VIN gives them.
OPTIONAL_COLUMNS = frozenset({"make", "year", "dealer", "stock_number", "trim", "engine", "seats",
                              "mileage_unit",
                              "colour", "condition", "title_status", "damage_notes", "notes",
                              "steering", "length_mm", "width_mm", "height_mm", "weight_kg",
                              "currency", "status"})  # fmt: skip
MAX_ROWS = 50_000


@dataclass(frozen=True)
class RowError:
    line: int
    vin: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}{f' ({self.vin})' if self.vin else ''}: {self.reason}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    search_matches: int = 0  # alerts offered to the outbox
    price_drops: int = 0

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


def import_vehicles_csv(
    *, db_session: Session, source: Path | str, default_dealer: str | None = None
) -> ImportReport:
    """Import a CSV file (path) or CSV text. The caller commits (or rolls back) the session.

    Raises `InvalidInput` when the file itself is unusable (missing columns, too many rows).
    """
    content = source.read_text(encoding="utf-8-sig") if isinstance(source, Path) else source
    reader = csv.DictReader(io.StringIO(content, newline=""))
    _check_header(reader.fieldnames, has_default_dealer=default_dealer is not None)
    report = ImportReport()
    changes = VehicleChanges()
    seen: dict[str, int] = {}
    for line, row in _rows(reader):
        vin = normalise_vin(row.get("vin") or "")
        if vin in seen:
            report.errors.append(RowError(line, vin, f"same VIN as line {seen[vin]}"))
            continue
        try:
            vehicle_in = _vehicle_in(db_session, row, default_dealer)
        except (InvalidInput, ValidationError) as error:
            report.errors.append(RowError(line, vin, _reason(error)))
            continue
        seen[vin] = line
        _, outcome = vehicle_service.upsert_by_vin(db_session=db_session, vehicle_in=vehicle_in,
                                                   changes=changes)  # fmt: skip
        report.created += outcome is Upserted.CREATED
        report.updated += outcome is Upserted.UPDATED
        report.unchanged += outcome is Upserted.UNCHANGED
    alerted = vehicle_service.alert(db_session=db_session, changes=changes)
    report.search_matches, report.price_drops = alerted.search_matches, alerted.price_drops
    return report


def _check_header(fieldnames: Iterable[str] | None, *, has_default_dealer: bool) -> None:
    columns = {name.strip().lower() for name in fieldnames or []}
    missing = sorted(REQUIRED_COLUMNS - columns)
    if missing:
        raise InvalidInput(f"the CSV lacks the column(s): {', '.join(missing)}")
    if "dealer" not in columns and not has_default_dealer:
        raise InvalidInput("say which dealer: a 'dealer' column or the --dealer option")
    unknown = sorted(columns - REQUIRED_COLUMNS - OPTIONAL_COLUMNS)
    if unknown:
        raise InvalidInput(f"unknown column(s): {', '.join(unknown)}")


def _rows(reader: csv.DictReader[str]) -> Iterable[tuple[int, dict[str, str]]]:
    for count, row in enumerate(reader, start=1):
        if count > MAX_ROWS:
            raise InvalidInput(f"a CSV holds at most {MAX_ROWS} rows: split the file")
        cleaned = {
            (key or "").strip().lower(): (value or "").strip()
            for key, value in row.items()
            if key is not None
        }
        if any(cleaned.values()):
            yield reader.line_num, cleaned


def _vehicle_in(db_session: Session, row: dict[str, str], default_dealer: str | None) -> VehicleIn:
    dealer_name = row.get("dealer") or default_dealer or ""
    dealer = dealer_service.get_by_name(db_session=db_session, name=dealer_name)
    if dealer is None:
        raise InvalidInput(f"unknown dealer {dealer_name!r}")
    values: dict[str, object] = {
        key: value
        for key, value in row.items()
        if value and key not in {"dealer", "mileage", "mileage_unit", "price"}
    }
    values["dealer_id"] = dealer.id
    unit = (row.get("mileage_unit") or "km").lower()
    if unit not in {"km", "mi"}:
        raise InvalidInput(f"mileage_unit must be km or mi, not {unit!r}")
    values[f"mileage_{unit}"] = _integer(row["mileage"], "mileage")
    values["price_cents"] = _cents(row["price"])
    for key in ("body_type", "fuel", "transmission", "drive", "condition", "title_status",
                "steering", "status"):  # fmt: skip
        if key in values:
            values[key] = str(values[key]).lower().replace(" ", "_").replace("-", "_")
    if "drive" in values and values["drive"] == "4x4":
        values["drive"] = "4wd"
    for key in ("yard_country", "currency"):
        if key in values:
            values[key] = str(values[key]).upper()
    return VehicleIn.model_validate(values)


def _integer(raw: str, name: str) -> int:
    cleaned = re.sub(r"[\s,_]", "", raw)
    if not cleaned.isdigit():
        raise InvalidInput(f"{name} must be a whole number, not {raw!r}")
    return int(cleaned)


def _cents(raw: str) -> int:
    cleaned = re.sub(r"[\s,$]", "", raw)
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as error:
        raise InvalidInput(
            f"price must be an amount like 12500 or 12,500.00, not {raw!r}"
        ) from error
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(f"price must be a positive amount with at most 2 decimals, not {raw!r}")
    return int(amount * 100)


def _reason(error: InvalidInput | ValidationError) -> str:
    if isinstance(error, InvalidInput):
        return str(error)
    parts = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)
