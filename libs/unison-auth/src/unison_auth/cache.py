"""Verified tokens, remembered until they expire.

A client sends the same access token with every request for its lifetime (minutes);
parsing and verifying it each time cost about a millisecond of CPU per request here,
more than the database work of a typical read. Only the exact token string hits, and an
entry never outlives the token's own ``exp``.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from unison_auth.principal import Principal


class VerifiedTokens:
    def __init__(self, max_entries: int = 10_000) -> None:
        self._max = max_entries
        self._entries: OrderedDict[str, tuple[float, Principal]] = OrderedDict()

    def get(self, token: str) -> Principal | None:
        hit = self._entries.get(token)
        if hit is None:
            return None
        expires, principal = hit
        if expires <= time.time():
            del self._entries[token]
            return None
        self._entries.move_to_end(token)
        return principal

    def clear(self) -> None:
        self._entries.clear()

    def put(self, token: str, principal: Principal) -> None:
        if principal.expires_at is None:
            return
        self._entries[token] = (principal.expires_at, principal)
        self._entries.move_to_end(token)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
