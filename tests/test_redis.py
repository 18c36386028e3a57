from __future__ import annotations

import os
from pathlib import Path

import pytest

from infra.redis import RedisSettings, connect_redis

REDIS_URL = os.environ.get("REDIS_URL")


def test_without_redis_url_an_embedded_redis_starts_and_keeps_data(tmp_path: Path) -> None:
    client = connect_redis(RedisSettings(redis_url=None, redis_embedded_path=tmp_path / "r.rdb"))
    client.set("nzila:test", "kept")
    assert client.get("nzila:test") == b"kept"
    assert client.set("nzila:once", "1", nx=True, ex=60)
    assert not client.set("nzila:once", "1", nx=True, ex=60)
    client.shutdown(nosave=True)


@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set")
def test_with_redis_url_the_server_is_used() -> None:
    assert REDIS_URL
    client = connect_redis(RedisSettings(redis_url=REDIS_URL))
    assert client.ping()
    key = f"nzila:test:{os.getpid()}"
    client.set(key, "x", ex=5)
    assert client.get(key) == b"x"
    client.delete(key)
