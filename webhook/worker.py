"""`nzila worker`: the conversation worker process, composed from settings (this is its composition
root: the engine client, its replicas and tracker stores, the channel adapters, the queue, the
conversation control and its periodic return of overdue handoffs)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket

import httpx
from prometheus_client import start_http_server

from bots.adapters import build_adapters
from bots.config import ChannelSettings
from bots.control import ConversationControl
from bots.outbound.limits import RedisRateLimiter, channel_limits
from bots.queue import InboundQueue
from bots.worker import ConversationWorker
from catalog.config import CatalogSettings
from catalog.database import make_engine, make_session_factory
from dialogs.client import RasaClient
from dialogs.config import DialogSettings
from dialogs.replicas import RasaReplicas
from dialogs.tracker_store import TrackerStores
from infra.redis import RedisSettings, connect_async_redis

logger = logging.getLogger(__name__)


async def run_worker(
    *,
    catalog: CatalogSettings,
    redis_settings: RedisSettings,
    channels: ChannelSettings,
    dialogs: DialogSettings,
    public_base_url: str,
    consumer: str | None = None,
    stop: asyncio.Event | None = None,
    reclaim_idle_ms: int = 60_000,
) -> None:
    """Consume the inbound stream until SIGTERM/SIGINT (or `stop`), then finish current turns."""
    stop = stop or _stop_on_signals()
    token = dialogs.rasa_auth_token.get_secret_value()
    if channels.worker_metrics_port:
        start_http_server(channels.worker_metrics_port, addr="127.0.0.1")
    consumer = consumer or f"{socket.gethostname()}-{os.getpid()}"
    redis = connect_async_redis(redis_settings)
    engine = make_engine(catalog.database_url)
    tracker_stores = TrackerStores(dialogs.tracker_store_urls())
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=50)
    sessions = make_session_factory(engine)
    async with httpx.AsyncClient(timeout=httpx.Timeout(15.0), limits=limits) as http:
        rasa = RasaReplicas(
            [RasaClient(http=http, base_url=url, auth_token=token) for url in dialogs.rasa_urls]
        )
        worker = ConversationWorker(
            queue=InboundQueue(redis, stream=channels.inbound_stream),
            redis=redis,
            sessions=sessions,
            engine=rasa,
            adapters=build_adapters(
                channels,
                http,
                public_base_url,
                redis,
                RedisRateLimiter(redis, channel_limits(channels)),
            ),
            consumer=consumer,
            engine_memory=tracker_stores,
            control=ConversationControl(
                sessions=sessions, engine=rasa, handoff_wait_seconds=channels.handoff_wait_seconds
            ),
            reclaim_idle_ms=reclaim_idle_ms,
        )
        logger.info("worker started", extra={"consumer": consumer})
        await asyncio.gather(worker.run(stop), worker.return_overdue_handoffs_until(stop))
    await redis.aclose()
    engine.dispose()
    tracker_stores.dispose()
    logger.info("worker stopped", extra={"consumer": consumer})


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop
