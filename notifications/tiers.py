"""WhatsApp's messaging tier: how many distinct users the business portfolio may start
conversations with in a rolling 24 hours (250, 2,000, 10,000, 100,000 or unlimited).

Each business-initiated send (a template, outside the user's window) is admitted here first:
a user already counted in the last 24 hours costs nothing more; a new one is admitted while the
count is under the tier, keeping the last share of it for urgent kinds. What is not admitted is
held until a slot frees, never sent to be refused. The count lives in Redis (a sorted set of
users by the time they were first counted), shared by every alert worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DAY_MS = 24 * 3600 * 1000

# KEYS: the set. ARGV: user, cap for this kind, now ms. Returns {admitted, ms until a slot frees}.
_ADMIT = """
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 86400000)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return {1, 0} end
local count = redis.call('ZCARD', KEYS[1])
if count < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], 86400000)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local frees = 60000
if oldest[2] then frees = tonumber(oldest[2]) + 86400000 - now end
return {0, frees}
"""


@dataclass(frozen=True)
class Admission:
    admitted: bool
    retry_in_seconds: float = 0.0


class MessagingTier:
    """The portfolio's rolling 24-hour count of users reached by business-initiated sends."""

    def __init__(
        self, redis: Any, tier: int | None, *, urgent_reserve: float = 0.1,
        key: str = "nzila:alerts:tier",
    ) -> None:  # fmt: skip
        self._redis = redis
        self.tier = tier
        self._reserve = urgent_reserve
        self._key = key
        self._admit = redis.register_script(_ADMIT)

    async def admit(self, user: str, *, urgent: bool, now_ms: int) -> Admission:
        if self.tier is None:
            return Admission(True)
        cap = self.tier if urgent else int(self.tier * (1 - self._reserve))
        admitted, frees = await self._admit(keys=[self._key], args=[user, cap, now_ms])
        return Admission(bool(admitted), max(float(frees) / 1000, 1.0))

    async def used(self, now_ms: int) -> int:
        """Users counted in the last 24 hours."""
        return int(await self._redis.zcount(self._key, now_ms - DAY_MS, "+inf"))
