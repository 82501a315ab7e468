"""Token and policy activity of this gateway process: tokens issued, sign-ins refused,
requests denied (403). Prometheus counters (on ``/metrics``) plus per-minute counts for
the ops page's chart.

Counted from the responses, outermost, so nothing in the token or policy code changes:
a 200 from ``POST /auth/token`` is a token issued, a 4xx there a refusal (labelled by
status: 400 bad grant, 401 bad client, 429 rate limited); any other 403 is a denial, by
the gateway's Casbin check or by a service's own role check behind it. The sign-in form
counts its own outcomes.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CollectorRegistry, Counter

from gateway.problems import original_path

MINUTES = 60


class MinuteCounts:
    """Counts per minute over the last hour, oldest first."""

    def __init__(self) -> None:
        self._slots: deque[list[int]] = deque(maxlen=MINUTES)  # [minute, count]
        self.total = 0

    def inc(self) -> None:
        minute = int(time.time() // 60)
        if not self._slots or self._slots[-1][0] != minute:
            self._slots.append([minute, 0])
        self._slots[-1][1] += 1
        self.total += 1

    def last_hour(self) -> list[int]:
        current = int(time.time() // 60)
        by_minute = {m: c for m, c in self._slots}
        return [by_minute.get(current - MINUTES + 1 + i, 0) for i in range(MINUTES)]


class _Counted:
    def __init__(self, counter: Counter, minutes: MinuteCounts) -> None:
        self._counter, self.minutes = counter, minutes

    def inc(self) -> None:
        self._counter.inc()
        self.minutes.inc()


class Activity:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.issued = _Counted(
            Counter("gateway_tokens_issued_total", "Access tokens issued", registry=registry),
            MinuteCounts(),
        )
        self._refused = Counter(
            "gateway_tokens_refused_total", "Token requests refused", ("status",), registry=registry
        )
        self.refused_minutes = MinuteCounts()
        self.refused_by_status: dict[int, int] = {}
        self.denied = _Counted(
            Counter("gateway_policy_denials_total", "Requests denied (403)", registry=registry),
            MinuteCounts(),
        )

    def refused(self, status: int) -> None:
        self._refused.labels(str(status)).inc()
        self.refused_minutes.inc()
        self.refused_by_status[status] = self.refused_by_status.get(status, 0) + 1


def activity_middleware(activity_of: Callable[[], Activity]) -> object:
    """``activity_of`` gives the process's Activity (made once the app's registry exists)."""

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            token_request = scope.get("method") == "POST" and original_path(scope) == (
                "/auth/token"
            )

            async def observed(message: Message) -> None:
                if message["type"] == "http.response.start":
                    activity = activity_of()
                    status = int(message["status"])
                    if token_request and status == 200:
                        activity.issued.inc()
                    elif token_request and 400 <= status < 500:
                        activity.refused(status)
                    elif status == 403:
                        activity.denied.inc()
                await send(message)

            await app(scope, receive, observed)

        return middleware

    return factory
