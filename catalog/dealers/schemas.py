"""Dealer input as staff or an importer give it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from catalog.errors import InvalidInput
from catalog.phone import normalise_e164


class DealerIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str = Field(min_length=2, max_length=200)
    country: str = Field(pattern=r"^(US|CA)$")
    region: str = Field(default="", max_length=80)
    city: str = Field(default="", max_length=120)
    contact_name: str = Field(default="", max_length=200)
    phone: str | None = None
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    telegram_chat_id: int | None = None
    telegram_link: str | None = Field(default=None, pattern=r"^https://t\.me/[\w+/-]+$")

    @field_validator("phone")
    @classmethod
    def _phone_is_e164(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return normalise_e164(value)
        except InvalidInput as error:
            raise ValueError(str(error)) from error
