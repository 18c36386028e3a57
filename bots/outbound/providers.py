"""The three providers' HTTP APIs, as `ProviderClient`s for the `Sender`."""

from __future__ import annotations

from typing import Any

import httpx

from bots.config import ChannelSettings
from bots.outbound.parts import OutboundPart
from bots.outbound.sender import (
    PermanentSendError,
    RetryableSendError,
    SendError,
    retry_after_header,
)

# Graph API error codes that mean "try again later" rather than "this message is wrong".
_GRAPH_TRANSIENT = {1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131048, 131056, 133004}


def _transient_status(status: int) -> bool:
    return status == 429 or status >= 500


class TelegramClient:
    channel = "telegram"

    def __init__(self, settings: ChannelSettings) -> None:
        token = settings.telegram_bot_token.get_secret_value()
        self._base = f"{settings.telegram_api_base_url.rstrip('/')}/bot{token}"
        self.sender_id = token.partition(":")[0]  # the bot's id, never the secret part

    def request(self, part: OutboundPart) -> tuple[str, dict[str, Any]]:
        return f"{self._base}/{part.endpoint}", {"json": part.body}

    def chat_of(self, part: OutboundPart) -> str:
        return str(part.body.get("chat_id", ""))

    def is_group(self, chat: str) -> bool:
        return chat.startswith("-")  # groups and supergroups have negative ids

    def call(self, method: str, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """A call outside the recorded parts (typing action, answering a callback)."""
        return f"{self._base}/{method}", {"json": body}

    def message_id(self, response: httpx.Response) -> str | None:
        """'<chat id>:<message id>': Telegram numbers messages per chat, so the chat is part
        of the identity (two buyers both get message 1)."""
        result = response.json().get("result")
        messages = result if isinstance(result, list) else [result]  # sendMediaGroup: a list
        ids = [
            f"{message['chat']['id']}:{message['message_id']}"
            for message in messages
            if isinstance(message, dict) and "message_id" in message and "chat" in message
        ]
        return ",".join(ids)[:128] or None

    def classify(self, response: httpx.Response) -> SendError:
        data = _json(response)
        detail = str(data.get("description", response.text[:200]))
        if _transient_status(response.status_code):
            retry_after = (data.get("parameters") or {}).get("retry_after")
            return RetryableSendError(response.status_code, detail, _float(retry_after))
        return PermanentSendError(str(data.get("error_code", response.status_code)), detail)


class WhatsAppClient:
    channel = "whatsapp"

    def __init__(self, settings: ChannelSettings) -> None:
        self.sender_id = settings.whatsapp_phone_number_id
        self._url = (
            f"{settings.whatsapp_api_base_url.rstrip('/')}/{settings.whatsapp_api_version}/"
            f"{settings.whatsapp_phone_number_id}/messages"
        )
        self._headers = {
            "Authorization": f"Bearer {settings.whatsapp_access_token.get_secret_value()}"
        }

    def request(self, part: OutboundPart) -> tuple[str, dict[str, Any]]:
        return self._url, {"json": part.body, "headers": self._headers}

    def chat_of(self, part: OutboundPart) -> str:
        return str(part.body.get("to") or part.body.get("recipient") or "")

    def is_group(self, chat: str) -> bool:
        return False

    def call(self, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return self._url, {"json": body, "headers": self._headers}

    def message_id(self, response: httpx.Response) -> str | None:
        messages = _json(response).get("messages") or []
        return str(messages[0]["id"]) if messages else None

    def classify(self, response: httpx.Response) -> SendError:
        error = _json(response).get("error") or {}
        code = error.get("code")
        detail = str(error.get("message", response.text[:200]))
        if _transient_status(response.status_code) or code in _GRAPH_TRANSIENT:
            return RetryableSendError(response.status_code, detail, retry_after_header(response))
        return PermanentSendError(str(code or response.status_code), detail)


class TwilioClient:
    channel = "twilio"

    def __init__(self, settings: ChannelSettings) -> None:
        self.sender_id = settings.twilio_whatsapp_from
        sid = settings.twilio_account_sid
        self._url = (
            f"{settings.twilio_api_base_url.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
        )
        self._auth = (sid, settings.twilio_auth_token.get_secret_value())

    def chat_of(self, part: OutboundPart) -> str:
        return str(part.body.get("To", ""))

    def is_group(self, chat: str) -> bool:
        return False

    def request(self, part: OutboundPart) -> tuple[str, dict[str, Any]]:
        return self._url, {"data": part.body, "auth": self._auth}

    def message_id(self, response: httpx.Response) -> str | None:
        sid = _json(response).get("sid")
        return str(sid) if sid else None

    def classify(self, response: httpx.Response) -> SendError:
        data = _json(response)
        detail = str(data.get("message", response.text[:200]))
        if _transient_status(response.status_code):
            return RetryableSendError(response.status_code, detail, retry_after_header(response))
        return PermanentSendError(str(data.get("code", response.status_code)), detail)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
