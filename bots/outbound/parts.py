"""What the bot will send, already shaped for one provider: one `OutboundPart` per API call.

Rendering is pure (bot replies in, provider request bodies out), so every channel's limits are
tested without a network, and a part is recorded before it is sent: a retried turn resends only
the parts the provider has not accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chat.replies import Button, Reply


@dataclass(frozen=True)
class OutboundPart:
    """One provider API call: `endpoint` (e.g. Telegram's method name) and its body."""

    kind: str  # text, buttons, list, image, media_group, numbered
    text: str  # what an agent reading the inbox sees
    endpoint: str
    body: dict[str, Any]


@dataclass
class Rendered:
    """The parts to send, and the numbered options to remember for replies like '2'."""

    parts: list[OutboundPart] = field(default_factory=list)
    numbered_options: list[str] = field(default_factory=list)  # payloads, in display order


def gallery_urls(reply: Reply) -> list[str]:
    """Images of a reply: its image, or a gallery given as custom {"gallery": [urls]}."""
    urls = list(reply.custom.get("gallery", [])) if reply.custom else []
    if reply.image_url:
        urls.insert(0, reply.image_url)
    return [str(url) for url in urls]


def split_text(text: str, limit: int) -> list[str]:
    """Split at paragraph, then line, then word boundaries so each piece fits `limit`."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut <= limit // 2:
            cut = limit  # no good boundary: cut hard
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def truncate(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with "…"; at a space when there is one to cut at, so a
    word is never cut in half ("2012 Land Cruiser…", not "2012 Land Cru…")."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space > 0 and not text[limit - 1].isspace():
        head = head[:space]
    return head.rstrip(" ,·-—") + "…"


def numbered(text: str, buttons: list[Button]) -> str:
    """Options as numbered lines, for channels without buttons: 'Reply with a number'."""
    lines = [text.rstrip(), ""] if text.strip() else []
    lines += [f"{number}. {button.title}" for number, button in enumerate(buttons, start=1)]
    return "\n".join(lines)
