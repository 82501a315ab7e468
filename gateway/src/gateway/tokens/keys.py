"""Ed25519 signing keys: creation, rotation without downtime, and the in-memory key ring.

A key is published in the JWKS as soon as it exists, starts signing ``signing_key_lead``
seconds later (so every verifier can learn it first), and stays published after it
retires until the last token it signed has expired. Every gateway process reloads its
ring when PostgreSQL announces a change (NOTIFY) and when a token names an unknown key.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import structlog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from unison_auth import KeySet
from unison_pg import Database, DatabaseUnavailable, Queries

log = structlog.get_logger("gateway.keys")

Q = Queries.load(Path(__file__).with_name("keys.sql"))

ALGORITHM = "EdDSA"
# Tokens carry a few seconds of clock leeway (unison_auth); a retired key stays published
# this much longer than the token lifetime.
EXPIRY_MARGIN_SECONDS = 60
# The ring is reloaded at least this often even without a NOTIFY, and at most this often
# because of tokens naming unknown keys (so made-up kids cannot flood the database).
MAX_AGE_SECONDS = 60.0
MIN_RELOAD_SECONDS = 1.0


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: Ed25519PrivateKey
    public_jwk: dict[str, Any]
    signs_from: datetime
    retires_at: datetime | None
    expires_at: datetime | None

    def signs_at(self, moment: datetime) -> bool:
        return self.signs_from <= moment and (self.retires_at is None or moment < self.retires_at)

    def published_at(self, moment: datetime) -> bool:
        return self.expires_at is None or moment < self.expires_at


def _new_key_material() -> tuple[str, str, dict[str, Any]]:
    """(kid, private PEM, public JWK) of a fresh Ed25519 key."""
    private = Ed25519PrivateKey.generate()
    kid = f"{datetime.now(UTC):%Y%m%d%H%M%S}-{secrets.token_hex(4)}"
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    jwk: dict[str, Any] = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
    jwk.update({"kid": kid, "alg": ALGORITHM, "use": "sig"})
    return kid, pem, jwk


async def _insert_key(conn: asyncpg.Connection, signs_from: datetime) -> str:
    kid, pem, jwk = _new_key_material()
    await conn.execute(
        Q.insert_key, kid, ALGORITHM, pem, msgspec.json.encode(jwk).decode(), signs_from
    )
    return kid


async def ensure_signing_key(conn: asyncpg.Connection) -> str | None:
    """Create a key that signs at once when none signs now or later; returns its kid."""
    async with conn.transaction():
        await conn.execute(Q.lock_signing_keys)
        if await conn.fetchval(Q.has_usable_key):
            return None
        kid = await _insert_key(conn, await conn.fetchval(Q.seconds_from_now, 0))
    log.info("signing_key_created", kid=kid)
    return kid


async def rotate_signing_key(
    conn: asyncpg.Connection, *, lead_seconds: int, token_ttl: int
) -> tuple[str, datetime]:
    """Publish a new key now that signs after ``lead_seconds``; retire the others then."""
    async with conn.transaction():
        await conn.execute(Q.lock_signing_keys)
        signs_from: datetime = await conn.fetchval(Q.seconds_from_now, max(lead_seconds, 0))
        await conn.execute(Q.retire_keys, signs_from, token_ttl + EXPIRY_MARGIN_SECONDS)
        kid = await _insert_key(conn, signs_from)
        await conn.execute(Q.delete_expired_keys)
    log.info("signing_key_rotated", kid=kid, signs_from=signs_from.isoformat())
    return kid, signs_from


def _load_row(row: asyncpg.Record) -> SigningKey:
    private = serialization.load_pem_private_key(row["private_key"].encode(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError(f"signing key {row['kid']} is not an Ed25519 key")
    return SigningKey(
        kid=row["kid"],
        private_key=private,
        public_jwk=msgspec.json.decode(row["public_jwk"]),
        signs_from=row["signs_from"],
        retires_at=row["retires_at"],
        expires_at=row["expires_at"],
    )


class KeyRing:
    """The published keys of this process: signs with the current one, verifies with all."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._keys: list[SigningKey] = []
        self.keyset = KeySet()
        self._loaded_at = 0.0
        self._stale = True
        self._lock = asyncio.Lock()

    def mark_stale(self, *_: object) -> None:
        """Called on NOTIFY (and on reconnect): reload before the next use."""
        self._stale = True

    async def _reload(self) -> None:
        async with self._lock:
            if not self._stale and time.monotonic() - self._loaded_at < MIN_RELOAD_SECONDS:
                return  # another task reloaded while this one waited
            self._stale = False
            async with self._db.connection() as conn:
                rows = await conn.fetch(Q.published_keys)
            self._keys = [_load_row(r) for r in rows]
            self.keyset.replace({"keys": [k.public_jwk for k in self._keys]})
            self._loaded_at = time.monotonic()

    async def _fresh(self) -> None:
        if self._stale or time.monotonic() - self._loaded_at > MAX_AGE_SECONDS:
            await self._reload()

    async def start(self) -> None:
        """Make sure a key exists and load the ring; a database that is down is not fatal."""
        try:
            async with self._db.connection() as conn:
                await ensure_signing_key(conn)
            await self._reload()
        except DatabaseUnavailable as exc:
            log.warning("signing_keys_unavailable_at_start", error=str(exc))

    async def signing_key(self) -> SigningKey:
        await self._fresh()
        key = self._current()
        if key is None:
            async with self._db.connection() as conn:
                await ensure_signing_key(conn)
            self._stale = True
            await self._reload()
            key = self._current()
        if key is None:
            raise DatabaseUnavailable("no signing key could be created")
        return key

    def _current(self) -> SigningKey | None:
        now = datetime.now(UTC)
        signing = [k for k in self._keys if k.signs_at(now)]
        return max(signing, key=lambda k: k.signs_from) if signing else None

    async def jwks(self) -> dict[str, Any]:
        await self._fresh()
        now = datetime.now(UTC)
        return {"keys": [k.public_jwk for k in self._keys if k.published_at(now)]}

    async def knows(self, kid: str) -> bool:
        """Whether ``kid`` is published, reloading (throttled) when it is not known yet."""
        await self._fresh()
        if (
            self.keyset.get(kid) is None
            and time.monotonic() - self._loaded_at >= MIN_RELOAD_SECONDS
        ):
            self._stale = True
            await self._reload()
        return self.keyset.get(kid) is not None
