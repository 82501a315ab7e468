"""The services' and workers' readiness, asked concurrently for the gateway's ``/ready``.

unison_web's readiness runs its checks one after another, each returning one named
result; here every target becomes its own named check, and the first check of a probe
starts one concurrent round for all targets that the others then share.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx

from unison_web.health import ReadinessCheck

Result = tuple[str, bool, str]
# Results of one round serve every check of the same /ready call (and close ones).
ROUND_SECONDS = 0.5


class ReadinessProbe:
    def __init__(
        self,
        targets: dict[str, str],
        *,
        timeout: float,
        client: Callable[[], httpx.AsyncClient],
    ) -> None:
        self._targets = targets
        self._timeout = timeout
        self._client = client
        self._round: tuple[asyncio.Task[dict[str, Result]], float] | None = None

    async def _ask(self, name: str, url: str) -> Result:
        try:
            response = await self._client().get(url, timeout=self._timeout)
        except httpx.TimeoutException:
            return (name, False, f"no answer within {self._timeout:g}s")
        except httpx.HTTPError as exc:
            return (name, False, f"unreachable: {type(exc).__name__}")
        if response.status_code == 200:
            return (name, True, "ready")
        return (name, False, f"not ready (HTTP {response.status_code})")

    async def _ask_all(self) -> dict[str, Result]:
        results = await asyncio.gather(*(self._ask(n, u) for n, u in self._targets.items()))
        return {r[0]: r for r in results}

    def _current_round(self) -> asyncio.Task[dict[str, Result]]:
        now = time.monotonic()
        if self._round is None or now - self._round[1] > ROUND_SECONDS:
            self._round = (asyncio.ensure_future(self._ask_all()), now)
        return self._round[0]

    def checks(self) -> list[ReadinessCheck]:
        def check_for(name: str) -> ReadinessCheck:
            async def check() -> Result:
                return (await asyncio.shield(self._current_round()))[name]

            return check

        return [check_for(name) for name in sorted(self._targets)]
