"""The dialog engine on its own: training time, the Rasa server's memory, and turn latency.

    .venv/bin/python -m devtools.bench.rasa_bench  # 300 turns over 20 conversations
    .venv/bin/python -m devtools.bench.rasa_bench --turns 100 --no-write

Trains the model from scratch (`rasa train`, Rasa's cache emptied first), seeds a demo catalog
(vehicles, no photos) for the action server, starts Rasa 3.6.21 on the model with a SQLite tracker
store, then plays buyers' conversations through its REST channel exactly as the bots worker does
(metadata included), one turn at a time, so latency is the engine's own. Turns are timed by kind:
small talk (answered by a response, no custom action) and feature turns (search, details, ...,
answered by our action server). Targets (issue 4): training < 2 minutes, resident memory < 1 GB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import time
from pathlib import Path

import httpx

from catalog.database import make_engine, make_session_factory
from catalog.demo.seed import seed_demo
from catalog.media.storage import MediaStore
from catalog.migrate import upgrade
from devtools.bench._common import (
    RASA_TOKEN,
    ROOT,
    Children,
    append_results,
    command_line,
    free_port,
    fresh_dir,
    percentile,
    stop_on_sigterm,
)
from dialogs.client import RasaClient
from dialogs.config import get_dialog_settings
from dialogs.rasa_process import start_action_server, start_rasa_server
from dialogs.training import train_if_changed

TRAIN_TARGET_SECONDS = 120
MEMORY_TARGET_MB = 1024
# One buyer's conversation: (what they send, kind). Payloads are what tapped buttons send.
SCRIPT = [
    ("hello", "small talk"),
    ("Toyota Hilux diesel under 20k", "feature"),
    ("/more_results", "feature"),
    ("cheaper ones?", "feature"),
    ("I need a 7 seater SUV below $15,000", "feature"),
    ('/vehicle_details{{"vehicle_id":"{vehicle}"}}', "feature"),
    ('/similar_vehicles{{"vehicle_id":"{vehicle}"}}', "feature"),
    ("help", "small talk"),
    ("thank you", "small talk"),
    ("je cherche une Camry 2015 automatique", "feature"),
    ("merci patron", "small talk"),
    ("bye", "small talk"),
]


def train(models_dir: Path) -> tuple[Path, float]:
    settings = get_dialog_settings()
    shutil.rmtree(models_dir.parent / ".rasa-cache", ignore_errors=True)
    started = time.monotonic()
    result = train_if_changed(rasa_bin=settings.rasa_bin, project_root=ROOT,
                              models_dir=models_dir, force=True)  # fmt: skip
    return result.model_path, time.monotonic() - started


def seed(database_url: str, workdir: Path) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    seed_demo(sessions=make_session_factory(engine), store=MediaStore(workdir / "media"),
              vehicle_count=120, photos=False)  # fmt: skip
    engine.dispose()


def start(children: Children, workdir: Path, model: Path, database_url: str) -> tuple[str, int]:
    """The action server on the seeded catalog and Rasa on `model`; (Rasa URL, Rasa's pid)."""
    action_port, rasa_port = free_port(), free_port()
    with (workdir / "actions.log").open("ab") as log:
        actions = start_action_server(python_bin=Path(sys.executable), port=action_port, cwd=ROOT,
                                      env={"DATABASE_URL": database_url}, output=log)  # fmt: skip
    children.adopt("actions", actions)
    children.wait("actions", f"http://127.0.0.1:{action_port}/health", 60)
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text((ROOT / "dialogs" / "endpoints.yml").read_text().replace(
        "http://127.0.0.1:5055/webhook", f"http://127.0.0.1:{action_port}/webhook"))  # fmt: skip
    tracker = {"RASA_TRACKER_DIALECT": "sqlite", "RASA_TRACKER_URL": "",
               "RASA_TRACKER_DB": str(workdir / "tracker.db")}  # fmt: skip
    with (workdir / "rasa.log").open("ab") as log:
        rasa = start_rasa_server(rasa_bin=get_dialog_settings().rasa_bin, model_path=model,
                                 port=rasa_port, auth_token=RASA_TOKEN, endpoints=endpoints,
                                 credentials=ROOT / "dialogs" / "credentials.yml", cwd=ROOT,
                                 env=tracker, output=log)  # fmt: skip
    children.adopt("rasa", rasa)
    url = f"http://127.0.0.1:{rasa_port}"
    children.wait("rasa", f"{url}/status?token={RASA_TOKEN}", 240)
    return url, rasa.pid


def resident_mb(pid: int) -> float:
    """Resident memory (VmRSS) of a process, in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024  # kB
    raise ProcessLookupError(pid)


async def converse(url: str, turns: int, conversations: int, vehicle: int
                   ) -> dict[str, list[float]]:  # fmt: skip
    """Play SCRIPT for `conversations` buyers in turn until `turns` turns; latency by kind."""
    timings: dict[str, list[float]] = {"small talk": [], "feature": []}
    async with httpx.AsyncClient(timeout=30) as http:
        client = RasaClient(http=http, base_url=url, auth_token=RASA_TOKEN)
        for turn in range(turns):
            buyer, step = turn % conversations, turn // conversations
            text, kind = SCRIPT[step % len(SCRIPT)]
            metadata = {"language": "fr" if buyer % 3 == 1 else "pt" if buyer % 3 == 2 else "en",
                        "channel": "whatsapp", "buyer_id": None}  # fmt: skip
            started = time.perf_counter()
            await client.send(conversation_id=f"bench:{buyer}", text=text.format(vehicle=vehicle),
                              metadata=metadata)  # fmt: skip
            timings[kind].append((time.perf_counter() - started) * 1000)
    return timings


def report(seconds: float, idle_mb: float, busy_mb: float, timings: dict[str, list[float]],
           wall: float) -> str:  # fmt: skip
    count = sum(len(values) for values in timings.values())
    met = seconds < TRAIN_TARGET_SECONDS and busy_mb < MEMORY_TARGET_MB
    lines = [
        f"Training: {seconds:.1f} s from scratch (target < {TRAIN_TARGET_SECONDS} s). "
        f"Rasa server resident memory: {idle_mb:.0f} MB loaded, {busy_mb:.0f} MB after the turns "
        f"(target < {MEMORY_TARGET_MB} MB) — {'meets' if met else 'MISSES'} both targets.",
        "",
        f"{count} turns one at a time in {wall:.1f} s ({count / wall:.1f} turns/s):",
        "",
        "| turns | n | p50 ms | p90 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|",
    ]
    for kind, values in timings.items():
        lines.append(f"| {kind} | {len(values)} | {percentile(values, 50):.1f} | "
                     f"{percentile(values, 90):.1f} | {percentile(values, 99):.1f} | "
                     f"{max(values):.1f} |")  # fmt: skip
    lines += ["", "Small talk is answered by a response; feature turns call our action server, "
              "which queries the catalog (search, details, similar)."]  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args()
    stop_on_sigterm()
    load = os.getloadavg()[0]
    workdir = fresh_dir("bench-rasa")
    print("training from scratch ...")
    model, seconds = train(workdir / "models")
    database_url = f"sqlite:///{workdir / 'catalog.sqlite3'}"
    print("seeding a catalog ...")
    seed(database_url, workdir)
    with Children(workdir) as children:
        url, pid = start(children, workdir, model, database_url)
        idle_mb = resident_mb(pid)
        started = time.monotonic()
        timings = asyncio.run(converse(url, args.turns, args.conversations, vehicle=1))
        wall = time.monotonic() - started
        busy_mb = resident_mb(pid)
    text = report(seconds, idle_mb, busy_mb, timings, wall)
    print(f"\n{text}")
    if not args.no_write:
        options = {"turns": args.turns, "conversations": args.conversations}
        append_results("Dialog engine: training, memory, turn latency",
                       command_line("devtools.bench.rasa_bench", options), text, load)  # fmt: skip


if __name__ == "__main__":
    main()
