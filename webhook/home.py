"""The front page of a running Nzila: what is in stock, with links to galleries and searches."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select

from catalog.dealers.models import Dealer
from catalog.errors import InvalidFilter
from catalog.vehicles.models import Vehicle
from catalog.vehicles.schemas import VehicleFilters, VehicleSort
from catalog.vehicles.search import search_vehicles
from chat.money import format_money
from webhook.deps import SessionDep

router = APIRouter()
templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))
templates.env.filters["price"] = lambda cents, currency: format_money(cents, currency, "en")


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(
    request: Request, db_session: SessionDep, q: str = "", cursor: str | None = None
) -> HTMLResponse:
    error = None
    page = None
    try:
        page = search_vehicles(
            db_session=db_session,
            filters=VehicleFilters(text=q or None),
            sort=VehicleSort.NEWEST if not q else VehicleSort.PRICE_ASC,
            limit=20,
            cursor=cursor,
        )
    except InvalidFilter as problem:
        error = str(problem)
    context = {
        "q": q,
        "page": page,
        "error": error,
        "vehicle_count": db_session.scalar(select(func.count()).select_from(Vehicle)),
        "dealer_count": db_session.scalar(select(func.count()).select_from(Dealer)),
    }
    return templates.TemplateResponse(request, "home.html", context)
