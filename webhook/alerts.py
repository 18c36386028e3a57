"""`nzila alerts run`: the alert worker process, composed from settings (its composition root:
the database, Redis, the channel adapters with the shared rate limits, the notifier over them,
the messaging tier)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
from prometheus_client import start_http_server

from bots.adapters import build_adapters
from bots.config import ChannelSettings
from bots.notifier import ChannelNotifier
from bots.outbound.limits import RedisRateLimiter, channel_limits
from catalog.config import CatalogSettings
from catalog.database import make_engine, make_session_factory
from infra.redis import RedisSettings, connect_async_redis
from notifications.config import AlertSettings
from notifications.delivery import AlertWorker
from notifications.tiers import MessagingTier

logger = logging.getLogger(__name__)

DATABASE_THREADS = 20  # the engine's pool: 10 connections and as many again


async def run_alert_worker(
    *,
    catalog: CatalogSettings,
    redis_settings: RedisSettings,
    channels: ChannelSettings,
    alerts: AlertSettings,
    public_base_url: str,
    worker_id: str | None = None,
    metrics_port: int = 0,
    stop: asyncio.Event | None = None,
) -> None:
    """Deliver alerts until SIGTERM/SIGINT (or `stop`); the current batch is finished first."""
    stop = stop or _stop_on_signals()
    if metrics_port:
        start_http_server(metrics_port, addr="127.0.0.1")
    worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}"
    # Database work runs in threads: as many as the pool has connections, so planning,
    # recording and marking alerts of three channels at once do not queue behind six threads.
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(DATABASE_THREADS, thread_name_prefix="alerts-db")
    )
    redis = connect_async_redis(redis_settings)
    engine = make_engine(catalog.database_url)
    sessions = make_session_factory(engine)
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=50)
    async with httpx.AsyncClient(timeout=httpx.Timeout(15.0), limits=limits) as http:
        # Alerts yield: they take only slots free now, so replies are never queued behind them,
        # and urgent alerts go ahead of the backlog (at most their share of each number's rate).
        limiter = RedisRateLimiter(redis, channel_limits(channels), yielding=True,
                                   share=alerts.alerts_rate_share)  # fmt: skip
        adapters = build_adapters(channels, http, public_base_url, redis, limiter)
        worker = AlertWorker(
            sessions=sessions,
            notifier=ChannelNotifier(
                adapters, sessions, redis, lease=timedelta(seconds=alerts.alerts_lease_seconds)
            ),
            settings=alerts,
            tier=MessagingTier(
                redis, alerts.whatsapp_messaging_tier, urgent_reserve=alerts.alerts_tier_reserve
            ),
            worker_id=worker_id,
        )
        await worker.run(stop)
    await redis.aclose()
    engine.dispose()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop
