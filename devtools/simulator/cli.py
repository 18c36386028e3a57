"""`nzila chat`: talk to the running bot from a terminal as a WhatsApp, Twilio or Telegram user.

Each line typed is sent to the app as the provider's signed webhook; the bot's replies are read
from the fake providers and printed as the channel shows them. Typing a button's label or number
taps it. Works with piped input too: `printf 'hi\\n/quit\\n' | nzila chat --channel telegram`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Annotated, Final, TextIO

import httpx
import typer
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bots.config import ChannelSettings, get_channel_settings
from catalog.config import get_catalog_settings
from catalog.conversations.models import Conversation, ConversationState
from catalog.database import make_engine, make_session_factory
from chat.messages import Channel
from devtools.simulator import RepliesUnavailable, SimulatorError
from devtools.simulator.replies import (
    Choice,
    ChoiceStyle,
    ReplyView,
    fakes_base_url,
    last_seq,
    read_replies,
    recorded_requests,
    requests_url,
)
from devtools.simulator.webhooks import Location, SignedRequest, build_inbound, reply_chat_id

DEFAULT_APP_URL = "http://127.0.0.1:8000"
QUIT = "/quit"
LOCATION = "/location"
SAY = "/say"
CHANNEL_NAMES = {
    Channel.WHATSAPP: "WhatsApp (Cloud API)",
    Channel.TWILIO: "WhatsApp through Twilio",
    Channel.TELEGRAM: "Telegram",
}
HELP = (
    "Type a message and press Enter. Tap a button by typing its label or number. "
    f"{LOCATION} <lat> <lon> shares a pin, {SAY} <text> sends text as typed, {QUIT} leaves."
)


class _PublicUrl(BaseSettings):
    """PUBLIC_BASE_URL as the app reads it (environment or .env): Twilio signs that URL."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    public_base_url: str | None = None


class ChatError(SimulatorError):
    """The chat cannot go on: the app or the fakes are unreachable."""


@dataclass(frozen=True)
class Outgoing:
    """What one typed line sends: text, a tapped choice, or a location pin."""

    text: str | None = None
    choice: Choice | None = None
    from_list: bool = False
    in_reply_to: str | None = None
    location: Location | None = None


def interpret(line: str, offered: ReplyView | None, *, taps: bool = True) -> Outgoing | None:
    """What the user meant by `line`, given the choices last offered; None means quit.

    A label (any case) or the number of an offered choice taps it; on numbered text the
    number is typed instead, as on the phone. With `taps` False every line is sent as typed
    text, as a buyer who types "1" or "yes" instead of tapping sends it. `/location <lat> <lon>
    [name]` shares a pin and `/say <text>` sends text that would otherwise tap a choice.
    """
    typed = line.strip()
    command, _, rest = typed.partition(" ")
    if command == QUIT:
        return None
    if command == SAY and rest.strip():
        return Outgoing(text=rest.strip())
    if command == LOCATION:
        return Outgoing(location=_location(rest))
    choice = _offered_choice(typed, offered) if taps else None
    if offered is None or choice is None:
        return Outgoing(text=typed)
    if offered.style is ChoiceStyle.NUMBERED:
        return Outgoing(text=choice.payload)  # the number
    is_list = offered.style is ChoiceStyle.LIST
    return Outgoing(choice=choice, from_list=is_list, in_reply_to=offered.message_id)


def _offered_choice(typed: str, offered: ReplyView | None) -> Choice | None:
    if offered is None:
        return None
    choices = [choice for choice in offered.choices if choice.url is None]
    if typed.isdigit() and 1 <= int(typed) <= len(choices):
        return choices[int(typed) - 1]
    return next((c for c in choices if c.title.casefold() == typed.casefold()), None)


def _location(rest: str) -> Location:
    parts = rest.split(maxsplit=2)
    try:
        latitude, longitude = float(parts[0]), float(parts[1])
    except (IndexError, ValueError) as error:
        raise SimulatorError(f"usage: {LOCATION} <latitude> <longitude> [name]") from error
    return Location(latitude, longitude, name=parts[2] if len(parts) > 2 else "")


def format_reply(view: ReplyView) -> list[str]:
    """The lines a terminal shows for one bot message, as the channel would draw it."""
    lines = [f"🖼 {url}" for url in view.images]
    if view.header:
        lines.append(f"*{view.header}*")
    lines.extend(view.text.splitlines())
    if view.footer:
        lines.append(f"_{view.footer}_")
    if view.style is ChoiceStyle.LIST:
        lines.append(f"☰ {view.list_label}")
        for number, choice in enumerate(view.choices, start=1):
            described = f" — {choice.description}" if choice.description else ""
            lines.append(f"  {number}. {choice.title}{described}")
    elif view.style is ChoiceStyle.INLINE_KEYBOARD:  # Telegram's rows, as laid out
        lines.extend(" ".join(_button(choice) for choice in row) for row in view.rows)
    elif view.style is ChoiceStyle.REPLY_BUTTONS:  # at most 3: one line reads best
        lines.append(" ".join(_button(choice) for choice in view.choices))
    return lines or ["(empty message)"]


def _button(choice: Choice) -> str:
    return f"[ {choice.title} ↗ {choice.url} ]" if choice.url else f"[ {choice.title} ]"


class ChatSession:
    """One simulated user's chat with the running app, through the fake providers."""

    def __init__(
        self,
        *,
        channel: Channel,
        user_id: str,
        user_name: str,
        settings: ChannelSettings,
        http: httpx.Client,
        app_url: str,
        fakes_url: str,
        public_base_url: str,
    ) -> None:
        self.channel = channel
        self.user_id = user_id
        self.user_name = user_name
        self._settings = settings
        self._http = http
        self._app_url = app_url.rstrip("/")
        self._fakes_url = fakes_url.rstrip("/")
        self._public_base_url = public_base_url
        self._since = 0
        self.offered: ReplyView | None = None  # the latest message with choices

    def open(self) -> None:
        """Start after everything already recorded, so only new replies are shown.

        Raises:
            ChatError: the fakes are unreachable or are not the fakes.
        """
        self._since = last_seq(self._recorded(0))

    def send(self, outgoing: Outgoing) -> SignedRequest:
        """Post `outgoing` as the channel's signed webhook.

        Raises:
            ChatError: the app is unreachable.
            SimulatorError: the app refused the webhook (the error says why).
        """
        request = build_inbound(
            self.channel,
            user_id=self.user_id,
            user_name=self.user_name,
            text=outgoing.text,
            button_payload=outgoing.choice.payload if outgoing.choice else None,
            button_title=outgoing.choice.title if outgoing.choice else None,
            location=outgoing.location,
            from_list=outgoing.from_list,
            in_reply_to=outgoing.in_reply_to,
            settings=self._settings,
            public_base_url=self._public_base_url,
        )
        url = self._app_url + request.path
        try:
            response = self._http.post(url, content=request.body, headers=request.headers)
        except httpx.HTTPError as error:
            raise ChatError(f"cannot reach the app at {url}: {error}") from error
        if not response.is_success:
            raise SimulatorError(_refusal(self.channel, response))
        return request

    def poll(self) -> list[ReplyView]:
        """The bot's replies recorded since the last poll, oldest first.

        Raises:
            ChatError: the fakes are unreachable.
        """
        records = self._recorded(self._since)
        self._since = last_seq(records, self._since)
        views = read_replies(records, self.channel, self.user_id)
        for view in views:
            if view.choices:
                self.offered = view
        return views

    def _recorded(self, since: int) -> list[dict[str, object]]:
        url = requests_url(self._fakes_url, self.channel, since)
        try:
            return [dict(record) for record in recorded_requests(self._http.get(url))]
        except httpx.HTTPError as error:
            raise ChatError(f"cannot reach the fake providers at {url}: {error}") from error
        except RepliesUnavailable as error:
            raise ChatError(str(error)) from error


def _refusal(channel: Channel, response: httpx.Response) -> str:
    problem = f"the app refused the {channel.value} webhook: {response.status_code} {response.text}"
    if channel is Channel.TWILIO and response.status_code == 403:
        problem += " (Twilio signs PUBLIC_BASE_URL: pass the app's --public-url)"
    return problem


def wait_for_replies(
    session: ChatSession,
    show: Callable[[ReplyView], None],
    *,
    wait: float,
    quiet: float = 1.0,
    interval: float = 0.2,
) -> int:
    """Show replies as they arrive, for up to `wait` seconds; stop once the bot is quiet for
    `quiet` seconds after its first reply. Returns how many replies were shown."""
    deadline = time.monotonic() + wait
    shown, last_reply = 0, 0.0
    while True:
        for view in session.poll():
            show(view)
            shown, last_reply = shown + 1, time.monotonic()
        now = time.monotonic()
        if now >= deadline or (shown and now - last_reply >= quiet):
            return shown
        time.sleep(interval)


# Why the bot may be silent: a person has the conversation (the catalog's state says so).
SILENT_STATES: Final = {
    ConversationState.WAITING_AGENT: "you asked for a person and are waiting for an agent",
    ConversationState.AGENT: "an agent has taken over this conversation",
}


def silence_note(wait: float, state: ConversationState | None) -> str:
    """What to tell the user when nothing answered within `wait` seconds."""
    if state in SILENT_STATES:
        return (
            f"(no reply from the bot within {wait:g} s: {SILENT_STATES[state]}; "
            'their answers show here. Say "menu" to get the bot back.)'
        )
    return f"(no reply within {wait:g} s: is the worker running? Later replies show next.)"


class ConversationStates:
    """The state the catalog holds for one user's conversation on one channel (who answers it)."""

    def __init__(self, sessions: sessionmaker[Session], channel: Channel, chat_id: str) -> None:
        self._sessions = sessions
        self._channel = channel
        self._chat_id = chat_id

    def __call__(self) -> ConversationState | None:
        """The state, or None when there is no such conversation or the catalog cannot say."""
        query = select(Conversation.state).where(
            Conversation.channel == self._channel.value, Conversation.chat_id == self._chat_id
        )
        try:
            with self._sessions() as db_session:
                return db_session.scalars(query).first()
        except SQLAlchemyError:
            return None  # a catalog we cannot read says nothing about who answers


def run_chat(
    session: ChatSession,
    lines: Iterable[str],
    echo: Callable[[str], None],
    *,
    wait: float,
    quiet: float = 1.0,
    state: Callable[[], ConversationState | None] = lambda: None,
    taps: bool = True,
) -> None:
    """Send each line and show the answers until the lines run out or the user types /quit.
    When nothing answers, `state` (the conversation's state in the catalog) tells a handoff
    from a stopped worker.

    Raises:
        ChatError: the app or the fakes stopped answering.
    """

    def show(view: ReplyView) -> None:
        text = format_reply(view)
        echo("bot> " + text[0])
        for line in text[1:]:
            echo(("     " + line).rstrip())

    session.open()
    for line in lines:
        if not line.strip():
            continue
        try:
            outgoing = interpret(line, session.offered, taps=taps)
            if outgoing is None:
                return
            session.send(outgoing)
        except ChatError:
            raise
        except SimulatorError as error:
            echo(f"!! {error}")
            continue
        if not wait_for_replies(session, show, wait=wait, quiet=quiet):
            echo(silence_note(wait, state()))


def typed_lines(stream: TextIO, echo: Callable[[str], None]) -> Iterator[str]:
    """Lines from a terminal (with a prompt), or from piped input (echoed, for a transcript)."""
    if stream.isatty():
        while True:
            try:
                yield input("you> ")
            except (EOFError, KeyboardInterrupt):
                echo("")
                return
    for line in stream:
        echo(f"you> {line.rstrip()}")
        yield line


chat_app = typer.Typer(
    help="Chat with the bot as a WhatsApp, Twilio or Telegram user: no phone needed.",
    add_completion=False,
    pretty_exceptions_enable=False,
)


@chat_app.command()
def chat(
    *,
    channel: Annotated[Channel, typer.Option(help="Which channel to simulate.")] = Channel.WHATSAPP,
    as_user: Annotated[
        str, typer.Option("--as", help="Your phone number (Telegram: numeric user id).")
    ] = "+2348012345678",
    name: Annotated[str, typer.Option(help="Your profile name.")] = "Ada",
    app_url: Annotated[str, typer.Option(help="Where the app listens.")] = DEFAULT_APP_URL,
    fakes_url: Annotated[
        str | None, typer.Option(help="The fake providers (default: the channel's API base URL).")
    ] = None,
    public_url: Annotated[
        str | None, typer.Option(help="The app's PUBLIC_BASE_URL (default: setting, or app URL).")
    ] = None,
    wait: Annotated[float, typer.Option(help="Seconds to wait for replies.", min=0)] = 8.0,
    typed: Annotated[
        bool, typer.Option("--typed", help="Send every line as typed text, never as a tap.")
    ] = False,
) -> None:
    """Chat with the bot as a WhatsApp, Twilio or Telegram user: no phone needed."""
    settings = get_channel_settings()
    try:
        reply_chat_id(channel, as_user)
    except SimulatorError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from error
    public = public_url or _PublicUrl().public_base_url or app_url
    with httpx.Client(timeout=10.0) as http:
        session = ChatSession(
            channel=channel, user_id=as_user, user_name=name, settings=settings, http=http,
            app_url=app_url, fakes_url=fakes_url or fakes_base_url(settings, channel),
            public_base_url=public,
        )  # fmt: skip
        typer.echo(f"Chatting on {CHANNEL_NAMES[channel]} as {name} ({as_user}) with {app_url}.")
        typer.echo(HELP)
        engine = make_engine(get_catalog_settings().database_url, pool_size=1)
        states = ConversationStates(
            make_session_factory(engine), channel, reply_chat_id(channel, as_user)
        )
        try:
            lines = typed_lines(sys.stdin, typer.echo)
            run_chat(session, lines, typer.echo, wait=wait, state=states, taps=not typed)
        except ChatError as error:
            typer.echo(f"{error}\nIs the stack running? Start it with `nzila up`.", err=True)
            raise typer.Exit(1) from error
        finally:
            engine.dispose()
