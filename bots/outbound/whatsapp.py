"""WhatsApp Cloud API rendering: reply buttons (<= 3), a list (<= 10 rows) or numbered text."""

from __future__ import annotations

from typing import Any

from heyoo import WhatsApp

from bots.outbound.parts import OutboundPart, Rendered, gallery_urls, numbered, split_text, truncate
from chat.replies import Button, Reply

TEXT_LIMIT = 4096
BODY_LIMIT = 1024  # interactive message body
CAPTION_LIMIT = 1024
MAX_REPLY_BUTTONS = 3
BUTTON_TITLE_LIMIT = 20
MAX_LIST_ROWS = 10
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
ROW_ID_LIMIT = 200
LIST_BUTTON_LABEL = "Options"


def render_whatsapp(replies: list[Reply], to: str) -> Rendered:
    rendered = Rendered()
    for reply in replies:
        for url in gallery_urls(reply):
            body = _message(to, "image", {"link": url})
            rendered.parts.append(OutboundPart("image", url, "messages", body))
        if reply.buttons:
            rendered.parts.extend(_choices(reply, to, rendered))
        elif reply.text:
            for piece in split_text(reply.text, TEXT_LIMIT):
                body = _message(to, "text", {"body": piece, "preview_url": True})
                rendered.parts.append(OutboundPart("text", piece, "messages", body))
    return rendered


def _message(to: str, kind: str, content: dict[str, Any]) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual",
            **addressed_to(to), "type": kind, kind: content}  # fmt: skip


def addressed_to(chat_id: str) -> dict[str, str]:
    """Who a send goes to: a number in "to"; a user Meta names only by their business-scoped
    user id (a username user whose number is withheld) in "recipient", as Graph documents."""
    return {"to": chat_id} if chat_id.isdigit() else {"recipient": chat_id}


def _choices(reply: Reply, to: str, rendered: Rendered) -> list[OutboundPart]:
    buttons = reply.buttons
    body_text = reply.text.strip() or "Choose:"
    fits_body = len(body_text) <= BODY_LIMIT
    if (
        fits_body
        and len(buttons) <= MAX_REPLY_BUTTONS
        and all(_fits(b, BUTTON_TITLE_LIMIT) for b in buttons)
    ):
        return [
            OutboundPart("buttons", body_text, "messages", _reply_buttons(to, body_text, buttons))
        ]
    if (
        fits_body
        and len(buttons) <= MAX_LIST_ROWS
        and all(len(b.payload) <= ROW_ID_LIMIT for b in buttons)
    ):
        return [OutboundPart("list", body_text, "messages", _list(to, body_text, buttons))]
    # Does not fit WhatsApp's interactive limits: numbered text the buyer answers with a digit.
    rendered.numbered_options = [button.payload for button in buttons]
    return [
        OutboundPart("numbered", piece, "messages", _message(to, "text", {"body": piece}))
        for piece in split_text(numbered(reply.text, buttons), TEXT_LIMIT)
    ]


def _fits(button: Button, title_limit: int) -> bool:
    return len(button.title) <= title_limit and len(button.payload) <= ROW_ID_LIMIT


def _reply_buttons(to: str, text: str, buttons: list[Button]) -> dict[str, Any]:
    action = {"buttons": [{"type": "reply", "reply": {"id": b.payload, "title": b.title}}
                          for b in buttons]}  # fmt: skip
    return _message(to, "interactive", {"type": "button", "body": {"text": text}, "action": action})


def _row(button: Button) -> dict[str, str]:
    """A list row: the title as it fits (cut at a word), the whole of it in the description."""
    row = {"id": button.payload, "title": truncate(button.title, ROW_TITLE_LIMIT)}
    if row["title"] != button.title:
        row["description"] = truncate(button.title, ROW_DESCRIPTION_LIMIT)
    return row


def _list(to: str, text: str, buttons: list[Button]) -> dict[str, Any]:
    rows = [_row(b) for b in buttons]
    action = {"button": LIST_BUTTON_LABEL, "sections": [{"title": "Options", "rows": rows}]}
    # heyoo builds the interactive list object in the shape the Graph API expects.
    interactive = WhatsApp().create_button({"body": text, "action": action})
    return _message(to, "interactive", interactive)


def render_whatsapp_template(
    to: str, name: str, language: str, params: list[str], button_payloads: list[str]
) -> OutboundPart:
    """An approved template (the only message allowed outside the 24-hour window): its body
    variables in order, and the payload each of its quick-reply buttons sends back."""
    components: list[dict[str, Any]] = []
    if params:
        components.append({"type": "body", "parameters": [
            {"type": "text", "text": _template_text(value)} for value in params
        ]})  # fmt: skip
    components += [
        {"type": "button", "sub_type": "quick_reply", "index": str(index),
         "parameters": [{"type": "payload", "payload": payload}]}
        for index, payload in enumerate(button_payloads[:MAX_TEMPLATE_BUTTONS])
    ]  # fmt: skip
    content = {"name": name, "language": {"code": language}, "components": components}
    text = f"[template {name}] " + " · ".join(params)
    return OutboundPart("template", text, "messages", _message(to, "template", content))


MAX_TEMPLATE_BUTTONS = 10  # quick replies a template may carry
TEMPLATE_PARAM_LIMIT = 1024


def _template_text(value: str) -> str:
    """Meta refuses a variable with a newline, a tab or more than four spaces in a row."""
    flat = " ".join(value.split())
    return truncate(flat or "-", TEMPLATE_PARAM_LIMIT)
