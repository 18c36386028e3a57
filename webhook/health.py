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

router = APIRouter()
logger = logging.getLogger(__name__)


@router.get("/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", include_in_schema=False)
def readyz(request: Request) -> JSONResponse:
    checks = {
        "database": _database_ok(request),
        "redis": _redis_ok(request),
        "rasa": _rasa_ok(request),
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


def _rasa_ok(request: Request) -> bool:
    url = request.app.state.dialog_settings.rasa_url.rstrip("/") + "/"
    try:
        return httpx.get(url, timeout=2).is_success
    except httpx.HTTPError:
        logger.warning("readiness: rasa unreachable at %s", url)
        return False
