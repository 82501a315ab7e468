"""Admin use cases; each owns one transaction scoped to the caller's organization.

Changes to rules and role assignments fire NOTIFY (triggers in the identity schema), so
every gateway process drops its cached enforcer of the organization within moments. A
changed role assignment is also published to the services (``identity.user.changed``) in
its transaction.
"""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import msgspec

from gateway.admin.models import Announced, Policy, Role, RoleAssignment, RotatedKey, User
from gateway.authz.rules import ROLE_NAME, action_problem, object_problem
from gateway.tokens.keys import rotate_signing_key
from gateway.user_events import announce_user_page, publish_user_changes
from unison_pg import Database, Queries, Tenant
from unison_web import Conflict, Invalid, NotFound

Q = Queries.load(Path(__file__).with_name("queries.sql"))


def _check_policy(policy: Policy) -> None:
    if not ROLE_NAME.match(policy.role):
        raise Invalid("role must be lower-case letters, digits and _", "/role")
    if problem := object_problem(policy.object):
        raise Invalid(f"object {problem}", "/object")
    if problem := action_problem(policy.action):
        raise Invalid(f"action {problem}", "/action")


class AdminService:
    def __init__(
        self, database: Database, *, key_lead: int, token_ttl: int, announce_page: int = 500
    ) -> None:
        self._db = database
        self._key_lead = key_lead
        self._token_ttl = token_ttl
        self._announce_page = announce_page

    async def policies(self, tenant: Tenant) -> list[Policy]:
        async with self._db.transaction(tenant, readonly=True) as conn:
            rows = await conn.fetch(Q.list_policies, tenant.organization_id)
        return [Policy(role=r["role"], object=r["object"], action=r["action"]) for r in rows]

    async def add_policy(self, tenant: Tenant, policy: Policy) -> Policy:
        _check_policy(policy)
        org = tenant.organization_id
        async with self._db.transaction(tenant) as conn:
            await conn.execute(Q.ensure_role, org, policy.role)
            added = await conn.fetchval(
                Q.insert_policy, org, policy.role, policy.object, policy.action
            )
        if added is None:
            raise Conflict("this policy exists already")
        return policy

    async def remove_policy(self, tenant: Tenant, policy: Policy) -> None:
        org = tenant.organization_id
        async with self._db.transaction(tenant) as conn:
            removed = await conn.fetchval(
                Q.delete_policy, org, policy.role, policy.object, policy.action
            )
        if removed is None:
            raise NotFound("no such policy in this organization")

    async def roles(self, tenant: Tenant) -> list[Role]:
        async with self._db.transaction(tenant, readonly=True) as conn:
            rows = await conn.fetch(Q.list_roles, tenant.organization_id)
        return [Role(name=r["name"], description=r["description"]) for r in rows]

    async def users(self, tenant: Tenant, user_id: UUID | None = None) -> list[User]:
        async with self._db.transaction(tenant, readonly=True) as conn:
            rows = await conn.fetch(Q.list_users, tenant.organization_id, user_id)
        return [msgspec.convert(dict(r), User) for r in rows]

    async def user(self, tenant: Tenant, user_id: UUID) -> User:
        found = await self.users(tenant, user_id)
        if not found:
            raise NotFound("no such user in this organization")
        return found[0]

    async def user_roles(self, tenant: Tenant, user_id: UUID) -> RoleAssignment:
        return RoleAssignment(roles=(await self.user(tenant, user_id)).roles)

    async def set_user_roles(
        self, tenant: Tenant, user_id: UUID, wanted: RoleAssignment
    ) -> RoleAssignment:
        """Replace the user's roles with ``wanted`` (every role must exist)."""
        org = tenant.organization_id
        names = sorted(set(wanted.roles))
        async with self._db.transaction(tenant) as conn:
            if await conn.fetchval(Q.lock_user, org, user_id) is None:
                raise NotFound("no such user in this organization")
            existing = {r["name"] for r in await conn.fetch(Q.existing_roles, org, names)}
            for index, name in enumerate(wanted.roles):
                if name not in existing:
                    raise Invalid(f"no role {name!r} in this organization", f"/roles/{index}")
            removed = await conn.fetch(Q.delete_user_roles_except, org, user_id, names)
            added = await conn.fetch(Q.insert_user_roles, org, user_id, names)
            if removed or added:
                await publish_user_changes(conn, org, [user_id])
            rows = await conn.fetch(Q.user_role_names, org, user_id)
        return RoleAssignment(roles=[r["role"] for r in rows])

    async def announce_users(self, tenant: Tenant) -> Announced:
        """Publish every user of the organization again, one transaction per page, so a
        large organization never holds one long transaction (or its row locks)."""
        announced, after = 0, None
        while True:
            async with self._db.transaction(tenant) as conn:
                page = await announce_user_page(
                    conn, tenant.organization_id, after, self._announce_page
                )
            announced += len(page)
            if len(page) < self._announce_page:
                return Announced(users=announced)
            after = page[-1]

    async def rotate_keys(self) -> RotatedKey:
        async with self._db.connection() as conn:
            kid, signs_from = await rotate_signing_key(
                conn, lead_seconds=self._key_lead, token_ttl=self._token_ttl
            )
        return RotatedKey(kid=kid, signs_from=signs_from)
