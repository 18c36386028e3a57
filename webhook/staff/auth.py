"""Who may use the staff API: a request carrying the staff token, else 401."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from webhook.staff.config import StaffApiSettings

_bearer = HTTPBearer(auto_error=False, description="STAFF_API_TOKEN")


def require_staff(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """401 unless the request carries the staff token (compared in constant time)."""
    settings: StaffApiSettings = request.app.state.staff_api_settings
    expected = settings.staff_api_token.get_secret_value().encode()
    given = credentials.credentials.encode() if credentials is not None else b""
    if not hmac.compare_digest(given, expected):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="a valid staff token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
