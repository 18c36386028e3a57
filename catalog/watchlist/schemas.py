"""Saved-search input: the filters are the same structure the catalog search takes."""

from __future__ import annotations

from pydantic import BaseModel, Field

from catalog.vehicles.schemas import VehicleFilters


class SavedSearchIn(BaseModel):
    label: str = Field(default="", max_length=200)
    filters: VehicleFilters
