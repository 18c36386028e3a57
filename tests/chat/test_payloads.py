import pytest

from chat.payloads import Payload, PayloadError, build_payload, is_payload, parse_payload


def test_a_payload_names_the_intent_and_its_entities_as_rasa_reads_them() -> None:
    assert build_payload("place_bid", lot=7, cents=210000) == (
        '/place_bid{"lot":"7","cents":"210000"}'
    )
    assert build_payload("more_results") == "/more_results"


@pytest.mark.parametrize(
    ("intent", "entities"),
    [("greet", {}), ("vehicle_details", {"vehicle_id": "12"}), ("search", {"make": "Citroën"})],
)
def test_a_built_payload_parses_back_to_its_intent_and_entities(
    intent: str, entities: dict[str, str]
) -> None:
    assert parse_payload(build_payload(intent, **entities)) == Payload(intent, entities)


def test_non_string_entity_values_are_read_as_their_json_text() -> None:
    assert parse_payload('/place_bid{"lot":7,"ok":true}').entities == {"lot": "7", "ok": "true"}


def test_words_the_buyer_typed_are_not_a_payload() -> None:
    assert is_payload("/help")
    assert not is_payload("Toyota under 8000")
    with pytest.raises(PayloadError):
        parse_payload("Toyota under 8000")


@pytest.mark.parametrize(
    "text",
    ["/", "/ greet", "/9lives", '/place_bid{"lot":', "/place_bid[1,2]", '/place_bid"lot"'],
)
def test_a_malformed_payload_is_refused_with_a_payload_error(text: str) -> None:
    with pytest.raises(PayloadError):
        parse_payload(text)


def test_an_intent_name_rasa_would_not_read_is_not_built() -> None:
    with pytest.raises(PayloadError):
        build_payload("place bid", lot=1)
