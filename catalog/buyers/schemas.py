"""Buyer profile changes a buyer can make from chat."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from chat.languages import Language


class BuyerProfileIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    language: Language | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
