"""The web app's composition root: settings, database, media store and Redis, wired once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import cache

import redis
from fastapi import FastAPI, Request, Response
from fastapi.middleware.gzip import GZipMiddleware
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bots import metrics
from bots.config import ChannelSettings, get_channel_settings
from bots.queue import InboundQueue
from catalog.config import CatalogSettings, get_catalog_settings
from catalog.database import make_engine, make_session_factory
from catalog.media.storage import MediaStore
from dialogs.config import DialogSettings, get_dialog_settings
from infra.redis import RedisSettings, connect_async_redis, connect_redis, get_redis_settings
from webhook import gallery, health, home
from webhook.config import AppSettings, get_app_settings
from webhook.staff import routes as staff_api
from webhook.staff.config import StaffApiSettings, get_staff_api_settings
from webhook.staff.errors import add_catalog_error_handler
from webhook.webhooks import telegram, twilio, whatsapp
from webhook.webhooks.body import BodySlots


def create_app(
    app_settings: AppSettings | None = None,
    catalog_settings: CatalogSettings | None = None,
    redis_settings: RedisSettings | None = None,
    channel_settings: ChannelSettings | None = None,
    dialog_settings: DialogSettings | None = None,
    *,
    staff_api_settings: StaffApiSettings | None = None,
) -> FastAPI:
    """Build the app. Connections open at start-up (lifespan), so building it does no I/O."""
    app_settings = app_settings or get_app_settings()
    catalog_settings = catalog_settings or get_catalog_settings()
    redis_settings = redis_settings or get_redis_settings()
    channel_settings = channel_settings or get_channel_settings()
    dialog_settings = dialog_settings or get_dialog_settings()
    staff_api_settings = staff_api_settings or get_staff_api_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async_redis = connect_async_redis(redis_settings)
        app.state.inbound_queue = InboundQueue(async_redis, stream=channel_settings.inbound_stream)
        yield
        await async_redis.aclose()
        engine.dispose()

    app = FastAPI(title="Nzila", lifespan=lifespan, docs_url="/api/docs", redoc_url=None)
    # Buyers are on slow mobile networks: a 42-photo gallery page is 26 KB raw, 4 KB gzipped.
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    engine = make_engine(catalog_settings.database_url, echo=catalog_settings.database_echo)
    app.state.settings = app_settings
    app.state.channel_settings = channel_settings
    app.state.body_slots = BodySlots(channel_settings.webhook_max_concurrent_bodies)
    app.state.dialog_settings = dialog_settings
    app.state.staff_api_settings = staff_api_settings
    app.state.sessions = make_session_factory(engine)
    app.state.media_store = MediaStore(catalog_settings.media_dir)
    app.state.redis = _lazy_redis(redis_settings)
    app.include_router(health.router)
    app.include_router(home.router)
    app.include_router(gallery.router)
    if app_settings.environment != "production":
        # Development tools are mounted by this composition root only, and never in production:
        # the simulator forges signed webhooks.
        from devtools.simulator import web as simulator

        app.include_router(simulator.router)
    app.include_router(staff_api.router)
    add_catalog_error_handler(app)
    for webhooks in (telegram, whatsapp, twilio):
        app.include_router(webhooks.router)
    app.add_route("/metrics", _metrics, include_in_schema=False)
    return app


def _lazy_redis(settings: RedisSettings) -> Callable[[], redis.Redis]:
    @cache
    def client() -> redis.Redis:
        return connect_redis(settings)

    return client


async def _metrics(request: Request) -> Response:
    queue: InboundQueue | None = getattr(request.app.state, "inbound_queue", None)
    if queue is not None:
        metrics.QUEUE_DEPTH.set(await queue.depth())
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
