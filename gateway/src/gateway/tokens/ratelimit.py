"""Failed logins counted in PostgreSQL, so every gateway process sees the same counts.

Only failures are recorded. A key (an email, a client_id, or an address) with too many
failures inside the window is refused before its password is even checked, until enough
of those failures have aged out. Check and record are not atomic: a burst of parallel
guesses may overshoot the limit by the burst's size, which a limit of this kind allows.
"""

from __future__ import annotations

from pathlib import Path

from gateway.tokens.oauth import TooManyAttemptsError
from unison_pg import Database, Queries

Q = Queries.load(Path(__file__).with_name("queries.sql"))

LoginKey = tuple[str, str]  # (scope, key): ("user", email) | ("client", id) | ("address", ip)


class LoginLimiter:
    def __init__(
        self, database: Database, *, max_failures: int, max_per_address: int, window: int
    ) -> None:
        self._db = database
        self._limits = {"user": max_failures, "client": max_failures, "address": max_per_address}
        self._window = window

    async def check(self, *keys: LoginKey) -> None:
        """Raise :class:`TooManyAttemptsError` when any of ``keys`` is over its limit."""
        waits: list[int] = []
        async with self._db.transaction(None, readonly=True) as conn:
            for scope, key in keys:
                wait = await conn.fetchval(
                    Q.login_blocked_for, scope, key, self._window, self._limits[scope]
                )
                if wait is not None:
                    waits.append(int(wait))
        if waits:
            raise TooManyAttemptsError(max(waits))

    async def record_failure(self, *keys: LoginKey) -> None:
        async with self._db.transaction(None) as conn:
            await conn.executemany(Q.record_login_failure, keys)

    async def clear(self, key: LoginKey) -> None:
        """A successful login forgives the account's failures (not the address's)."""
        async with self._db.transaction(None) as conn:
            await conn.execute(Q.clear_login_failures, *key)
