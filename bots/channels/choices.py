"""What a buyer's short answer stands for, remembered by the channel adapter that offered it:
the numbered options of its last message ("2"), and button payloads too long for the channel
(a key stands in for them). Kept in Redis, so every worker process resolves every answer."""

from __future__ import annotations

import json
from typing import Final

import redis.asyncio as aioredis

OPTIONS_TTL: Final = 24 * 3600
LONG_PAYLOAD_TTL: Final = 30 * 24 * 3600
_OPTIONS: Final = "nzila:options:{conversation}"
_LONG_PAYLOAD: Final = "nzila:cb:{key}"


class ChoiceMemory:
    """Numbered options per conversation and long payloads by key, in Redis."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis

    async def remember_options(self, conversation: str, payloads: list[str]) -> None:
        """The payloads of the numbered options just shown, in display order (none: unchanged,
        so a later message without options keeps the earlier ones choosable)."""
        if payloads:
            key = _OPTIONS.format(conversation=conversation)
            await self._redis.set(key, json.dumps(payloads), ex=OPTIONS_TTL)

    async def option(self, conversation: str, number: int) -> str | None:
        """The payload of option `number` (from 1) last shown in the conversation, if any."""
        stored = await self._redis.get(_OPTIONS.format(conversation=conversation))
        choices = json.loads(stored) if stored else []
        return str(choices[number - 1]) if 1 <= number <= len(choices) else None

    async def remember_payloads(self, long_payloads: dict[str, str]) -> None:
        for key, payload in long_payloads.items():
            await self._redis.set(_LONG_PAYLOAD.format(key=key), payload, ex=LONG_PAYLOAD_TTL)

    async def payload(self, key: str) -> str | None:
        """The long payload `key` stands for, if remembered."""
        stored = await self._redis.get(_LONG_PAYLOAD.format(key=key))
        if stored is None:
            return None
        return stored.decode() if isinstance(stored, bytes) else str(stored)
