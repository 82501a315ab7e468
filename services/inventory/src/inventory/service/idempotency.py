"""``Idempotency-Key`` for creates: a retried request gets the first response, once.

The key is claimed by the creating transaction itself, before it writes anything. A
concurrent retry's claim waits on the uncommitted key row; when the first commits, the
retry reads the stored response, and when it rolls back (bad input), the retry proceeds
as if it were first. So a key never points at a response that was not committed.
"""

from __future__ import annotations

import hashlib
import re

import asyncpg
import msgspec

from inventory import repo
from unison_web import Conflict, Invalid

HEADER = "Idempotency-Key"
_POINTER = "/headers/idempotency-key"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class Replay(msgspec.Struct, frozen=True):
    """The stored first response to a request with the same key and body."""

    status: int
    body: bytes


def check_key(key: str) -> str:
    if not _KEY.match(key):
        raise Invalid("Idempotency-Key must be 1 to 255 visible ASCII characters", _POINTER)
    return key


def fingerprint(method: str, path: str, body: msgspec.Struct) -> str:
    """A digest of what was asked, independent of JSON key order and whitespace."""
    canonical = msgspec.json.encode([method, path, body], order="sorted")
    return hashlib.sha256(canonical).hexdigest()


async def claim(conn: asyncpg.Connection, key: str, request_fingerprint: str) -> Replay | None:
    """None when this request holds the key now; else the first request's response."""
    if await repo.idempotency_claim(conn, key, request_fingerprint):
        return None
    stored = await repo.idempotency_get(conn, key)
    if stored is None or stored.response_status is None or stored.response_body is None:
        # Only when the key expired between the two statements: the client may retry.
        raise Conflict("this Idempotency-Key is being processed; retry")
    if stored.request_fingerprint != request_fingerprint:
        raise Invalid("this Idempotency-Key was already used for a different request", _POINTER)
    return Replay(stored.response_status, stored.response_body.encode())


async def complete(conn: asyncpg.Connection, key: str, status: int, body: bytes) -> None:
    await repo.idempotency_complete(conn, key, status, body)
