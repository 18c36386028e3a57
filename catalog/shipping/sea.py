"""How far a ship sails between two ports, and how many days the buyer waits: the sea leg of a
quote, without a database.

- distance: the shortest sea route on searoute's maritime network (Eurostat's MARNET lanes,
  Northwest Passage closed), in nautical miles; if searoute fails or finds no path, the
  great-circle distance times `GREAT_CIRCLE_DETOUR`, marked `method="great_circle"` so a quote
  can say it is an estimate;
- speed: `DEFAULT_SPEED_KNOTS`. Ships on these lanes slow-steam: Clarksons Research put the
  average operating speed of container ships at 13.72 knots in February 2023, the slowest on
  record (TradeWinds, 6 March 2023, https://www.tradewindsnews.com/containerships/
  container-giants-hit-the-brakes-as-go-slow-trend-gathers-pace/2-1-1414468), and Grimaldi's
  ro-ro/container ships for West Africa are built for 18 knots ("Repubblica" class,
  https://informatorenavale.it/news/nuovo-servizio-grimaldi-tra-il-mediterraneo-e-
  l%e2%80%99africa-occidentale). 15 knots sits between the two, at the slow end;
- port time: `DEFAULT_PORT_DAYS`. Assumption, stated plainly: a North America-West Africa
  ro-ro calls at several African ports in a row (Grimaldi's direct US service: Dakar, Lomé,
  Cotonou, Lagos, Tema; https://new.informare.it/news/gennews/2006/20060310.asp), so a car for
  the third or fourth port waits through about three calls of about a day each, plus a day to
  berth and discharge at its own. Grimaldi's Central Express schedule agrees: Le Havre-Dakar
  7 days, Le Havre-Lagos 15 days after four more calls
  (https://fauveder.com/grimaldi-renforce-sa-desserte-de-lafrique-de-louest);
- transit days: sea days plus port days, rounded up: a buyer is told a whole number, never
  fewer days than the ship takes.

Legs are cached by lane (coordinates rounded to `_KEY_DECIMALS`, about a kilometre), so a chat
quote never recomputes one; `warm` computes the usual lanes at start-up. Measured on this
machine (searoute 1.6.0, `time.perf_counter` and `ru_maxrss` around `sea_leg` on the test
lanes, two runs): the first leg 0.33-0.39 s (importing searoute and building its network graph;
peak RSS from 13 to 51 MiB, held for the life of the process), each new lane after it 25-40 ms,
a cached leg 0.02-0.03 ms.
"""

from __future__ import annotations

import functools
import logging
import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

log = logging.getLogger(__name__)

Method = Literal["searoute", "great_circle"]

DEFAULT_SPEED_KNOTS: Final = 15.0
DEFAULT_PORT_DAYS: Final = 4.0
# Sea route / great circle on our lanes with searoute: Los Angeles-Durban 1.11, Baltimore-Lagos
# 1.13, Houston-Mombasa 1.25, Vancouver-Tema 1.45 (via Panama); 1.25 is about their mean.
GREAT_CIRCLE_DETOUR: Final = 1.25
KM_PER_NAUTICAL_MILE: Final = 1.852
EARTH_RADIUS_KM: Final = 6371.0088  # mean radius (IUGG), as searoute uses
HOURS_PER_DAY: Final = 24
_KEY_DECIMALS: Final = 2
_CACHED_LANES: Final = 1024


@dataclass(frozen=True)
class Coordinates:
    """A point in decimal degrees, latitude first (as people write it; searoute wants lon, lat)."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise ValueError(f"not a place on Earth: lat {self.lat}, lon {self.lon}")

    def rounded(self) -> Coordinates:
        return Coordinates(round(self.lat, _KEY_DECIMALS), round(self.lon, _KEY_DECIMALS))


@dataclass(frozen=True)
class SeaLeg:
    nautical_miles: int
    km: int
    sea_days: float
    port_days: float
    transit_days: int  # sea_days + port_days, rounded up
    method: Method


def sea_leg(
    origin: Coordinates,
    destination: Coordinates,
    *,
    speed_knots: float = DEFAULT_SPEED_KNOTS,
    port_days: float = DEFAULT_PORT_DAYS,
) -> SeaLeg:
    """The sea leg from `origin` to `destination`, computed once per lane and then cached."""
    if speed_knots <= 0 or port_days < 0:
        raise ValueError(f"speed {speed_knots} knots, port time {port_days} days")
    return _cached_leg(origin.rounded(), destination.rounded(), speed_knots, port_days)


def warm(lanes: Iterable[tuple[Coordinates, Coordinates]]) -> None:
    """Compute the lanes now (at start-up), so the first buyer to ask waits for nothing."""
    for origin, destination in lanes:
        sea_leg(origin, destination)


def clear_cache() -> None:
    _cached_leg.cache_clear()


@functools.lru_cache(maxsize=_CACHED_LANES)
def _cached_leg(
    origin: Coordinates, destination: Coordinates, speed_knots: float, port_days: float
) -> SeaLeg:
    nautical_miles, method = _route(origin, destination)
    return leg_of(nautical_miles, method, speed_knots=speed_knots, port_days=port_days)


def leg_of(
    nautical_miles: float, method: Method, *, speed_knots: float, port_days: float
) -> SeaLeg:
    """The leg for a distance: days at sea at `speed_knots`, plus port time, rounded up."""
    sea_days = nautical_miles / speed_knots / HOURS_PER_DAY
    return SeaLeg(
        nautical_miles=round(nautical_miles),
        km=round(nautical_miles * KM_PER_NAUTICAL_MILE),
        sea_days=round(sea_days, 2),
        port_days=port_days,
        transit_days=math.ceil(sea_days + port_days),
        method=method,
    )


def _route(origin: Coordinates, destination: Coordinates) -> tuple[float, Method]:
    try:
        nautical_miles = _searoute_nautical_miles(origin, destination)
    except Exception as error:  # searoute raises bare Exception (and networkx's) on bad input
        log.warning("searoute failed from %s to %s: %r", origin, destination, error)
        nautical_miles = None
    if nautical_miles is not None:
        return nautical_miles, "searoute"
    return great_circle_nautical_miles(origin, destination) * GREAT_CIRCLE_DETOUR, "great_circle"


def _searoute_nautical_miles(origin: Coordinates, destination: Coordinates) -> float | None:
    """searoute's length in nautical miles, or None when it finds no path (it warns then)."""
    import searoute  # ~0.4 s and 34 MiB: only when a lane is first asked for

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "No path found": we answer None below
        feature = searoute.searoute(
            [origin.lon, origin.lat], [destination.lon, destination.lat], units="naut"
        )
    length = float(feature["properties"]["length"])
    return length if math.isfinite(length) and length > 0 else None


def great_circle_nautical_miles(origin: Coordinates, destination: Coordinates) -> float:
    """The haversine distance, as the crow flies: shorter than any sea route."""
    lat1, lon1 = math.radians(origin.lat), math.radians(origin.lon)
    lat2, lon2 = math.radians(destination.lat), math.radians(destination.lon)
    half = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * math.asin(math.sqrt(half)) * EARTH_RADIUS_KM / KM_PER_NAUTICAL_MILE
