"""The chat simulator: its webhooks pass the real signature checks and parsers, its view of the
bot's replies matches what the real renderers sent to the fakes, and `nzila chat` holds a
conversation through them."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import redis.asyncio as aioredis
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bots.adapters import build_adapters
from bots.channels.errors import BadSignature
from bots.channels.signatures import (
    verify_meta_signature,
    verify_telegram_secret,
    verify_twilio_signature,
)
from bots.channels.telegram_inbound import parse_telegram_update
from bots.channels.twilio_inbound import parse_twilio_form
from bots.channels.whatsapp_inbound import parse_whatsapp_payload
from bots.config import ChannelSettings, get_channel_settings
from bots.outbound.limits import RedisRateLimiter, channel_limits
from bots.outbound.providers import TelegramClient, TwilioClient, WhatsAppClient
from bots.outbound.telegram import render_telegram
from bots.outbound.twilio import render_twilio
from bots.outbound.whatsapp import render_whatsapp
from catalog.conversations import service as conversation_service
from catalog.conversations.models import ConversationState
from catalog.database import transaction
from chat.messages import Channel, InboundKind, InboundMessage
from chat.replies import Button, Reply
from devtools.fakes import create_fake_providers_app
from devtools.simulator import NothingToSend, RepliesUnavailable, UnknownUser
from devtools.simulator.cli import (
    ChatSession,
    ConversationStates,
    Outgoing,
    chat_app,
    format_reply,
    interpret,
    run_chat,
)
from devtools.simulator.replies import (
    Choice,
    ChoiceStyle,
    ReplyView,
    last_seq,
    read_replies,
    recorded_requests,
)
from devtools.simulator.webhooks import Location, SignedRequest, build_inbound, reply_chat_id
from infra.redis import RedisSettings, connect_redis
from tests.servers import free_port, serve_in_thread

PUBLIC_URL = "https://nzila.example.com"
PHOTO = "https://nzila.example.com/media/" + "a" * 64 + "/web.jpg"
PORTS = ["Lagos (Apapa)", "Tema", "Mombasa", "Dar es Salaam"]


@pytest.fixture
def settings() -> ChannelSettings:
    return ChannelSettings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_webhook_secret=SecretStr("test-telegram-secret_0123"),
        whatsapp_app_secret=SecretStr("test-meta-app-secret"),
        twilio_auth_token=SecretStr("test-twilio-auth-token"),
    )


def new_phone() -> str:
    return "+234801" + "".join(str(secrets.randbelow(10)) for _ in range(7))


def inbound(
    request: SignedRequest, settings: ChannelSettings, public_url: str = PUBLIC_URL
) -> InboundMessage:
    """The request checked as our webhook routes check it, then parsed by the real parser."""
    if request.channel is Channel.TELEGRAM:
        header = request.headers["X-Telegram-Bot-Api-Secret-Token"]
        verify_telegram_secret(header, settings.telegram_webhook_secret.get_secret_value())
        [message] = parse_telegram_update(json.loads(request.body))
        return message
    if request.channel is Channel.WHATSAPP:
        secret = settings.whatsapp_app_secret.get_secret_value()
        verify_meta_signature(request.headers["X-Hub-Signature-256"], request.body, secret)
        notification = parse_whatsapp_payload(json.loads(request.body))
        assert (notification.statuses, notification.refusals) == ([], [])
        [message] = notification.messages
        return message
    form = dict(parse_qsl(request.body.decode(), keep_blank_values=True))
    assert form == request.form
    token = settings.twilio_auth_token.get_secret_value()
    url = public_url + request.path
    verify_twilio_signature(request.headers["X-Twilio-Signature"], url, form, token)
    parsed = parse_twilio_form(form)
    assert isinstance(parsed, InboundMessage)
    return parsed


# --- signed webhooks ---------------------------------------------------------------------------


@pytest.mark.parametrize("channel", list(Channel))
def test_typed_text_is_signed_and_parsed_as_the_users_text(
    channel: Channel, settings: ChannelSettings
) -> None:
    request = build_inbound(channel, user_id="+2348012345678", user_name="Ada Obi",
                            text="Toyota Corolla under 8000", settings=settings,
                            public_base_url=PUBLIC_URL)  # fmt: skip
    message = inbound(request, settings)
    assert message.kind is InboundKind.TEXT
    assert message.text == "Toyota Corolla under 8000"
    assert message.user_name == "Ada Obi"
    assert message.message_id == request.message_id
    assert request.path == f"/webhooks/{channel.value}"
    expected_user = {Channel.TELEGRAM: "2348012345678"}.get(channel, "+2348012345678")
    assert message.user_id == expected_user


@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("media", ["voice", "video", "document"])
def test_a_voice_note_video_or_document_arrives_as_what_the_bot_cannot_read(
    channel: Channel, media: str, settings: ChannelSettings
) -> None:
    request = build_inbound(channel, user_id="+2348012345678", user_name="Ada Obi", media=media,
                            settings=settings, public_base_url=PUBLIC_URL)  # fmt: skip
    message = inbound(request, settings)
    assert message.kind is InboundKind.UNSUPPORTED
    assert message.text == ""
    assert message.provider_type


@pytest.mark.parametrize("channel", list(Channel))
def test_a_sent_photo_arrives_as_an_image(channel: Channel, settings: ChannelSettings) -> None:
    request = build_inbound(channel, user_id="+2348012345678", user_name="Ada Obi", media="image",
                            settings=settings, public_base_url=PUBLIC_URL)  # fmt: skip
    assert inbound(request, settings).kind is InboundKind.IMAGE


def test_a_telegram_user_s_app_language_is_sent(settings: ChannelSettings) -> None:
    request = build_inbound(Channel.TELEGRAM, user_id="712345678", user_name="Awa Diop",
                            text="bonjour", language_code="fr", settings=settings,
                            public_base_url=PUBLIC_URL)  # fmt: skip
    assert inbound(request, settings).language_hint == "fr"


@pytest.mark.parametrize("channel", list(Channel))
def test_a_tapped_button_arrives_as_a_button_with_its_payload(
    channel: Channel, settings: ChannelSettings
) -> None:
    request = build_inbound(channel, user_id="+2348012345678", user_name="Ada",
                            button_payload="/help", button_title="Help", in_reply_to="77",
                            settings=settings, public_base_url=PUBLIC_URL)  # fmt: skip
    message = inbound(request, settings)
    assert (message.kind, message.payload) == (InboundKind.BUTTON, "/help")
    body = json.loads(request.body) if channel is not Channel.TWILIO else request.form
    if channel is Channel.TELEGRAM:
        assert message.callback_query_id
        assert body["callback_query"]["message"]["message_id"] == 77
    elif channel is Channel.WHATSAPP:
        sent = body["entry"][0]["changes"][0]["value"]["messages"][0]
        reply = {"id": "/help", "title": "Help"}
        assert sent["interactive"] == {"type": "button_reply", "button_reply": reply}
        assert sent["context"]["id"] == "77"
        assert message.text == "Help"
    else:
        assert body["ButtonText"] == body["Body"] == "Help"
        assert body["OriginalRepliedMessageSid"] == "77"


def test_a_whatsapp_list_row_is_a_list_reply(settings: ChannelSettings) -> None:
    request = build_inbound("whatsapp", user_id="+2348012345678", user_name="Ada",
                            button_payload="port:apapa", button_title="Lagos (Apapa)",
                            from_list=True, settings=settings,
                            public_base_url=PUBLIC_URL)  # fmt: skip
    sent = json.loads(request.body)["entry"][0]["changes"][0]["value"]["messages"][0]
    assert sent["interactive"]["type"] == "list_reply"
    message = inbound(request, settings)
    assert (message.payload, message.text) == ("port:apapa", "Lagos (Apapa)")


@pytest.mark.parametrize("channel", list(Channel))
def test_a_shared_location_arrives_with_its_coordinates(
    channel: Channel, settings: ChannelSettings
) -> None:
    pin = Location(6.4474, 3.3903, name="Apapa Port", address="Wharf Rd, Lagos")
    request = build_inbound(channel, user_id="+2348012345678", user_name="Ada", location=pin,
                            settings=settings, public_base_url=PUBLIC_URL)  # fmt: skip
    message = inbound(request, settings)
    assert message.kind is InboundKind.LOCATION
    assert (message.latitude, message.longitude) == (6.4474, 3.3903)


def test_telegram_start_is_a_command_with_its_deep_link(settings: ChannelSettings) -> None:
    request = build_inbound("telegram", user_id="512345678", user_name="Chinedu",
                            text="/start v_123", settings=settings,
                            public_base_url=PUBLIC_URL)  # fmt: skip
    message = inbound(request, settings)
    assert (message.kind, message.payload, message.user_id) == (
        InboundKind.START, "v_123", "512345678")  # fmt: skip
    entities = json.loads(request.body)["message"]["entities"]
    assert entities == [{"type": "bot_command", "offset": 0, "length": 6}]


def test_every_request_has_a_new_provider_id_shaped_like_the_providers(
    settings: ChannelSettings,
) -> None:
    def ids(channel: Channel) -> list[str]:
        return [build_inbound(channel, user_id="+2348012345678", user_name="Ada", text="hi",
                              settings=settings, public_base_url=PUBLIC_URL).message_id
                for _ in range(50)]  # fmt: skip

    updates = [int(update_id) for update_id in ids(Channel.TELEGRAM)]
    assert updates == sorted(set(updates)) and max(updates) < 2**53
    wamids = ids(Channel.WHATSAPP)
    assert len(set(wamids)) == 50 and all(w.startswith("wamid.") for w in wamids)
    sids = ids(Channel.TWILIO)
    assert len(set(sids)) == 50 and all(re.fullmatch(r"SM[0-9a-f]{32}", sid) for sid in sids)


@pytest.mark.parametrize("channel", list(Channel))
def test_a_request_signed_with_other_secrets_is_refused(
    channel: Channel, settings: ChannelSettings
) -> None:
    others = ChannelSettings(_env_file=None)  # type: ignore[call-arg]
    request = build_inbound(channel, user_id="+2348012345678", user_name="Ada", text="hi",
                            settings=others, public_base_url=PUBLIC_URL)  # fmt: skip
    with pytest.raises(BadSignature):
        inbound(request, settings)


def test_twilio_signs_the_public_url_it_was_given(settings: ChannelSettings) -> None:
    request = build_inbound("twilio", user_id="+2348012345678", user_name="Ada", text="hi",
                            settings=settings, public_base_url=PUBLIC_URL + "/")  # fmt: skip
    inbound(request, settings, PUBLIC_URL)
    with pytest.raises(BadSignature):
        inbound(request, settings, "http://127.0.0.1:8000")


@pytest.mark.parametrize(
    "content",
    [{}, {"text": "  "}, {"text": "hi", "button_payload": "/help"},
     {"text": "hi", "location": Location(1.0, 2.0)}],
)  # fmt: skip
def test_a_message_needs_exactly_one_kind_of_content(
    content: dict[str, Any], settings: ChannelSettings
) -> None:
    with pytest.raises(NothingToSend):
        build_inbound("whatsapp", user_id="+2348012345678", user_name="Ada", settings=settings,
                      public_base_url=PUBLIC_URL, **content)  # fmt: skip


def test_a_user_id_without_digits_is_refused(settings: ChannelSettings) -> None:
    with pytest.raises(UnknownUser):
        build_inbound("telegram", user_id="ada", user_name="Ada", text="hi", settings=settings,
                      public_base_url=PUBLIC_URL)  # fmt: skip


# --- replies, as the real renderers sent them to the fakes -------------------------------------


@pytest.fixture
def fakes() -> Iterator[TestClient]:
    with TestClient(create_fake_providers_app()) as client:
        yield client


def deliver(fakes: TestClient, channel: Channel, chat_id: str, replies: list[Reply]) -> None:
    """Render `replies` as the worker does and post each part where its provider client would."""
    settings = ChannelSettings(_env_file=None)  # type: ignore[call-arg]
    if channel is Channel.TELEGRAM:
        client: TelegramClient | WhatsAppClient | TwilioClient = TelegramClient(settings)
        parts = render_telegram(replies, chat_id, {}).parts
    elif channel is Channel.WHATSAPP:
        client = WhatsAppClient(settings)
        parts = render_whatsapp(replies, chat_id).parts
    else:
        client = TwilioClient(settings)
        status_callback = PUBLIC_URL + "/webhooks/twilio/status"
        parts = render_twilio(
            replies, chat_id, settings.twilio_whatsapp_from, status_callback
        ).parts
    for part in parts:
        url, arguments = client.request(part)
        response = fakes.post(httpx.URL(url).path, **arguments)
        assert response.is_success, response.text


def recorded(fakes: TestClient, channel: Channel) -> list[dict[str, Any]]:
    return recorded_requests(fakes.get("/_fake/requests", params={"provider": channel.value}))


WELCOME = Reply(text="Welcome! What next?",
                   buttons=[Button(title="Help", payload="/help"),
                            Button(title="Search", payload="/search")])  # fmt: skip
WHICH_PORT = Reply(text="Which port?",
                      buttons=[Button(title=port, payload=f"port:{n}")
                               for n, port in enumerate(PORTS)])  # fmt: skip


def test_telegram_keyboards_and_photos_become_views(fakes: TestClient) -> None:
    gallery = Reply(custom={"gallery": [PHOTO, PHOTO.replace("a", "b")]})
    deliver(fakes, Channel.TELEGRAM, "512345678", [WELCOME, Reply(image_url=PHOTO), gallery])
    deliver(fakes, Channel.TELEGRAM, "999", [Reply(text="someone else's")])
    views = read_replies(recorded(fakes, Channel.TELEGRAM), "telegram", "512345678")
    welcome, photo, album = views
    assert welcome.text == "Welcome! What next?"
    assert welcome.style is ChoiceStyle.INLINE_KEYBOARD
    assert welcome.rows == [[Choice(title="Help", payload="/help"),
                             Choice(title="Search", payload="/search")]]  # fmt: skip
    assert welcome.message_id and welcome.message_id.isdigit()
    assert photo.images == [PHOTO] and photo.style is ChoiceStyle.NONE
    assert len(album.images) == 2
    assert format_reply(welcome) == ["Welcome! What next?", "[ Help ] [ Search ]"]
    assert format_reply(photo) == [f"🖼 {PHOTO}"]


def test_whatsapp_buttons_lists_and_images_become_views(fakes: TestClient) -> None:
    deliver(fakes, Channel.WHATSAPP, "2348012345678",
            [WELCOME, WHICH_PORT, Reply(text="Here it is", image_url=PHOTO)])  # fmt: skip
    welcome, ports, image, caption = read_replies(
        recorded(fakes, Channel.WHATSAPP), "whatsapp", "+2348012345678"
    )
    assert welcome.style is ChoiceStyle.REPLY_BUTTONS
    assert [c.payload for c in welcome.choices] == ["/help", "/search"]
    assert welcome.message_id and welcome.message_id.startswith("wamid.")
    assert ports.style is ChoiceStyle.LIST
    assert [c.title for c in ports.choices] == PORTS
    assert ports.list_label == "Options"
    assert (image.images, caption.text) == ([PHOTO], "Here it is")
    assert format_reply(ports) == ["Which port?", "☰ Options", "  1. Lagos (Apapa)", "  2. Tema",
                                   "  3. Mombasa", "  4. Dar es Salaam"]  # fmt: skip


def test_twilio_numbered_text_and_media_become_views(fakes: TestClient) -> None:
    deliver(fakes, Channel.TWILIO, "whatsapp:+2348012345678",
            [WELCOME, Reply(image_url=PHOTO)])  # fmt: skip
    welcome, photo = read_replies(recorded(fakes, Channel.TWILIO), "twilio", "+2348012345678")
    assert welcome.text == "Welcome! What next?\n\n1. Help\n2. Search"
    assert welcome.style is ChoiceStyle.NUMBERED
    assert [(c.title, c.payload) for c in welcome.choices] == [("Help", "1"), ("Search", "2")]
    assert welcome.message_id and welcome.message_id.startswith("SM")
    assert photo.images == [PHOTO]
    # Twilio shows numbered options as the text itself
    assert format_reply(welcome) == ["Welcome! What next?", "", "1. Help", "2. Search"]


def test_typing_read_receipts_callback_answers_and_refused_sends_are_not_replies(
    fakes: TestClient,
) -> None:
    token = "123456:" + "x" * 10
    fakes.post(f"/bot{token}/sendChatAction", json={"chat_id": 42, "action": "typing"})
    fakes.post(f"/bot{token}/answerCallbackQuery", json={"callback_query_id": "1"})
    fakes.post(f"/bot{token}/sendMessage", json={"chat_id": 42, "text": ""})  # refused
    fakes.post(f"/bot{token}/sendMessage", json={"chat_id": 42, "text": "Hello"})
    bearer = {"Authorization": "Bearer t"}
    fakes.post("/v23.0/1/messages", headers=bearer, json={
        "messaging_product": "whatsapp", "status": "read", "message_id": "wamid.X",
        "typing_indicator": {"type": "text"}})  # fmt: skip
    telegram = recorded(fakes, Channel.TELEGRAM)
    assert [view.text for view in read_replies(telegram, "telegram", "42")] == ["Hello"]
    assert read_replies(recorded(fakes, Channel.WHATSAPP), "whatsapp", "+1") == []
    assert last_seq(telegram) == max(record["seq"] for record in telegram)
    assert last_seq([], 17) == 17


def test_a_channel_pointed_at_a_real_api_has_no_replies_to_show() -> None:
    response = httpx.Response(404, request=httpx.Request("GET", "https://api.telegram.org/x"))
    with pytest.raises(RepliesUnavailable, match="fake providers"):
        recorded_requests(response)


# --- what a typed line means -------------------------------------------------------------------


def offered(style: ChoiceStyle, *titles: str, message_id: str | None = "m1") -> ReplyView:
    rows = [[Choice(title=title, payload=f"/{title.lower()}")] for title in titles]
    if style is ChoiceStyle.NUMBERED:
        rows = [[Choice(title=title, payload=str(n))] for n, title in enumerate(titles, 1)]
    return ReplyView(seq=1, channel=Channel.WHATSAPP, message_id=message_id, text="?",
                     style=style, rows=rows)  # fmt: skip


def test_a_label_or_a_number_taps_the_offered_button() -> None:
    buttons = offered(ChoiceStyle.REPLY_BUTTONS, "Help", "Search")
    by_label = interpret("search", buttons)
    assert by_label == Outgoing(choice=buttons.choices[1], in_reply_to="m1")
    assert interpret("1", buttons) == Outgoing(choice=buttons.choices[0], in_reply_to="m1")
    listed = interpret("Help", offered(ChoiceStyle.LIST, "Help"))
    assert listed is not None and listed.from_list
    assert interpret("3", buttons) == Outgoing(text="3")
    assert interpret("Help me", buttons) == Outgoing(text="Help me")
    assert interpret("/say Help", buttons) == Outgoing(text="Help")
    # --typed: what the buyer types is sent as text, so the bot must read "1" and "search"
    assert interpret("1", buttons, taps=False) == Outgoing(text="1")
    assert interpret("search", buttons, taps=False) == Outgoing(text="search")


def test_on_numbered_text_a_label_is_answered_with_its_number() -> None:
    numbered = offered(ChoiceStyle.NUMBERED, "Help", "Search")
    assert interpret("Search", numbered) == Outgoing(text="2")
    assert interpret("2", numbered) == Outgoing(text="2")


def test_quit_location_and_plain_text() -> None:
    assert interpret("/quit", None) is None
    assert interpret("/location 6.45 3.39 Apapa", None) == Outgoing(
        location=Location(6.45, 3.39, name="Apapa")
    )
    assert interpret("/start v_1", None) == Outgoing(text="/start v_1")


# --- `nzila chat` against a scripted bot behind real webhooks and the real fakes ---------------


@dataclass
class ScriptedBot:
    """A stand-in for the app and worker: checks and parses webhooks as ours do, answers from a
    script through the real adapters, and remembers what it received."""

    url: str
    received: list[InboundMessage] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)

    def of(self, user_digits: str) -> list[InboundMessage]:
        return [m for m in self.received if user_digits in m.user_id]


def script(message: InboundMessage) -> list[Reply]:
    if message.kind is InboundKind.BUTTON and message.payload == "/help":
        return [Reply(image_url=PHOTO), Reply(text="Ask for a car by make and budget.")]
    if message.kind is InboundKind.BUTTON:
        return [Reply(text=f"Shipping to {message.text or message.payload}.")]
    if message.kind is InboundKind.LOCATION:
        return [Reply(text=f"Pin at {message.latitude}, {message.longitude}.")]
    if message.text == "ports":
        return [WHICH_PORT]
    if message.text == "a person please":
        return []  # a handoff: the bot stays quiet while a person has the conversation
    if message.text.isdigit():
        return [Reply(text=f"Option {message.text} noted.")]
    return [WELCOME]


def scripted_app(bot: ScriptedBot, settings: ChannelSettings, redis_socket: str) -> FastAPI:
    app = FastAPI()
    prefix = f"nzila:test:{bot.url}"

    @app.post("/webhooks/{channel}")
    async def webhook(channel: Channel, request: Request) -> JSONResponse:
        body = await request.body()
        headers = {key.title(): value for key, value in request.headers.items()}
        form = (
            dict(parse_qsl(body.decode(), keep_blank_values=True))
            if channel is Channel.TWILIO
            else None
        )
        signed = SignedRequest(channel, request.url.path, headers, body, "", form)
        message = inbound(signed, settings, bot.url)
        bot.received.append(message)
        bot.bodies.append(body)
        redis = aioredis.Redis(unix_socket_path=redis_socket)
        limiter = RedisRateLimiter(redis, channel_limits(settings), prefix=prefix)
        async with httpx.AsyncClient() as http:
            adapter = build_adapters(settings, http, bot.url, redis, limiter)[channel]
            await adapter.acknowledge(message)
            for part in adapter.render(script(message), message.chat_id).parts:
                await adapter.sender.send(part)
        await redis.aclose()
        return JSONResponse({"ok": True})

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


@pytest.fixture(scope="module")
def bot(fakes_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScriptedBot]:
    settings = get_channel_settings().model_copy(
        update={f"{name}_api_base_url": fakes_url for name in ("telegram", "whatsapp", "twilio")}
    )
    port = free_port()
    scripted = ScriptedBot(url=f"http://127.0.0.1:{port}")
    path = tmp_path_factory.mktemp("redis") / "simulator.rdb"
    embedded = connect_redis(RedisSettings(redis_url=None, redis_embedded_path=path))
    socket: str = embedded.socket_file  # type: ignore[attr-defined]
    with serve_in_thread(scripted_app(scripted, settings, socket), "/healthz", port):
        yield scripted
    embedded.shutdown()


def chat(
    bot: ScriptedBot,
    fakes_url: str,
    channel: Channel,
    phone: str,
    lines: list[str],
    *,
    wait: float = 5,
    states: ConversationStates | None = None,
) -> str:
    """A whole `run_chat` conversation; the transcript it printed."""
    printed: list[str] = []
    with httpx.Client(timeout=10) as http:
        session = ChatSession(channel=channel, user_id=phone, user_name="Ada Obi",
                              settings=get_channel_settings(), http=http, app_url=bot.url,
                              fakes_url=fakes_url, public_base_url=bot.url)  # fmt: skip
        if states is None:
            run_chat(session, lines, printed.append, wait=wait, quiet=0.3)
        else:
            run_chat(session, lines, printed.append, wait=wait, quiet=0.3, state=states)
    return "\n".join(printed)


def conversation_in(
    sessions: sessionmaker[Session], channel: Channel, phone: str, state: ConversationState
) -> ConversationStates:
    """The catalog holds this user's conversation in `state`; what the chat client reads."""
    chat_id = reply_chat_id(channel, phone)
    with transaction(sessions) as db_session:
        conversation = conversation_service.get_or_create(
            db_session=db_session, key=f"{channel.value}:{chat_id}", channel=channel.value,
            chat_id=chat_id, buyer_id=None,
        )  # fmt: skip
        conversation_service.set_state(
            db_session=db_session, conversation=conversation, state=state
        )
    return ConversationStates(sessions, channel, chat_id)


@pytest.mark.parametrize(
    ("state", "said"),
    [
        (ConversationState.WAITING_AGENT, "waiting for an agent"),
        (ConversationState.AGENT, "an agent has taken over this conversation"),
    ],
)
def test_chat_says_a_person_has_the_conversation_when_the_bot_is_quiet_in_a_handoff(
    bot: ScriptedBot,
    fakes_url: str,
    sessions: sessionmaker[Session],
    state: ConversationState,
    said: str,
) -> None:
    phone = new_phone()
    states = conversation_in(sessions, Channel.WHATSAPP, phone, state)
    transcript = chat(
        bot, fakes_url, Channel.WHATSAPP, phone, ["a person please"], wait=0.5, states=states
    )
    assert said in transcript
    assert 'Say "menu" to get the bot back' in transcript
    assert "is the worker running" not in transcript


def test_chat_asks_about_the_worker_when_the_bot_is_quiet_outside_a_handoff(
    bot: ScriptedBot, fakes_url: str, sessions: sessionmaker[Session]
) -> None:
    phone = new_phone()
    states = conversation_in(sessions, Channel.TELEGRAM, phone, ConversationState.BOT)
    transcript = chat(
        bot, fakes_url, Channel.TELEGRAM, phone, ["a person please"], wait=0.5, states=states
    )
    assert "(no reply within 0.5 s: is the worker running?" in transcript
    assert "agent" not in transcript


def test_whatsapp_chat_taps_buttons_by_label_and_list_rows_by_number(
    bot: ScriptedBot, fakes_url: str
) -> None:
    phone = new_phone()
    transcript = chat(bot, fakes_url, Channel.WHATSAPP, phone, ["hi", "help", "ports", "2"])
    assert "bot> Welcome! What next?\n     [ Help ] [ Search ]" in transcript
    assert f"bot> 🖼 {PHOTO}\nbot> Ask for a car by make and budget." in transcript
    assert "bot> Which port?\n     ☰ Options\n       1. Lagos (Apapa)" in transcript
    assert "bot> Shipping to Tema." in transcript
    hi, help_tap, _ports, tema = bot.of(phone[1:])
    assert (hi.kind, hi.text, hi.user_name) == (InboundKind.TEXT, "hi", "Ada Obi")
    assert (help_tap.kind, help_tap.payload) == (InboundKind.BUTTON, "/help")
    assert (tema.kind, tema.payload, tema.text) == (InboundKind.BUTTON, "port:1", "Tema")
    assert b'"list_reply"' in bot.bodies[bot.received.index(tema)]


def test_telegram_chat_taps_the_inline_keyboard_and_shares_a_location(
    bot: ScriptedBot, fakes_url: str
) -> None:
    phone = new_phone()
    lines = ["/start", "Search", "/location 6.4474 3.3903", "/quit", "never sent"]
    transcript = chat(bot, fakes_url, Channel.TELEGRAM, phone, lines)
    assert "[ Help ] [ Search ]" in transcript
    assert "bot> Shipping to /search." in transcript  # a callback carries data, not a title
    assert "bot> Pin at 6.4474, 3.3903." in transcript
    start, search, pin = bot.of(phone[1:])
    assert start.kind is InboundKind.START
    assert (search.kind, search.payload) == (InboundKind.BUTTON, "/search")
    assert search.callback_query_id
    assert pin.kind is InboundKind.LOCATION


def test_twilio_chat_answers_numbered_options_with_their_number(
    bot: ScriptedBot, fakes_url: str
) -> None:
    phone = new_phone()
    transcript = chat(bot, fakes_url, Channel.TWILIO, phone, ["hi", "Search", "1"])
    assert "bot> Welcome! What next?\n\n     1. Help\n     2. Search" in transcript
    assert "bot> Option 2 noted." in transcript and "bot> Option 1 noted." in transcript
    assert [m.text for m in bot.of(phone[1:])] == ["hi", "2", "1"]


def test_nzila_chat_reads_piped_input_and_prints_a_transcript(
    bot: ScriptedBot, fakes_url: str
) -> None:
    phone = new_phone()
    arguments = ["--channel", "whatsapp", "--as", phone, "--name", "Ada", "--app-url", bot.url,
                 "--fakes-url", fakes_url, "--public-url", bot.url, "--wait", "5"]  # fmt: skip
    result = CliRunner().invoke(chat_app, arguments, input="hi\nSearch\n/quit\n")
    assert result.exit_code == 0, result.output
    assert "you> hi\nbot> Welcome! What next?\n     [ Help ] [ Search ]\nyou> Search" in (
        result.output
    )
    assert [m.payload for m in bot.of(phone[1:])] == ["", "/search"]


def test_nzila_chat_says_what_to_start_when_nothing_answers() -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    arguments = ["--app-url", dead, "--fakes-url", dead]
    result = CliRunner().invoke(chat_app, arguments, input="hi\n")
    assert result.exit_code == 1
    assert "cannot reach the fake providers" in result.output
    assert "nzila up" in result.output
