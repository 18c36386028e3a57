"""End to end: webhook to the provider call that answers it, ours vs Rasa's built-in connectors.

    .venv/bin/python -m devtools.bench.e2e_bench  # 1,000 messages, 40 conversations
    .venv/bin/python -m devtools.bench.e2e_bench --messages 200 --conversations 10 --no-write

One run starts the fake providers, our action server and two Rasa servers on the same trained
model, then loads each system in turn with the same generator:

- ours: `nzila serve` and `nzila worker` (embedded Redis, SQLite, under var/bench-e2e), the worker
  calling the first Rasa server through its REST channel;
- Rasa built-in: the second Rasa server's own `telegram` and `twilio` connectors, which answer the
  webhook only after the whole turn. They send to the fakes through the subclasses in
  RASA_CHANNELS (written to var/bench-e2e): only `get_output_channel` is overridden, every
  request is handled by Rasa's own code.

Conversations take the --channels in turn (Telegram and Twilio WhatsApp). Each buyer says hi,
asks for help, thanks, says bye and so on, each message once the whole reply to the previous one
arrived (how many provider calls a whole reply takes is learnt first, in a warm-up). At most
--concurrency webhooks are in flight, as a provider caps its connections (Telegram's
max_connections defaults to 40). Latency runs from the webhook POST to the fake's record of the
reply's last provider call. No reply within --reply-timeout: lost; calls beyond the expected
ones: duplicated.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx

from bots.config import ChannelSettings
from catalog.database import make_engine
from catalog.migrate import upgrade
from devtools.bench._common import (
    NZILA,
    RASA_TOKEN,
    ROOT,
    Children,
    ReplyTracker,
    Signer,
    Turn,
    Webhook,
    append_results,
    command_line,
    cpu_line,
    fixture,
    free_port,
    fresh_dir,
    percentile,
    redis_server,
    start_actions,
    start_fakes,
    start_rasa,
    start_web,
    stop_on_sigterm,
    telegram_update,
    twilio_form,
)

TEXTS = ["hi", "help", "thanks", "bye"]
RASA_CHANNELS = '''"""Rasa 3.6's own Telegram and Twilio connectors, sending to the benchmark fakes.

Only get_output_channel differs from Rasa's: the provider base URL (aiogram's `server`, the Twilio
client's `api.base_url`); and for Telegram, the aiohttp session set_webhook opens in the start-up
event loop (asyncio.run) is closed there, so that requests open one in the server's loop. As
shipped (BENCH_AS_SHIPPED=1) every update fails with "RuntimeError: Event loop is closed".
"""
import asyncio
import os

from aiogram.bot.api import TelegramAPIServer
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from rasa.shared.exceptions import RasaException


class TelegramToFakes(TelegramInput):
    def get_output_channel(self):
        channel = TelegramOutput(self.access_token)
        channel.server = TelegramAPIServer.from_base(os.environ["BENCH_FAKES_URL"])
        try:
            asyncio.run(set_webhook(channel, self.webhook_url))
        except TelegramAPIError as error:
            raise RasaException("Failed to set channel webhook: " + str(error)) from error
        return channel


async def set_webhook(channel, url):
    await channel.set_webhook(url=url)
    if not os.environ.get("BENCH_AS_SHIPPED"):
        await channel.close()  # the next request opens a session in the server's own loop


class TwilioToFakes(TwilioInput):
    def get_output_channel(self):
        channel = TwilioOutput(self.account_sid, self.auth_token, self.twilio_number)
        channel.api.base_url = os.environ["BENCH_FAKES_URL"]
        return channel
'''


HOW = """Rasa built-in is Rasa 3.6.21's own TelegramInput and TwilioInput with only
`get_output_channel` overridden (e2e_bench.py, RASA_CHANNELS): aiogram's `Bot.server` and
the Twilio client's `api.base_url` point at the fakes, and the aiohttp session `set_webhook` opens
at start-up (inside `asyncio.run`) is closed there. As shipped, that session stays bound to the
closed start-up loop and every Telegram update fails with HTTP 500 "RuntimeError: Event loop is
closed" (`--as-shipped` shows it). Both Rasa servers load the same model, call the same action
server and keep SQLite trackers. Ours also sends Telegram's typing action per message; Rasa's
Telegram connector calls getMe per update; neither counts as a reply."""


@dataclass(frozen=True)
class Target:
    name: str
    signer: Signer  # knows the system's URL
    paths: dict[str, str]  # channel -> webhook path
    first_user: int  # this system's buyers: Telegram ids from here, WhatsApp numbers likewise


@dataclass(frozen=True)
class Conversation:
    channel: str
    user: int
    texts: list[str]

    @property
    def chat(self) -> str:
        return str(self.user) if self.channel == "telegram" else f"whatsapp:+{self.user}"


def start_both(children: Children, workdir: Path, redis_url: str, as_shipped: bool,
               replicas: int, latency_ms: float) -> tuple[str, list[Target]]:  # fmt: skip
    """Fakes, action server, our Rasa servers (`replicas`) and theirs, our web app and worker;
    (fakes URL, targets)."""
    channels = ChannelSettings()
    fakes = start_fakes(children, free_port(), channels, latency_ms)
    actions = start_actions(children, workdir, free_port())
    names = [f"rasa{n + 1}" if replicas > 1 else "rasa" for n in range(replicas)]
    ours_rasa = [start_rasa(children, workdir, name, free_port(), action_url=actions,
                            credentials=ROOT / "dialogs" / "credentials.yml", env={})
                 for name in names]  # fmt: skip
    theirs_port = free_port()
    theirs = f"http://127.0.0.1:{theirs_port}"
    (workdir / "rasa_channels.py").write_text(RASA_CHANNELS)
    credentials = workdir / "credentials-theirs.yml"
    credentials.write_text(
        f'rasa_channels.TelegramToFakes:\n  access_token: "'
        f'{channels.telegram_bot_token.get_secret_value()}"\n  verify: "nzila_fake_bot"\n'
        f'  webhook_url: "{theirs}/webhooks/telegram/webhook"\nrasa_channels.TwilioToFakes:\n'
        f'  account_sid: "{channels.twilio_account_sid}"\n  auth_token: "'
        f'{channels.twilio_auth_token.get_secret_value()}"\n'
        f'  twilio_number: "{channels.twilio_whatsapp_from}"\n'
    )  # verify: the bot username the fake's getMe answers
    env = {"PYTHONPATH": str(workdir), "BENCH_FAKES_URL": fakes}
    if as_shipped:
        env["BENCH_AS_SHIPPED"] = "1"
    start_rasa(children, workdir, "theirs", theirs_port, action_url=actions,
               credentials=credentials, env=env)  # fmt: skip
    for name, url in [*zip(names, ours_rasa, strict=True), ("theirs", theirs)]:
        children.wait(name, f"{url}/status?token={RASA_TOKEN}", 240)
    database = f"sqlite:///{workdir / 'nzila.sqlite3'}"
    upgrade(engine := make_engine(database))
    engine.dispose()
    web_port = free_port()
    ours = f"http://127.0.0.1:{web_port}"
    env = {"DATABASE_URL": database, "REDIS_URL": redis_url, "PUBLIC_BASE_URL": ours,
           "RASA_URL": ours_rasa[0], "RASA_REPLICA_URLS": json.dumps(ours_rasa[1:]),
           "RASA_AUTH_TOKEN": RASA_TOKEN, "TELEGRAM_API_BASE_URL": fakes,
           "WHATSAPP_API_BASE_URL": fakes, "TWILIO_API_BASE_URL": fakes}  # fmt: skip
    start_web(children, web_port, env)
    children.start("worker", [*NZILA, "worker"], env=env, ready_url=None)
    return fakes, [
        Target("ours", Signer(channels, ours),
               {"telegram": "/webhooks/telegram", "twilio": "/webhooks/twilio"}, 810_000),
        Target("Rasa built-in", Signer(channels, theirs),
               {"telegram": "/webhooks/telegram/webhook", "twilio": "/webhooks/twilio/webhook"},
               820_000),
    ]  # fmt: skip


_SERIAL = itertools.count(int(secrets.token_hex(3), 16) * 10**6)  # provider ids, never reused


@cache
def template(channel: str) -> Any:
    return (
        fixture("telegram", "text") if channel == "telegram" else fixture("twilio", "inbound_text")
    )


def webhook(target: Target, chat: Conversation, text: str) -> Webhook:
    serial, path = next(_SERIAL), target.paths[chat.channel]
    if chat.channel == "telegram":
        return target.signer.telegram(
            telegram_update(template("telegram"), serial, chat.user, text), path
        )
    form = twilio_form(template("twilio"), f"SM{serial:032x}", str(chat.user), text)
    return target.signer.twilio(form, path)


def buyer_id(target: Target, channel: str, number: int) -> int:
    """A Telegram user id, or a WhatsApp number (233..., Ghana), of one of this system's buyers."""
    return target.first_user + number + (233 * 10**9 if channel == "twilio" else 0)


def conversations(target: Target, count: int, messages: int,
                  channels: list[str]) -> list[Conversation]:  # fmt: skip
    """`count` buyers, on each channel in turn, sharing `messages` messages."""
    return [
        Conversation(channel := channels[number % len(channels)],
                     buyer_id(target, channel, number),
                     [TEXTS[(number + k) % len(TEXTS)]
                      for k in range(messages // count + (number < messages % count))])
        for number in range(count)
    ]  # fmt: skip


@dataclass
class LoadResult:
    name: str
    turns: list[Turn]
    started: float
    cpu: str = ""  # CPU used by each process while the buyers talked

    def complete(self) -> list[Turn]:
        return [turn for turn in self.turns if turn.replies and len(turn.replies) >= turn.expected]

    def counts(self) -> tuple[int, int, int]:
        """Lost (no reply), partial (some of it) and duplicated (calls beyond the expected)."""
        return (sum(1 for turn in self.turns if not turn.replies),
                sum(1 for turn in self.turns if 0 < len(turn.replies) < turn.expected),
                sum(max(0, len(turn.replies) - turn.expected) for turn in self.turns))  # fmt: skip

    @property
    def throughput(self) -> float:
        complete = self.complete()
        ended = max((turn.replies[turn.expected - 1] for turn in complete), default=self.started)
        return len(complete) / (ended - self.started) if ended > self.started else 0.0


class Phase:
    """One system under load: buyers who each wait for the whole reply before going on."""

    def __init__(self, http: httpx.AsyncClient, tracker: ReplyTracker, target: Target,
                 concurrency: int) -> None:  # fmt: skip
        self._http, self._tracker, self._target = http, tracker, target
        self._slots = asyncio.Semaphore(concurrency)  # the provider's webhook connections
        self.posts: list[asyncio.Task[None]] = []

    async def say(self, chat: Conversation, text: str, expected: int, timeout: float) -> Turn:
        turn = Turn(chat.chat, chat.channel, text, expected)
        self._tracker.expect(turn)
        self.posts.append(asyncio.create_task(self._post(turn, webhook(self._target, chat, text))))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(turn.done.wait(), timeout)
        return turn

    async def _post(self, turn: Turn, hook: Webhook) -> None:
        async with self._slots:
            turn.posted = time.time()
            url = self._target.signer.public_base_url + hook.path
            for attempt in range(3):  # as providers do when a connection fails (same update)
                try:
                    response = await self._http.post(
                        url, content=hook.content, headers=hook.headers
                    )
                    turn.status = response.status_code
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.5 * (attempt + 1))
                except httpx.HTTPError:
                    break
            turn.answered = time.time()

    async def learn_replies(self, channels: list[str]) -> dict[tuple[str, str], int]:
        """Provider calls per whole reply, by channel and text (warming Rasa up on the way)."""
        expected = {}
        for channel in channels:
            chat = Conversation(channel, buyer_id(self._target, channel, 99_999), [])
            for text in TEXTS:
                turn = await self.say(chat, text, 0, 0)
                deadline = time.time() + 180  # Rasa's first turns are slow
                while not turn.replies and time.time() < deadline and turn.status < 300:
                    await asyncio.sleep(0.05)  # a refused webhook gets no reply
                await self.posts[-1]
                await asyncio.sleep(1.5)  # the rest of the reply
                await self._tracker.poll()
                if not turn.replies:  # measured anyway: every such message will count as lost
                    print(f"[{self._target.name}] no reply to {text!r} on {channel} "
                          f"(HTTP {turn.status}); logs in var/bench-e2e")  # fmt: skip
                expected[channel, text] = len(turn.replies) or 1
        return expected


CpuMeter = Callable[[], dict[str, float]]


async def run_phase(http: httpx.AsyncClient, fakes_url: str, target: Target,
                    args: argparse.Namespace, cpu: CpuMeter) -> LoadResult:  # fmt: skip
    tracker = ReplyTracker(http, fakes_url)
    await tracker.reset()
    stop = asyncio.Event()
    follower = asyncio.create_task(tracker.follow(stop))
    phase = Phase(http, tracker, target, args.concurrency)
    expected = await phase.learn_replies(args.channels)

    async def buyer(chat: Conversation) -> list[Turn]:
        return [await phase.say(chat, text, expected[chat.channel, text], args.reply_timeout)
                for text in chat.texts]  # fmt: skip

    print(f"[{target.name}] {args.messages} messages, {args.conversations} conversations ...")
    chats = conversations(target, args.conversations, args.messages, args.channels)
    started, cpu_before = time.time(), cpu()
    turns = [turn for turns in await asyncio.gather(*map(buyer, chats)) for turn in turns]
    await asyncio.gather(*phase.posts)
    used = {name: seconds - cpu_before.get(name, 0.0) for name, seconds in cpu().items()}
    usage = cpu_line(used, time.time() - started)
    await asyncio.sleep(3.0)  # for late duplicates
    stop.set()
    await follower
    await tracker.poll()
    if tracker.unmatched:
        print(f"[{target.name}] {tracker.unmatched} provider calls matched no message")
    return LoadResult(target.name, turns, started, usage)


def table(results: list[LoadResult]) -> str:
    lines = ["| system | channel | messages | messages/s | p50 ms | p99 ms | first call p50 ms | "
             "webhook answered p50 ms | non-2xx | lost | partial | duplicated | calls per reply |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for result in results:
        for channel in ("all", *sorted({turn.channel for turn in result.turns})):
            turns = [turn for turn in result.turns if channel in ("all", turn.channel)]
            row = LoadResult(result.name, turns, result.started)
            whole = [(t.replies[t.expected - 1] - t.posted) * 1000 for t in row.complete()]
            first = [(t.replies[0] - t.posted) * 1000 for t in turns if t.replies]
            answered = [(t.answered - t.posted) * 1000 for t in turns if t.status]
            refused = sum(1 for turn in turns if not 200 <= turn.status < 300)
            calls = sorted({f"{t.text} {t.expected}" for t in turns}) if channel != "all" else []
            lines.append(
                f"| {result.name} | {channel} | {len(turns)} | "
                f"{f'{row.throughput:.1f}' if channel == 'all' else ''} | "
                f"{percentile(whole, 50):.0f} | {percentile(whole, 99):.0f} | "
                f"{percentile(first, 50):.0f} | {percentile(answered, 50):.0f} | {refused} | "
                + " | ".join(map(str, row.counts()))
                + f" | {', '.join(calls)} |"
            )
    return "\n".join(lines)


def verdict(ours: LoadResult, theirs: LoadResult) -> str:
    ratio = ours.throughput / theirs.throughput if theirs.throughput else float("inf")
    lost, partial, duplicated = ours.counts()
    met = ratio >= 2 and lost == partial == duplicated == 0
    return (
        f"Ours: {ours.throughput:.1f} messages/s, {ratio:.1f}x the built-in connectors' "
        f"{theirs.throughput:.1f}; lost {lost}, partial {partial}, duplicated {duplicated} — "
        f"{'meets' if met else 'MISSES'} the target (at least 2x, zero lost, zero duplicated)."
    )


async def measure(fakes_url: str, targets: list[Target], args: argparse.Namespace,
                  cpu: CpuMeter) -> str:  # fmt: skip
    results = []
    limits = httpx.Limits(max_connections=args.concurrency + 10)
    async with httpx.AsyncClient(timeout=args.reply_timeout + 60, limits=limits) as http:
        for target in targets:
            print(f"[{target.name}] warming up, learning the replies ...")
            results.append(await run_phase(http, fakes_url, target, args, cpu))
            print(f"{table(results[-1:])}\n{results[-1].cpu}")
    usage = "\n".join(f"- {result.name}: {result.cpu}" for result in results)
    shipped = "This run kept the Telegram connector as shipped. " if args.as_shipped else ""
    return f"{verdict(*results)}\n\n{table(results)}\n\n{usage}\n\n{shipped}{HOW}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=40, help="webhooks in flight at most")
    parser.add_argument("--channels", type=lambda text: text.split(","), default=["telegram",
                        "twilio"], help="comma-separated: telegram,twilio")  # fmt: skip
    parser.add_argument("--reply-timeout", type=float, default=60.0, help="seconds, then lost")
    shipped = "Rasa's Telegram connector as shipped (every update fails)"
    parser.add_argument("--as-shipped", action="store_true", help=shipped)
    parser.add_argument(
        "--rasa-replicas",
        type=int,
        default=2,
        help="Rasa servers behind our worker (theirs: one, its connectors inside)",
    )
    parser.add_argument("--provider-latency-ms", type=float, default=0.0,
                        help="the fake providers answer each API call this late")  # fmt: skip
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args()
    stop_on_sigterm()
    load = os.getloadavg()[0]
    workdir = fresh_dir("bench-e2e")
    with redis_server("embedded", workdir) as (redis_url, redis_pid), Children(workdir) as children:
        children.track("redis", redis_pid)
        print(f"starting both systems (logs in {workdir}) ...")
        fakes_url, targets = start_both(children, workdir, redis_url, args.as_shipped,
                                       args.rasa_replicas, args.provider_latency_ms)  # fmt: skip
        text = asyncio.run(measure(fakes_url, targets, args, children.cpu))
    print(f"\n{text}")
    if not args.no_write:
        options = {"messages": args.messages, "conversations": args.conversations,
                   "concurrency": args.concurrency, "channels": ",".join(args.channels),
                   "rasa-replicas": args.rasa_replicas,
                   "provider-latency-ms": f"{args.provider_latency_ms:g}",
                   "reply-timeout": f"{args.reply_timeout:g}"}  # fmt: skip
        command = (
            command_line("devtools.bench.e2e_bench", options) + " --as-shipped" * args.as_shipped
        )
        append_results("End to end, ours vs Rasa's built-in connectors", command, text, load)


if __name__ == "__main__":
    main()
