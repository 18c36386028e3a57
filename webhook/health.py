"""Liveness and readiness: /healthz says the process answers, /readyz that its backends do."""

from __future__ import annotations

import logging
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from dialogs.client import RasaClient
from dialogs.config import DialogSettings

router = APIRouter()
logger = logging.getLogger(__name__)


@router.get("/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    checks = {
        "database": await run_in_threadpool(_database_ok, request),
        "redis": await run_in_threadpool(_redis_ok, request),
        "rasa": await _rasa_ok(request),
    }
    ready = all(checks.values())
    body: dict[str, Any] = {"status": "ready" if ready else "not ready", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)


def _database_ok(request: Request) -> bool:
    try:
        with request.app.state.sessions() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        logger.warning("readiness: database unreachable", exc_info=True)
        return False
    return True


def _redis_ok(request: Request) -> bool:
    try:
        return bool(request.app.state.redis().ping())
    except (RedisError, OSError):
        logger.warning("readiness: redis unreachable", exc_info=True)
        return False


async def _rasa_ok(request: Request) -> bool:
    """Every Rasa server answers with a loaded model, asked as the worker asks it."""
    settings: DialogSettings = request.app.state.dialog_settings
    token = settings.rasa_auth_token.get_secret_value()
    async with httpx.AsyncClient() as http:
        for url in settings.rasa_urls:
            if not await RasaClient(http=http, base_url=url, auth_token=token).is_ready():
                logger.warning("readiness: rasa not ready at %s", url)
                return False
    return True
