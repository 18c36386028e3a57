"""The bot's replies to one simulated user, read from what the fake providers recorded.

Each delivered send becomes a `ReplyView`: its text, its images, and its choices in the shape the
channel shows them (a Telegram inline keyboard, WhatsApp reply buttons or a list, or numbered
text on Twilio). Typing indicators, read receipts and callback answers are not replies: skipped.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from bots.config import ChannelSettings
from chat.messages import Channel
from devtools.simulator import RepliesUnavailable
from devtools.simulator.webhooks import reply_chat_id

TELEGRAM_SENDS = frozenset({"sendMessage", "sendPhoto", "sendMediaGroup"})
REQUESTS_PATH = "/_fake/requests"
_OPTION = re.compile(r"^(\d{1,2})[.)] +(\S.*)$")

Record = Mapping[str, Any]


class ChoiceStyle(enum.StrEnum):
    NONE = "none"
    INLINE_KEYBOARD = "inline_keyboard"  # Telegram: keys under the message, in rows
    REPLY_BUTTONS = "reply_buttons"  # WhatsApp: up to 3 buttons under the message
    LIST = "list"  # WhatsApp: one button opening a list of up to 10 rows
    NUMBERED = "numbered"  # plain text '1. …' lines: the user answers with the number


class Choice(BaseModel):
    """One option offered: tapping it sends `payload` (for numbered text, the number)."""

    model_config = ConfigDict(frozen=True)

    title: str
    payload: str
    description: str = ""
    url: str | None = None  # a link button (Telegram url key, WhatsApp cta_url)


class ReplyView(BaseModel):
    """One message the bot sent, as the channel shows it, whatever the provider's format."""

    model_config = ConfigDict(frozen=True)

    seq: int  # the fakes' sequence number of the send
    channel: Channel
    message_id: str | None = None  # provider's id: tapping a button of it may quote it
    text: str = ""
    header: str = ""
    footer: str = ""
    images: list[str] = []
    style: ChoiceStyle = ChoiceStyle.NONE
    rows: list[list[Choice]] = []
    list_label: str = ""  # WhatsApp list: the label of the button that opens it

    @property
    def choices(self) -> list[Choice]:
        """Every choice, in reading order (row by row)."""
        return [choice for row in self.rows for choice in row]


def read_replies(
    records: Iterable[Record], channel: Channel | str, user_id: str
) -> list[ReplyView]:
    """The replies to `user_id` on `channel` among the fakes' recorded requests, oldest first.

    Only requests the fake accepted count: a send it refused never reached a phone.
    """
    channel = Channel(channel)
    chat_id = reply_chat_id(channel, user_id)
    reader = _READERS[channel]
    views = []
    for record in records:
        if record.get("provider") != channel.value or not record.get("delivered"):
            continue
        body = record.get("body")
        if isinstance(body, Mapping) and _recipient(channel, body) == chat_id:
            view = reader(record, body)
            if view is not None:
                views.append(view)
    return views


def last_seq(records: Iterable[Record], since: int = 0) -> int:
    """The highest sequence number among `records`, or `since` when there is none higher."""
    return max([since, *(int(record.get("seq", 0)) for record in records)])


def fakes_base_url(settings: ChannelSettings, channel: Channel | str) -> str:
    """Where `channel`'s provider API is; in development, the fake providers that record sends."""
    urls = {
        Channel.TELEGRAM: settings.telegram_api_base_url,
        Channel.WHATSAPP: settings.whatsapp_api_base_url,
        Channel.TWILIO: settings.twilio_api_base_url,
    }
    return urls[Channel(channel)]


def requests_url(fakes_url: str, channel: Channel | str, since: int) -> str:
    """The control API URL listing `channel`'s recorded requests after `since`."""
    return f"{fakes_url.rstrip('/')}{REQUESTS_PATH}?provider={Channel(channel).value}&since={since}"


def recorded_requests(response: httpx.Response) -> list[Record]:
    """The records of a /_fake/requests answer.

    Raises:
        RepliesUnavailable: the answer is not the fakes' list (a real API, or an error).
    """
    if response.status_code == 404:
        raise RepliesUnavailable(
            f"{response.request.url.host} has no /_fake/requests: point the channel's API base "
            "URL at the fake providers (`nzila fake-providers`) to see replies"
        )
    try:
        records = response.json() if response.is_success else None
    except ValueError:
        records = None
    if not isinstance(records, list):
        raise RepliesUnavailable(f"the fake providers answered {response.status_code}")
    return [record for record in records if isinstance(record, Mapping)]


def _recipient(channel: Channel, body: Mapping[str, Any]) -> str:
    if channel is Channel.TELEGRAM:
        return str(body.get("chat_id", ""))
    if channel is Channel.WHATSAPP:
        return re.sub(r"\D", "", str(body.get("to", "")))
    return str(body.get("To", ""))


def _base(record: Record, channel: Channel, message_id: Any) -> dict[str, Any]:
    return {"seq": int(record["seq"]), "channel": channel,
            "message_id": str(message_id) if message_id else None}  # fmt: skip


# --- Telegram ----------------------------------------------------------------------------------


def _telegram(record: Record, body: Mapping[str, Any]) -> ReplyView | None:
    endpoint = record.get("endpoint")
    if endpoint not in TELEGRAM_SENDS:
        return None  # sendChatAction, answerCallbackQuery, getMe, setWebhook
    result = (record.get("response") or {}).get("result")
    first = result[0] if isinstance(result, list) and result else result
    view = _base(record, Channel.TELEGRAM, _mapping(first).get("message_id"))
    if endpoint == "sendMediaGroup":
        media = [item for item in body.get("media") or [] if isinstance(item, Mapping)]
        view["images"] = [_image_ref(item.get("media")) for item in media]
        view["text"] = next((str(item["caption"]) for item in media if item.get("caption")), "")
    elif endpoint == "sendPhoto":
        view["images"] = [_image_ref(body.get("photo"))]
        view["text"] = str(body.get("caption") or "")
    else:
        view["text"] = str(body.get("text") or "")
    rows = _keyboard(body.get("reply_markup"))
    if rows:
        view |= {"style": ChoiceStyle.INLINE_KEYBOARD, "rows": rows}
    return ReplyView(**view)


def _keyboard(markup: Any) -> list[list[Choice]]:
    keyboard = markup.get("inline_keyboard") if isinstance(markup, Mapping) else None
    rows = []
    for row in keyboard if isinstance(keyboard, list) else []:
        keys = [key for key in row if isinstance(key, Mapping)] if isinstance(row, list) else []
        choices = [Choice(title=str(key.get("text", "")),
                          payload=str(key.get("callback_data") or ""),
                          url=key.get("url")) for key in keys]  # fmt: skip
        if choices:
            rows.append(choices)
    return rows


def _image_ref(media: Any) -> str:
    """A photo's URL; an uploaded file or a Telegram file_id is named, not shown."""
    if isinstance(media, str) and media.startswith(("http://", "https://")):
        return media
    if isinstance(media, Mapping):
        return f"upload:{media.get('filename') or 'photo'}"
    return f"file:{media}"


# --- WhatsApp Cloud API ------------------------------------------------------------------------


def _whatsapp(record: Record, body: Mapping[str, Any]) -> ReplyView | None:
    if record.get("endpoint") != "messages":
        return None  # mark_read with its typing indicator
    sent = (record.get("response") or {}).get("messages") or [{}]
    view = _base(record, Channel.WHATSAPP, sent[0].get("id"))
    kind = str(body.get("type", "text"))
    content = body.get(kind)
    content = content if isinstance(content, Mapping) else {}
    if kind == "text":
        view |= _numbered(str(content.get("body") or ""))
    elif kind == "image":
        view["images"] = [str(content.get("link") or f"media:{content.get('id')}")]
        view["text"] = str(content.get("caption") or "")
    elif kind == "interactive":
        view |= _interactive(content)
    elif kind == "template":
        view["text"] = _template(content)
    else:  # location, document, sticker, ...: named, not drawn
        view["text"] = f"[{kind}]"
    return ReplyView(**view)


def _interactive(interactive: Mapping[str, Any]) -> dict[str, Any]:
    action = _mapping(interactive.get("action"))
    header = _mapping(interactive.get("header"))
    view: dict[str, Any] = {
        "text": str(_mapping(interactive.get("body")).get("text") or ""),
        "footer": str(_mapping(interactive.get("footer")).get("text") or ""),
        "header": str(header.get("text") or "") if header.get("type") == "text" else "",
    }
    image = _mapping(header.get("image"))
    if image:
        view["images"] = [str(image.get("link") or f"media:{image.get('id')}")]
    kind = interactive.get("type")
    if kind == "button":
        buttons = [
            _mapping(_mapping(button).get("reply")) for button in action.get("buttons") or []
        ]
        view["rows"] = [[_choice(button)] for button in buttons]
        view["style"] = ChoiceStyle.REPLY_BUTTONS
    elif kind == "list":
        rows = [_mapping(row) for section in action.get("sections") or []
                for row in _mapping(section).get("rows") or []]  # fmt: skip
        view["rows"] = [[_choice(row)] for row in rows]
        view |= {"style": ChoiceStyle.LIST, "list_label": str(action.get("button") or "Options")}
    elif kind == "cta_url":
        parameters = _mapping(action.get("parameters"))
        link = Choice(title=str(parameters.get("display_text", "Open")), payload="",
                      url=str(parameters.get("url", "")))  # fmt: skip
        view |= {"rows": [[link]], "style": ChoiceStyle.REPLY_BUTTONS}
    return view


def _choice(reply: Mapping[str, Any]) -> Choice:
    """A reply button or list row: its id is the payload sent back when it is tapped."""
    return Choice(
        title=str(reply.get("title", "")),
        payload=str(reply.get("id", "")),
        description=str(reply.get("description") or ""),
    )


def _template(template: Mapping[str, Any]) -> str:
    words = [str(parameter.get("text"))
             for component in template.get("components") or []
             for parameter in _mapping(component).get("parameters") or []
             if isinstance(parameter, Mapping) and parameter.get("text")]  # fmt: skip
    name = template.get("name", "?")
    return f"[template {name}]" + (": " + " · ".join(words) if words else "")


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


# --- Twilio ------------------------------------------------------------------------------------


def _twilio(record: Record, body: Mapping[str, Any]) -> ReplyView | None:
    if record.get("endpoint") != "messages":
        return None
    view = _base(record, Channel.TWILIO, (record.get("response") or {}).get("sid"))
    media = body.get("MediaUrl") or []
    view["images"] = [str(url) for url in ([media] if isinstance(media, str) else media)]
    if body.get("ContentSid"):
        variables = body.get("ContentVariables") or ""
        view["text"] = f"[content template {body['ContentSid']}] {variables}".strip()
    else:
        view |= _numbered(str(body.get("Body") or ""))
    return ReplyView(**view)


def _numbered(text: str) -> dict[str, Any]:
    """Text, with its trailing '1. …', '2. …' lines as choices answered by number."""
    options: list[tuple[int, str]] = []
    for line in reversed(text.rstrip().splitlines()):
        match = _OPTION.match(line.strip())
        if match is None:
            break
        options.insert(0, (int(match.group(1)), match.group(2).strip()))
    if not options or [number for number, _ in options] != list(range(1, len(options) + 1)):
        return {"text": text}
    rows = [[Choice(title=title, payload=str(number))] for number, title in options]
    return {"text": text, "style": ChoiceStyle.NUMBERED, "rows": rows}


_READERS: dict[Channel, Callable[[Record, Mapping[str, Any]], ReplyView | None]] = {
    Channel.TELEGRAM: _telegram,
    Channel.WHATSAPP: _whatsapp,
    Channel.TWILIO: _twilio,
}
