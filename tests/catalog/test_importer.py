from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.errors import InvalidInput
from catalog.vehicles.importer import import_vehicles_csv
from catalog.vehicles.models import Vehicle
from tests.factories import make_dealer, valid_vin

HEADER = (
    "vin,dealer,make,model,trim,year,body_type,fuel,transmission,drive,mileage,mileage_unit,"
    "price,yard_city,yard_region,yard_country,export_port,steering,notes\n"
)


def row(vin: str, **overrides: str) -> str:
    values = {
        "vin": vin, "dealer": "Gulf Coast Motors", "make": "Toyota", "model": "Hilux",
        "trim": "SR5", "year": "2015", "body_type": "Pickup", "fuel": "Diesel",
        "transmission": "Manual", "drive": "4x4", "mileage": "120,000", "mileage_unit": "km",
        "price": "$18,500.00", "yard_city": "Houston", "yard_region": "TX", "yard_country": "us",
        "export_port": "Houston, TX", "steering": "LHD", "notes": "Snorkel, bull bar",
    }  # fmt: skip
    values.update(overrides)
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow(values.values())
    return line.getvalue()


@pytest.fixture
def dealer_name(db_session: Session) -> str:
    make_dealer(db_session, name="Gulf Coast Motors", region="TX", city="Houston")
    db_session.commit()
    return "Gulf Coast Motors"


def count_vehicles(db_session: Session) -> int:
    return db_session.scalar(select(func.count()).select_from(Vehicle)) or 0


def test_a_good_file_imports_every_row_with_units_and_money_normalised(
    db_session: Session, dealer_name: str, tmp_path: Path
) -> None:
    vins = [valid_vin(2015), valid_vin(2015)]
    path = tmp_path / "stock.csv"
    path.write_text(
        "\ufeff" + HEADER + row(vins[0]) + row(vins[1], mileage="60000", mileage_unit="mi"),
        encoding="utf-8",
    )
    report = import_vehicles_csv(db_session=db_session, source=path)
    db_session.commit()
    assert (report.created, report.updated, report.errors) == (2, 0, [])
    first = db_session.scalar(select(Vehicle).where(Vehicle.vin == vins[0]))
    second = db_session.scalar(select(Vehicle).where(Vehicle.vin == vins[1]))
    assert first is not None and second is not None
    assert first.price_cents == 18_500_00
    assert first.mileage_km == 120_000
    assert first.drive.value == "4wd"
    assert first.notes == "Snorkel, bull bar"
    assert second.mileage_km == 96_561


def test_bad_rows_are_reported_with_line_and_reason_and_good_rows_still_import(
    db_session: Session, dealer_name: str
) -> None:
    good = valid_vin(2015)
    bad_check = good[:8] + ("0" if good[8] != "0" else "1") + good[9:]
    content = (
        HEADER
        + row(good)
        + row(bad_check)
        + row(valid_vin(2015), year="1850")
        + row(valid_vin(2015), price="cheap")
        + row(valid_vin(2015), dealer="Nobody Motors")
        + row(good)
        + row(valid_vin(2015), fuel="coal")
    )
    report = import_vehicles_csv(db_session=db_session, source=content)
    db_session.commit()
    assert report.created == 1
    reasons = {error.line: error.reason for error in report.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8]
    assert "check digit" in reasons[3]
    assert reasons[4].startswith("year: Input should be greater than or equal to 1950")
    assert "price must be an amount" in reasons[5]
    assert reasons[6] == "unknown dealer 'Nobody Motors'"
    assert reasons[7] == "same VIN as line 2"
    assert reasons[8].startswith("fuel: Input should be")
    assert str(report.errors[0]).startswith(f"line 3 ({bad_check})")
    assert count_vehicles(db_session) == 1


def test_a_reimport_updates_by_vin_instead_of_duplicating(
    db_session: Session, dealer_name: str
) -> None:
    vin = valid_vin(2015)
    import_vehicles_csv(db_session=db_session, source=HEADER + row(vin))
    db_session.commit()
    report = import_vehicles_csv(db_session=db_session, source=HEADER + row(vin, price="17000"))
    db_session.commit()
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert count_vehicles(db_session) == 1
    same_again = import_vehicles_csv(db_session=db_session, source=HEADER + row(vin, price="17000"))
    assert (same_again.created, same_again.updated, same_again.unchanged) == (0, 0, 1)
    vehicle = db_session.scalar(select(Vehicle).where(Vehicle.vin == vin))
    assert vehicle is not None and vehicle.price_cents == 17_000_00


def test_make_and_year_left_blank_are_read_from_the_vin(
    db_session: Session, dealer_name: str
) -> None:
    vin = valid_vin(2017)
    report = import_vehicles_csv(db_session=db_session, source=HEADER + row(vin, make="", year=""))
    assert (report.created, report.errors) == (1, [])
    vehicle = db_session.scalar(select(Vehicle).where(Vehicle.vin == vin))
    assert vehicle is not None
    assert (vehicle.make, vehicle.year) == ("Toyota", 2017)


def test_a_year_the_vin_contradicts_is_refused_with_both_years_named(
    db_session: Session, dealer_name: str
) -> None:
    vin = valid_vin(2015)
    report = import_vehicles_csv(db_session=db_session, source=HEADER + row(vin, year="2018"))
    [error] = report.errors
    assert error.reason == "the VIN says model year 2015 (10th character F), not 2018"


def test_a_file_without_required_columns_writes_nothing(
    db_session: Session, dealer_name: str
) -> None:
    with pytest.raises(InvalidInput, match="lacks the column"):
        import_vehicles_csv(db_session=db_session, source="vin,make\nX,Toyota\n")
    assert count_vehicles(db_session) == 0


def test_an_unknown_column_is_named(db_session: Session, dealer_name: str) -> None:
    with pytest.raises(InvalidInput, match=r"unknown column.*colour_code"):
        import_vehicles_csv(db_session=db_session, source=HEADER.strip() + ",colour_code\n")


def test_an_interrupted_import_leaves_nothing_half_written(
    sessions: object, db_session: Session, dealer_name: str
) -> None:
    from sqlalchemy.orm import sessionmaker

    assert isinstance(sessions, sessionmaker)
    content = HEADER + row(valid_vin(2015)) + row(valid_vin(2015))
    with pytest.raises(RuntimeError), sessions() as importing, importing.begin():
        import_vehicles_csv(db_session=importing, source=content)
        raise RuntimeError("the machine stopped")
    assert count_vehicles(db_session) == 0


def test_the_dealer_can_come_from_the_command_instead_of_a_column(
    db_session: Session, dealer_name: str
) -> None:
    header = HEADER.replace("dealer,", "")
    line = row(valid_vin(2015)).replace("Gulf Coast Motors,", "", 1)
    report = import_vehicles_csv(
        db_session=db_session, source=header + line, default_dealer=dealer_name
    )
    assert report.created == 1
