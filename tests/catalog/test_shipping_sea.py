"""The sea leg of a quote: plausible distances on our lanes, the same both ways, computed once per
lane, a great-circle estimate when searoute fails, and transit days never rounded down."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from catalog.shipping import sea
from catalog.shipping.sea import Coordinates

BALTIMORE = Coordinates(39.27, -76.58)
LAGOS_APAPA = Coordinates(6.44, 3.37)
HOUSTON = Coordinates(29.73, -95.27)
MOMBASA = Coordinates(-4.05, 39.67)
LOS_ANGELES = Coordinates(33.74, -118.27)
DURBAN = Coordinates(-29.87, 31.03)
VANCOUVER = Coordinates(49.29, -123.10)
TEMA = Coordinates(5.63, 0.02)


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    sea.clear_cache()
    yield
    sea.clear_cache()


def test_baltimore_to_lagos_is_about_the_published_distance() -> None:
    # US East Coast to Lagos is about 4,900-5,300 nautical miles port to port (NGA Pub. 151,
    # Distances Between Ports, lists New York/Norfolk to Lagos in that range; Baltimore adds the
    # ~150 nm run down Chesapeake Bay). searoute 1.6.0 gives 5,284 nm.
    leg = sea.sea_leg(BALTIMORE, LAGOS_APAPA)
    assert leg.method == "searoute"
    assert 4_900 <= leg.nautical_miles <= 5_300
    assert leg.km == pytest.approx(leg.nautical_miles * 1.852, abs=1)


def test_houston_to_mombasa_sails_far_round_africa_or_through_suez() -> None:
    east_africa = sea.sea_leg(HOUSTON, MOMBASA)
    west_africa = sea.sea_leg(BALTIMORE, LAGOS_APAPA)
    assert east_africa.method == "searoute"
    assert east_africa.nautical_miles > 1.6 * west_africa.nautical_miles  # 9,794 nm via Suez
    assert east_africa.transit_days > west_africa.transit_days + 10


def test_los_angeles_to_durban_and_vancouver_to_tema_are_long_hauls_via_panama() -> None:
    durban = sea.sea_leg(LOS_ANGELES, DURBAN)  # 10,269 nm
    tema = sea.sea_leg(VANCOUVER, TEMA)  # 9,282 nm
    assert 9_000 <= durban.nautical_miles <= 12_000
    assert 8_500 <= tema.nautical_miles <= 10_500
    for leg, (origin, destination) in ((durban, (LOS_ANGELES, DURBAN)), (tema, (VANCOUVER, TEMA))):
        assert leg.method == "searoute"
        assert leg.nautical_miles > sea.great_circle_nautical_miles(origin, destination)


@pytest.mark.parametrize(
    ("origin", "destination"),
    [(BALTIMORE, LAGOS_APAPA), (HOUSTON, MOMBASA), (LOS_ANGELES, DURBAN), (VANCOUVER, TEMA)],
)
def test_a_lane_is_as_long_one_way_as_the_other(
    origin: Coordinates, destination: Coordinates
) -> None:
    there = sea.sea_leg(origin, destination).nautical_miles
    back = sea.sea_leg(destination, origin).nautical_miles
    assert back == pytest.approx(there, rel=0.03)


def test_a_lane_is_computed_once_and_then_served_from_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[Coordinates, Coordinates]] = []
    routed = sea._searoute_nautical_miles

    def counting(origin: Coordinates, destination: Coordinates) -> float | None:
        calls.append((origin, destination))
        return routed(origin, destination)

    monkeypatch.setattr(sea, "_searoute_nautical_miles", counting)
    first = sea.sea_leg(BALTIMORE, LAGOS_APAPA)
    again = sea.sea_leg(Coordinates(39.2701, -76.5799), LAGOS_APAPA)  # the same lane, rounded
    assert again is first
    assert len(calls) == 1


def test_warm_computes_the_lanes_ahead_of_the_first_quote(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Coordinates] = []

    def recorded(origin: Coordinates, destination: Coordinates) -> float | None:
        calls.append(origin)
        return 5_000.0

    monkeypatch.setattr(sea, "_searoute_nautical_miles", recorded)
    sea.warm([(BALTIMORE, LAGOS_APAPA), (HOUSTON, MOMBASA)])
    sea.sea_leg(BALTIMORE, LAGOS_APAPA)
    sea.sea_leg(HOUSTON, MOMBASA)
    assert calls == [BALTIMORE, HOUSTON]


def test_the_great_circle_with_a_detour_stands_in_when_searoute_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing(origin: Coordinates, destination: Coordinates) -> float | None:
        raise RuntimeError("graph not available")

    monkeypatch.setattr(sea, "_searoute_nautical_miles", failing)
    leg = sea.sea_leg(BALTIMORE, LAGOS_APAPA)
    crow_flies = sea.great_circle_nautical_miles(BALTIMORE, LAGOS_APAPA)  # about 4,693 nm
    assert leg.method == "great_circle"
    assert leg.nautical_miles == round(crow_flies * sea.GREAT_CIRCLE_DETOUR)


def test_the_great_circle_stands_in_when_searoute_finds_no_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sea, "_searoute_nautical_miles", lambda origin, destination: None)
    assert sea.sea_leg(HOUSTON, MOMBASA).method == "great_circle"


def test_transit_days_round_up_sea_days_plus_port_days() -> None:
    exact = sea.leg_of(3_600, "searoute", speed_knots=15.0, port_days=4.0)  # 10 days at sea
    a_mile_more = sea.leg_of(3_601, "searoute", speed_knots=15.0, port_days=4.0)
    half_a_day_in_port = sea.leg_of(3_600, "searoute", speed_knots=15.0, port_days=0.5)
    assert (exact.sea_days, exact.transit_days) == (10.0, 14)
    assert a_mile_more.transit_days == 15
    assert half_a_day_in_port.transit_days == 11


def test_speed_and_port_time_change_the_days_not_the_distance() -> None:
    default = sea.sea_leg(BALTIMORE, LAGOS_APAPA)
    fast = sea.sea_leg(BALTIMORE, LAGOS_APAPA, speed_knots=18.0, port_days=0.0)
    assert fast.nautical_miles == default.nautical_miles
    assert fast.transit_days < default.transit_days
    assert default.port_days == sea.DEFAULT_PORT_DAYS


def test_a_place_off_the_globe_is_refused() -> None:
    with pytest.raises(ValueError, match="not a place on Earth"):
        Coordinates(-76.58, 239.27)
