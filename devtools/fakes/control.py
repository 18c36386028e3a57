"""What tests and the demo tell the fakes: read or clear the record, schedule failures.

Routes under /_fake answer JSON:

- ``GET /_fake/healthz``
- ``GET /_fake/requests?provider=&since=&endpoint=&outcome=`` recorded requests, oldest first
- ``DELETE /_fake/requests`` forget them (sequence numbers keep counting)
- ``POST /_fake/failures`` make the next N sends of a provider fail with its real error shape
- ``GET /_fake/failures`` / ``DELETE /_fake/failures`` see or drop failures still to come
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from devtools.fakes.recorder import PROVIDERS, Outcome, Provider, RequestRecorder


@dataclass(frozen=True, slots=True)
class InjectedFailure:
    """How one attempt must fail; each provider renders it in its own error shape."""

    status: int
    retry_after: int | None = None
    code: int | None = None
    message: str | None = None


@dataclass(slots=True)
class _PlannedFailures:
    provider: Provider
    failure: InjectedFailure
    remaining: int
    endpoint: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "endpoint": self.endpoint,
            "remaining": self.remaining,
            **asdict(self.failure),
        }


class FailureInjector:
    """Failures scheduled per provider, handed out first in, first out, one per attempt."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._plans: list[_PlannedFailures] = []

    def schedule(
        self,
        provider: Provider,
        failure: InjectedFailure,
        *,
        count: int = 1,
        endpoint: str | None = None,
    ) -> None:
        """Make the next `count` matching attempts of `provider` fail.

        Args:
            provider: Which fake fails.
            failure: The status and error details to answer with.
            count: How many attempts fail before the provider answers normally again.
            endpoint: Only this endpoint fails (e.g. "sendChatAction", "mark_read"); by
                default only message sends do, never set-up calls such as getMe.
        """
        with self._lock:
            self._plans.append(_PlannedFailures(provider, failure, count, endpoint))

    def take(self, provider: Provider, endpoint: str, *, is_send: bool) -> InjectedFailure | None:
        """The failure this attempt must answer with, or None to answer normally."""
        with self._lock:
            for plan in self._plans:
                if plan.provider != provider:
                    continue
                if plan.endpoint == endpoint or (plan.endpoint is None and is_send):
                    plan.remaining -= 1
                    if plan.remaining == 0:
                        self._plans.remove(plan)
                    return plan.failure
        return None

    def pending(self) -> list[dict[str, Any]]:
        """The failures still to come, as JSON."""
        with self._lock:
            return [plan.to_json() for plan in self._plans]

    def clear(self) -> None:
        """Drop every failure still to come."""
        with self._lock:
            self._plans.clear()


class FailureRequest(BaseModel):
    """The body of POST /_fake/failures."""

    model_config = ConfigDict(extra="forbid")

    provider: Provider
    status: int = Field(ge=400, le=599)
    count: int = Field(default=1, ge=1)
    retry_after: int | None = Field(default=None, ge=0)
    endpoint: str | None = None
    code: int | None = None
    message: str | None = None


def control_router(*, recorder: RequestRecorder, failures: FailureInjector) -> APIRouter:
    """The /_fake routes over this app's recorder and failure schedule."""
    router = APIRouter(prefix="/_fake", tags=["control"])

    @router.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "providers": list(PROVIDERS)}

    @router.get("/requests")
    async def list_requests(
        provider: Provider | None = None,
        since: Annotated[int, Query(ge=0)] = 0,
        endpoint: str | None = None,
        outcome: Outcome | None = None,
    ) -> list[dict[str, Any]]:
        entries = recorder.requests(
            provider=provider, since=since, endpoint=endpoint, outcome=outcome
        )
        return [entry.to_json() for entry in entries]

    @router.delete("/requests")
    async def clear_requests() -> dict[str, int]:
        return {"cleared": recorder.clear(), "last_seq": recorder.last_seq}

    @router.post("/failures", status_code=201)
    async def schedule_failures(plan: FailureRequest) -> dict[str, Any]:
        failure = InjectedFailure(plan.status, plan.retry_after, plan.code, plan.message)
        failures.schedule(plan.provider, failure, count=plan.count, endpoint=plan.endpoint)
        return {"scheduled": plan.model_dump(), "pending": failures.pending()}

    @router.get("/failures")
    async def pending_failures() -> list[dict[str, Any]]:
        return failures.pending()

    @router.delete("/failures")
    async def clear_failures() -> dict[str, Any]:
        failures.clear()
        return {"pending": []}

    return router
