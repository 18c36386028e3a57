"""The raw request body of a webhook, read within the size limit before anything parses it."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from fastapi import Request

from bots.channels.errors import MalformedPayload
from bots.config import ChannelSettings

JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"


class BodyRefused(Exception):
    """A request body refused before it was read whole (each subclass is its own HTTP status)."""


class BodyTooLarge(BodyRefused):
    """A body over the webhook size limit (declared, or actually sent)."""


class UnsupportedMediaType(BodyRefused):
    """A body whose Content-Type is not the one the provider sends (or no Content-Type)."""


class BodyTimeout(BodyRefused):
    """A body not sent whole within the time allowed (a stalled or deliberately slow client)."""


class TooManyBodies(BodyRefused):
    """Every slot for reading a body is taken, and none came free within the grace period."""


class BodySlots:
    """How many webhook bodies one process reads at once.

    A body being read holds memory (up to the size limit) and a slot until it is whole, refused
    or timed out, so slow clients can hold at most `size` slots for at most the body timeout each.
    A request finding every slot taken waits `grace` seconds for one, then is refused with 503
    (providers retry) instead of queueing behind the slow ones.
    """

    def __init__(self, size: int, *, grace: float = 0.2) -> None:
        self.size = size
        self.grace = grace
        self._free = asyncio.Semaphore(size)
        self._held = 0

    @property
    def held(self) -> int:
        """How many bodies are being read now."""
        return self._held

    async def acquire(self) -> None:
        """Raises TooManyBodies when no slot came free within the grace period."""
        try:
            async with asyncio.timeout(self.grace):
                await self._free.acquire()
        except TimeoutError:
            raise TooManyBodies(
                f"{self.size} request bodies are being read already: retry shortly"
            ) from None
        self._held += 1

    def release(self) -> None:
        self._held -= 1
        self._free.release()


async def read_body(request: Request, settings: ChannelSettings, media_type: str) -> bytes:
    """The raw body of a request that says it is `media_type`, refused as soon as it is known
    to exceed the size limit or the time allowed.

    The Content-Type and declared Content-Length are checked first, so nothing is read of a body
    that would be refused anyway; the stream is then read in chunks and abandoned at the first
    byte over the limit, so a lying or missing Content-Length changes nothing. Reading takes one
    of the app's `BodySlots` and must finish within `webhook_body_timeout_seconds`.

    Raises:
        UnsupportedMediaType: the Content-Type is missing or another than `media_type`.
        BodyTooLarge: the body is, or says it is, over the limit.
        TooManyBodies: every slot is held by bodies still arriving.
        BodyTimeout: the client did not send the whole body in time.
    """
    if not is_media_type(request.headers.get("content-type", ""), media_type):
        raise UnsupportedMediaType(f"Content-Type is not {media_type}")
    limit = settings.webhook_max_body_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"Content-Length {declared} is over {limit} bytes")
    slots: BodySlots = request.app.state.body_slots
    await slots.acquire()
    try:
        async with asyncio.timeout(settings.webhook_body_timeout_seconds):
            body = await _read_within(request, limit)
    except TimeoutError:
        seconds = settings.webhook_body_timeout_seconds
        raise BodyTimeout(f"the body was not sent within {seconds:g} s") from None
    finally:
        slots.release()
    request.state.body_read = True
    return body


def was_read(request: Request) -> bool:
    """Whether `read_body` read this request's whole body (else its connection cannot be reused:
    the rest of the body would be taken for the next request)."""
    return getattr(request.state, "body_read", False)


async def _read_within(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"body is over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def is_media_type(content_type: str, media_type: str) -> bool:
    """Whether a Content-Type header names `media_type`, whatever its parameters and case.

    Any structured JSON type (`application/*+json`, RFC 6839) counts as `application/json`.
    """
    given = content_type.split(";", 1)[0].strip().lower()
    if media_type == JSON_TYPE and given.startswith("application/") and given.endswith("+json"):
        return True
    return given == media_type


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
