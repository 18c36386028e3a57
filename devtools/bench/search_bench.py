"""Search benchmark: 100,000 vehicles, typical buyer queries, 20 concurrent clients.

    .venv/bin/python -m devtools.bench.search_bench          # SQLite, and PostgreSQL if reachable
    .venv/bin/python -m devtools.bench.search_bench --backend sqlite --duration 20

Each client is a thread with its own session, issuing requests back to back (closed loop, no think
time: the harshest reading of "20 concurrent clients"); the clients are spread over one process per
core, as the app is deployed (one uvicorn worker per core). Latency is wall time per search call,
thumbnails included; a "next page" is its own request. Results are appended to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from catalog.database import make_engine, make_session_factory
from catalog.demo.bulk import generate_bulk
from catalog.migrate import upgrade
from catalog.vehicles.models import BodyType
from catalog.vehicles.schemas import VehicleFilters, VehicleSort
from catalog.vehicles.search import search_vehicles

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
DEFAULT_URLS = {
    "sqlite": f"sqlite:///{ROOT / 'var' / 'bench-search.sqlite3'}",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/nzila_bench",
}
TARGET_P95_MS = 50.0

Query = Callable[[random.Random], tuple[str, VehicleFilters, VehicleSort]]
MODELS = [("Toyota", "Corolla"), ("Toyota", "Camry"), ("Toyota", "RAV4"), ("Honda", "CR-V"),
          ("Honda", "Accord"), ("Lexus", "RX 350"), ("Toyota", "Hilux")]  # fmt: skip
TYPOS = ["Toyta Corola", "Hilx diesel", "Land Cruser", "Camri", "Acord", "Lexis RX", "Rav 4",
         "Mercedes Benz C 300", "Hundai Elantra", "Nisan Pathfnder"]  # fmt: skip


def make_model_price(rng: random.Random) -> tuple[str, VehicleFilters, VehicleSort]:
    make, model = rng.choice(MODELS)
    price = rng.choice([5_000, 8_000, 12_000, 20_000]) * 100
    return (
        "make+model+max price",
        VehicleFilters(make=make, model=model, price_max_cents=price),
        (VehicleSort.PRICE_ASC),
    )


def years_body(rng: random.Random) -> tuple[str, VehicleFilters, VehicleSort]:
    low = rng.randint(2008, 2018)
    body = rng.choice([BodyType.SUV, BodyType.SEDAN, BodyType.PICKUP])
    filters = VehicleFilters(year_min=low, year_max=low + 4, body_types=[body])
    return "year range+body type", filters, VehicleSort.YEAR_DESC


def free_text_typo(rng: random.Random) -> tuple[str, VehicleFilters, VehicleSort]:
    return "free text with a typo", VehicleFilters(text=rng.choice(TYPOS)), VehicleSort.PRICE_ASC


QUERIES: list[Query] = [make_model_price, years_body, free_text_typo]


class FifoLimiter:
    """At most `slots` requests at once, admitted strictly in arrival order.

    This is how a server process admits work (anyio's CapacityLimiter in front of FastAPI's
    thread pool is first come, first served); a bare connection pool is not fair, and a few
    unlucky clients would starve while the percentiles look fine.
    """

    def __init__(self, slots: int) -> None:
        self._free = slots
        self._waiting: deque[threading.Event] = deque()
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return
            turn = threading.Event()
            self._waiting.append(turn)
        turn.wait()

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()  # hand the slot straight to the longest waiter
            else:
                self._free += 1


@dataclass
class Samples:
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.by_kind.setdefault(kind, []).append(seconds * 1000)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def ensure_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def client(
    sessions: Callable[[], Session], seed: int, stop_at: float, samples: Samples,
    limiter: FifoLimiter,
) -> None:  # fmt: skip
    """One buyer after another, back to back, until `stop_at` (time.time())."""
    rng = random.Random(seed)
    with sessions() as db_session:
        while time.time() < stop_at:
            kind, filters, sort = rng.choice(QUERIES)(rng)
            cursor = _timed(db_session, limiter, kind, filters, sort, None, samples)
            if cursor and rng.random() < 0.3:  # some buyers ask for "more"
                _timed(db_session, limiter, "next page", filters, sort, cursor, samples)


def _timed(db_session: Session, limiter: FifoLimiter, kind: str, filters: VehicleFilters,
           sort: VehicleSort, cursor: str | None, samples: Samples) -> str | None:  # fmt: skip
    """One request, timed from arrival (queueing included) to its connection's return."""
    started = time.perf_counter()
    with limiter:
        next_cursor = _search(db_session, filters, sort, cursor, samples)
    samples.add(kind, time.perf_counter() - started)
    return next_cursor


def _search(db_session: Session, filters: VehicleFilters, sort: VehicleSort,
            cursor: str | None, samples: Samples) -> str | None:  # fmt: skip
    next_cursor = None
    try:
        page = search_vehicles(
            db_session=db_session, filters=filters, sort=sort, limit=10, cursor=cursor
        )
        next_cursor = page.next_cursor
    except OperationalError:
        samples.errors += 1
    db_session.rollback()  # end the read transaction and return the connection
    return next_cursor


def worker(
    url: str, seeds: list[int], stop_at: float, pool_size: int
) -> tuple[dict[str, list[float]], int]:
    """One server process: its own engine and pool, one thread per client.

    Clients wait their turn for one of `pool_size` slots (first come, first served), as requests
    queue in a server process, rather than all fighting for the GIL at once.
    """
    engine = make_engine(url, pool_size=pool_size, max_overflow=0)
    sessions = make_session_factory(engine)
    limiter = FifoLimiter(pool_size)
    client(sessions, 0, time.time() + 1, Samples(), limiter)  # warm-up: vocabulary, statements
    samples = Samples()
    threads = [threading.Thread(target=client, args=(sessions, seed, stop_at, samples, limiter))
               for seed in seeds]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    return samples.by_kind, samples.errors


def run(
    backend: str, url: str, count: int, clients: int, processes: int, duration: float,
    pool_size: int,
) -> str:  # fmt: skip
    ensure_database(url)
    engine = make_engine(url)
    upgrade(engine)
    print(f"[{backend}] ensuring {count} vehicles ...")
    generate_bulk(sessions=make_session_factory(engine), count=count)
    engine.dispose()
    seeds = [[seed for seed in range(1, clients + 1) if seed % processes == p]
             for p in range(processes)]  # fmt: skip
    stop_at = time.time() + 2 + duration  # after each process's warm-up second
    samples = Samples()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        for by_kind, errors in pool.map(
            worker, [url] * processes, seeds, [stop_at] * processes, [pool_size] * processes
        ):
            for kind, values in by_kind.items():
                samples.by_kind.setdefault(kind, []).extend(values)
            samples.errors += errors
    return report(backend, count, clients, processes, pool_size, duration, samples)


def report(
    backend: str, count: int, clients: int, processes: int, pool_size: int, duration: float,
    samples: Samples,
) -> str:  # fmt: skip
    everything = [ms for values in samples.by_kind.values() for ms in values]
    p95 = percentile(everything, 95)
    verdict = "meets" if p95 < TARGET_P95_MS else "MISSES"
    lines = [
        f"**{backend}**, {count:,} vehicles, {clients} clients over {processes} processes "
        f"({pool_size} connections each), "
        f"{duration:.0f} s: {len(everything) / duration:,.0f} requests/s, "
        f"p50 {percentile(everything, 50):.1f} ms, "
        f"p95 {p95:.1f} ms, p99 {percentile(everything, 99):.1f} ms, max {max(everything):.0f} ms, "
        f"errors {samples.errors} "
        f"— {verdict} the p95 < {TARGET_P95_MS:.0f} ms target",
        "",
        "| query | n | p50 ms | p95 ms | p99 ms | max ms | mean ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, values in sorted(samples.by_kind.items()):
        lines.append(
            f"| {kind} | {len(values)} | {percentile(values, 50):.1f} | "
            f"{percentile(values, 95):.1f} | {percentile(values, 99):.1f} | {max(values):.0f} | "
            f"{statistics.fmean(values):.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", action="append", choices=sorted(DEFAULT_URLS))
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--pool-size", type=int, default=2, help="database connections per process")
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="server processes sharing the clients (deployed: one uvicorn worker per core)",
    )
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args()
    sections = []
    for backend in args.backend or list(DEFAULT_URLS):
        try:
            sections.append(run(backend, DEFAULT_URLS[backend], args.count, args.clients,
                                args.processes, args.duration, args.pool_size))  # fmt: skip
        except OperationalError as error:
            sections.append(f"**{backend}**: not run ({error.orig})")
        print(sections[-1], "\n")
    if args.no_write:
        return
    header = (
        f"\n## Search — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"Machine: {platform.node()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}.\n"
        f"Command: `.venv/bin/python -m devtools.bench.search_bench "
        f"--count {args.count} --clients {args.clients} --processes {args.processes} "
        f"--pool-size {args.pool_size} "
        f"--duration {args.duration:.0f}`\n\n"
    )
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nNewest at the bottom of each section.\n")
    with RESULTS.open("a", encoding="utf-8") as results:
        results.write(header + "\n\n".join(sections) + "\n")


if __name__ == "__main__":
    main()
