from __future__ import annotations

import asyncio

import httpx
import pytest

from dialogs.client import RasaClient
from dialogs.replicas import RasaReplicas


def replicas(count: int) -> tuple[RasaReplicas, list[RasaClient]]:
    http = httpx.AsyncClient()
    clients = [
        RasaClient(http=http, base_url=f"http://127.0.0.1:{5005 + n}", auth_token="t")
        for n in range(count)
    ]
    asyncio.run(http.aclose())
    return RasaReplicas(clients), clients


def test_a_conversation_always_goes_to_the_same_replica() -> None:
    pool, _ = replicas(3)
    for conversation in ["whatsapp:+2348012345678", "telegram:42", "twilio:+233201234567"]:
        owner = pool.for_conversation(conversation)
        assert all(pool.for_conversation(conversation) is owner for _ in range(20))


def test_conversations_spread_over_every_replica() -> None:
    pool, clients = replicas(2)
    owners = [pool.for_conversation(f"whatsapp:+23480{n:08d}") for n in range(200)]
    shares = [owners.count(client) for client in clients]
    assert min(shares) > 70  # roughly half each


def test_no_replica_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        RasaReplicas([])
