"""The shared rate limiter's contract, on the embedded Redis and on a Redis server: bursts then
pacing, each bucket (sender, chat, group) on its own, a provider's "slow down" heard by every
chat of that sender, and two OS processes that together stay within one budget."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio as aioredis

from bots.config import ChannelSettings
from bots.outbound.limits import (
    ChannelLimits,
    Rate,
    RedisRateLimiter,
    SendScope,
    channel_limits,
)
from infra.redis import RedisSettings, connect_redis

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@dataclass
class RedisUnderTest:
    """How to reach one Redis: a URL or an embedded server's socket file."""

    url: str | None = None
    socket: str | None = None

    def connect(self) -> aioredis.Redis:
        if self.url:
            return aioredis.Redis.from_url(self.url)
        return aioredis.Redis(unix_socket_path=self.socket)


@pytest.fixture(scope="module")
def embedded_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisUnderTest]:
    path = tmp_path_factory.mktemp("limits") / "limits.rdb"
    server = connect_redis(RedisSettings(redis_url=None, redis_embedded_path=path))
    yield RedisUnderTest(socket=server.socket_file)  # type: ignore[attr-defined]
    server.shutdown()


def _server_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(SERVER_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["embedded", "server"])
def backend(request: pytest.FixtureRequest) -> RedisUnderTest:
    """Each Redis kind in turn; the server case skips only outside CI when none answers."""
    if request.param == "embedded":
        under_test: RedisUnderTest = request.getfixturevalue("embedded_redis")
        return under_test
    if not _server_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"no Redis server at {SERVER_URL} in CI")
        pytest.skip(f"no Redis server at {SERVER_URL}")
    return RedisUnderTest(url=SERVER_URL)


@pytest.fixture
def prefix() -> str:
    """Keys of this test's own, so tests on a shared server never spend each other's budget."""
    return f"nzila:test:limits:{uuid.uuid4().hex[:12]}"


LIMITS = {
    "telegram": ChannelLimits(sender=Rate(10.0), chat=Rate(2.0, burst=3), group=Rate(1.0)),
    "whatsapp": ChannelLimits(sender=Rate(100.0), chat=Rate(100.0)),
}


def run(
    backend: RedisUnderTest,
    prefix: str,
    scenario: Callable[[RedisRateLimiter], Coroutine[Any, Any, Any]],
    limits: dict[str, ChannelLimits] = LIMITS,
) -> Any:
    async def main() -> Any:
        client = backend.connect()
        try:
            return await scenario(RedisRateLimiter(client, limits, prefix=prefix))
        finally:
            await client.aclose()

    return asyncio.run(main())


def to(
    chat: str, *, sender: str = "bot1", channel: str = "telegram", group: bool = False
) -> SendScope:
    return SendScope(channel, sender, chat, group)


async def _waits(limiter: RedisRateLimiter, scopes: list[SendScope]) -> list[float]:
    return [await limiter.reserve(scope) for scope in scopes]


def test_a_chat_gets_its_burst_at_once_then_one_message_per_interval(
    backend: RedisUnderTest, prefix: str
) -> None:
    waits = run(backend, prefix, lambda limiter: _waits(limiter, [to("42")] * 5))

    # the sender's bucket (10/s) spaces the burst by 0.1 s; the chat's (2/s, burst 3) then 0.5 s
    assert waits[:3] == pytest.approx([0.0, 0.1, 0.2], abs=0.03)
    assert waits[3] == pytest.approx(0.5, abs=0.03)
    assert waits[4] == pytest.approx(1.0, abs=0.03)


def test_other_chats_wait_for_the_senders_next_slot_not_for_a_busy_chat(
    backend: RedisUnderTest, prefix: str
) -> None:
    scopes = [to("busy")] * 5 + [to("other"), to("third")]

    waits = run(backend, prefix, lambda limiter: _waits(limiter, scopes))

    assert waits[4] == pytest.approx(1.0, abs=0.03)  # the busy chat waits for its own bucket
    assert waits[5] == pytest.approx(1.1, abs=0.03)  # the next chat, for the sender's next slot
    assert waits[6] == pytest.approx(1.2, abs=0.03)


def test_every_chat_together_stays_within_the_senders_rate(
    backend: RedisUnderTest, prefix: str
) -> None:
    scopes = [to(f"chat-{n}") for n in range(20)]

    waits = run(backend, prefix, lambda limiter: _waits(limiter, scopes))

    assert waits[-1] == pytest.approx(1.9, abs=0.05)  # 20 sends at 10/s: the last after 1.9 s


async def _backlog_then_a_reply(
    alerts: RedisRateLimiter, replies: RedisRateLimiter, *, backlog: int, writes_after: float
) -> tuple[list[float], float]:
    """`backlog` alerts to different chats at once; `writes_after` seconds in, a buyer who is
    talking is answered. When each alert went (sorted), and how long the reply waited."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    sent: list[float] = []

    async def alert(n: int) -> None:
        await alerts.acquire(to(f"alert-{n}"))
        sent.append(loop.time() - started)

    sending = asyncio.gather(*(alert(n) for n in range(backlog)))
    await asyncio.sleep(writes_after)  # the alert backlog is being sent when the buyer writes
    answered = loop.time()
    await replies.acquire(to("talking"))
    reply = loop.time() - answered
    await sending
    return sorted(sent), reply


def test_alerts_use_only_their_share_and_replies_keep_the_rest(
    backend: RedisUnderTest, prefix: str
) -> None:
    def scenario(replies: RedisRateLimiter) -> Coroutine[Any, Any, tuple[list[float], float]]:
        alerts = RedisRateLimiter(replies._redis, LIMITS, prefix=prefix, share=0.5)
        return _backlog_then_a_reply(alerts, replies, backlog=10, writes_after=0.3)

    sent, reply = run(backend, prefix, scenario)

    # 10 alerts at half the number's 10/s: one every 0.2 s, 1.8 s for the last; the buyer who
    # is talking is answered in the number's next free slot, not after the alert backlog.
    assert sent[-1] == pytest.approx(1.8, abs=0.15)
    assert reply < 0.12


def _yielding(replies: RedisRateLimiter, prefix: str) -> RedisRateLimiter:
    return RedisRateLimiter(replies._redis, LIMITS, prefix=prefix, yielding=True)


def test_a_yielding_backlog_uses_the_whole_rate_yet_replies_are_answered_first(
    backend: RedisUnderTest, prefix: str
) -> None:
    def scenario(replies: RedisRateLimiter) -> Coroutine[Any, Any, tuple[list[float], float]]:
        return _backlog_then_a_reply(_yielding(replies, prefix), replies, backlog=20,
                                     writes_after=0.5)  # fmt: skip

    sent, reply = run(backend, prefix, scenario)

    # 20 alerts and one reply at the number's 10/s: the last alert after about 2.0 s (the
    # whole rate, less the reply's slot), and the reply in the number's next slot.
    assert sent[-1] == pytest.approx(2.0, abs=0.2)
    assert reply < 0.12


def test_an_urgent_send_goes_ahead_of_the_waiting_backlog(
    backend: RedisUnderTest, prefix: str
) -> None:
    async def scenario(replies: RedisRateLimiter) -> tuple[float, float]:
        alerts = _yielding(replies, prefix)
        loop = asyncio.get_running_loop()
        started = loop.time()
        backlog = asyncio.gather(*(alerts.acquire(to(f"match-{n}")) for n in range(20)))
        await asyncio.sleep(0.3)
        outbid = loop.time()
        await alerts.acquire(to("outbid"), urgent=True)
        waited = loop.time() - outbid
        await backlog
        return waited, loop.time() - started

    waited, backlog_done = run(backend, prefix, scenario)

    assert waited < 0.15  # the slot being taken, then its own: not 1.7 s behind the backlog
    assert backlog_done == pytest.approx(2.0, abs=0.2)


def test_a_busy_chat_does_not_hold_back_the_sends_waiting_behind_it(
    backend: RedisUnderTest, prefix: str
) -> None:
    async def scenario(replies: RedisRateLimiter) -> dict[str, float]:
        alerts = _yielding(replies, prefix)
        loop = asyncio.get_running_loop()
        started = loop.time()
        for _ in range(3):
            await replies.reserve(to("busy"))  # the chat's burst of 3 (2/s) is spent
        done: dict[str, float] = {}

        async def alert(chat: str) -> None:
            await alerts.acquire(to(chat))
            done[chat] = loop.time() - started

        await asyncio.gather(alert("busy"), *(alert(f"other-{n}") for n in range(3)))
        return done

    done = run(backend, prefix, scenario)

    # the busy chat's next slot is 0.5 s away; the three other chats go in the number's next
    # slots (0.3, 0.4, 0.5 s) instead of waiting behind it
    assert max(done[f"other-{n}"] for n in range(3)) < 0.65
    assert done["busy"] >= 0.45


def test_a_cancelled_waiting_send_does_not_stall_the_others(
    backend: RedisUnderTest, prefix: str
) -> None:
    async def scenario(replies: RedisRateLimiter) -> float:
        alerts = _yielding(replies, prefix)
        loop = asyncio.get_running_loop()
        started = loop.time()
        waiting = [asyncio.create_task(alerts.acquire(to(f"c{n}"))) for n in range(6)]
        await asyncio.sleep(0.05)
        for task in waiting[1:4]:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        return loop.time() - started

    # three sends left at 10/s: done by about 0.2 s, not stuck behind the cancelled ones
    assert run(backend, prefix, scenario) < 0.5


def test_a_waiting_backlog_asks_redis_about_once_per_slot(
    backend: RedisUnderTest, prefix: str
) -> None:
    async def scenario(replies: RedisRateLimiter) -> int:
        alerts = _yielding(replies, prefix)
        asks = 0
        ask = alerts.try_reserve

        async def counted(scope: SendScope) -> Any:
            nonlocal asks
            asks += 1
            return await ask(scope)

        alerts.try_reserve = counted  # type: ignore[method-assign]
        await asyncio.gather(*(alerts.acquire(to(f"c{n}")) for n in range(10)))
        return asks

    # 10 sends waiting at once: about two asks each (one early, one at the slot), not one per
    # waiting send at every slot (55)
    assert run(backend, prefix, scenario) <= 25


def test_another_sender_has_a_budget_of_its_own(backend: RedisUnderTest, prefix: str) -> None:
    scopes = [to(f"c{n}") for n in range(10)] + [to("c0", sender="bot2")]

    waits = run(backend, prefix, lambda limiter: _waits(limiter, scopes))

    assert waits[-1] == pytest.approx(0.0, abs=0.03)


def test_a_group_chat_is_paced_by_the_group_limit(backend: RedisUnderTest, prefix: str) -> None:
    scopes = [to("-100200", group=True)] * 3

    waits = run(backend, prefix, lambda limiter: _waits(limiter, scopes))

    assert waits == pytest.approx([0.0, 1.0, 2.0], abs=0.03)  # 1/s, though the chat allows 3


def test_slowing_down_holds_every_chat_of_that_sender_only(
    backend: RedisUnderTest, prefix: str
) -> None:
    async def scenario(limiter: RedisRateLimiter) -> list[float]:
        await limiter.slow_down(to("42"), 2.0)
        await limiter.slow_down(to("42"), 0.5)  # a shorter delay never shortens the pause
        return await _waits(limiter, [to("7"), to("8", sender="bot2")])

    waits = run(backend, prefix, scenario)

    assert waits[0] == pytest.approx(2.0, abs=0.05)
    assert waits[1] == pytest.approx(0.0, abs=0.03)


def test_a_pause_also_holds_sends_that_reserved_their_slot_before_it(
    backend: RedisUnderTest, prefix: str
) -> None:
    # Found by the alert benchmark: a 429's pause held only later reservations, so the sends
    # already waiting for a slot (up to a second of them at the sender's rate) went out during
    # it, into the provider that had just said "too fast".
    async def scenario(limiter: RedisRateLimiter) -> float:
        for n in range(5):
            await limiter.reserve(to(f"c{n}"))  # the sender's next slot is now 0.5 s away
        started = time.monotonic()
        waiting = asyncio.create_task(limiter.acquire(to("late")))
        await asyncio.sleep(0.1)
        await limiter.slow_down(to("c0"), 1.0)  # a 429 while it waits for its slot
        await waiting
        return time.monotonic() - started

    assert run(backend, prefix, scenario) >= 1.05  # after the pause, not at its 0.5 s slot


def test_acquire_waits_for_the_reserved_slot(backend: RedisUnderTest, prefix: str) -> None:
    async def scenario(limiter: RedisRateLimiter) -> float:
        started = time.monotonic()
        for _ in range(4):
            await limiter.acquire(to("42"))
        return time.monotonic() - started

    assert run(backend, prefix, scenario) >= 0.45  # the fourth waits for the chat's bucket


def test_buckets_and_pauses_expire_from_redis_once_they_no_longer_matter(
    backend: RedisUnderTest, prefix: str
) -> None:
    async def scenario(limiter: RedisRateLimiter) -> dict[str, int]:
        await limiter.slow_down(to("42"), 5.0)
        await limiter.reserve(to("42"))  # its slot is after the pause: buckets live until then
        client = backend.connect()
        try:
            keys = [key.decode() async for key in client.scan_iter(f"{prefix}:*")]
            return {key.rsplit(":", 1)[-1]: await client.pttl(key) for key in keys}
        finally:
            await client.aclose()

    ttls = run(backend, prefix, scenario)

    assert set(ttls) == {"pause", "all", "42"}
    assert 4000 < ttls["pause"] <= 5001
    assert 4000 < ttls["all"] <= 5101  # the slot at 5 s plus one interval
    assert 4000 < ttls["42"] <= 5501


def test_limits_per_channel_come_from_the_channel_settings() -> None:
    settings = ChannelSettings(
        _env_file=None,  # type: ignore[call-arg]
        twilio_messages_per_second=12.5,
        telegram_group_messages_per_minute=30,
    )

    limits = channel_limits(settings)

    assert limits["telegram"] == ChannelLimits(Rate(30.0), Rate(1.0, 4), Rate(0.5))
    assert limits["whatsapp"] == ChannelLimits(Rate(80.0), Rate(1 / 6, 40))
    assert limits["twilio"].sender == Rate(12.5)


# --- two OS processes, one budget ----------------------------------------------------------

SENDS_PER_PROCESS = 15
SHARED_RATE = 15.0  # per second

_PROCESS = """
import asyncio, json, sys, time
import redis.asyncio as aioredis
from bots.outbound.limits import ChannelLimits, Rate, RedisRateLimiter, SendScope

url, socket, prefix, name, sends, rate = sys.argv[1:]
async def main():
    client = aioredis.Redis.from_url(url) if url else aioredis.Redis(unix_socket_path=socket)
    limits = {"whatsapp": ChannelLimits(sender=Rate(float(rate)), chat=Rate(1000.0, 1000))}
    limiter = RedisRateLimiter(client, limits, prefix=prefix)
    await client.ping()
    print("ready", flush=True)
    sys.stdin.readline()  # the test starts both processes' sends together
    stamps = []
    for n in range(int(sends)):
        await limiter.acquire(SendScope("whatsapp", "15550001", f"{name}-{n}"))
        stamps.append(time.time())
    await client.aclose()
    print(json.dumps(stamps))
asyncio.run(main())
"""


def _send_from_two_processes(backend: RedisUnderTest, prefixes: list[str]) -> list[float]:
    """Two processes sending as fast as their limiter lets them; every send's time, sorted."""
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    redis_args = [backend.url or "", backend.socket or ""]
    budget = [str(SENDS_PER_PROCESS), str(SHARED_RATE)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _PROCESS, *redis_args, prefix, f"p{n}", *budget],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
            cwd=ROOT,
            text=True,
        )
        for n, prefix in enumerate(prefixes)
    ]
    for process in processes:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    stamps: list[float] = []
    for process in processes:
        out, _ = process.communicate(timeout=60)
        assert process.returncode == 0
        stamps += json.loads(out)
    return sorted(stamps)


def _most_in_one_second(stamps: list[float]) -> int:
    return max(sum(1 for t in stamps if start <= t < start + 1.0) for start in stamps)


@pytest.mark.slow
def test_two_processes_sharing_a_budget_stay_within_it_together(
    backend: RedisUnderTest, prefix: str
) -> None:
    stamps = _send_from_two_processes(backend, [prefix, prefix])

    assert len(stamps) == 2 * SENDS_PER_PROCESS
    assert _most_in_one_second(stamps) <= SHARED_RATE + 2  # + a late wake-up or two
    assert stamps[-1] - stamps[0] >= (len(stamps) - 1) / SHARED_RATE - 0.05


@pytest.mark.slow
def test_control_two_processes_with_budgets_of_their_own_exceed_the_limit(
    backend: RedisUnderTest, prefix: str
) -> None:
    stamps = _send_from_two_processes(backend, [f"{prefix}:a", f"{prefix}:b"])

    assert _most_in_one_second(stamps) > SHARED_RATE + 2  # what the shared budget prevents
