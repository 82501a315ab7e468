"""``/admin/...``: thin handlers over AdminService; Casbin guards them like any path."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Router, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from gateway.admin.models import Announced, Policy, Role, RoleAssignment, RotatedKey, User
from gateway.admin.service import AdminService
from unison_pg import Tenant

Admin = NamedDependency[AdminService]
Scope = NamedDependency[Tenant]


@get("/policies", summary="Policy rules of your organization")
async def list_policies(admin: Admin, tenant: Scope) -> list[Policy]:
    return await admin.policies(tenant)


@post("/policies", status_code=201, summary="Add a policy rule")
async def add_policy(admin: Admin, tenant: Scope, data: JSONBody[Policy]) -> Policy:
    return await admin.add_policy(tenant, data)


@delete("/policies", status_code=204, summary="Remove a policy rule")
async def remove_policy(
    admin: Admin,
    tenant: Scope,
    role: FromQuery[str],
    object_: Annotated[str, QueryParameter(name="object")],
    action: FromQuery[str],
) -> None:
    await admin.remove_policy(tenant, Policy(role=role, object=object_, action=action))


@get("/roles", summary="Roles of your organization")
async def list_roles(admin: Admin, tenant: Scope) -> list[Role]:
    return await admin.roles(tenant)


@get("/users", summary="Users of your organization")
async def list_users(admin: Admin, tenant: Scope) -> list[User]:
    return await admin.users(tenant)


@get("/users/{user_id:uuid}", summary="One user")
async def get_user(admin: Admin, tenant: Scope, user_id: FromPath[UUID]) -> User:
    return await admin.user(tenant, user_id)


@get("/users/{user_id:uuid}/roles", summary="A user's roles")
async def get_user_roles(admin: Admin, tenant: Scope, user_id: FromPath[UUID]) -> RoleAssignment:
    return await admin.user_roles(tenant, user_id)


@put("/users/{user_id:uuid}/roles", summary="Replace a user's roles")
async def set_user_roles(
    admin: Admin, tenant: Scope, user_id: FromPath[UUID], data: JSONBody[RoleAssignment]
) -> RoleAssignment:
    return await admin.set_user_roles(tenant, user_id, data)


@post("/users/announce", status_code=200, summary="Publish every user to the services again")
async def announce_users(admin: Admin, tenant: Scope) -> Announced:
    """Sends ``identity.user.changed`` for each user of your organization, so a service
    that started listening late, or lost what it knew, learns everyone again."""
    return await admin.announce_users(tenant)


@post("/keys/rotate", status_code=201, summary="Rotate the token signing key")
async def rotate_keys(admin: Admin) -> RotatedKey:
    """The new key is published now and signs after the configured lead time."""
    return await admin.rotate_keys()


admin_router = Router(
    path="/admin",
    route_handlers=[
        list_policies,
        add_policy,
        remove_policy,
        list_roles,
        list_users,
        get_user,
        get_user_roles,
        set_user_roles,
        announce_users,
        rotate_keys,
    ],
    tags=["admin"],
)
