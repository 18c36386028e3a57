"""A fake Telegram Bot API: ``{base}/bot{token}/{method}``, as api.telegram.org answers it.

Parameters come as a query string, JSON, form-urlencoded or multipart/form-data (python-telegram-bot
sends forms whose nested values are JSON text); method names are case-insensitive. Answers are
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": ..., "description": ...}``.

Deliberate differences: an http:// webhook URL is accepted (the demo runs without TLS), a message
goes to any numeric chat id, and sendMediaGroup refuses a single item, as the documentation's
"2-10 items" says.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from devtools.fakes.control import FailureInjector, InjectedFailure
from devtools.fakes.recorder import Outcome, RequestRecorder, recorded_response

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendMediaGroup"})
CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)
JSON_FIELDS = frozenset(
    [
        "reply_markup",
        "media",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "allowed_updates",
    ]
)
INT_FIELDS = frozenset(["message_id", "reply_to_message_id", "message_thread_id", "cache_time"])
BOOL_FIELDS = frozenset(
    [
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "has_spoiler",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "show_caption_above_media",
    ]
)


class TelegramError(Exception):
    """An answer with ok=false, as the Bot API words it."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram answers with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> TelegramError:
    """A 400 whose description starts "Bad Request: ", as Telegram's do."""
    return TelegramError(400, f"Bad Request: {reason}")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def injected_error(failure: InjectedFailure) -> TelegramError:
    """A scheduled failure in Telegram's words (429 carries parameters.retry_after)."""
    if failure.status == 429:
        retry_after = 1 if failure.retry_after is None else failure.retry_after
        description = failure.message or f"Too Many Requests: retry after {retry_after}"
        return TelegramError(429, description, retry_after)
    default = "Forbidden: bot was blocked by the user" if failure.status == 403 else None
    phrase = _phrase(failure.status)
    return TelegramError(failure.status, failure.message or default or phrase)


async def read_parameters(request: Request) -> dict[str, Any]:
    """The method's parameters from the query string and body, nested JSON values decoded."""
    params: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if "application/json" in content_type:
        try:
            body = await request.json()
        except ValueError as error:
            raise bad_request("can't parse JSON object") from error
        if isinstance(body, dict):
            params.update(body)
    elif "form" in content_type:
        async with request.form() as form:
            for name, value in form.multi_items():
                params[name] = _upload(value) if isinstance(value, UploadFile) else value
    return {name: _decode(name, value) for name, value in params.items()}


def _upload(file: UploadFile) -> dict[str, Any]:
    return {"filename": file.filename, "content_type": file.content_type, "size": file.size}


def _decode(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if (name == "chat_id" or name in INT_FIELDS) and re.fullmatch(r"-?\d+", value):
        return int(value)
    if name in BOOL_FIELDS and value in {"true", "false"}:
        return value == "true"
    return value


def visible_length(text: str, parse_mode: str | None) -> int:
    """Length of the text after entity parsing, which is what Telegram limits."""
    if parse_mode and parse_mode.lower() == "html":
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    elif parse_mode and parse_mode.lower().startswith("markdown"):
        text = re.sub(r"\\(.)", r"\1", text)
    return len(text.strip())


def check_reply_markup(markup: Any) -> None:
    """Refuse the inline keyboards Telegram refuses (callback_data is 1-64 bytes)."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise bad_request("object expected as reply markup")
    for row in markup.get("inline_keyboard", []):
        for button in row if isinstance(row, list) else []:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("can't parse inline keyboard button: Text must be non-empty")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")


def check_caption(params: dict[str, Any]) -> None:
    """Refuse a caption longer than 1024 characters after entity parsing."""
    caption = params.get("caption")
    if caption and visible_length(str(caption), params.get("parse_mode")) > MAX_CAPTION:
        raise bad_request("message caption is too long")


def _chat(chat_id: Any) -> dict[str, Any]:
    if isinstance(chat_id, str) and chat_id.startswith("@") and len(chat_id) > 1:
        return {"id": -1001000000000 - len(chat_id), "title": chat_id[1:], "type": "channel"}
    if not isinstance(chat_id, int) or isinstance(chat_id, bool) or chat_id == 0:
        raise bad_request("chat not found" if chat_id not in (None, "") else "chat_id is empty")
    if chat_id > 0:
        return {"id": chat_id, "first_name": "Buyer", "type": "private"}
    kind = "supergroup" if str(chat_id).startswith("-100") else "group"
    return {"id": chat_id, "title": "Group", "type": kind}


def _photo_sizes() -> list[dict[str, Any]]:
    unique = secrets.token_urlsafe(8)
    return [
        {
            "file_id": f"AgACAgQAAxkDAAI{unique}{width}",
            "file_unique_id": f"AQAD{unique}{width}",
            "file_size": width * height // 10,
            "width": width,
            "height": height,
        }
        for width, height in ((90, 68), (320, 240), (800, 600))
    ]


Method = Callable[[str, dict[str, Any]], tuple[Any, str | None]]
"""A Bot API method: (bot token, parameters) -> (result, description or None)."""


class TelegramFake:
    """The fake bot's state: its webhook per token, and message ids per chat."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._webhooks: dict[str, dict[str, Any]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        handlers: dict[str, Method] = {
            "getMe": self.get_me,
            "getWebhookInfo": self.get_webhook_info,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendMediaGroup": self.send_media_group,
            "sendChatAction": self.send_chat_action,
            "answerCallbackQuery": self.answer_callback_query,
        }
        self.methods = {name.lower(): (name, handler) for name, handler in handlers.items()}

    def _message(self, token: str, chat_id: Any, content: dict[str, Any]) -> dict[str, Any]:
        chat = _chat(chat_id)
        with self._lock:
            counter = self._message_ids.setdefault(chat["id"], itertools.count(1))
            message_id = next(counter)
        sender = self.get_me(token, {})[0]
        message = {"message_id": message_id, "from": sender, "chat": chat}
        return message | {"date": int(time.time())} | content

    def get_me(self, token: str, params: dict[str, Any]) -> tuple[Any, str | None]:
        prefix = token.split(":", 1)[0]
        user = {
            "id": int(prefix) if prefix.isdigit() else 1,
            "is_bot": True,
            "first_name": "Nzila (fake)",
            "username": "nzila_fake_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        return user, None

    def get_webhook_info(self, token: str, params: dict[str, Any]) -> tuple[Any, str | None]:
        with self._lock:
            webhook = dict(self._webhooks.get(token, {}))
        info: dict[str, Any] = {"url": "", "has_custom_certificate": False}
        info["pending_update_count"] = 0
        if webhook:
            info |= {"url": webhook["url"], "max_connections": 40, "ip_address": "127.0.0.1"}
            if webhook.get("allowed_updates") is not None:
                info["allowed_updates"] = webhook["allowed_updates"]
        return info, None

    def set_webhook(self, token: str, params: dict[str, Any]) -> tuple[Any, str | None]:
        url = str(params.get("url") or "")
        if not url:
            return self.delete_webhook(token, params)
        if not re.match(r"https?://[^/\s]+", url):
            raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
        webhook = {"url": url, "allowed_updates": params.get("allowed_updates")}
        webhook["secret_token"] = params.get("secret_token")
        with self._lock:
            already = self._webhooks.get(token) == webhook
            self._webhooks[token] = webhook
        return True, "Webhook is already set" if already else "Webhook was set"

    def delete_webhook(self, token: str, params: dict[str, Any]) -> tuple[Any, str | None]:
        with self._lock:
            existed = self._webhooks.pop(token, None) is not None
        return True, "Webhook was deleted" if existed else "Webhook is already deleted"

    def send_message(self, token: str, params: dict[str, Any]) -> tuple[Any, str | None]:
        _chat(params.get("chat_id"))
        text = str(params.get("text") or "")
        length = visible_length(text, params.get("parse_mode"))
        if length == 0:
            raise bad_request("message text is empty")
        if length > MAX_TEXT:
            raise bad_request("message is too long")
        check_reply_markup(params.get("reply_markup"))
        content: dict[str, Any] = {"text": text}
        if (
            isinstance(params.get("reply_markup"), dict)
            and "inline_keyboard" in (params["reply_markup"])
        ):
            content["reply_markup"] = params["reply_markup"]
        return self._message(token, params.get("chat_id"), content), None

    def send_photo(self, token: str, params: dict[str, Any]) -> tuple[Any, str | None]:
        _chat(params.get("chat_id"))
        if not params.get("photo"):
            raise bad_request("there is no photo in the request")
        check_caption(params)
        check_reply_markup(params.get("reply_markup"))
        content: dict[str, Any] = {"photo": _photo_sizes()}
        if params.get("caption"):
            content["caption"] = params["caption"]
        return self._message(token, params.get("chat_id"), content), None

    def send_media_group(self, token: str, params: dict[str, Any]) -> tuple[Any, str | None]:
        _chat(params.get("chat_id"))
        media = params.get("media")
        if media is None:
            raise bad_request('parameter "media" is required')
        if not isinstance(media, list):
            raise bad_request("can't parse media JSON object")
        if not media:
            raise bad_request("there are no messages to send")
        if len(media) > 10:
            raise bad_request("too many messages to send as an album")
        if len(media) < 2:
            raise bad_request("media group must include 2-10 items")
        for item in media:
            _check_input_media(item, params)
        kinds = {item["type"] for item in media}
        if "document" in kinds and kinds != {"document"}:
            raise bad_request("document can't be mixed with other media types")
        group_id = str(secrets.randbelow(10**17) + 10**17)
        messages = []
        for item in media:
            content: dict[str, Any] = {"media_group_id": group_id}
            content[item["type"]] = (
                _photo_sizes()
                if item["type"] == "photo"
                else {
                    "file_id": f"BQACAgQAAxkDAAI{secrets.token_urlsafe(8)}",
                    "file_unique_id": f"AgAD{secrets.token_urlsafe(6)}",
                }
            )
            if item.get("caption"):
                content["caption"] = item["caption"]
            messages.append(self._message(token, params.get("chat_id"), content))
        return messages, None

    def send_chat_action(self, token: str, params: dict[str, Any]) -> tuple[Any, str | None]:
        _chat(params.get("chat_id"))
        action = params.get("action")
        if not action:
            raise bad_request('parameter "action" is required')
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True, None

    def answer_callback_query(self, token: str, params: dict[str, Any]) -> tuple[Any, str | None]:
        if not params.get("callback_query_id"):
            raise bad_request('parameter "callback_query_id" is required')
        return True, None


def _check_input_media(item: Any, params: dict[str, Any]) -> None:
    if not isinstance(item, dict) or item.get("type") not in {
        "photo",
        "video",
        "document",
        "audio",
    }:
        raise bad_request("can't parse InputMedia: media type is unsupported")
    reference = item.get("media")
    if not isinstance(reference, str) or not reference:
        raise bad_request("can't parse InputMedia: media not found")
    if reference.startswith("attach://") and reference.removeprefix("attach://") not in params:
        raise bad_request("can't parse InputMedia: media not found")
    check_caption(item)


def telegram_router(
    *, recorder: RequestRecorder, failures: FailureInjector, token: str | None
) -> APIRouter:
    """Routes for ``/bot{token}/{method}``; `token` None accepts any bot token."""
    fake = TelegramFake()
    router = APIRouter(tags=["telegram"])

    @router.api_route("/bot{bot_token}/{method}", methods=["GET", "POST"])
    async def call_method(request: Request, bot_token: str, method: str) -> JSONResponse:
        endpoint, handler = fake.methods.get(method.lower(), (method, None))

        def reply(status: int, payload: dict[str, Any], outcome: Outcome) -> JSONResponse:
            return recorded_response(
                recorder, request, provider="telegram", endpoint=endpoint, body=params,
                status_code=status, payload=payload, outcome=outcome,
            )  # fmt: skip

        params: dict[str, Any] = {}
        try:
            params = await read_parameters(request)
            if token is not None and bot_token != token:
                raise TelegramError(401, "Unauthorized")
            if handler is None:
                raise TelegramError(404, "Not Found")
        except TelegramError as error:
            return reply(error.status, error.payload(), "rejected")
        failure = failures.take("telegram", endpoint, is_send=endpoint in SEND_METHODS)
        if failure is not None:
            injected = injected_error(failure)
            return reply(injected.status, injected.payload(), "injected_failure")
        try:
            result, description = handler(bot_token, params)
        except TelegramError as error:
            return reply(error.status, error.payload(), "rejected")
        answer: dict[str, Any] = {"ok": True, "result": result}
        if description:
            answer["description"] = description
        return reply(200, answer, "delivered")

    return router
