"""`json_object` on its own: what no route shows a client (keys the parsers ignore, nesting)."""

from __future__ import annotations

import pytest

from bots.channels.errors import MalformedPayload
from webhook.webhooks.body import json_object


def test_lone_surrogates_are_replaced_in_keys_and_values_at_any_depth() -> None:
    body = b'{"x\\ud83d": [{"y": ["\\udc00", 1, null]}], "pair": "\\ud83d\\ude00"}'
    assert json_object(body) == {"x\ufffd": [{"y": ["\ufffd", 1, None]}], "pair": "\U0001f600"}


def test_a_key_made_equal_to_another_by_the_replacement_keeps_one_of_them() -> None:
    assert len(json_object(b'{"\\ud800": 1, "\\udfff": 2}')) == 1


def nested(depth: int) -> bytes:
    return b'{"a": ' + b"[" * depth + b'"\\ud83d"' + b"]" * depth + b"}"


def test_deep_nesting_is_cleaned_without_recursion() -> None:
    value = json_object(nested(900))["a"]  # near the decoder's own limit, deeper than a walk
    for _ in range(900):
        [value] = value
    assert value == "\ufffd"


def test_nesting_deeper_than_the_decoder_goes_is_malformed() -> None:
    with pytest.raises(MalformedPayload, match="not JSON"):
        json_object(nested(100_000))


def test_bad_utf8_is_malformed() -> None:
    with pytest.raises(MalformedPayload, match="not UTF-8"):
        json_object(b'{"a": "\xff"}')
