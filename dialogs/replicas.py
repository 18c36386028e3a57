"""Several Rasa servers behind one client: each conversation always goes to the same replica.

Replicas are safe because the conversation worker never runs two turns of one conversation at
once; pinning a conversation to a replica (by a stable hash of its id) also keeps each tracker
in one replica's cache, and lets replicas keep SQLite tracker stores of their own in development.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

from chat.replies import Reply
from dialogs.client import RasaClient


class RasaReplicas:
    def __init__(self, clients: Sequence[RasaClient]) -> None:
        if not clients:
            raise ValueError("at least one Rasa server is needed")
        self._clients = list(clients)

    def for_conversation(self, conversation_id: str) -> RasaClient:
        """The replica that owns this conversation (stable across processes and restarts)."""
        return self._clients[zlib.crc32(conversation_id.encode()) % len(self._clients)]

    async def send(
        self, *, conversation_id: str, text: str, metadata: dict[str, Any]
    ) -> list[Reply]:
        client = self.for_conversation(conversation_id)
        return await client.send(conversation_id=conversation_id, text=text, metadata=metadata)

    async def set_slot(self, conversation_id: str, name: str, value: Any) -> None:
        await self.for_conversation(conversation_id).set_slot(conversation_id, name, value)

    async def pause(self, conversation_id: str) -> None:
        await self.for_conversation(conversation_id).pause(conversation_id)

    async def resume(self, conversation_id: str) -> None:
        await self.for_conversation(conversation_id).resume(conversation_id)
