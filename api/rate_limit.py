"""Per-credential rate limits (token buckets) answered with 429 and Retry-After.

In-process buckets: with several API processes each enforces its own share. A Redis-backed limiter can replace
`TokenBuckets` behind the same two methods when the API scales out.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    def __init__(self, rate_per_second: float, burst: int, *, max_keys: int = 100_000) -> None:
        self.rate = rate_per_second
        self.burst = burst
        self.max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str, now: float | None = None) -> float:
        """Spend one token; returns 0 when allowed, else the seconds to wait."""
        at = time.monotonic() if now is None else now
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._buckets.clear()  # bounded memory; forgetting buckets only ever lets requests through
            bucket = self._buckets[key] = _Bucket(tokens=self.burst, updated=at)
        bucket.tokens = min(self.burst, bucket.tokens + (at - bucket.updated) * self.rate)
        bucket.updated = at
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
