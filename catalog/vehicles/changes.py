"""What writes to vehicles changed in one transaction, for the alerts the changes cause: the
vehicles added or changed (saved searches they may now match) and their price drops (watchers).

`vehicles.service` records here; a batch (an import, the demo seed) hands one collection to
every write and has the alerts written once at the end, still in its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PriceDrop:
    vehicle_id: int
    old_price_cents: int
    new_price_cents: int
    currency: str


@dataclass
class VehicleChanges:
    """The vehicles written, in order, each once; for a vehicle written twice, its price before
    the first write and after the last."""

    # vehicle id -> (price before the first write, its currency), (price now, its currency)
    _prices: dict[int, tuple[tuple[int, str] | None, tuple[int, str]]] = field(default_factory=dict)

    def record(
        self, vehicle_id: int, *, old_price_cents: int | None, old_currency: str,
        new_price_cents: int, currency: str,
    ) -> None:  # fmt: skip
        """A vehicle was added (no old price) or changed."""
        before = None if old_price_cents is None else (old_price_cents, old_currency)
        if vehicle_id in self._prices:
            before = self._prices[vehicle_id][0]
        self._prices[vehicle_id] = (before, (new_price_cents, currency))

    @property
    def vehicle_ids(self) -> list[int]:
        return list(self._prices)

    @property
    def price_drops(self) -> list[PriceDrop]:
        """Prices that went down; a price now in another currency is no drop."""
        return [PriceDrop(vehicle_id, before[0], now[0], now[1])
                for vehicle_id, (before, now) in self._prices.items()
                if before is not None and before[1] == now[1] and now[0] < before[0]]  # fmt: skip

    def __bool__(self) -> bool:
        return bool(self._prices)
