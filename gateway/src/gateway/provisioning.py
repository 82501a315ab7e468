"""Create an organization with its plants, default roles and policies, users and clients.

Used by the demo data and by tests. Idempotent: rows that exist are left as they are
(a re-run does not reset a changed password) and missing ones are added (a default
policy an admin deleted comes back). Every user created or given a missing role or plant
is published as ``identity.user.changed`` in the same transaction; a re-run that adds
nothing publishes nothing.
"""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import asyncpg
import msgspec

from gateway.authz.rules import DEFAULT_POLICIES, ROLES
from gateway.user_events import publish_user_changes
from unison_pg import Queries

Q = Queries.load(Path(__file__).with_name("provisioning.sql"))


class PlantSpec(msgspec.Struct, frozen=True):
    id: UUID
    code: str
    name: str


class UserSpec(msgspec.Struct, frozen=True):
    id: UUID
    email: str
    display_name: str
    roles: tuple[str, ...]
    # None: every plant of the organization; otherwise only these.
    plant_ids: tuple[UUID, ...] | None = None


class ClientSpec(msgspec.Struct, frozen=True):
    id: UUID
    client_id: str
    name: str
    roles: tuple[str, ...]
    plant_ids: tuple[UUID, ...] | None = None


class OrganizationSpec(msgspec.Struct, frozen=True):
    id: UUID
    slug: str
    name: str
    plants: tuple[PlantSpec, ...] = ()
    users: tuple[UserSpec, ...] = ()
    clients: tuple[ClientSpec, ...] = ()


async def provision(conn: asyncpg.Connection, spec: OrganizationSpec, secret_hash: str) -> None:
    """Create ``spec`` in one transaction; ``secret_hash`` is every user's and client's."""
    org = spec.id
    async with conn.transaction():
        await conn.execute(Q.scope_to_organization, org)
        await conn.execute(Q.insert_organization, org, spec.slug, spec.name)
        await conn.executemany(Q.insert_plant, [(org, p.id, p.code, p.name) for p in spec.plants])
        await conn.executemany(Q.insert_role, [(org, n, d) for n, d in ROLES.items()])
        await conn.executemany(Q.insert_policy, [(org, *rule) for rule in DEFAULT_POLICIES])
        changed: list[UUID] = []
        for user in spec.users:
            if await _add_user(conn, org, user, secret_hash):
                changed.append(user.id)
        await publish_user_changes(conn, org, changed)
        for client in spec.clients:
            await conn.execute(
                Q.insert_client,
                org,
                client.id,
                client.client_id,
                client.name,
                secret_hash,
                list(client.roles),
                client.plant_ids is None,
                list(client.plant_ids or ()),
            )


async def _add_user(conn: asyncpg.Connection, org: UUID, user: UserSpec, secret_hash: str) -> bool:
    """Add what is missing of ``user``; True when anything was (the user is announced)."""
    created = await conn.fetchval(
        Q.insert_user,
        org,
        user.id,
        user.email.lower(),
        user.display_name,
        secret_hash,
        user.plant_ids is None,
    )
    plants = await conn.fetch(Q.insert_user_plants, org, user.id, list(user.plant_ids or ()))
    roles = await conn.fetch(Q.insert_user_roles, org, user.id, list(user.roles))
    return created is not None or bool(plants) or bool(roles)
