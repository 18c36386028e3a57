"""Links from a web page into a chat about one vehicle, and how the chat reads them back.

- Telegram: ``https://t.me/<bot>?start=vehicle_12``. Telegram opens the chat with a Start button;
  the bot receives ``/start vehicle_12`` (a start parameter is at most 64 of ``A-Za-z0-9_-``).
- WhatsApp (Cloud API and Twilio): ``https://wa.me/<number>?text=...``. WhatsApp opens the chat
  with the text typed in and the buyer sends it; the text ends with a reference, ``(ref V12)``,
  that the bot reads back whatever else the buyer changed in it.

Either way the chat answers with the vehicle's card, as if its button had been tapped.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import quote

from chat.payloads import build_payload

VEHICLE_DETAILS_INTENT: Final = "vehicle_details"
_START: Final = re.compile(r"vehicle_(\d{1,12})")
_REFERENCE: Final = re.compile(r"\(\s*ref\s*V(\d{1,12})\s*\)", re.IGNORECASE)


def vehicle_start_parameter(vehicle_id: int) -> str:
    """The Telegram start parameter that opens a vehicle: "vehicle_12"."""
    return f"vehicle_{vehicle_id}"


def vehicle_reference(vehicle_id: int) -> str:
    """The reference a WhatsApp message carries to name a vehicle: "(ref V12)"."""
    return f"(ref V{vehicle_id})"


def telegram_vehicle_link(bot_username: str, vehicle_id: int) -> str:
    """A t.me link that opens the bot's chat about the vehicle."""
    return f"https://t.me/{bot_username.lstrip('@')}?start={vehicle_start_parameter(vehicle_id)}"


def whatsapp_vehicle_link(number: str, vehicle_id: int, title: str) -> str:
    """A wa.me link that opens a chat with the business number (E.164, "+" and spaces allowed)
    with a message about the vehicle ready to send."""
    digits = "".join(char for char in number if char.isdigit())
    text = f"Hello, I am interested in the {title} {vehicle_reference(vehicle_id)}"
    return f"https://wa.me/{digits}?text={quote(text)}"


def payload_for_start(parameter: str | None) -> str | None:
    """The button payload a Telegram start parameter stands for, or None: "vehicle_12" ->
    ``/vehicle_details{"vehicle_id":"12"}``."""
    match = _START.fullmatch((parameter or "").strip())
    return build_payload(VEHICLE_DETAILS_INTENT, vehicle_id=int(match.group(1))) if match else None


def payload_in_text(text: str) -> str | None:
    """The button payload a sent WhatsApp link's text stands for (its "(ref V12)"), or None."""
    match = _REFERENCE.search(text)
    return build_payload(VEHICLE_DETAILS_INTENT, vehicle_id=int(match.group(1))) if match else None
