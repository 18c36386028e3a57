"""Concurrent bidders on one lot: bids per second, latency, and whether the outcome is right.

    .venv/bin/python -m devtools.bench.auction_bench  # SQLite and PostgreSQL, 30 s
    .venv/bin/python -m devtools.bench.auction_bench --backends sqlite --seconds 5 --no-write

Each backend gets a fresh, migrated database with one live auction (reserve, no buy-now).
`--bidders` buyers bid for `--seconds`, each in a thread of one of `--processes` processes
(Python's GIL would otherwise make the benchmark measure itself; the threads of one process
take turns per lot in the service, as the action server's worker threads do, and
`--processes 50` shows one bidder per process, with no turns to share), without pause: each bid is a
maximum a little above the minimum the previous answer named (as the bot's confirmation or
refusal does), in its own transaction through `catalog.auctions.service`, as the chat action
will. Latency is one bid's transaction, commit included, lock wait included.
Then the check: the engine is a pure function of the bid history, so every stored bid is
replayed in commit order (the order the auction's lock let them in) and the price and leader
recorded with it must be the ones the replay gives; the count of bids that disagree must be 0.
Target (issue 5): >= 500 bids/s on PostgreSQL on 2 cores.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import threading
import time
from datetime import timedelta

from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from catalog.auctions import service as auction_service
from catalog.auctions.engine import Accepted, place, replay
from catalog.auctions.models import AuctionBid
from catalog.buyers import service as buyer_service
from catalog.database import make_engine, make_session_factory, transaction, utcnow
from catalog.dealers import service as dealer_service
from catalog.dealers.schemas import DealerIn
from catalog.migrate import upgrade
from catalog.vehicles import service as vehicle_service
from catalog.vehicles.schemas import VehicleIn
from catalog.vehicles.vin import with_check_digit
from devtools.bench._common import append_results, command_line, fresh_dir, percentile

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
EXTRA_CENTS = (0, 50_00, 100_00, 500_00, 2_500_00)  # above the minimum: most bids are valid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--bidders", type=int, default=50)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    rows = [run_backend(backend, args) for backend in args.backends.split(",")]
    body = report(rows, args)
    print(body)
    if not args.no_write:
        options = {"backends": args.backends, "bidders": args.bidders,
                   "processes": args.processes, "seconds": args.seconds}  # fmt: skip
        append_results(
            "Auctions: concurrent bidders on one lot",
            command_line("devtools.bench.auction_bench", options),
            body,
            load,
        )


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, float | str | int]:
    url = database(backend, args.postgres_url)
    auction_id, bidder_ids = setup(url, args.bidders)
    groups = [bidder_ids[n :: args.processes] for n in range(args.processes)]
    queue: multiprocessing.Queue[list[float]] = multiprocessing.Queue()
    start_at = time.time() + 1.0  # every process starts together
    workers = [multiprocessing.Process(target=bid_for, args=(url, auction_id, group, start_at,
                                                              args.seconds, queue))
               for group in groups if group]  # fmt: skip
    for worker in workers:
        worker.start()
    latencies = [latency for _ in workers for latency in queue.get()]
    for worker in workers:
        worker.join()
    accepted, disagreements = check(url, auction_id)
    if backend == "postgresql":
        drop_database(args.postgres_url, url)
    return {"backend": backend, "bids": len(latencies), "accepted": accepted,
            "rate": len(latencies) / args.seconds, "p50": percentile(latencies, 50) * 1000,
            "p99": percentile(latencies, 99) * 1000, "disagree": disagreements}  # fmt: skip


def drop_database(postgres_url: str, url: str) -> None:
    """The run's own PostgreSQL database goes once its bids are checked."""
    admin = make_engine(postgres_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        name = make_url(url).database
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def database(backend: str, postgres_url: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{fresh_dir('auction-bench') / 'catalog.sqlite3'}"
    name = f"nzila_auction_bench_{os.getpid()}"
    admin = make_engine(postgres_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(postgres_url).set(database=name).render_as_string(hide_password=False)


def setup(url: str, bidders: int) -> tuple[int, list[int]]:
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with transaction(sessions) as db_session:
        dealer = dealer_service.create(db_session=db_session, dealer_in=DealerIn(
            name="Bench Motors", country="US", city="Houston", region="TX"))  # fmt: skip
        vehicle = vehicle_service.create(db_session=db_session,
                                         vehicle_in=VehicleIn.model_validate({
            "dealer_id": dealer.id, "vin": with_check_digit("4T1BF1FK0FU000001"),
            "make": "Toyota", "model": "Camry", "year": 2015, "body_type": "sedan",
            "fuel": "gasoline", "transmission": "automatic", "drive": "fwd",
            "mileage_km": 90_000, "price_cents": 9_000_00, "yard_city": "Houston",
            "yard_region": "TX", "yard_country": "US", "export_port": "Houston, TX"}))  # fmt: skip
        auction = auction_service.create(
            db_session=db_session, vehicle_id=vehicle.id, starts_at=utcnow() - timedelta(hours=1),
            ends_at=utcnow() + timedelta(days=1), starting_bid_cents=1_000_00,
            reserve_cents=500_000_00)  # fmt: skip
        ids = [buyer_service.get_or_create_by_whatsapp(db_session=db_session,
                                                        number=f"+2348099{n:06d}").id
               for n in range(bidders)]  # fmt: skip
        for buyer_id in ids:  # terms accepted, a limit no bench bid reaches
            auction_service.accept_terms(db_session=db_session, buyer_id=buyer_id)
            auction_service.set_limit(db_session=db_session, buyer_id=buyer_id,
                                      limit_cents=auction_service.MAX_AMOUNT_CENTS,
                                      by="bench")  # fmt: skip
        auction_id = auction.id
    engine.dispose()
    return auction_id, ids


def bid_for(url: str, auction_id: int, bidder_ids: list[int], start_at: float, seconds: float,
            queue: multiprocessing.Queue[list[float]]) -> None:  # fmt: skip
    """One process: a thread per bidder, bidding until the time is up; the latencies go back."""
    engine = make_engine(url, pool_size=len(bidder_ids))
    sessions = make_session_factory(engine)
    latencies: list[float] = []
    stop_at = start_at + seconds
    time.sleep(max(start_at - time.time(), 0))

    def bidder(buyer_id: int) -> None:
        chance = random.Random(buyer_id)
        shown = 1_000_00  # the minimum the bot last told this buyer (the starting bid at first)
        while time.time() < stop_at:
            amount = shown + chance.choice(EXTRA_CENTS)
            started = time.perf_counter()
            with transaction(sessions) as db_session:
                result = auction_service.place_bid(
                    db_session=db_session, auction_id=auction_id, buyer_id=buyer_id,
                    amount_cents=amount,
                )  # fmt: skip
            latencies.append(time.perf_counter() - started)
            shown = result.decision.state.minimum_next_bid_cents

    threads = [threading.Thread(target=bidder, args=(buyer_id,)) for buyer_id in bidder_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    queue.put(latencies)


def check(url: str, auction_id: int) -> tuple[int, int]:
    """(accepted bids, stored bids whose price or leader the engine's replay disagrees with)."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as db_session:
        auction = auction_service.get(db_session=db_session, auction_id=auction_id)
        terms = auction_service.terms_of(auction)
        query = select(AuctionBid).where(AuctionBid.auction_id == auction_id)
        rows = list(db_session.scalars(query.order_by(AuctionBid.id)))
        bids = auction_service.accepted_bids(db_session=db_session, auction_id=auction_id)
    engine.dispose()
    state = replay(terms, [], now=terms.starts_at + timedelta(seconds=1))
    disagreements = 0
    for row, bid in zip(rows, bids, strict=True):
        decision = place(terms, state, bid)
        if not isinstance(decision, Accepted):
            disagreements += 1
            continue
        state = decision.state
        if (state.current_price_cents, state.leader_id) != (row.price_after_cents,
                                                             row.leader_after_id):  # fmt: skip
            disagreements += 1
    final = (auction.current_price_cents, auction.leader_id)
    disagreements += final != (state.current_price_cents, state.leader_id)
    return len(rows), disagreements


def report(rows: list[dict[str, float | str | int]], args: argparse.Namespace) -> str:
    lines = [f"{args.bidders} bidders on one lot for {args.seconds:.0f} s, in {args.processes} "
             "processes; one bid = one transaction (read, lock, engine, insert, commit).", "",
             "| backend | bids | accepted | bids/s | p50 ms | p99 ms | disagree with replay |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for row in rows:
        lines.append(f"| {row['backend']} | {row['bids']} | {row['accepted']} | "
                     f"{float(row['rate']):.0f} | {float(row['p50']):.1f} | "
                     f"{float(row['p99']):.1f} | {row['disagree']} |")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    main()
