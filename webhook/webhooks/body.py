"""The raw request body of a webhook, read within the size limit before anything parses it."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import Request

from bots.channels.errors import MalformedPayload


class BodyTooLarge(Exception):
    """A body over the webhook size limit (declared, or actually sent)."""


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refused as soon as it is known to exceed `limit` bytes.

    The declared Content-Length is checked first; the stream is then read in chunks and
    abandoned at the first byte over the limit, so a lying or missing header changes nothing.

    Raises:
        BodyTooLarge: the body is, or says it is, over `limit` bytes.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"Content-Length {declared} is over {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"body is over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def json_object(body: bytes) -> dict[str, Any]:
    """`body` decoded as a JSON object, every string of it encodable as UTF-8 again.

    Only UTF-8 is accepted (as RFC 8259 requires between systems; `json.loads` would guess
    UTF-16 or UTF-32 from bytes). Valid JSON may still hold half a surrogate pair (`"\\ud83d"`,
    half an emoji, from a client that cut a string): such a string cannot be queued nor stored, so
    each unpaired surrogate becomes U+FFFD here, once, for every parser and writer after this.

    Raises:
        MalformedPayload: not UTF-8, not JSON, or JSON that is not an object.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedPayload("body is not UTF-8") from error
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:  # bad JSON, absurd nesting
        raise MalformedPayload("body is not JSON") from error
    if not isinstance(value, dict):
        raise MalformedPayload("body is not a JSON object")
    if _SURROGATE_ESCAPE.search(text):  # the only way a surrogate gets into strict UTF-8 JSON
        _replace_lone_surrogates(value)
    return value


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # decoded, a surrogate left in a str is unpaired


def _replace_lone_surrogates(root: dict[str, Any]) -> None:
    """Replace, in place, each surrogate in the keys and string values under `root` by U+FFFD.

    The walk keeps its own stack of containers rather than recursing, so that a body nested as
    deep as the JSON decoder accepts cannot overflow Python's stack here.
    """
    stack: list[dict[str, Any] | list[Any]] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            for index, item in enumerate(node):
                node[index] = _cleaned(item, stack)
        else:
            items = list(node.items())
            node.clear()
            for key, item in items:
                node[_SURROGATE.sub("\ufffd", key)] = _cleaned(item, stack)


def _cleaned(item: Any, stack: list[dict[str, Any] | list[Any]]) -> Any:
    """A string item with its surrogates replaced; a container is pushed on `stack` for later."""
    if isinstance(item, str):
        return _SURROGATE.sub("\ufffd", item)
    if isinstance(item, dict | list):
        stack.append(item)
    return item
