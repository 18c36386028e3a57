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

    async def acquire(self, scope: SendScope) -> None:
        """Wait until a message in `scope` may go, and count it."""
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
# tolerance (microseconds), then the patience (microseconds; -1: any). Returns the wait in
# microseconds before the reserved slot; or, when the slot is further away than the patience,
# reserves nothing and returns minus the wait (the caller comes back then).
# The slot is the earliest time every bucket allows (GCRA: tat - tolerance) and no pause forbids;
# each bucket's tat then moves one interval past that slot. Time is Redis's own, so processes on
# different machines share one clock.
_RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local slot = now
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > slot then slot = paused end
local tats = {}
for i = 2, #KEYS do
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then tat = now end
  tats[i] = tat
  local allowed = tat - tonumber(ARGV[2 * i - 2])
  if allowed > slot then slot = allowed end
end
local patience = tonumber(ARGV[#ARGV])
if patience >= 0 and slot - now > patience then return now - slot end
for i = 2, #KEYS do
  local interval = tonumber(ARGV[2 * i - 3])
  local tat = tats[i]
  if slot > tat then tat = slot end
  tat = tat + interval
  redis.call('SET', KEYS[i], string.format('%d', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
end
return slot - now
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


class RedisRateLimiter:
    """`RateLimiter` on Redis: GCRA buckets reserved atomically by a Lua script.

    `share` < 1 makes this limiter's sends (the alert worker's) also take a slot in a bucket of
    their own at that share of the number's rate: alerts never use the whole budget, so a buyer
    who is talking is answered first, whatever the alert backlog."""

    def __init__(
        self, redis: Any, limits: dict[str, ChannelLimits], *, prefix: str = DEFAULT_PREFIX,
        share: float = 1.0, share_name: str = "alerts",
    ) -> None:  # fmt: skip
        if not 0 < share <= 1:
            raise ValueError(f"a share of the rate is in (0, 1], not {share}")
        self._redis = redis
        self._limits = limits
        self._prefix = prefix
        self._share = share
        self._share_name = share_name
        self._reserve = redis.register_script(_RESERVE)
        self._pause = redis.register_script(_PAUSE)
        self._paused = redis.register_script(_PAUSED)

    async def acquire(self, scope: SendScope) -> None:
        while True:
            delay = await self.reserve(scope)
            if delay < 0:
                await asyncio.sleep(-delay)  # a yielding limiter holds no slot while it waits
                continue
            if delay == 0:
                return
            await asyncio.sleep(delay)
            # A pause asked for while this send waited holds it too: a new slot after the pause
            # (the one it had is given up), never a burst when the pause ends.
            if await self._paused(keys=[self._key(scope, "pause")]) <= 0:
                return

    async def reserve(self, scope: SendScope) -> float:
        """Take the next slot for `scope` in every bucket; the seconds until that slot. A
        limiter with a share of the rate (alerts) takes only a slot that is free now: else it
        reserves nothing, so replies are never queued behind alerts, and returns minus the
        seconds to wait before asking again."""
        buckets = self._buckets(scope)
        keys = [self._key(scope, "pause")] + [key for key, _ in buckets]
        args: list[int] = []
        for _, rate in buckets:
            interval = 1_000_000 / rate.per_second
            args += [round(interval), round(interval * (rate.burst - 1))]
        args.append(YIELD_PATIENCE_US if self._share < 1 else -1)
        waited: int = await self._reserve(keys=keys, args=args)
        return waited / 1_000_000

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
