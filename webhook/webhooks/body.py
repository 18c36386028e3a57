"""The raw request body of a webhook, read within the size limit before anything parses it."""

from __future__ import annotations

import json
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
    """`body` decoded as a JSON object.

    Raises:
        MalformedPayload: not UTF-8 JSON, or JSON that is not an object.
    """
    try:
        value = json.loads(body)
    except (ValueError, RecursionError) as error:  # bad UTF-8, bad JSON, absurd nesting
        raise MalformedPayload("body is not JSON") from error
    if not isinstance(value, dict):
        raise MalformedPayload("body is not a JSON object")
    return value
