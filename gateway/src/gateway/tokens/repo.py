"""One typed function per statement of the token endpoint (tokens/queries.sql)."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar
from uuid import UUID

import asyncpg
import msgspec

from unison_pg import Queries

Q = Queries.load(Path(__file__).with_name("queries.sql"))

S = TypeVar("S", bound=msgspec.Struct)


class UserAccount(msgspec.Struct, frozen=True):
    organization_id: UUID
    id: UUID
    email: str
    display_name: str
    password_hash: str
    active: bool
    all_plants: bool


class ClientAccount(msgspec.Struct, frozen=True):
    organization_id: UUID
    id: UUID
    client_id: str
    name: str
    secret_hash: str
    roles: list[str]
    all_plants: bool
    plant_ids: list[UUID]
    active: bool


class RefreshTokenRow(msgspec.Struct, frozen=True):
    organization_id: UUID
    id: UUID
    family_id: UUID
    user_id: UUID
    expired: bool
    rotated: bool
    revoked: bool


def _struct(cls: type[S], row: asyncpg.Record | None) -> S | None:
    return None if row is None else msgspec.convert(dict(row), cls)


async def set_tenant(conn: asyncpg.Connection, organization_id: UUID, subject: str) -> None:
    await conn.execute(Q.set_tenant, str(organization_id), subject)


async def find_user_by_email(conn: asyncpg.Connection, email: str) -> UserAccount | None:
    await conn.execute(Q.set_login_email, email)
    return _struct(UserAccount, await conn.fetchrow(Q.find_user_by_email, email))


async def find_user(
    conn: asyncpg.Connection, organization_id: UUID, user_id: UUID
) -> UserAccount | None:
    return _struct(UserAccount, await conn.fetchrow(Q.find_user, organization_id, user_id))


async def find_client(conn: asyncpg.Connection, client_id: str) -> ClientAccount | None:
    await conn.execute(Q.set_login_client_id, client_id)
    return _struct(ClientAccount, await conn.fetchrow(Q.find_client, client_id))


async def user_roles(conn: asyncpg.Connection, user: UserAccount) -> tuple[str, ...]:
    rows = await conn.fetch(Q.user_roles, user.organization_id, user.id)
    return tuple(r["role"] for r in rows)


async def user_plants(conn: asyncpg.Connection, user: UserAccount) -> tuple[UUID, ...]:
    rows = await conn.fetch(Q.user_plants, user.organization_id, user.id, user.all_plants)
    return tuple(r["id"] for r in rows)


async def client_plants(conn: asyncpg.Connection, client: ClientAccount) -> tuple[UUID, ...]:
    rows = await conn.fetch(
        Q.client_plants, client.organization_id, client.all_plants, client.plant_ids
    )
    return tuple(r["id"] for r in rows)


async def update_password_hash(conn: asyncpg.Connection, user: UserAccount, hashed: str) -> None:
    await conn.execute(Q.update_password_hash, user.organization_id, user.id, hashed)


async def update_client_secret_hash(
    conn: asyncpg.Connection, client: ClientAccount, hashed: str
) -> None:
    await conn.execute(Q.update_client_secret_hash, client.organization_id, client.id, hashed)


async def insert_refresh_token(
    conn: asyncpg.Connection, user: UserAccount, family_id: UUID, digest: bytes, ttl: int
) -> None:
    await conn.execute(
        Q.insert_refresh_token, user.organization_id, family_id, user.id, digest, ttl
    )


async def lock_refresh_token(conn: asyncpg.Connection, digest: bytes) -> RefreshTokenRow | None:
    """Find the token by hash, scope the transaction to its organization, lock its row."""
    await conn.execute(Q.set_refresh_token_hash, digest.hex())
    found = await conn.fetchrow(Q.find_refresh_token, digest)
    if found is None:
        return None
    await conn.execute(Q.set_tenant, str(found["organization_id"]), "")
    row = await conn.fetchrow(Q.lock_refresh_token, found["organization_id"], found["id"])
    return _struct(RefreshTokenRow, row)


async def mark_rotated(conn: asyncpg.Connection, token: RefreshTokenRow) -> None:
    await conn.execute(Q.mark_refresh_token_rotated, token.organization_id, token.id)


async def revoke_family(conn: asyncpg.Connection, token: RefreshTokenRow) -> None:
    await conn.execute(Q.revoke_refresh_family, token.organization_id, token.family_id)


async def organization_name(conn: asyncpg.Connection, organization_id: UUID) -> str | None:
    row = await conn.fetchrow(Q.find_organization, organization_id)
    return None if row is None else str(row["name"])


async def organization_plants(conn: asyncpg.Connection, organization_id: UUID) -> tuple[UUID, ...]:
    return tuple(r["id"] for r in await conn.fetch(Q.organization_plants, organization_id))
