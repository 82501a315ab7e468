"""argon2id hashing for user passwords and API-client secrets.

Hashing and verifying are deliberately slow, so they run in a worker thread and never
stall the event loop that serves every other request.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    def __init__(self, *, time_cost: int, memory_cost: int, parallelism: int) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism
        )
        # Verified against when the account does not exist, so that an unknown email
        # takes as long to refuse as a wrong password (no account enumeration by timing).
        self._decoy = self._hasher.hash("decoy password that matches nothing")

    def hash_sync(self, secret: str) -> str:
        return self._hasher.hash(secret)

    async def hash(self, secret: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, secret)

    def _verify(self, stored: str | None, secret: str) -> bool:
        try:
            return bool(self._hasher.verify(stored or self._decoy, secret)) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    async def verify(self, stored: str | None, secret: str) -> bool:
        """True when ``secret`` matches ``stored``; ``stored=None`` costs the same and fails."""
        return await asyncio.to_thread(self._verify, stored, secret)

    def needs_rehash(self, stored: str) -> bool:
        """The hash was made with other cost parameters than the current settings."""
        try:
            return self._hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True
