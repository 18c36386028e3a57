from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from catalog.errors import InvalidFilter
from catalog.vehicles.models import Vehicle
from catalog.vehicles.schemas import SearchPage, VehicleFilters, VehicleSort
from catalog.vehicles.search import search_vehicles
from tests.factories import make_dealer, make_vehicle

Search = Callable[..., SearchPage]


@pytest.fixture
def stock(db_session: Session) -> dict[str, Vehicle]:
    """A small yard: each vehicle differs from the others in the filters under test."""
    us = make_dealer(db_session, name="Chesapeake Auto", region="MD", city="Baltimore")
    ca = make_dealer(db_session, name="Great Lakes Auto", country="CA", region="ON", city="Toronto")
    vehicles = {
        "corolla": make_vehicle(db_session, us, make="Toyota", model="Corolla", year=2012,
                                price_cents=6_500_00, mileage_km=180_000, colour="silver"),
        "hilux": make_vehicle(db_session, us, make="Toyota", model="Hilux", year=2016,
                              body_type="pickup", fuel="diesel", transmission="manual",
                              drive="4wd", price_cents=18_500_00, mileage_km=140_000,
                              steering="rhd", notes="Japanese import, snorkel fitted"),
        "land_cruiser": make_vehicle(db_session, ca, make="Toyota", model="Land Cruiser",
                                     year=2019, body_type="suv", seats=8, drive="4wd",
                                     price_cents=52_000_00, mileage_km=90_000,
                                     yard_city="Toronto", yard_region="ON", yard_country="CA",
                                     export_port="Halifax, NS"),
        "crv": make_vehicle(db_session, us, make="Honda", model="CR-V", year=2017,
                            body_type="suv", transmission="cvt", drive="awd",
                            price_cents=14_000_00, mileage_km=110_000, colour="Blue"),
        "benz": make_vehicle(db_session, ca, make="Mercedes-Benz", model="C 300", year=2014,
                             drive="rwd", price_cents=11_000_00, mileage_km=150_000,
                             yard_city="Toronto", yard_region="ON", yard_country="CA",
                             export_port="Halifax, NS", damage_notes="hail damage on roof"),
    }  # fmt: skip
    db_session.commit()
    return vehicles


@pytest.fixture
def search(db_session: Session) -> Search:
    def run(sort: VehicleSort = VehicleSort.PRICE_ASC, limit: int = 10,
            cursor: str | None = None, **filters: Any) -> SearchPage:  # fmt: skip
        return search_vehicles(
            db_session=db_session, filters=VehicleFilters(**filters), sort=sort,
            limit=limit, cursor=cursor,
        )  # fmt: skip

    return run


def models_of(page: SearchPage) -> list[str]:
    return [item.model for item in page.items]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"make": "toyota"}, ["Corolla", "Hilux", "Land Cruiser"]),
        ({"make": "Honda", "model": "crv"}, ["CR-V"]),
        ({"year_min": 2016, "year_max": 2017}, ["CR-V", "Hilux"]),
        ({"price_min_cents": 10_000_00, "price_max_cents": 15_000_00}, ["C 300", "CR-V"]),
        ({"body_types": ["suv"]}, ["CR-V", "Land Cruiser"]),
        ({"body_types": ["suv", "pickup"]}, ["CR-V", "Hilux", "Land Cruiser"]),
        ({"fuel": "diesel"}, ["Hilux"]),
        ({"transmission": "cvt"}, ["CR-V"]),
        ({"drive": "4wd"}, ["Hilux", "Land Cruiser"]),
        ({"mileage_max_km": 110_000}, ["Land Cruiser", "CR-V"]),
        ({"seats_min": 7}, ["Land Cruiser"]),
        ({"steering": "rhd"}, ["Hilux"]),
        ({"colour": "blue"}, ["CR-V"]),
        ({"yard_country": "CA"}, ["C 300", "Land Cruiser"]),
        ({"location": "halifax"}, ["C 300", "Land Cruiser"]),
        ({"location": "Baltimore"}, ["Corolla", "CR-V", "Hilux"]),
    ],
)
def test_each_filter_narrows_the_results(
    stock: dict[str, Vehicle], search: Search, filters: dict[str, Any], expected: list[str]
) -> None:
    assert sorted(models_of(search(**filters))) == sorted(expected)


def test_filtering_by_dealer(stock: dict[str, Vehicle], search: Search) -> None:
    page = search(dealer_id=stock["benz"].dealer_id)
    assert models_of(page) == ["C 300", "Land Cruiser"]


def test_sold_vehicles_are_not_offered(
    stock: dict[str, Vehicle], search: Search, db_session: Session
) -> None:
    stock["hilux"].status = "sold"  # type: ignore[assignment]
    db_session.commit()
    assert "Hilux" not in models_of(search(make="Toyota"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hilux", ["Hilux"]),
        ("land cruiser", ["Land Cruiser"]),
        ("snorkel", ["Hilux"]),
        ("hail", ["C 300"]),
        ("toyota diesel", ["Hilux"]),
        ("coro", ["Corolla"]),
        ("benz", ["C 300"]),
        ("CRV", ["CR-V"]),
        ("Land Cruser", ["Land Cruiser"]),
        ("toyota pickup manual", ["Hilux"]),
        ("Mercedes Benz C 300", ["C 300"]),
    ],
)
def test_free_text_searches_make_model_trim_and_notes(
    stock: dict[str, Vehicle], search: Search, text: str, expected: list[str]
) -> None:
    assert models_of(search(text=text)) == expected


def test_free_text_reads_typos_in_make_and_model(stock: dict[str, Vehicle], search: Search) -> None:
    page = search(text="Toyta Corola")
    assert models_of(page) == ["Corolla"]
    assert page.corrections == {"toyta": "Toyota", "corola": "Corolla"}


def test_typos_in_the_make_and_model_filters_are_read_too(
    stock: dict[str, Vehicle], search: Search
) -> None:
    page = search(make="Toyotta", model="Landcruser")
    assert models_of(page) == ["Land Cruiser"]
    assert page.corrections == {"Toyotta": "Toyota", "Landcruser": "Land Cruiser"}


def test_a_make_nobody_sells_finds_nothing_rather_than_a_wrong_guess(
    stock: dict[str, Vehicle], search: Search
) -> None:
    page = search(make="Ferrari")
    assert page.items == []
    assert page.corrections == {}


def test_free_text_without_a_match_finds_nothing(stock: dict[str, Vehicle], search: Search) -> None:
    assert search(text="zzzz").items == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (VehicleSort.PRICE_ASC, ["Corolla", "C 300", "CR-V", "Hilux", "Land Cruiser"]),
        (VehicleSort.PRICE_DESC, ["Land Cruiser", "Hilux", "CR-V", "C 300", "Corolla"]),
        (VehicleSort.YEAR_DESC, ["Land Cruiser", "CR-V", "Hilux", "C 300", "Corolla"]),
        (VehicleSort.YEAR_ASC, ["Corolla", "C 300", "Hilux", "CR-V", "Land Cruiser"]),
        (VehicleSort.MILEAGE_ASC, ["Land Cruiser", "CR-V", "Hilux", "C 300", "Corolla"]),
        (VehicleSort.NEWEST, ["C 300", "CR-V", "Land Cruiser", "Hilux", "Corolla"]),
    ],
)
def test_results_come_in_the_requested_order(
    stock: dict[str, Vehicle], search: Search, sort: VehicleSort, expected: list[str]
) -> None:
    assert models_of(search(sort=sort)) == expected


@pytest.mark.parametrize("sort", list(VehicleSort))
def test_pages_cover_every_vehicle_once_in_order(
    db_session: Session, search: Search, sort: VehicleSort
) -> None:
    dealer = make_dealer(db_session)
    for i in range(23):  # equal prices and years on purpose: ties are broken by id
        make_vehicle(db_session, dealer, price_cents=(5_000 + 100 * (i % 4)) * 100,
                     year=2010 + i % 3, mileage_km=100_000 + 1000 * (i % 5))  # fmt: skip
    db_session.commit()
    unpaged = [item.id for item in search(sort=sort, limit=50).items]
    seen: list[int] = []
    cursor = None
    while True:
        page = search(sort=sort, limit=5, cursor=cursor)
        seen.extend(item.id for item in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == unpaged
    assert len(seen) == 23


def test_pages_stay_stable_when_vehicles_are_added_before_the_cursor(
    db_session: Session, search: Search
) -> None:
    dealer = make_dealer(db_session)
    for price in (1000, 2000, 3000, 4000):
        make_vehicle(db_session, dealer, price_cents=price * 100)
    db_session.commit()
    first = search(limit=2)
    make_vehicle(db_session, dealer, price_cents=500 * 100)  # lands on the first page
    db_session.commit()
    second = search(limit=2, cursor=first.next_cursor)
    assert [i.price_cents for i in second.items] == [300_000, 400_000]
    assert second.next_cursor is None


def test_results_carry_the_first_photo_for_a_thumbnail(
    stock: dict[str, Vehicle], search: Search, db_session: Session
) -> None:
    from catalog.media.models import VehicleMedia

    db_session.add(VehicleMedia(vehicle_id=stock["hilux"].id, position=0, label="front",
                                content_hash="a" * 64, width=960, height=720, web_width=960,
                                web_height=720, thumb_width=320, thumb_height=240,
                                bytes_original=1000))  # fmt: skip
    db_session.commit()
    [hilux] = search(model="Hilux").items
    assert hilux.thumbnail_hash == "a" * 64


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"year_min": 2020, "year_max": 2010}, "year_min 2020 is after year_max 2010"),
        ({"price_min_cents": 5, "price_max_cents": 1}, "above price_max_cents"),
        ({"body_types": ["spaceship"]}, "body_types"),
        ({"fuel": "coal"}, "fuel"),
        ({"price_max_cents": -1}, "greater than or equal to 0"),
        ({"yard_country": "usa"}, "yard_country"),
        ({"sort_by": "price"}, "Extra inputs are not permitted"),
    ],
)
def test_invalid_filters_are_refused_with_a_clear_error(
    filters: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        VehicleFilters(**filters)


def test_a_damaged_cursor_is_refused(stock: dict[str, Vehicle], search: Search) -> None:
    with pytest.raises(InvalidFilter, match="damaged"):
        search(cursor="not-a-cursor")


def test_a_cursor_from_another_search_is_refused(stock: dict[str, Vehicle], search: Search) -> None:
    cursor = search(limit=1).next_cursor
    with pytest.raises(InvalidFilter, match="another search"):
        search(limit=1, cursor=cursor, make="Toyota")


def test_an_unreasonable_page_size_is_refused(search: Search) -> None:
    with pytest.raises(InvalidFilter, match="between 1 and 50"):
        search(limit=500)
