"""Twilio WhatsApp rendering: text with numbered options, one media per message."""

from __future__ import annotations

import json

from bots.outbound.parts import OutboundPart, Rendered, gallery_urls, numbered, split_text
from chat.replies import Reply

BODY_LIMIT = 1600  # Twilio's limit for a WhatsApp message body


def render_twilio(replies: list[Reply], to: str, sender: str, status_callback: str) -> Rendered:
    rendered = Rendered()

    def form(**fields: str) -> dict[str, str]:
        return {"To": to, "From": sender, "StatusCallback": status_callback, **fields}

    for reply in replies:
        for url in gallery_urls(reply):
            rendered.parts.append(OutboundPart("image", url, "Messages", form(MediaUrl=url)))
        text = reply.text
        if reply.buttons:
            rendered.numbered_options = [button.payload for button in reply.buttons]
            text = numbered(reply.text, reply.buttons)
        for piece in split_text(text, BODY_LIMIT):
            kind = "numbered" if reply.buttons else "text"
            rendered.parts.append(OutboundPart(kind, piece, "Messages", form(Body=piece)))
    return rendered


def render_twilio_template(
    to: str, sender: str, status_callback: str, content_sid: str, params: list[str]
) -> OutboundPart:
    """A Content API template (ContentSid, HX...) with its variables {"1": ..., "2": ...}: the
    only message Twilio delivers on WhatsApp outside the 24-hour window."""
    variables = {str(number): value for number, value in enumerate(params, start=1)}
    form = {"To": to, "From": sender, "StatusCallback": status_callback,
            "ContentSid": content_sid, "ContentVariables": json.dumps(variables)}  # fmt: skip
    return OutboundPart("template", f"[template {content_sid}] " + " · ".join(params),
                        "Messages", form)  # fmt: skip
