"""How the staff API says no: the one handler that turns catalog errors into HTTP statuses, and
the bodies it (and FastAPI's own validation) sends, as models the OpenAPI schema names.

Statuses are decided here, at the web edge, never in the catalog:

| catalog error | status |
|---|---|
| `NotFound` for a row the URL names | 404 |
| `NotFound` for a row the body names (no id in the URL) | 422: the input is wrong, not the URL |
| `AuctionConflict` (open auction on the vehicle, already settled), `NotAwaiting` | 409 |
| any other `InvalidInput` | 422 |

A missing or wrong staff token is 401 (`webhook.staff.auth`).
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from catalog.auctions.service import AuctionConflict, NotAwaiting
from catalog.errors import CatalogError, InvalidInput, NotFound

# Refusals that depend on the state of a row (another request changed it, or will): 409.
_CONFLICTS: Final = (AuctionConflict, NotAwaiting)


class Problem(BaseModel):
    """Every refusal but FastAPI's own validation: one sentence a person can act on."""

    model_config = ConfigDict(extra="forbid")

    detail: str = Field(examples=["auction 12 is already sold"])


class FieldProblem(BaseModel):
    """One field FastAPI refused before the route ran (pydantic's error, as FastAPI sends it)."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(examples=["greater_than"])
    loc: list[str | int] = Field(examples=[["body", "starting_bid_cents"]])
    msg: str = Field(examples=["Input should be greater than 0"])
    input: Any = None
    ctx: dict[str, Any] | None = None


class ValidationProblem(BaseModel):
    """A request FastAPI refused before the route ran: each field that is wrong, and why."""

    model_config = ConfigDict(extra="forbid")

    detail: list[FieldProblem]


def catalog_status(error: CatalogError, *, url_names_a_row: bool) -> int:
    """The HTTP status of a catalog error (see the table above)."""
    if isinstance(error, NotFound):
        return (
            status.HTTP_404_NOT_FOUND if url_names_a_row else status.HTTP_422_UNPROCESSABLE_CONTENT
        )
    if isinstance(error, _CONFLICTS):
        return status.HTTP_409_CONFLICT
    return status.HTTP_422_UNPROCESSABLE_CONTENT


async def catalog_error_response(request: Request, error: Exception) -> JSONResponse:
    """The one handler of catalog errors: the status of the table above, a `Problem` body."""
    assert isinstance(error, NotFound | InvalidInput)  # registered for these only
    code = catalog_status(error, url_names_a_row=bool(request.path_params))
    return JSONResponse(Problem(detail=str(error)).model_dump(), status_code=code)


def add_catalog_error_handler(app: FastAPI) -> None:
    """Answer the catalog's refusals with their status (any other error stays a 500)."""
    for refusal in (NotFound, InvalidInput):
        app.add_exception_handler(refusal, catalog_error_response)


def documented(*statuses: int, invalid_input: bool = False) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: each status it returns, with the model of its body. A 422 is
    FastAPI's `ValidationProblem`, or also a `Problem` where the catalog refuses the input."""
    descriptions = {
        status.HTTP_401_UNAUTHORIZED: "No staff token, or a wrong one.",
        status.HTTP_404_NOT_FOUND: "No row with the id in the URL.",
        status.HTTP_409_CONFLICT: "The auction or vehicle is in a state that refuses the change.",
    }
    responses: dict[int | str, dict[str, Any]] = {
        code: {"model": Problem, "description": descriptions[code]} for code in statuses
    }
    responses[status.HTTP_422_UNPROCESSABLE_CONTENT] = (
        {"model": ValidationProblem | Problem,
         "description": "Invalid input: fields refused by FastAPI (a list), or terms the catalog "
         "refuses (a sentence)."}
        if invalid_input
        else {"model": ValidationProblem, "description": "Fields refused by FastAPI."}
    )  # fmt: skip
    return responses
