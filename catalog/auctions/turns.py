"""Bids on one lot from one process's threads take turns before they reach the database.

The database's lock (service.py) is what makes concurrent bids correct; this only orders the
ones from this process. Without it, every thread bidding on a hot lot reads the auction, passes
the early checks on a price that is about to move, opens a transaction and waits in the
database's lock queue, where most are then refused: each refused one held the lot's lock for a
round trip and a commit, and kept a connection and a server process busy while it waited. Taking
turns here, a thread reads the auction only once the bid before it from this process is decided,
so a bid the new price has beaten is refused by the early checks, without the lock.

A turn is an optimisation, never a condition: a thread that waits longer than `patience` goes
on without it (the database still serialises the bids). That also rules out a deadlock when one
transaction bids twice on a lot whose lock it already holds while another thread waits its turn.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class LotTurns:
    """One turn at a time per lot, for the threads of this process."""

    def __init__(self, patience: float = 1.0) -> None:
        self.patience = patience
        self._guard = threading.Lock()
        self._lots: dict[int, tuple[threading.Lock, int]] = {}  # lock, threads using it

    @contextmanager
    def turn(self, lot: int) -> Iterator[bool]:
        """Wait for this lot's turn (at most `patience` seconds); yields whether it was had."""
        with self._guard:
            lock, users = self._lots.get(lot, (None, 0))
            lock = lock or threading.Lock()
            self._lots[lot] = (lock, users + 1)
        had = lock.acquire(timeout=self.patience)
        try:
            yield had
        finally:
            if had:
                lock.release()
            with self._guard:  # the last thread out forgets the lot: idle lots cost nothing
                lock, users = self._lots[lot]
                if users == 1:
                    del self._lots[lot]
                else:
                    self._lots[lot] = (lock, users - 1)

    def waiting(self) -> int:
        """Lots with a thread in or waiting for a turn (what tests look at)."""
        with self._guard:
            return len(self._lots)
