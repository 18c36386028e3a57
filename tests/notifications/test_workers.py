"""Alert workers side by side and killed: two workers draining one outbox deliver each alert
once; `nzila alerts run` killed (SIGKILL) in the middle of a recipient's alerts loses none and
sends none twice once another worker takes over its expired claims."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from catalog.outbox.models import AlertStatus
from chat.messages import Channel
from infra.redis import RedisSettings, connect_redis
from tests.notifications.world import World


@pytest.fixture
def world(sessions: sessionmaker[Session], redis_settings: RedisSettings, fakes_url: str) -> World:
    return World(sessions, redis_settings, fakes_url)


def test_two_workers_draining_at_once_deliver_each_alert_once(world: World) -> None:
    buyers = [world.buyer(Channel.TELEGRAM) for _ in range(12)]
    alerts = [world.outbid(buyer) for buyer in buyers for _ in range(2)]
    world.settings = world.settings.model_copy(update={"alerts_batch_size": 5})

    async def main() -> None:
        async with world.alert_worker(worker="a") as a, world.alert_worker(worker="b") as b:
            for _ in range(20):
                reports = await asyncio.gather(a.drain_once(), b.drain_once())
                if not any(report.claimed for report in reports):
                    break

    asyncio.run(main())

    for buyer in buyers:
        assert len(world.received(buyer.address)) == 2
    assert {world.row(alert).status for alert in alerts} == {AlertStatus.SENT}
    claimers = Counter(world.row(alert).claimed_by for alert in alerts)
    assert set(claimers) <= {"a", "b"}


def start_worker(world: World, name: str, log: Path) -> subprocess.Popen[bytes]:
    bind = world.sessions.kw["bind"]
    env = {
        **os.environ, "NZILA_ENV": "development",
        "DATABASE_URL": bind.url.render_as_string(hide_password=False),
        "REDIS_URL": world.redis.redis_url or _embedded_url(world.redis),
        "TELEGRAM_API_BASE_URL": world.fakes_url, "WHATSAPP_API_BASE_URL": world.fakes_url,
        "TWILIO_API_BASE_URL": world.fakes_url,
        # One message a second to the buyer's chat: the worker is killed between two of them.
        "TELEGRAM_CHAT_MESSAGES_PER_SECOND": "1", "TELEGRAM_CHAT_BURST": "1",
        "ALERTS_LEASE_SECONDS": "3", "ALERTS_QUIET_START_HOUR": "0",
        "ALERTS_QUIET_END_HOUR": "0", "ALERTS_POLL_SECONDS": "0.1",
    }  # fmt: skip
    env.pop("REDIS_EMBEDDED_PATH", None)
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "webhook.cli", "alerts", "run", "--worker-id", name,
             "--metrics-port", "0"],
            stdout=output, stderr=output, env=env, cwd=Path(__file__).parents[2],
        )  # fmt: skip


def _embedded_url(settings: RedisSettings) -> str:
    server = connect_redis(settings)
    return f"unix://{server.socket_file}"  # type: ignore[attr-defined]


def wait_until(check: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s")
        time.sleep(0.05)


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    world: World, tmp_path: Path
) -> None:
    buyer = world.buyer(Channel.TELEGRAM)
    alerts = [world.outbid(buyer) for _ in range(6)]

    first = start_worker(world, "first", tmp_path / "first.log")
    try:
        wait_until(lambda: len(world.received(buyer.address)) >= 2, seconds=60)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    sent_before = len(world.received(buyer.address))
    assert sent_before < len(alerts)  # killed in the middle of the buyer's alerts

    second = start_worker(world, "second", tmp_path / "second.log")
    try:
        wait_until(lambda: len(world.received(buyer.address)) >= len(alerts), seconds=60)
        time.sleep(4)  # past the dead worker's claims: anything sent twice would show now
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0

    texts = [record["body"]["text"] for record in world.received(buyer.address)]
    assert len(texts) == len(alerts) and len(set(texts)) == len(alerts)  # six lots, once each
    assert {world.row(alert).status for alert in alerts} == {AlertStatus.SENT}
    assert {world.row(alert).claimed_by for alert in alerts} >= {"second"}
    assert '"msg": "alert worker stopped"' in (tmp_path / "second.log").read_text()


def test_alerts_waiting_for_a_busy_channel_keep_their_lease_and_no_other_worker_takes_them(
    world: World,
) -> None:
    # 20 Telegram alerts at 4 a second wait up to 5 s for their slot, far past a 1 s lease:
    # the worker holding them renews it, so the other worker never claims them again.
    buyers = [world.buyer(Channel.TELEGRAM) for _ in range(20)]
    alerts = [world.match(buyer) for buyer in buyers]
    world.settings = world.settings.model_copy(
        update={"alerts_lease_seconds": 1.0, "alerts_concurrency": 1}
    )

    async def main() -> None:
        async with (
            world.alert_worker(worker="a", yielding=True, telegram_messages_per_second=4) as a,
            world.alert_worker(worker="b", yielding=True, telegram_messages_per_second=4) as b,
        ):
            stop = asyncio.Event()
            running = [asyncio.create_task(a.run(stop))]
            while not all(world.row(alert).claimed_by == "a" for alert in alerts):
                await asyncio.sleep(0.02)  # a claims them all first
            running.append(asyncio.create_task(b.run(stop)))
            for _ in range(200):
                if all(world.row(alert).status is AlertStatus.SENT for alert in alerts):
                    break
                await asyncio.sleep(0.05)
            stop.set()
            await asyncio.gather(*running)

    asyncio.run(main())

    for buyer in buyers:
        assert len(world.received(buyer.address)) == 1
    rows = [world.row(alert) for alert in alerts]
    assert {row.status for row in rows} == {AlertStatus.SENT}
    assert [row.error_code for row in rows if row.error_code] == []  # never "in_flight"
    assert {row.claimed_by for row in rows} == {"a"}
