"""A fake WhatsApp Cloud API: ``POST {base}/{version}/{phone_number_id}/messages`` on the Graph API.

Sends (text, interactive button/list, image, template, reaction and the other message types) answer
``{"messaging_product": "whatsapp", "contacts": [...], "messages": [{"id": "wamid..."}]}``; the
mark-as-read body (``"status": "read"``, optionally with a typing indicator) answers
``{"success": true}``. Errors have Graph's shape: ``{"error": {"message", "type", "code", ...}}``.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from devtools.fakes.control import FailureInjector, InjectedFailure
from devtools.fakes.recorder import Outcome, RequestRecorder, recorded_response

MESSAGE_TYPES = frozenset(
    [
        "audio",
        "contacts",
        "document",
        "image",
        "interactive",
        "location",
        "reaction",
        "sticker",
        "template",
        "text",
        "video",
    ]
)
MEDIA_TYPES = frozenset({"audio", "document", "image", "sticker", "video"})
INJECTED_DEFAULTS = {
    429: (130429, "Rate limit hit"),
    500: (131000, "Something went wrong"),
    503: (131016, "Service unavailable"),
}


class GraphError(Exception):
    """A Graph API error answer."""

    def __init__(self, status: int, code: int, title: str, details: str | None = None) -> None:
        super().__init__(title)
        self.status = status
        self.code = code
        self.title = title
        self.details = details

    def payload(self) -> dict[str, Any]:
        """The JSON body Graph answers with; WhatsApp errors carry error_data.details."""
        error: dict[str, Any] = {
            "message": self.title if self.code == 190 else f"(#{self.code}) {self.title}",
            "type": "OAuthException",
            "code": self.code,
        }
        if self.details is not None:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        error["fbtrace_id"] = "A" + secrets.token_urlsafe(16)
        return {"error": error}


def invalid(details: str) -> GraphError:
    """Error 131009 "Parameter value is not valid", with what was wrong in details."""
    return GraphError(400, 131009, "Parameter value is not valid", details)


def missing(parameter: str) -> GraphError:
    """Error 100 for a required parameter left out."""
    return GraphError(400, 100, f"The parameter {parameter} is required.")


def injected_error(failure: InjectedFailure) -> GraphError:
    """A scheduled failure in Graph's words (429 is code 130429, 500 is 131000)."""
    code, title = INJECTED_DEFAULTS.get(failure.status, (131000, "Something went wrong"))
    return GraphError(failure.status, failure.code or code, failure.message or title, title)


def check_access_token(request: Request, expected: str | None) -> None:
    """Refuse a missing bearer token, or one other than `expected` when it is set."""
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    token = token or request.query_params.get("access_token", "")
    if not token:
        raise GraphError(401, 190, "An active access token must be used to query information.")
    if expected is not None and token != expected:
        raise GraphError(401, 190, "Invalid OAuth access token - Cannot parse access token")


def _object(value: Any) -> dict[str, Any]:
    """The value if it is a JSON object, else an empty one (so a malformed part reads as absent)."""
    return value if isinstance(value, dict) else {}


def _text_within(value: Any, limit: int, what: str, *, minimum: int = 1) -> None:
    if not isinstance(value, str) or not minimum <= len(value) <= limit:
        raise invalid(f"{what} length invalid. Min length: {minimum}, Max length: {limit}")


def check_buttons(interactive: dict[str, Any]) -> None:
    """Reply buttons: 1-3, each with a reply id (<= 256) and a title (1-20), titles unique."""
    buttons = _object(interactive.get("action")).get("buttons")
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        raise invalid("Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: 3")
    for button in buttons:
        reply = button.get("reply") if isinstance(button, dict) else None
        if not isinstance(reply, dict) or button.get("type") != "reply":
            raise invalid("Button type must be reply, with a reply object")
        _text_within(reply.get("title"), 20, "Button title")
        _text_within(reply.get("id"), 256, "Button id")


def check_list(interactive: dict[str, Any]) -> None:
    """A list: a button label (1-20), 1-10 sections, 1-10 rows in all, row titles <= 24."""
    action = _object(interactive.get("action"))
    _text_within(action.get("button"), 20, "Button label")
    sections = action.get("sections")
    if not isinstance(sections, list) or not 1 <= len(sections) <= 10:
        raise invalid("Invalid sections count. Min allowed sections: 1, Max allowed sections: 10")
    sections = [_object(section) for section in sections]
    rows = [_object(row) for section in sections for row in section.get("rows") or []]
    if not rows:
        raise invalid("Total row count must be at least 1")
    if len(rows) > 10:
        raise invalid("Total row count exceed max allowed count: 10")
    for section in sections:
        if len(sections) > 1 or section.get("title") is not None:
            _text_within(section.get("title"), 24, "Section title")
    for row in rows:
        _text_within(row.get("title"), 24, "Row title")
        _text_within(row.get("id"), 200, "Row id")
        if row.get("description") is not None:
            _text_within(row["description"], 72, "Row description", minimum=0)


def check_interactive(interactive: Any) -> None:
    """Interactive messages: a body text (<= 1024) and valid buttons or list."""
    if not isinstance(interactive, dict) or not interactive.get("type"):
        raise missing("interactive['type']")
    kind = interactive["type"]
    if kind in {"button", "list"}:
        _text_within(_object(interactive.get("body")).get("text"), 1024, "Body text")
    footer = _object(interactive.get("footer")).get("text")
    if footer is not None:
        _text_within(footer, 60, "Footer text")
    if kind == "button":
        check_buttons(interactive)
    elif kind == "list":
        check_list(interactive)


def check_message(body: dict[str, Any]) -> str:
    """Validate a send as Graph would; return the message type."""
    if body.get("messaging_product") != "whatsapp":
        raise missing("messaging_product")
    if not body.get("to") and not body.get("recipient"):  # a number, or a business-scoped id
        raise missing("to")
    kind = body.get("type", "text")
    if kind not in MESSAGE_TYPES:
        allowed = ", ".join(sorted(name.upper() for name in MESSAGE_TYPES))
        raise GraphError(400, 100, f'Param type must be one of {{{allowed}}} - got "{kind}".')
    content = body.get(kind)
    if not isinstance(content, dict) and kind != "contacts":
        raise missing(kind)
    if kind == "text":
        text = content.get("body") if isinstance(content, dict) else None
        if not isinstance(text, str) or not text:
            raise missing("text['body']")
        if len(text) > 4096:
            raise GraphError(400, 100, "Param text['body'] must be at most 4096 characters long.")
    elif kind == "interactive":
        check_interactive(content)
    elif kind in MEDIA_TYPES:
        _check_media(kind, content)
    elif kind == "template":
        _check_template(content)
    elif kind == "reaction" and not _object(content).get("message_id"):
        raise missing("reaction['message_id']")
    return str(kind)


def _check_media(kind: str, media: Any) -> None:
    if not (media.get("link") or media.get("id")):
        raise GraphError(400, 131008, "Required parameter is missing", f"{kind}: link or id")
    caption = media.get("caption")
    if caption is not None:
        _text_within(caption, 1024, "Caption", minimum=0)


def _check_template(template: Any) -> None:
    if not template.get("name"):
        raise GraphError(400, 131008, "Required parameter is missing", "template['name']")
    if not _object(template.get("language")).get("code"):
        raise GraphError(400, 131008, "Required parameter is missing", "template['language']")


def check_read_receipt(body: dict[str, Any]) -> None:
    """The mark-as-read body, with an optional typing indicator of type text."""
    if body.get("messaging_product") != "whatsapp":
        raise missing("messaging_product")
    if not str(body.get("message_id") or "").startswith("wamid."):
        raise invalid("Invalid message_id: a wamid of a received message is expected")
    indicator = body.get("typing_indicator")
    if indicator is not None and (
        not isinstance(indicator, dict) or indicator.get("type") != "text"
    ):
        raise invalid("typing_indicator type must be text")


def new_wamid() -> str:
    """A fresh message id shaped like WhatsApp's: "wamid." and base64 text."""
    raw = b"\x1c\x18\x0c" + secrets.token_bytes(30)
    return "wamid." + base64.b64encode(raw).decode()


def sent(body: dict[str, Any], kind: str) -> dict[str, Any]:
    """The answer to an accepted send."""
    message: dict[str, Any] = {"id": new_wamid()}
    if kind == "template":
        message["message_status"] = "accepted"
    if body.get("to"):
        to = str(body["to"])
        contact = {"input": to, "wa_id": re.sub(r"\D", "", to) or to}
    else:
        contact = {"input": str(body["recipient"]), "user_id": str(body["recipient"])}
    return {"messaging_product": "whatsapp", "contacts": [contact], "messages": [message]}


async def _read_json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError as error:
        raise GraphError(400, 100, "Invalid parameter", "Request body is not valid JSON") from error
    if not isinstance(body, dict):
        raise GraphError(400, 100, "Invalid parameter", "Request body must be a JSON object")
    return body


def whatsapp_router(
    *, recorder: RequestRecorder, failures: FailureInjector, token: str | None
) -> APIRouter:
    """Routes for ``/{version}/{phone_number_id}/messages``; `token` None accepts any token."""
    router = APIRouter(tags=["whatsapp"])

    @router.post("/{version}/{phone_number_id}/messages")
    async def messages(request: Request, version: str, phone_number_id: str) -> JSONResponse:
        body: dict[str, Any] = {}
        endpoint = "messages"

        def reply(status: int, payload: dict[str, Any], outcome: Outcome) -> JSONResponse:
            return recorded_response(
                recorder, request, provider="whatsapp", endpoint=endpoint, body=body,
                status_code=status, payload=payload, outcome=outcome,
            )  # fmt: skip

        try:
            body = await _read_json(request)
            endpoint = "mark_read" if body.get("status") == "read" else "messages"
            if not re.fullmatch(r"v\d+\.\d+", version):
                raise GraphError(400, 2500, f"Unknown path components: /{version}")
            check_access_token(request, token)
        except GraphError as error:
            return reply(error.status, error.payload(), "rejected")
        failure = failures.take("whatsapp", endpoint, is_send=endpoint == "messages")
        if failure is not None:
            injected = injected_error(failure)
            return reply(injected.status, injected.payload(), "injected_failure")
        try:
            if endpoint == "mark_read":
                check_read_receipt(body)
                return reply(200, {"success": True}, "delivered")
            kind = check_message(body)
        except GraphError as error:
            return reply(error.status, error.payload(), "rejected")
        return reply(200, sent(body, kind), "delivered")

    return router
