"""Saved-search matches and price drops on a real database (SQLite and PostgreSQL): a match is
exactly what the catalog search finds for the same filters (the search is the oracle, on random
stock and searches too), written to the outbox once per (search, vehicle) in the transaction of
the write that caused it, and only for buyers who may be alerted."""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from catalog.buyers.models import Buyer
from catalog.database import transaction, utcnow
from catalog.dealers.models import Dealer
from catalog.demo.seed import seed_demo
from catalog.media.storage import MediaStore
from catalog.outbox.models import OutboxMessage
from catalog.privacy import service as privacy_service
from catalog.vehicles import service as vehicle_service
from catalog.vehicles.changes import VehicleChanges
from catalog.vehicles.importer import import_vehicles_csv
from catalog.vehicles.models import Vehicle
from catalog.vehicles.schemas import VehicleFilters
from catalog.vehicles.search import search_vehicles
from catalog.vehicles.vocabulary import vocabulary_cache
from catalog.watchlist import service as watchlist_service
from catalog.watchlist.models import SavedSearch
from catalog.watchlist.schemas import SavedSearchIn
from tests.catalog.test_importer import HEADER, row
from tests.factories import make_buyer, make_dealer, valid_vin, vehicle_in


def alerted_buyer(db_session: Session) -> Buyer:
    buyer = make_buyer(db_session)
    privacy_service.give_consent(db_session=db_session, buyer_id=buyer.id)
    return buyer


def save(db_session: Session, buyer: Buyer, **filters: Any) -> SavedSearch:
    search_in = SavedSearchIn(label="my search", filters=VehicleFilters(**filters))
    return watchlist_service.save_search(db_session=db_session, buyer_id=buyer.id,
                                         search_in=search_in)  # fmt: skip


def outbox_rows(db_session: Session, kind: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    return list(db_session.scalars(query))


def matched(db_session: Session, saved: SavedSearch) -> list[int]:
    return sorted(vehicle for message in outbox_rows(db_session, "search.match")
                  if message.payload["saved_search_id"] == saved.id
                  for vehicle in message.payload["vehicle_ids"])  # fmt: skip


def import_batch(db_session: Session, wanted: dict[str, tuple[Dealer, dict[str, Any]]]) -> dict[
    str, Vehicle
]:  # fmt: skip
    """The vehicles written as one batch (an import): their alerts written once, at the end."""
    changes = VehicleChanges()
    vehicles = {
        name: vehicle_service.create(db_session=db_session,
                                     vehicle_in=vehicle_in(dealer, **overrides), changes=changes)
        for name, (dealer, overrides) in wanted.items()
    }  # fmt: skip
    vehicle_service.alert(db_session=db_session, changes=changes)
    return vehicles


def yard(db_session: Session) -> dict[str, tuple[Dealer, dict[str, Any]]]:
    """The stock of tests/catalog/test_search.py: each vehicle differs in the filters tested."""
    us = make_dealer(db_session, name="Chesapeake Auto", region="MD", city="Baltimore")
    ca = make_dealer(db_session, name="Great Lakes Auto", country="CA", region="ON", city="Toronto")
    toronto = {"yard_city": "Toronto", "yard_region": "ON", "yard_country": "CA",
               "export_port": "Halifax, NS"}  # fmt: skip
    return {
        "corolla": (us, {"make": "Toyota", "model": "Corolla", "year": 2012,
                         "price_cents": 6_500_00, "mileage_km": 180_000, "colour": "silver"}),
        "hilux": (us, {"make": "Toyota", "model": "Hilux", "year": 2016, "body_type": "pickup",
                       "fuel": "diesel", "transmission": "manual", "drive": "4wd",
                       "price_cents": 18_500_00, "mileage_km": 140_000, "steering": "rhd",
                       "notes": "Japanese import, snorkel fitted"}),
        "land_cruiser": (ca, {"make": "Toyota", "model": "Land Cruiser", "year": 2019,
                              "body_type": "suv", "seats": 8, "drive": "4wd",
                              "price_cents": 52_000_00, "mileage_km": 90_000, **toronto}),
        "crv": (us, {"make": "Honda", "model": "CR-V", "year": 2017, "body_type": "suv",
                     "transmission": "cvt", "drive": "awd", "price_cents": 14_000_00,
                     "mileage_km": 110_000, "colour": "Blue"}),
        "benz": (ca, {"make": "Mercedes-Benz", "model": "C 300", "year": 2014, "drive": "rwd",
                      "price_cents": 11_000_00, "mileage_km": 150_000,
                      "damage_notes": "hail damage on roof", **toronto}),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["benz", "corolla", "crv", "hilux", "land_cruiser"]),
        ({"make": "toyota"}, ["corolla", "hilux", "land_cruiser"]),
        ({"make": "Honda", "model": "crv"}, ["crv"]),
        ({"make": "Toyotta", "model": "Landcruser"}, ["land_cruiser"]),  # typos, read as search
        ({"model": "Hilux"}, ["hilux"]),
        ({"make": "Nissan"}, []),
        ({"year_min": 2016, "year_max": 2017}, ["crv", "hilux"]),
        ({"price_min_cents": 10_000_00, "price_max_cents": 15_000_00}, ["benz", "crv"]),
        ({"price_max_cents": 6_500_00}, ["corolla"]),  # bounds included
        ({"body_types": ["suv"]}, ["crv", "land_cruiser"]),
        ({"body_types": ["suv", "pickup"]}, ["crv", "hilux", "land_cruiser"]),
        ({"make": "Toyota", "body_types": ["suv", "sedan"]}, ["corolla", "land_cruiser"]),
        ({"fuel": "diesel"}, ["hilux"]),
        ({"transmission": "cvt"}, ["crv"]),
        ({"drive": "4wd"}, ["hilux", "land_cruiser"]),
        ({"mileage_max_km": 110_000}, ["crv", "land_cruiser"]),
        ({"seats_min": 7}, ["land_cruiser"]),
        ({"steering": "rhd"}, ["hilux"]),
        ({"colour": "blue"}, ["crv"]),
        ({"colour": "SILVER"}, ["corolla"]),
        ({"yard_country": "CA"}, ["benz", "land_cruiser"]),
        ({"location": "halifax"}, ["benz", "land_cruiser"]),
        ({"location": "Baltimore"}, ["corolla", "crv", "hilux"]),
        ({"location": "on"}, ["benz", "land_cruiser"]),  # Toronto, ON, and Baltimore has no "on"
        ({"location": "t_ronto"}, ["benz", "land_cruiser"]),  # LIKE's _, as the search reads it
        ({"text": "hilux"}, ["hilux"]),
        ({"text": "land cruiser"}, ["land_cruiser"]),
        ({"text": "snorkel"}, ["hilux"]),
        ({"text": "hail"}, ["benz"]),
        ({"text": "toyota diesel"}, ["hilux"]),
        ({"text": "coro"}, ["corolla"]),
        ({"text": "benz"}, ["benz"]),
        ({"text": "CRV"}, ["crv"]),
        ({"text": "Land Cruser"}, ["land_cruiser"]),
        ({"text": "toyota pickup manual"}, ["hilux"]),
        ({"text": "Mercedes Benz C 300"}, ["benz"]),
        ({"text": "Toyta Corola"}, ["corolla"]),
        ({"text": "japanese import"}, ["hilux"]),
        ({"text": "honda snorkel"}, []),
        ({"status": "sold"}, []),
    ],
)
def test_each_filter_matches_what_the_search_finds(
    db_session: Session, filters: dict[str, Any], expected: list[str]
) -> None:
    buyer = alerted_buyer(db_session)
    saved = save(db_session, buyer, **filters)
    vehicles = import_batch(db_session, yard(db_session))
    db_session.commit()

    names = {vehicle.id: name for name, vehicle in vehicles.items()}
    assert sorted(names[vehicle_id] for vehicle_id in matched(db_session, saved)) == expected
    vocabulary_cache.clear()
    page = search_vehicles(db_session=db_session, filters=VehicleFilters(**filters), limit=50)
    assert sorted(names[item.id] for item in page.items) == expected


def test_an_entry_names_the_search_its_new_vehicles_and_the_buyer(db_session: Session) -> None:
    buyer = alerted_buyer(db_session)
    saved = save(db_session, buyer, make="Honda")
    crv = import_batch(db_session, {"crv": yard(db_session)["crv"]})["crv"]
    db_session.commit()

    [message] = outbox_rows(db_session, "search.match")
    assert (message.subject_type, message.subject_id, message.buyer_id) == (
        "saved_search", saved.id, buyer.id)  # fmt: skip
    assert message.key.startswith(f"search.match:{saved.id}:")
    assert message.payload == {"saved_search_id": saved.id, "vehicle_ids": [crv.id],
                               "label": "my search"}  # fmt: skip


def test_an_import_of_several_matches_is_one_alert_per_search_and_no_pair_twice(
    db_session: Session,
) -> None:
    buyer = alerted_buyer(db_session)
    toyotas = save(db_session, buyer, make="Toyota")
    stock = yard(db_session)
    first = import_batch(db_session, {name: stock[name] for name in ("corolla", "hilux")})
    second = import_batch(db_session, {"land_cruiser": stock["land_cruiser"]})
    db_session.commit()

    alerts = outbox_rows(db_session, "search.match")
    assert [sorted(m.payload["vehicle_ids"]) for m in alerts] == [
        sorted(v.id for v in first.values()), [second["land_cruiser"].id]]  # fmt: skip
    assert all(m.payload["saved_search_id"] == toyotas.id for m in alerts)


def test_filtering_by_dealer(db_session: Session) -> None:
    buyer = alerted_buyer(db_session)
    wanted = yard(db_session)
    saved = save(db_session, buyer, dealer_id=wanted["benz"][0].id)
    vehicles = import_batch(db_session, wanted)
    assert matched(db_session, saved) == sorted([vehicles["benz"].id, vehicles["land_cruiser"].id])


# --- The search is the oracle --------------------------------------------------------------------

MAKES_MODELS = [("Toyota", "Corolla"), ("Toyota", "Hilux"), ("Toyota", "Land Cruiser"),
                ("Honda", "CR-V"), ("Honda", "Civic"), ("Mercedes-Benz", "C 300"),
                ("Nissan", "Pathfinder")]  # fmt: skip
TYPED_MAKES = ["Toyota", "toyota", "TOYOTA", "Honda", "Mercedes-Benz", "mercedes benz", "Toyotta",
               "Nisan", "Kia", ""]  # fmt: skip
TYPED_MODELS = ["Corolla", "corola", "Hilux", "CR-V", "crv", "Land Cruiser", "Landcruser", "Civic",
                "C 300", "Pathfinder", "Sportage"]  # fmt: skip
TEXTS = ["hilux", "toyota diesel", "snorkel", "coro", "Land Cruser", "toyta", "suv", "4x4",
         "leather seats", "hail damage", "benz", "manual", "c 300", "crv", "petrol", "lhd",
         "sunroof", "honda awd", "clean title", "nothing like this"]  # fmt: skip
NOTES = ["", "snorkel fitted", "leather seats, sunroof", "clean title", "hail damage on roof",
         "Japanese import"]  # fmt: skip
COLOURS = ["white", "White", "silver", "Blue", "black", "Gris"]
PLACES = [("Baltimore", "MD", "US", "Baltimore, MD"), ("Houston", "TX", "US", "Houston, TX"),
          ("Toronto", "ON", "CA", "Halifax, NS"), ("Newark", "NJ", "US", "Newark, NJ")]  # fmt: skip
LOCATIONS = ["baltimore", "Houston", "on", "halifax", "new", "t_ronto", "ark%nj", "Lagos"]


def random_vehicle(rng: random.Random) -> dict[str, Any]:
    make, model = rng.choice(MAKES_MODELS)
    city, region, country, port = rng.choice(PLACES)
    return {
        "make": make, "model": model, "year": rng.randint(2008, 2020),
        "body_type": rng.choice(["sedan", "suv", "pickup", "hatchback"]),
        "fuel": rng.choice(["gasoline", "diesel", "hybrid"]),
        "transmission": rng.choice(["automatic", "manual", "cvt"]),
        "drive": rng.choice(["fwd", "awd", "4wd"]), "seats": rng.choice([None, 5, 7, 8]),
        "mileage_km": rng.randint(20, 250) * 1000, "colour": rng.choice(COLOURS),
        "price_cents": rng.randint(30, 400) * 100_00, "steering": rng.choice(["lhd", "rhd"]),
        "notes": rng.choice(NOTES), "yard_city": city, "yard_region": region,
        "yard_country": country, "export_port": port,
        "status": rng.choice(["available"] * 5 + ["sold", "reserved"]),
    }  # fmt: skip


def random_filters(rng: random.Random, dealer_ids: list[int]) -> dict[str, Any]:
    low_year, low_price = rng.randint(2008, 2020), rng.randint(30, 400) * 100_00
    choices: dict[str, Any] = {
        "make": rng.choice(TYPED_MAKES), "model": rng.choice(TYPED_MODELS),
        "year_min": low_year, "year_max": min(low_year + rng.randint(0, 6), 2020),
        "price_min_cents": low_price, "price_max_cents": low_price + rng.randint(0, 200) * 100_00,
        "body_types": rng.sample(["sedan", "suv", "pickup", "hatchback", "van"], rng.randint(1, 2)),
        "fuel": rng.choice(["gasoline", "diesel"]), "transmission": rng.choice(["manual", "cvt"]),
        "drive": rng.choice(["awd", "4wd"]), "mileage_max_km": rng.randint(50, 250) * 1000,
        "seats_min": rng.choice([5, 7]), "steering": rng.choice(["lhd", "rhd"]),
        "colour": rng.choice(["white", "BLUE", "gris", "red"]),
        "yard_country": rng.choice(["US", "CA"]), "location": rng.choice(LOCATIONS),
        "dealer_id": rng.choice(dealer_ids), "text": rng.choice(TEXTS),
    }  # fmt: skip
    wanted = rng.choice([1, 1, 2, 2, 3, 4])
    names = rng.sample(sorted(choices), wanted)
    if "year_max" in names and "year_min" not in names:
        names.remove("year_max")  # a year_max alone below its own year_min is still fine
    return {name: choices[name] for name in names}


def all_found(db_session: Session, filters: VehicleFilters) -> set[int]:
    found: set[int] = set()
    cursor = None
    while True:
        page = search_vehicles(db_session=db_session, filters=filters, limit=50, cursor=cursor)
        found |= {item.id for item in page.items}
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor


@pytest.mark.parametrize("seed", range(6))
def test_matching_gives_exactly_the_pairs_the_search_finds(db_session: Session, seed: int) -> None:
    rng = random.Random(seed)
    dealers = [make_dealer(db_session) for _ in range(3)]
    earlier = import_batch(db_session, {f"old{i}": (rng.choice(dealers), random_vehicle(rng))
                                        for i in range(10)})  # fmt: skip
    buyers = [alerted_buyer(db_session) for _ in range(5)]
    searches = [save(db_session, rng.choice(buyers), **random_filters(rng, [d.id for d in dealers]))
                for _ in range(80)]  # fmt: skip
    batch = import_batch(db_session, {f"new{i}": (rng.choice(dealers), random_vehicle(rng))
                                      for i in range(40)})  # fmt: skip
    db_session.commit()

    new_ids = {vehicle.id for vehicle in batch.values()}
    vocabulary_cache.clear()
    expected = {(saved.id, vehicle_id) for saved in searches
                for vehicle_id in all_found(db_session, watchlist_service.saved_filters(saved))
                & new_ids}  # fmt: skip
    written = {(message.payload["saved_search_id"], vehicle)
               for message in outbox_rows(db_session, "search.match")
               for vehicle in message.payload["vehicle_ids"]}  # fmt: skip
    assert written == expected
    assert len(expected) > 20  # the random searches do match something
    assert not {vehicle_id for _, vehicle_id in written} & {v.id for v in earlier.values()}


# --- Once, and for whom ------------------------------------------------------------------------


def test_a_second_import_or_update_of_a_matching_vehicle_alerts_nobody_again(
    db_session: Session,
) -> None:
    make_dealer(db_session, name="Gulf Coast Motors", region="TX", city="Houston")
    saved = save(db_session, alerted_buyer(db_session), make="Toyota", model="Hilux")
    vin = valid_vin(2015)
    for notes in ("Snorkel", "Snorkel", "Snorkel, new tyres"):  # created, unchanged, updated
        import_vehicles_csv(db_session=db_session, source=HEADER + row(vin, notes=notes))
    hilux = vehicle_service.get_by_vin(db_session=db_session, vin=vin)
    assert hilux is not None
    vehicle_service.reprice(db_session=db_session, vehicle_id=hilux.id, price_cents=17_000_00)
    vehicle_service.reprice(db_session=db_session, vehicle_id=hilux.id, price_cents=16_000_00)
    db_session.commit()
    assert matched(db_session, saved) == [hilux.id]


def test_only_buyers_who_may_be_alerted_hear_of_a_match(db_session: Session) -> None:
    alerted, never_asked, stopped, erased = (make_buyer(db_session) for _ in range(4))
    for buyer in (alerted, stopped, erased):
        privacy_service.give_consent(db_session=db_session, buyer_id=buyer.id)
    searches = {buyer.id: save(db_session, buyer, make="Honda")
                for buyer in (alerted, never_asked, stopped, erased)}  # fmt: skip
    privacy_service.stop_alerts(db_session=db_session, buyer_id=stopped.id)
    erased.erased_at = utcnow()
    crv = import_batch(db_session, {"crv": yard(db_session)["crv"]})["crv"]
    assert [message.buyer_id for message in outbox_rows(db_session, "search.match")] == [alerted.id]
    assert matched(db_session, searches[alerted.id]) == [crv.id]


def test_a_cancelled_search_hears_nothing(db_session: Session) -> None:
    buyer = alerted_buyer(db_session)
    saved = save(db_session, buyer, make="Honda")
    watchlist_service.cancel_saved_search(db_session=db_session, buyer_id=buyer.id,
                                          saved_search_id=saved.id)  # fmt: skip
    import_batch(db_session, {"crv": yard(db_session)["crv"]})
    assert outbox_rows(db_session, "search.match") == []


def test_vehicles_not_for_sale_alert_nobody(db_session: Session) -> None:
    save(db_session, alerted_buyer(db_session), make="Honda")
    dealer, crv = yard(db_session)["crv"]
    import_batch(db_session, {"crv": (dealer, {**crv, "status": "reserved"})})
    assert outbox_rows(db_session, "search.match") == []


def test_a_search_hears_of_vehicles_that_arrive_or_change_after_it_was_saved(
    db_session: Session,
) -> None:
    dealer, crv_values = yard(db_session)["crv"]
    crv = import_batch(db_session, {"crv": (dealer, crv_values)})["crv"]  # 14,000
    saved = save(db_session, alerted_buyer(db_session), make="Honda", price_max_cents=12_000_00)
    # the CR-V was listed before the search: asking again about it finds nothing
    assert watchlist_service.find_matches(db_session=db_session, vehicle_ids=[crv.id]) == []
    vehicle_service.reprice(db_session=db_session, vehicle_id=crv.id, price_cents=13_000_00)
    assert matched(db_session, saved) == []  # changed, but still out of the range
    vehicle_service.reprice(db_session=db_session, vehicle_id=crv.id, price_cents=11_500_00)
    assert matched(db_session, saved) == [crv.id]  # re-priced into it


def test_a_stored_search_no_longer_valid_is_skipped_not_fatal(db_session: Session) -> None:
    buyer = alerted_buyer(db_session)
    broken = save(db_session, buyer, make="Honda")
    broken.filters = {"make": "Honda", "body_types": ["hovercraft"]}
    good = save(db_session, buyer, make="Honda")
    crv = import_batch(db_session, {"crv": yard(db_session)["crv"]})["crv"]
    assert (matched(db_session, broken), matched(db_session, good)) == ([], [crv.id])


# --- Price drops --------------------------------------------------------------------------------


def drops(db_session: Session) -> list[tuple[int | None, int, dict[str, Any], str]]:
    return [(message.buyer_id, message.subject_id, message.payload, message.key)
            for message in outbox_rows(db_session, "watch.price_drop")]  # fmt: skip


def test_a_price_drop_alerts_each_watcher_once_per_new_price(db_session: Session) -> None:
    crv = import_batch(db_session, {"crv": yard(db_session)["crv"]})["crv"]  # 14,000
    watcher, other, stopped = (alerted_buyer(db_session) for _ in range(3))
    for buyer in (watcher, other, stopped):
        watchlist_service.watch(db_session=db_session, buyer_id=buyer.id, vehicle_id=crv.id)
    privacy_service.stop_alerts(db_session=db_session, buyer_id=stopped.id)

    for price in (13_000_00, 14_500_00, 13_000_00, 12_000_00):  # down, up, down again, down
        vehicle_service.reprice(db_session=db_session, vehicle_id=crv.id, price_cents=price)
    db_session.commit()

    def drop(buyer: Buyer, old: int, new: int) -> tuple[int, int, dict[str, Any], str]:
        payload = {"vehicle_id": crv.id, "old_price_cents": old, "new_price_cents": new,
                   "currency": "USD"}  # fmt: skip
        return buyer.id, crv.id, payload, f"watch.price_drop:{crv.id}:{buyer.id}:{new}"

    assert drops(db_session) == [
        drop(watcher, 14_000_00, 13_000_00), drop(other, 14_000_00, 13_000_00),
        drop(watcher, 13_000_00, 12_000_00), drop(other, 13_000_00, 12_000_00),
    ]  # fmt: skip


def test_a_price_rise_or_a_drop_on_a_vehicle_not_for_sale_alerts_nobody(
    db_session: Session,
) -> None:
    crv = import_batch(db_session, {"crv": yard(db_session)["crv"]})["crv"]
    watchlist_service.watch(db_session=db_session, buyer_id=alerted_buyer(db_session).id,
                            vehicle_id=crv.id)  # fmt: skip
    vehicle_service.reprice(db_session=db_session, vehicle_id=crv.id, price_cents=15_000_00)
    crv.status = "sold"  # type: ignore[assignment]
    vehicle_service.reprice(db_session=db_session, vehicle_id=crv.id, price_cents=9_000_00)
    assert drops(db_session) == []


def test_an_import_that_lowers_a_price_alerts_the_watchers(db_session: Session) -> None:
    make_dealer(db_session, name="Gulf Coast Motors", region="TX", city="Houston")
    vin = valid_vin(2015)
    import_vehicles_csv(db_session=db_session, source=HEADER + row(vin, price="18500"))
    hilux = vehicle_service.get_by_vin(db_session=db_session, vin=vin)
    assert hilux is not None
    buyer = alerted_buyer(db_session)
    watchlist_service.watch(db_session=db_session, buyer_id=buyer.id, vehicle_id=hilux.id)
    report = import_vehicles_csv(db_session=db_session, source=HEADER + row(vin, price="17,900"))
    assert (report.updated, report.price_drops) == (1, 1)
    told = [(buyer_id, payload["old_price_cents"], payload["new_price_cents"])
            for buyer_id, _, payload, _ in drops(db_session)]  # fmt: skip
    assert told == [(buyer.id, 18_500_00, 17_900_00)]


# --- In the transaction of the change --------------------------------------------------------


def test_a_rolled_back_import_or_reprice_leaves_no_alert(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as db_session:
        make_dealer(db_session, name="Gulf Coast Motors", region="TX", city="Houston")
        buyer = alerted_buyer(db_session)
        save(db_session, buyer, make="Toyota")
    vin = valid_vin(2015)
    with pytest.raises(RuntimeError), transaction(sessions) as db_session:
        report = import_vehicles_csv(db_session=db_session, source=HEADER + row(vin))
        assert report.search_matches == 1
        assert len(outbox_rows(db_session, "search.match")) == 1  # written, in the transaction
        raise RuntimeError("the import failed after its alerts were written")
    with sessions() as db_session:
        assert outbox_rows(db_session, "search.match") == []

    with transaction(sessions) as db_session:
        import_vehicles_csv(db_session=db_session, source=HEADER + row(vin))
        hilux = vehicle_service.get_by_vin(db_session=db_session, vin=vin)
        assert hilux is not None
        watchlist_service.watch(db_session=db_session, buyer_id=buyer.id, vehicle_id=hilux.id)
    with pytest.raises(RuntimeError), transaction(sessions) as db_session:
        vehicle_service.reprice(db_session=db_session, vehicle_id=hilux.id, price_cents=1_000_00)
        assert len(drops(db_session)) == 1
        raise RuntimeError("the re-price failed after its alert was written")
    with sessions() as db_session:
        assert drops(db_session) == []
        assert len(outbox_rows(db_session, "search.match")) == 1


def test_the_demo_seed_alerts_nobody_on_a_first_seed_and_matches_later_ones(
    sessions: sessionmaker[Session], media_store: MediaStore
) -> None:
    seed_demo(sessions=sessions, store=media_store, vehicle_count=30, photos=False,
              auctions=False)  # fmt: skip
    with sessions() as db_session:
        assert db_session.scalars(select(OutboxMessage)).all() == []
    with transaction(sessions) as db_session:
        saved = save(db_session, alerted_buyer(db_session))  # any vehicle at all
    seed_demo(sessions=sessions, store=media_store, vehicle_count=30, photos=False,
              auctions=False)  # fmt: skip
    with sessions() as db_session:  # nothing changed: nothing to hear of
        assert matched(db_session, saved) == []
    seed_demo(sessions=sessions, store=media_store, vehicle_count=35, photos=False,
              auctions=False)  # fmt: skip
    with sessions() as db_session:  # five more vehicles (the available ones alert)
        assert 0 < len(matched(db_session, saved)) <= 5
