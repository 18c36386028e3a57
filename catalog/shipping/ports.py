"""Ports: the origin ports in North America, the African seaports, and the inland cities reached
through them, read from `data/ports.yaml` (UN/LOCODE, coordinates, the names buyers type).

Buyers name ports the way they say them: "Lagos", "Apapa", "Tin Can", "Dar", "cotonu",
"Pointe Noire". `PortBook.resolve` matches a name case-, accent- and punctuation-insensitively,
then forgives a typo (one or two letters, by edit distance, in names of five letters or more).
A name shared by two ports ("Lagos": Apapa and Tin Can Island) resolves to both, so the chat can
ask which one rather than guess. `PortBook.find_in` finds the port named inside a sentence
("how much to ship this Camry to Cotonou?").

An inland city (Bamako, Kampala, Kigali...) is no seaport: it lists the seaports it is reached
through with the onward road distance, and a quote is made to one of those plus the road leg.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import yaml
from rapidfuzz import fuzz, process

from catalog.errors import InvalidInput
from catalog.text import words

DATA: Final = Path(__file__).parent / "data" / "ports.yaml"
TYPO_MIN_LENGTH: Final = 5  # shorter names ("dar", "lome") must be typed right
TYPO_SCORE: Final = 80  # rapidfuzz ratio: "cotonu" ~ "cotonou", "mombassa" ~ "mombasa"
MAX_NAME_WORDS: Final = 4  # "lagos tin can island"


class PortRole(enum.StrEnum):
    ORIGIN = "origin"
    DESTINATION = "destination"
    INLAND = "inland"


@dataclass(frozen=True)
class RoadLeg:
    """An inland city reached from seaport `port` (a UN/LOCODE) by `road_km` of road."""

    port: str
    road_km: int
    source: str


@dataclass(frozen=True)
class Port:
    locode: str
    name: str
    country: str
    role: PortRole
    lat: float
    lon: float
    aliases: tuple[str, ...]
    via: tuple[RoadLeg, ...] = ()

    @property
    def inland(self) -> bool:
        return self.role is PortRole.INLAND


def alias_key(text: str) -> str:
    """One key per name however it is typed: 'Lomé' == 'lome', 'Dar-es-Salaam' == 'dar es
    salaam', 'Pointe-Noire' == 'pointe noire'."""
    return " ".join(words(text))


@dataclass(frozen=True)
class PortBook:
    ports: Mapping[str, Port]
    as_of: date
    source: str
    _by_alias: Mapping[str, tuple[str, ...]] = field(repr=False, compare=False)

    @classmethod
    def build(cls, ports: Iterable[Port], *, as_of: date, source: str) -> PortBook:
        by_code: dict[str, Port] = {}
        by_alias: dict[str, list[str]] = {}
        for port in ports:
            if port.locode in by_code:
                raise InvalidInput(f"port {port.locode} is listed twice")
            by_code[port.locode] = port
            for name in {alias_key(port.name), *map(alias_key, port.aliases)}:
                by_alias.setdefault(name, []).append(port.locode)
        for port in by_code.values():
            for leg in port.via:
                seaport = by_code.get(leg.port)
                if seaport is None or seaport.role is not PortRole.DESTINATION:
                    raise InvalidInput(f"{port.locode} is reached via {leg.port}: no such seaport")
        aliases = {name: tuple(codes) for name, codes in by_alias.items()}
        return cls(by_code, as_of, source, aliases)

    def get(self, locode: str) -> Port:
        try:
            return self.ports[locode.upper()]
        except KeyError:
            raise InvalidInput(f"unknown port {locode!r}") from None

    def of_role(self, *roles: PortRole) -> list[Port]:
        return [port for port in self.ports.values() if port.role in roles]

    def resolve(self, name: str, *roles: PortRole) -> list[Port]:
        """The ports `name` may mean (of `roles`, all roles if none): an exact name or alias
        first, else the closest alias within a typo, else none."""
        key = alias_key(name)
        if not key:
            return []
        wanted = set(roles) or set(PortRole)
        exact = self._matching(self._by_alias.get(key, ()), wanted)
        if exact or len(key.replace(" ", "")) < TYPO_MIN_LENGTH:
            return exact
        candidates = [
            alias
            for alias, codes in self._by_alias.items()
            if self._matching(codes, wanted) and len(alias) >= TYPO_MIN_LENGTH
        ]
        best = process.extractOne(key, candidates, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE)
        return [] if best is None else self._matching(self._by_alias[best[0]], wanted)

    def find_in(self, text: str, *roles: PortRole) -> list[Port]:
        """The port named in a sentence: the longest run of words that is a port's name or
        alias, exactly ("ship to tin can island" -> Tin Can, not Lagos). No typo tolerance here:
        in a sentence, "to" and "dar" are too easy to find by accident; typed alone, a name is
        forgiven by `resolve`."""
        tokens = alias_key(text).split()
        wanted = set(roles) or set(PortRole)
        for size in range(min(MAX_NAME_WORDS, len(tokens)), 0, -1):
            for start in range(len(tokens) - size + 1):
                found = self._matching(
                    self._by_alias.get(" ".join(tokens[start : start + size]), ()), wanted
                )
                if found:
                    return found
        return []

    def origin_for(self, export_port: str) -> Port | None:
        """The origin port a vehicle's `export_port` ("Baltimore, MD", "Montréal, QC") names."""
        found = self.resolve(export_port, PortRole.ORIGIN)
        if not found:
            found = self.find_in(export_port, PortRole.ORIGIN)
        return found[0] if len(found) == 1 else None

    def _matching(self, codes: Sequence[str], roles: set[PortRole]) -> list[Port]:
        return [self.ports[code] for code in codes if self.ports[code].role in roles]


def _port(row: Mapping[str, Any]) -> Port:
    try:
        return Port(
            locode=str(row["locode"]).upper(),
            name=str(row["name"]),
            country=str(row["country"]).upper(),
            role=PortRole(row["role"]),
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            aliases=tuple(str(alias) for alias in row.get("aliases", ())),
            via=tuple(
                RoadLeg(str(leg["port"]).upper(), int(leg["road_km"]), str(leg["source"]))
                for leg in row.get("via", ())
            ),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput(f"port {row.get('locode', '?')}: {error!r}") from error


def _check(port: Port) -> Port:
    if len(port.locode) != 5 or not port.locode[:2].isalpha() or port.locode[:2] != port.country:
        raise InvalidInput(f"port {port.locode}: not a UN/LOCODE of {port.country}")
    if not (-90 <= port.lat <= 90 and -180 <= port.lon <= 180):
        raise InvalidInput(f"port {port.locode}: coordinates out of range")
    if port.inland != bool(port.via):
        raise InvalidInput(f"port {port.locode}: an inland city, and only one, lists `via`")
    return port


def parse(document: Mapping[str, Any]) -> PortBook:
    """A port book from the YAML document's data; every row checked."""
    rows = document.get("ports")
    if not isinstance(rows, list):
        raise InvalidInput("ports: a list of ports is required")
    as_of = document.get("as_of")
    if not isinstance(as_of, date):
        raise InvalidInput("ports: `as_of` (a date) is required")
    return PortBook.build(
        (_check(_port(row)) for row in rows), as_of=as_of, source=str(document.get("source", ""))
    )


def load(path: Path = DATA) -> PortBook:
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def default_ports() -> PortBook:
    """The ports shipped with the project (read once)."""
    return load()
