"""One send budget for every process: rate limits kept in Redis, shared by all senders.

Each send takes a slot in up to three buckets at once: the sending number or bot (all chats
together), the recipient's chat, and, for group chats, the group. The buckets are GCRA
schedules (a "theoretical arrival time" per key) reserved in one Lua step, so two conversation
workers and an alert worker reserve slots from the same schedule and their combined rate stays
within the provider's limit. When a provider still says "too fast" (HTTP 429, Telegram's
`retry_after`), `slow_down` holds every process's sends through that number for the delay asked.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

from bots.config import ChannelSettings

DEFAULT_PREFIX = "nzila:limits"
YIELD_PATIENCE_US = 2_000  # a yielding limiter takes a slot at most this far ahead


@dataclass(frozen=True)
class Rate:
    """`per_second` sends sustained, after a burst of `burst` sends at once."""

    per_second: float
    burst: int = 1

    def __post_init__(self) -> None:
        if self.per_second <= 0 or self.burst < 1:
            raise ValueError(f"a rate needs per_second > 0 and burst >= 1, not {self}")


@dataclass(frozen=True)
class ChannelLimits:
    """A channel's published limits: per sending number (or bot), per chat, per group chat."""

    sender: Rate
    chat: Rate
    group: Rate | None = None  # None: the channel has no group chats


@dataclass(frozen=True)
class SendScope:
    """Who a send is from and to: the buckets it spends."""

    channel: str
    sender: str  # the sending number or bot
    chat: str
    group: bool = False


class RateLimiter(Protocol):
    """Paces sends so that every process together stays within each provider's limits."""

    async def acquire(self, scope: SendScope, *, urgent: bool = False) -> None:
        """Wait until a message in `scope` may go, and count it; `urgent` goes ahead of this
        process's other waiting sends where the limiter ranks them."""
        ...

    async def slow_down(self, scope: SendScope, seconds: float) -> None:
        """The provider asked us to wait `seconds`: hold every process's sends from the sender
        of `scope` (all its chats) until then."""
        ...


def channel_limits(settings: ChannelSettings) -> dict[str, ChannelLimits]:
    """Each channel's limits, from settings."""
    return {
        "telegram": ChannelLimits(
            sender=Rate(settings.telegram_messages_per_second),
            chat=Rate(settings.telegram_chat_messages_per_second, settings.telegram_chat_burst),
            group=Rate(settings.telegram_group_messages_per_minute / 60.0),
        ),
        "whatsapp": ChannelLimits(
            sender=Rate(settings.whatsapp_messages_per_second),
            chat=Rate(settings.whatsapp_chat_messages_per_second, settings.whatsapp_chat_burst),
        ),
        "twilio": ChannelLimits(
            sender=Rate(settings.twilio_messages_per_second),
            chat=Rate(settings.twilio_chat_messages_per_second, settings.twilio_chat_burst),
        ),
    }


# KEYS: the pause key, then one key per bucket. ARGV: per bucket its interval and its burst
# tolerance (microseconds), then how many of the buckets (the first ones) are the sender's (all
# its chats), then the patience (microseconds; -1: any). Returns {wait, reserved, own}: the wait
# in microseconds before the slot; whether it was reserved (not when the slot is further away
# than the patience: the caller comes back then); whether the slot is held back by the chat's
# own buckets rather than by the sender's (a yielding caller then lets the chat's neighbours go).
# The slot is the earliest time every bucket allows (GCRA: tat - tolerance) and no pause forbids;
# each bucket's tat then moves one interval past that slot. Time is Redis's own, so processes on
# different machines share one clock.
_RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local senders = tonumber(ARGV[#ARGV - 1])
local slot = now
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > slot then slot = paused end
local sender_slot = slot
local tats = {}
for i = 2, #KEYS do
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then tat = now end
  tats[i] = tat
  local allowed = tat - tonumber(ARGV[2 * i - 2])
  if allowed > slot then slot = allowed end
  if i - 1 <= senders then sender_slot = slot end
end
local own = 0
if slot > sender_slot then own = 1 end
local patience = tonumber(ARGV[#ARGV])
if patience >= 0 and slot - now > patience then return {slot - now, 0, own} end
for i = 2, #KEYS do
  local interval = tonumber(ARGV[2 * i - 3])
  local tat = tats[i]
  if slot > tat then tat = slot end
  tat = tat + interval
  redis.call('SET', KEYS[i], string.format('%d', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
end
return {slot - now, 1, own}
"""

# KEYS: the pause key. ARGV: the pause in microseconds. Only ever lengthens a pause.
_PAUSE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local until_ = now + tonumber(ARGV[1])
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused >= until_ then return 0 end
local ttl = math.ceil(tonumber(ARGV[1]) / 1000) + 1
redis.call('SET', KEYS[1], string.format('%d', until_), 'PX', ttl)
return 1
"""

# KEYS: the pause key. Returns the microseconds the pause still lasts (0: none).
_PAUSED = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return paused - now end
return 0
"""


@dataclass(frozen=True)
class Reservation:
    """What the limiter answered: the seconds to the slot; whether the slot was taken (a
    yielding limiter takes only a slot that is free now); whether the chat's own buckets, not
    the sender's, hold it back."""

    wait: float
    reserved: bool
    own_chat: bool = False


class _Turns:
    """The sends of one sending number waiting in this process, urgent first, then oldest:
    only the first asks Redis for a slot, the others wait for their turn here. So a backlog of
    alerts costs one Redis call per slot, not one per waiting send, and an urgent alert waits
    for at most the slot being taken, not for the backlog."""

    def __init__(self) -> None:
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._held = False

    @contextlib.asynccontextmanager
    async def first(self, *, urgent: bool) -> AsyncIterator[None]:
        if self._held:
            turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiting, (0 if urgent else 1, next(self._order), turn))
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():  # given the turn as it was cancelled
                    self._pass()
                raise  # a cancelled turn left in the heap is skipped by _pass
        else:
            self._held = True
        try:
            yield
        finally:
            self._pass()

    def _pass(self) -> None:
        while self._waiting:
            _, _, turn = heapq.heappop(self._waiting)
            if not turn.done():
                turn.set_result(None)  # the turn is theirs: still held
                return
        self._held = False


class RedisRateLimiter:
    """`RateLimiter` on Redis: GCRA buckets reserved atomically by a Lua script.

    A `yielding` limiter (the alert worker's) takes only slots that are free now and never
    queues ahead: a conversation worker's reply reserves the number's next slot whatever the
    alert backlog, so a buyer who is talking is answered first. Its waiting sends take turns
    per number in this process, urgent ones first. `share` < 1 also makes its sends take a slot
    in a bucket of their own at that share of the number's rate: a cap on alerts, should
    replies need a guaranteed part of the budget."""

    def __init__(
        self, redis: Any, limits: dict[str, ChannelLimits], *, prefix: str = DEFAULT_PREFIX,
        share: float = 1.0, share_name: str = "alerts", yielding: bool = False,
    ) -> None:  # fmt: skip
        if not 0 < share <= 1:
            raise ValueError(f"a share of the rate is in (0, 1], not {share}")
        self._redis = redis
        self._limits = limits
        self._prefix = prefix
        self._share = share
        self._share_name = share_name
        self._yielding = yielding or share < 1
        self._turns: dict[tuple[str, str], _Turns] = {}
        self._reserve = redis.register_script(_RESERVE)
        self._pause = redis.register_script(_PAUSE)
        self._paused = redis.register_script(_PAUSED)

    async def acquire(self, scope: SendScope, *, urgent: bool = False) -> None:
        if self._yielding:
            await self._take_free_slot(scope, urgent=urgent)
            return
        while True:
            delay = (await self.try_reserve(scope)).wait
            if delay == 0:
                return
            await asyncio.sleep(delay)
            # A pause asked for while this send waited holds it too: a new slot after the pause
            # (the one it had is given up), never a burst when the pause ends.
            if await self._paused(keys=[self._key(scope, "pause")]) <= 0:
                return

    async def _take_free_slot(self, scope: SendScope, *, urgent: bool) -> None:
        turns = self._turns.setdefault((scope.channel, scope.sender), _Turns())
        while True:
            async with turns.first(urgent=urgent):
                while True:
                    answer = await self.try_reserve(scope)
                    if answer.reserved:
                        break
                    if answer.own_chat:  # this chat is busy: its neighbours go meanwhile
                        break
                    await asyncio.sleep(answer.wait)  # the number's next free slot
            if answer.reserved:
                if answer.wait > 0:
                    await asyncio.sleep(answer.wait)  # at most the patience
                return
            await asyncio.sleep(answer.wait)

    async def reserve(self, scope: SendScope) -> float:
        """Take the next slot for `scope` in every bucket; the seconds until that slot. A
        yielding limiter takes only a slot that is free now: else it reserves nothing and
        returns minus the seconds to wait before asking again."""
        answer = await self.try_reserve(scope)
        return answer.wait if answer.reserved else -answer.wait

    async def try_reserve(self, scope: SendScope) -> Reservation:
        """One ask of Redis for the next slot of `scope`: see `Reservation`."""
        buckets = self._buckets(scope)
        keys = [self._key(scope, "pause")] + [key for key, _ in buckets]
        args: list[int] = []
        for _, rate in buckets:
            interval = 1_000_000 / rate.per_second
            args += [round(interval), round(interval * (rate.burst - 1))]
        args.append(2 if self._share < 1 else 1)  # the sender's buckets come first
        args.append(YIELD_PATIENCE_US if self._yielding else -1)
        wait, reserved, own = await self._reserve(keys=keys, args=args)
        return Reservation(int(wait) / 1_000_000, bool(reserved), bool(own))

    async def slow_down(self, scope: SendScope, seconds: float) -> None:
        if seconds > 0:
            await self._pause(keys=[self._key(scope, "pause")], args=[round(seconds * 1_000_000)])

    def _buckets(self, scope: SendScope) -> list[tuple[str, Rate]]:
        limits = self._limits[scope.channel]
        buckets = [(self._key(scope, "all"), limits.sender)]
        if self._share < 1:
            shared = Rate(limits.sender.per_second * self._share, limits.sender.burst)
            buckets.append((self._key(scope, self._share_name), shared))
        buckets.append((self._key(scope, f"chat:{scope.chat}"), limits.chat))
        if scope.group and limits.group is not None:
            buckets.append((self._key(scope, f"group:{scope.chat}"), limits.group))
        return buckets

    def _key(self, scope: SendScope, bucket: str) -> str:
        return f"{self._prefix}:{scope.channel}:{scope.sender}:{bucket}"
