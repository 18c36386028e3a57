from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from catalog.demo.models_table import MODELS
from catalog.money import ILLUSTRATIVE_EXCHANGE_RATES, ExchangeRates
from catalog.vehicles.models import BodyType, Drive, Fuel, Steering, Transmission
from catalog.vehicles.schemas import MAX_YEAR, VehicleFilters
from catalog.vehicles.understanding import (
    Understood,
    Unread,
    UnreadReason,
    understand,
    understand_follow_up,
)
from catalog.vehicles.vocabulary import Vocabulary, vocabulary_cache
from tests.factories import make_dealer, make_vehicle

VOCABULARY = Vocabulary.from_names([(spec.make, spec.model) for spec in MODELS])
RATES = ExchangeRates(ILLUSTRATIVE_EXCHANGE_RATES)

TOYOTA_COROLLA = {"make": "Toyota", "model": "Corolla"}
TOYOTA_HILUX = {"make": "Toyota", "model": "Hilux"}
SUV, PICKUP = [BodyType.SUV], [BodyType.PICKUP]


def read(text: str, entities: list[dict[str, Any]] | None = None) -> Understood:
    return understand(text, vocabulary=VOCABULARY, rates=RATES, entities=entities)


def filters_of(understood: Understood) -> dict[str, Any]:
    """The filters that were set, without the defaults (status available)."""
    return understood.filters.model_dump(exclude_defaults=True)


def years(low: int | None, high: int | None) -> dict[str, int]:
    return {k: v for k, v in (("year_min", low), ("year_max", high)) if v is not None}


def prices(low: int | None, high: int | None) -> dict[str, int]:
    bounds = (("price_min_cents", low), ("price_max_cents", high))
    return {k: v for k, v in bounds if v is not None}


PHRASINGS: list[tuple[str, dict[str, Any]]] = [
    # Makes and models, synonyms, typos, Pidgin
    ("Toyota Corolla", TOYOTA_COROLLA),
    ("corolla", TOYOTA_COROLLA),
    ("abeg how much for Corolla 2012", {**TOYOTA_COROLLA, **years(2012, 2012)}),
    ("I dey find Hilux", TOYOTA_HILUX),
    ("Benz C300 2014", {"make": "Mercedes-Benz", "model": "C 300", **years(2014, 2014)}),
    ("Mercedes GLE 350", {"make": "Mercedes-Benz", "model": "GLE 350"}),
    ("Chevy Silverado", {"make": "Chevrolet", "model": "Silverado"}),
    ("VW Jetta", {"make": "Volkswagen", "model": "Jetta"}),
    ("Prado 2015", {"make": "Toyota", "model": "Land Cruiser Prado", **years(2015, 2015)}),
    ("Land Cruiser Prado", {"make": "Toyota", "model": "Land Cruiser Prado"}),
    ("Land Cruiser 2019", {"make": "Toyota", "model": "Land Cruiser", **years(2019, 2019)}),
    ("Honda CR-V", {"make": "Honda", "model": "CR-V"}),
    ("rav 4", {"make": "Toyota", "model": "RAV4"}),
    ("d'accord, une Accord alors", {"make": "Honda", "model": "Accord"}),
    ("carro à venda, Venza", {"make": "Toyota", "model": "Venza"}),
    # Years
    ("2016", years(2016, 2016)),
    ("2016 or newer", years(2016, None)),
    ("2015+", years(2015, None)),
    ("from 2015", years(2015, None)),
    ("since 2015", years(2015, None)),
    ("newer than 2015", years(2016, None)),
    ("2012-2015", years(2012, 2015)),
    ("2015-2012", years(2012, 2015)),
    ("between 2012 and 2015", years(2012, 2015)),
    ("from 2012 to 2015", years(2012, 2015)),
    ("older than 2010", years(None, 2009)),
    ("before 2010", years(None, 2009)),
    ("2010 or older", years(None, 2010)),
    ("around 2015", years(2014, 2016)),
    ("à partir de 2015", years(2015, None)),
    ("2015 ou plus récent", years(2015, None)),
    ("plus récent que 2015", years(2016, None)),
    ("entre 2012 et 2015", years(2012, 2015)),
    ("avant 2010", years(None, 2009)),
    ("a partir de 2015", years(2015, None)),
    ("de 2012 a 2015", years(2012, 2015)),
    ("ano 2015 ou mais novo", years(2015, None)),
    ("2015 em diante", years(2015, None)),
    # Prices (USD cents), in the catalog currency
    ("under 20k", prices(None, 20_000_00)),
    ("below $15,000", prices(None, 15_000_00)),
    ("less than 15000 dollars", prices(None, 15_000_00)),
    ("max 15k", prices(None, 15_000_00)),
    ("15k max", prices(None, 15_000_00)),
    ("budget 15k", prices(None, 15_000_00)),
    ("15k", prices(None, 15_000_00)),
    ("around 10k", prices(8_500_00, 11_500_00)),
    ("above 5k", prices(5_000_00, None)),
    ("over 5k", prices(5_000_00, None)),
    ("more than 5k", prices(5_000_00, None)),
    ("5-8k", prices(5_000_00, 8_000_00)),
    ("between $5,000 and $8,000", prices(5_000_00, 8_000_00)),
    ("between 2000 and 5000 dollars", prices(2_000_00, 5_000_00)),
    ("moins de 15 000 $", prices(None, 15_000_00)),
    ("moins de 15\u202f000 $", prices(None, 15_000_00)),
    ("pas plus de 10.000 $", prices(None, 10_000_00)),
    ("jusqu'à 12k", prices(None, 12_000_00)),
    ("environ 10k", prices(8_500_00, 11_500_00)),
    ("entre 5k et 8k", prices(5_000_00, 8_000_00)),
    ("até 20 mil", prices(None, 20_000_00)),
    ("menos de 15 mil dólares", prices(None, 15_000_00)),
    ("no máximo 20 mil", prices(None, 20_000_00)),
    ("mais de 5 mil", prices(5_000_00, None)),
    ("15,5k", prices(None, 15_500_00)),
    ("USD 12000", prices(None, 12_000_00)),
    ("12000 usd", prices(None, 12_000_00)),
    # Prices in other currencies, converted with the illustrative rates
    ("8 million naira", prices(None, 5_161_29)),  # 8,000,000 / 1550
    ("8m naira", prices(None, 5_161_29)),
    ("₦8,000,000", prices(None, 5_161_29)),
    ("my budget is 5 million naira", prices(None, 3_225_81)),
    ("abeg wey no pass 3m naira", prices(None, 1_935_48)),
    ("9 millions FCFA", prices(None, 14_876_03)),  # 9,000,000 / 605
    ("9 millions de francs CFA", prices(None, 14_876_03)),
    ("entre 8 et 12 millions FCFA", prices(13_223_14, 19_834_71)),
    ("5 milhões de kwanzas", prices(None, 5_464_48)),  # 5,000,000 / 915
    ("20 mil dólares", prices(None, 20_000_00)),
    ("CAD 20k", prices(None, 14_492_75)),  # 20,000 / 1.38
    ("€9000", prices(None, 9_782_61)),  # 9,000 / 0.92
    ("budget 20 000 cedis", prices(None, 1_290_32)),
    ("under R150 000", prices(None, 8_241_76)),
    # Body type, fuel, gearbox, drive
    ("SUV", {"body_types": SUV}),
    ("SUVs", {"body_types": SUV}),
    ("pickup", {"body_types": PICKUP}),
    ("pick-up", {"body_types": PICKUP}),
    ("camionnette", {"body_types": PICKUP}),
    ("caminhonete", {"body_types": PICKUP}),
    ("sedan", {"body_types": [BodyType.SEDAN]}),
    ("berline", {"body_types": [BodyType.SEDAN]}),
    ("sedã", {"body_types": [BodyType.SEDAN]}),
    ("van", {"body_types": [BodyType.VAN]}),
    ("minibus", {"body_types": [BodyType.VAN]}),
    ("truck", {"body_types": [BodyType.TRUCK]}),
    ("camion", {"body_types": [BodyType.TRUCK]}),
    ("camião", {"body_types": [BodyType.TRUCK]}),
    ("SUV or pickup", {"body_types": [BodyType.SUV, BodyType.PICKUP]}),
    ("diesel", {"fuel": Fuel.DIESEL}),
    ("gasoil", {"fuel": Fuel.DIESEL}),
    ("gasóleo", {"fuel": Fuel.DIESEL}),
    ("petrol", {"fuel": Fuel.GASOLINE}),
    ("gas", {"fuel": Fuel.GASOLINE}),
    ("essence", {"fuel": Fuel.GASOLINE}),
    ("gasolina", {"fuel": Fuel.GASOLINE}),
    ("hybrid", {"fuel": Fuel.HYBRID}),
    ("hybride", {"fuel": Fuel.HYBRID}),
    ("híbrido", {"fuel": Fuel.HYBRID}),
    ("electric", {"fuel": Fuel.ELECTRIC}),
    ("automatic", {"transmission": Transmission.AUTOMATIC}),
    ("auto", {"transmission": Transmission.AUTOMATIC}),
    ("automatique", {"transmission": Transmission.AUTOMATIC}),
    ("automático", {"transmission": Transmission.AUTOMATIC}),
    ("manual", {"transmission": Transmission.MANUAL}),
    ("manuelle", {"transmission": Transmission.MANUAL}),
    ("boîte manuelle", {"transmission": Transmission.MANUAL}),
    ("câmbio manual", {"transmission": Transmission.MANUAL}),
    ("4x4", {"drive": Drive.FOUR_WD}),
    ("4WD", {"drive": Drive.FOUR_WD}),
    ("AWD", {"drive": Drive.AWD}),
    ("quatre roues motrices", {"drive": Drive.FOUR_WD}),
    # Mileage, seats, steering, colour
    ("under 100,000 km", {"mileage_max_km": 100_000}),
    ("less than 80k miles", {"mileage_max_km": 128_748}),  # 80,000 * 1.609344
    ("moins de 100 000 km", {"mileage_max_km": 100_000}),
    ("menos de 100 mil km", {"mileage_max_km": 100_000}),
    ("mileage under 90000", {"mileage_max_km": 90_000}),
    ("120000km max", {"mileage_max_km": 120_000}),
    ("7 seater", {"seats_min": 7}),
    ("7-seater", {"seats_min": 7}),
    ("7 places", {"seats_min": 7}),
    ("7 lugares", {"seats_min": 7}),
    ("right hand drive", {"steering": Steering.RHD}),
    ("RHD", {"steering": Steering.RHD}),
    ("volant à droite", {"steering": Steering.RHD}),
    ("volante à direita", {"steering": Steering.RHD}),
    ("left hand drive", {"steering": Steering.LHD}),
    ("white", {"colour": "white"}),
    ("grise", {"colour": "grey"}),
    ("gray", {"colour": "grey"}),
    ("vermelho", {"colour": "red"}),
    ("une auto rouge", {"colour": "red"}),  # "une auto" is a car; "rouge" is not the Rogue
    # Whole messages
    (
        "Corolla 2015 under 8000",
        {**TOYOTA_COROLLA, **years(2015, 2015), **prices(None, 8_000_00)},
    ),
    (
        "Toyta Corola 2012 automatic petrol under 8k",
        {**TOYOTA_COROLLA, **years(2012, 2012), **prices(None, 8_000_00),
         "transmission": Transmission.AUTOMATIC, "fuel": Fuel.GASOLINE},
    ),
    (
        "Bonjour, je cherche un SUV diesel 7 places, volant à droite, moins de 15 000 $",
        {"body_types": SUV, "fuel": Fuel.DIESEL, "seats_min": 7, "steering": Steering.RHD,
         **prices(None, 15_000_00)},
    ),
    (
        "je cherche une Toyota RAV4 2016 essence automatique moins de 10 millions FCFA",
        {"make": "Toyota", "model": "RAV4", **years(2016, 2016), "fuel": Fuel.GASOLINE,
         "transmission": Transmission.AUTOMATIC, **prices(None, 16_528_93)},
    ),
    (
        "Bom dia, procuro uma caminhonete 4x4 a gasóleo, 2015 ou mais novo, "
        "até 5 milhões de kwanzas",
        {"body_types": PICKUP, "drive": Drive.FOUR_WD, "fuel": Fuel.DIESEL,
         **years(2015, None), **prices(None, 5_464_48)},
    ),
    (
        "quero um Hilux 4x4 diesel de 2014 a 2017 até 15 mil dólares",
        {**TOYOTA_HILUX, "drive": Drive.FOUR_WD, "fuel": Fuel.DIESEL, **years(2014, 2017),
         **prices(None, 15_000_00)},
    ),
    (
        "Hilux 2015 MT",  # MT after a year: a manual gearbox, not meticais
        {**TOYOTA_HILUX, **years(2015, 2015), "transmission": Transmission.MANUAL},
    ),
    ("Corolla 500 000 MT", {**TOYOTA_COROLLA, **prices(None, 7_812_50)}),  # 500,000 / 64
    ("2015 max 15k", {**years(2015, 2015), **prices(None, 15_000_00)}),
    ("what about 2018?", years(2018, 2018)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), PHRASINGS)
def test_a_search_message_becomes_filters(text: str, expected: dict[str, Any]) -> None:
    understood = read(text)
    assert filters_of(understood) == expected
    assert understood.not_understood == []


def test_typos_of_names_are_corrected_and_reported_as_typed() -> None:
    understood = read("Toyta Corola 2012")
    assert understood.corrections == {"Toyta": "Toyota", "Corola": "Corolla"}
    assert read("Land Cruser").corrections == {"Land Cruser": "Land Cruiser"}
    assert read("Grand Cherokey").filters.model == "Grand Cherokee"


def test_the_currency_the_buyer_priced_in_is_kept_for_replies() -> None:
    assert read("Camry under 8m naira").currency == "NGN"
    assert read("Camry moins de 9 millions FCFA").currency == "XOF"
    assert read("Camry under 8000").currency == "USD"  # a bare number is in dollars
    assert read("Camry 2015").currency is None
    assert read("Camry, prices in naira please").currency == "NGN"


def test_a_year_next_to_a_price_stays_a_year() -> None:
    understood = read("Corolla 2015 under 8000")
    assert (understood.filters.year_min, understood.filters.year_max) == (2015, 2015)
    assert understood.filters.price_max_cents == 8_000_00


@pytest.mark.parametrize("text", ["", "   ", "?!", "hello", "abeg", "bonjour", "bom dia"])
def test_a_message_without_a_search_gives_no_filters(text: str) -> None:
    understood = read(text)
    assert understood.filters == VehicleFilters()
    assert understood.not_understood == []
    assert understood.corrections == {}


@pytest.mark.parametrize(
    ("text", "refused", "reason"),
    [
        ("0k", "0k", UnreadReason.IMPLAUSIBLE),
        ("under $50", "under $50", UnreadReason.IMPLAUSIBLE),
        ("under -5000", "under -5000", UnreadReason.IMPLAUSIBLE),
        ("under 99999999999999999999999 dollars", "under 99999999999999999999999 dollars",
         UnreadReason.IMPLAUSIBLE),
        ("max 50 billion dollars", "max 50 billion dollars", UnreadReason.IMPLAUSIBLE),
        ("Corolla 1901", "1901", UnreadReason.IMPLAUSIBLE),
        ("Corolla 2090", "2090", UnreadReason.IMPLAUSIBLE),
        (f"Corolla {MAX_YEAR + 1}", str(MAX_YEAR + 1), UnreadReason.IMPLAUSIBLE),
        ("newer than 1850", "newer than 1850", UnreadReason.IMPLAUSIBLE),
        ("since 99999999", "since 99999999", UnreadReason.IMPLAUSIBLE),
        ("250 seater", "250 seater", UnreadReason.IMPLAUSIBLE),
        ("Camry 15000 GBP", "15000 GBP", UnreadReason.UNKNOWN_CURRENCY),
        ("more than 100,000 km", "more than 100,000 km", UnreadReason.UNSUPPORTED),
        ("not diesel", "not diesel", UnreadReason.UNSUPPORTED),
        ("pas de diesel", "pas de diesel", UnreadReason.UNSUPPORTED),
        ("sem diesel", "sem diesel", UnreadReason.UNSUPPORTED),
        ("Toyota or Honda", "Honda", UnreadReason.CONFLICT),
        ("2016 or newer, older than 2012", "older than 2012", UnreadReason.CONFLICT),
        ("Camry with sunroof", "sunroof", UnreadReason.UNKNOWN),
        ("low mileage Camry", "low mileage", UnreadReason.UNKNOWN),
        ("Land Cruiser V8 2.8L", "V8 2.8L", UnreadReason.UNKNOWN),
    ],
)  # fmt: skip
def test_odd_input_is_refused_gracefully_and_reported(
    text: str, refused: str, reason: UnreadReason
) -> None:
    understood = read(text)
    assert Unread(refused, reason) in understood.not_understood
    dumped = filters_of(understood)
    assert not {"year_min", "year_max", "price_min_cents", "price_max_cents"} & dumped.keys() or (
        reason is UnreadReason.CONFLICT
    )


def test_refused_parts_leave_the_rest_of_the_search_intact() -> None:
    understood = read("Corolla 2090 under 0k diesel")
    assert filters_of(understood) == {**TOYOTA_COROLLA, "fuel": Fuel.DIESEL}
    assert [u.text for u in understood.not_understood] == ["2090", "under 0k"]


def test_cheap_words_ask_for_cheaper_without_a_filter() -> None:
    for text in ("cheaper ones?", "moins cher ?", "mais barato?"):
        understood = read(text)
        assert understood.wants_cheaper, text
        assert understood.filters == VehicleFilters()


# --- Entity hints --------------------------------------------------------------------------


def test_entities_take_priority_over_the_text() -> None:
    text = "Toyota 2015"
    entities = [{"entity": "make", "value": "Honda", "start": 0, "end": 6}]
    assert filters_of(read(text, entities)) == {"make": "Honda", **years(2015, 2015)}


def test_entities_are_read_with_the_same_rules_as_text() -> None:
    text = "une Benz en gasoil pour 9 millions"
    entities: list[dict[str, Any]] = [
        {"entity": "make", "value": "Benz", "start": 4, "end": 8},
        {"entity": "fuel", "value": "gasoil", "start": 12, "end": 18},
        {"entity": "price", "value": "9 millions", "start": 24, "end": 34},
        {"entity": "currency", "value": "FCFA"},
    ]
    understood = read(text, entities)
    assert filters_of(understood) == {
        "make": "Mercedes-Benz",
        "fuel": Fuel.DIESEL,
        **prices(None, 14_876_03),
    }
    assert understood.currency == "XOF"


def test_entity_roles_set_bounds() -> None:
    entities = [
        {"entity": "year", "value": "2012", "role": "min"},
        {"entity": "year", "value": "2015", "role": "max"},
        {"entity": "price", "value": "10k", "role": "around"},
    ]
    assert filters_of(read("whatever they say", entities)) == {
        **years(2012, 2015),
        **prices(8_500_00, 11_500_00),
    }


def test_entities_with_canonical_values_or_without_spans_work() -> None:
    entities = [
        {"entity": "body_type", "value": "suv"},
        {"entity": "transmission", "value": "automatic"},
        {"entity": "seats", "value": "7"},
        {"entity": "mileage", "value": "80000 miles"},
        {"entity": "color", "value": "purple"},
        {"entity": "location", "value": "Baltimore"},
        {"entity": "language", "value": "fr"},  # not ours: ignored
    ]
    assert filters_of(read("", entities)) == {
        "body_types": SUV,
        "transmission": Transmission.AUTOMATIC,
        "seats_min": 7,
        "mileage_max_km": 128_748,
        "colour": "purple",
        "location": "Baltimore",
    }


def test_an_entity_that_means_nothing_is_reported() -> None:
    understood = read("x", [{"entity": "fuel", "value": "plutonium"}])
    assert Unread("plutonium", UnreadReason.UNKNOWN) in understood.not_understood
    understood = read("x", [{"entity": "year", "value": "1492"}])
    assert Unread("1492", UnreadReason.IMPLAUSIBLE) in understood.not_understood
    assert understood.filters.year_min is None


def test_entity_spans_out_of_range_are_ignored_not_fatal() -> None:
    entities = [{"entity": "model", "value": "Hilux", "start": 50, "end": 10}]
    assert filters_of(read("hilux", entities)) == TOYOTA_HILUX


# --- Follow-ups ----------------------------------------------------------------------------

PREVIOUS = VehicleFilters(
    make="Toyota", model="Corolla", year_min=2012, year_max=2012, price_max_cents=10_000_00
)


def follow(text: str, **kwargs: Any) -> VehicleFilters:
    return understand_follow_up(
        PREVIOUS, text, vocabulary=VOCABULARY, rates=RATES, **kwargs
    ).filters


@pytest.mark.parametrize("text", ["cheaper ones?", "moins cher ?", "mais barato?", "cheaper"])
def test_cheaper_lowers_the_ceiling_to_80_percent_without_shown_prices(text: str) -> None:
    assert follow(text) == PREVIOUS.model_copy(update={"price_max_cents": 8_000_00})


def test_cheaper_goes_below_the_cheapest_vehicle_shown() -> None:
    refined = follow("cheaper ones?", cheapest_shown_cents=8_750_50)
    assert refined.price_max_cents == 8_750_00
    # Never above the ceiling the buyer already had.
    assert follow("cheaper", cheapest_shown_cents=12_000_00).price_max_cents == 10_000_00


def test_cheaper_drops_a_floor_above_the_new_ceiling() -> None:
    previous = PREVIOUS.model_copy(update={"price_min_cents": 9_000_00})
    refined = understand_follow_up(
        previous, "moins cher", vocabulary=VOCABULARY, rates=RATES
    ).filters
    assert (refined.price_min_cents, refined.price_max_cents) == (None, 8_000_00)


def test_cheaper_without_any_price_to_go_below_changes_nothing_and_says_so() -> None:
    previous = VehicleFilters(make="Toyota")
    understood = understand_follow_up(previous, "cheaper ones?", vocabulary=VOCABULARY, rates=RATES)
    assert understood.filters == previous
    assert understood.not_understood == [Unread("cheaper ones?", UnreadReason.UNSUPPORTED)]


def test_an_explicit_new_ceiling_wins_over_cheaper() -> None:
    assert follow("cheaper, under 6k").price_max_cents == 6_000_00


@pytest.mark.parametrize("text", ["what about 2018?", "et en 2018 ?", "e 2018?"])
def test_a_new_year_replaces_the_years(text: str) -> None:
    assert follow(text) == PREVIOUS.model_copy(update={"year_min": 2018, "year_max": 2018})


def test_a_new_year_bound_replaces_both_year_bounds() -> None:
    assert follow("from 2015") == PREVIOUS.model_copy(update={"year_min": 2015, "year_max": None})


@pytest.mark.parametrize("text", ["only automatic", "seulement automatique", "só automático"])
def test_a_new_attribute_is_added_and_the_rest_kept(text: str) -> None:
    expected = PREVIOUS.model_copy(update={"transmission": Transmission.AUTOMATIC})
    assert follow(text) == expected


@pytest.mark.parametrize("text", ["any Toyota instead?", "plutôt Toyota", "e Toyota?"])
def test_a_new_make_clears_the_model(text: str) -> None:
    assert follow(text) == PREVIOUS.model_copy(update={"model": None})


def test_a_new_make_of_another_brand_replaces_make_and_clears_model() -> None:
    assert follow("any Honda instead?") == PREVIOUS.model_copy(
        update={"make": "Honda", "model": None}
    )


def test_a_new_model_brings_its_make() -> None:
    previous = PREVIOUS.model_copy(update={"make": "Honda", "model": "Civic"})
    refined = understand_follow_up(
        previous, "what about Camry", vocabulary=VOCABULARY, rates=RATES
    ).filters
    assert (refined.make, refined.model) == ("Toyota", "Camry")


def test_a_follow_up_in_another_currency_reports_it() -> None:
    understood = understand_follow_up(
        PREVIOUS, "et moins de 5 millions FCFA ?", vocabulary=VOCABULARY, rates=RATES
    )
    assert understood.filters.price_max_cents == 8_264_46  # 5,000,000 / 605
    assert understood.currency == "XOF"


# --- A vocabulary from the database ---------------------------------------------------------


def test_the_vocabulary_of_a_real_catalog_corrects_typos(db_session: Session) -> None:
    dealer = make_dealer(db_session)
    make_vehicle(db_session, dealer, make="Toyota", model="Land Cruiser", year=2016)
    make_vehicle(db_session, dealer, make="Peugeot", model="406", year=2004)
    db_session.commit()
    vocabulary = vocabulary_cache.get(db_session)
    understood = understand("Toyta Land Cruser 2016 under 40k", vocabulary=vocabulary, rates=RATES)
    assert filters_of(understood) == {
        "make": "Toyota",
        "model": "Land Cruiser",
        **years(2016, 2016),
        **prices(None, 40_000_00),
    }
    assert understood.corrections == {"Toyta": "Toyota", "Land Cruser": "Land Cruiser"}
    # A model named by a number is read as the model, not as a price.
    peugeot = understand("Peugeot 406", vocabulary=vocabulary, rates=RATES)
    assert filters_of(peugeot) == {"make": "Peugeot", "model": "406"}
