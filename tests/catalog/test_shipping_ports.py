"""The ports dataset and the names buyers type for them; how a vehicle can travel."""

from __future__ import annotations

from datetime import date

import pytest

from catalog.errors import InvalidInput
from catalog.shipping import methods
from catalog.shipping.methods import Method
from catalog.shipping.ports import PortRole, default_ports, parse
from catalog.vehicles.models import BodyType, Condition, TitleStatus, Vehicle

ORIGINS = ["USBAL", "USEWR", "USSAV", "USJAX", "USHOU", "USLAX", "CAMTR", "CAHAL", "CAVAN"]
SEAPORTS = ["NGAPP", "NGTIN", "GHTEM", "BJCOO", "TGLFW", "CIABJ", "SNDKR", "GNCKY", "CMDLA",
            "GALBV", "CGPNR", "AOLAD", "CDMAT", "NAWVB", "ZADUR", "MZMPM", "MZBEW", "TZDAR",
            "KEMBA", "DJJIB"]  # fmt: skip
INLAND = {"MLBKO": {"SNDKR", "CIABJ"}, "BFOUA": {"TGLFW", "GHTEM"}, "NENIM": {"BJCOO"},
          "UGKLA": {"KEMBA", "TZDAR"}, "RWKGL": {"KEMBA", "TZDAR"},
          "ZMLUN": {"TZDAR", "ZADUR"}}  # fmt: skip


def test_the_dataset_holds_every_port_the_quotes_need_with_its_role_and_country():
    book = default_ports()
    assert sorted(p.locode for p in book.of_role(PortRole.ORIGIN)) == sorted(ORIGINS)
    assert sorted(p.locode for p in book.of_role(PortRole.DESTINATION)) == sorted(SEAPORTS)
    for city, seaports in INLAND.items():
        port = book.get(city)
        assert port.inland
        assert {leg.port for leg in port.via} == seaports
        assert all(leg.road_km > 0 and leg.source for leg in port.via)
    assert all(p.locode.startswith(p.country) for p in book.ports.values())
    assert book.as_of == date(2026, 12, 7) and book.source


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Lagos", ["NGAPP", "NGTIN"]),  # two terminals: the chat asks which
        ("Apapa", ["NGAPP"]),
        ("tin can", ["NGTIN"]),
        ("TINCAN", ["NGTIN"]),
        ("Dar", ["TZDAR"]),
        ("dar-es-salaam", ["TZDAR"]),
        ("cotonu", ["BJCOO"]),
        ("Mombassa", ["KEMBA"]),
        ("mombasaa", ["KEMBA"]),  # a typo
        ("Lomé", ["TGLFW"]),
        ("lome", ["TGLFW"]),
        ("Pointe-Noire", ["CGPNR"]),
        ("ouaga", ["BFOUA"]),
        ("Kampala", ["UGKLA"]),
        ("abijan", ["CIABJ"]),
    ],
)
def test_a_port_is_found_by_the_name_buyers_type(typed, expected):
    assert [p.locode for p in default_ports().resolve(typed)] == expected


@pytest.mark.parametrize("typed", ["", "to", "car", "Paris", "xyz", "dor"])
def test_words_that_are_not_ports_find_none(typed):
    assert default_ports().resolve(typed, PortRole.DESTINATION, PortRole.INLAND) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("how much to ship this Camry to Cotonou?", "BJCOO"),
        ("ship to Tema", "GHTEM"),
        ("how much to Mombasa by container?", "KEMBA"),
        ("combien pour expédier la Camry à Cotonou ?", "BJCOO"),
        ("c'est combien le transport jusqu'à Douala ?", "CMDLA"),
        ("quanto custa enviar para Luanda?", "AOLAD"),
        ("ship am go tin can island abeg", "NGTIN"),
        ("send to Dar es Salaam", "TZDAR"),
        ("i dey for Bamako", "MLBKO"),
    ],
)
def test_the_port_named_in_a_sentence_is_found(sentence, expected):
    found = default_ports().find_in(sentence, PortRole.DESTINATION, PortRole.INLAND)
    assert [p.locode for p in found] == [expected]


@pytest.mark.parametrize(
    ("export_port", "expected"),
    [("Baltimore, MD", "USBAL"), ("Houston, TX", "USHOU"), ("Newark, NJ", "USEWR"),
     ("Savannah, GA", "USSAV"), ("Halifax, NS", "CAHAL"), ("Montréal, QC", "CAMTR"),
     ("Port of Long Beach", "USLAX")],
)  # fmt: skip
def test_a_vehicles_export_port_names_its_origin(export_port, expected):
    origin = default_ports().origin_for(export_port)
    assert origin is not None and origin.locode == expected


def test_an_unknown_export_port_has_no_origin():
    assert default_ports().origin_for("Timbuktu") is None


def _document(**port):
    row = {"locode": "BJCOO", "name": "Cotonou", "country": "BJ", "role": "destination",
           "lat": 6.35, "lon": 2.43, "aliases": ["cotonou"]} | port  # fmt: skip
    return {"as_of": date(2026, 12, 7), "source": "test", "ports": [row]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"locode": "XXCOO"}, "UN/LOCODE"),
        ({"lat": 96.0}, "coordinates"),
        ({"role": "harbour"}, "BJCOO"),
        ({"role": "inland"}, "via"),
        ({"via": [{"port": "GHTEM", "road_km": 10, "source": "x"}]}, "via"),
    ],
)
def test_a_bad_row_is_refused_when_the_dataset_is_loaded(change, message):
    with pytest.raises(InvalidInput, match=message):
        parse(_document(**change))


def test_the_dataset_must_say_when_it_was_read():
    document = _document()
    del document["as_of"]
    with pytest.raises(InvalidInput, match="as_of"):
        parse(document)


def _vehicle(**fields):
    values = {"body_type": BodyType.SEDAN, "condition": Condition.RUN_AND_DRIVE,
              "title_status": TitleStatus.CLEAN, "length_mm": None, "width_mm": None,
              "height_mm": None} | fields  # fmt: skip
    return Vehicle(**values)


def test_a_running_sedan_goes_roro_or_by_container_and_its_volume_comes_from_its_size():
    cargo = methods.cargo(_vehicle(length_mm=4885, width_mm=1840, height_mm=1445))
    assert [o.method for o in cargo.options] == [
        Method.RORO, Method.CONTAINER_20, Method.CONTAINER_40_SHARED]  # fmt: skip
    assert cargo.size.cbm == 12.99 and not cargo.size_estimated
    assert cargo.options[2].vehicles_per_box == 4
    assert cargo.roro_refusal is None and cargo.roadworthy


def test_without_dimensions_the_volume_is_the_body_types_and_said_to_be_estimated():
    cargo = methods.cargo(_vehicle(body_type=BodyType.SUV))
    assert cargo.size_estimated and cargo.size == methods.TYPICAL_SIZE[BodyType.SUV]
    assert cargo.options[2].vehicles_per_box == 3  # bigger cars: fewer share a box


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"condition": Condition.NON_RUNNING}, "does not run"),
        ({"condition": Condition.STARTS}, "does not run"),
        ({"title_status": TitleStatus.PARTS_ONLY}, "parts"),
    ],
)
def test_a_vehicle_that_does_not_run_goes_by_container_only(fields, reason):
    cargo = methods.cargo(_vehicle(**fields))
    assert Method.RORO not in {o.method for o in cargo.options}
    assert cargo.options and reason in (cargo.roro_refusal or "")
    assert not cargo.roadworthy


def test_a_pickup_too_long_for_a_20_foot_box_shares_a_40_foot_one():
    cargo = methods.cargo(_vehicle(body_type=BodyType.PICKUP, length_mm=5930, width_mm=2030,
                                   height_mm=1990))  # fmt: skip
    assert [o.method for o in cargo.options] == [Method.RORO, Method.CONTAINER_40_SHARED]
    assert cargo.options[1].vehicles_per_box == 2
