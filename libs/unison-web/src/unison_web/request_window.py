"""What a process's ops page shows about its own HTTP traffic, kept in memory and bounded.

Prometheus counters are cumulative since start and need a scraper to turn into rates;
the ops page must answer "how is it now" by itself. So every request is also counted in
per-minute slots (the last hour), its latency kept in a bounded sample, and each 5xx kept
in a small ring with its request id, so an admin can find the log lines of a failure.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

import msgspec

MINUTES = 60
LATENCY_SAMPLES = 4096
RECENT_ERRORS = 50


@dataclass
class _Minute:
    minute: int  # minutes since the epoch
    requests: int = 0
    errors: int = 0


class RecentError(msgspec.Struct, frozen=True):
    at: float  # epoch seconds
    request_id: str
    method: str
    path: str
    status: int
    error: str


class Traffic(msgspec.Struct, frozen=True):
    """The last ``window`` seconds: rates, the 5xx share, latency percentiles (ms)."""

    window_seconds: int
    requests: int
    requests_per_second: float
    error_rate: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    per_minute: list[int]  # requests in each of the last 60 minutes, oldest first
    errors_per_minute: list[int]


def _percentile(ordered: list[float], q: float) -> float | None:
    if not ordered:
        return None
    rank = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[rank]


class RequestWindow:
    def __init__(self) -> None:
        self._minutes: deque[_Minute] = deque(maxlen=MINUTES)
        self._latencies: deque[tuple[float, float]] = deque(maxlen=LATENCY_SAMPLES)
        self.errors: deque[RecentError] = deque(maxlen=RECENT_ERRORS)

    def _slot(self, now: float) -> _Minute:
        minute = int(now // 60)
        if not self._minutes or self._minutes[-1].minute != minute:
            self._minutes.append(_Minute(minute))
        return self._minutes[-1]

    def record(
        self,
        method: str,
        path: str,
        status: int,
        seconds: float,
        request_id: str,
        error: str | None = None,
    ) -> None:
        """One finished request; a 5xx also enters the ring of recent errors."""
        now = time.time()
        slot = self._slot(now)
        slot.requests += 1
        self._latencies.append((now, seconds))
        if status >= 500:
            slot.errors += 1
            described = error or f"HTTP {status}"
            self.errors.append(
                RecentError(now, request_id, method, path[:300], status, described[:300])
            )

    def traffic(self, window: int = 300) -> Traffic:
        now = time.time()
        current = int(now // 60)
        by_minute = {m.minute: m for m in self._minutes}
        slots = [by_minute.get(current - MINUTES + 1 + i) for i in range(MINUTES)]
        per_minute = [s.requests if s else 0 for s in slots]
        errors_per_minute = [s.errors if s else 0 for s in slots]
        recent = [m for m in self._minutes if m.minute * 60 >= now - window]
        count = sum(m.requests for m in recent)
        errors = sum(m.errors for m in recent)
        latencies = sorted(s for at, s in self._latencies if at >= now - window)
        ms = [s * 1000 for s in latencies]
        return Traffic(
            window_seconds=window,
            requests=count,
            requests_per_second=count / window,
            error_rate=errors / count if count else 0.0,
            p50_ms=_percentile(ms, 0.50),
            p95_ms=_percentile(ms, 0.95),
            p99_ms=_percentile(ms, 0.99),
            per_minute=per_minute,
            errors_per_minute=errors_per_minute,
        )
