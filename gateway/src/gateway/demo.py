"""Demo identities for the embedded default (``./dev up``); never for production.

Organizations ``acme`` and ``globex``, two plants each, one user per role
(``<role>@<slug>.test``) and an API client ``sap-<slug>`` (role integration), all with
the password / secret ``unison-demo``. Operators are limited to their organization's
first plant, to show plant scoping; everyone else may act on all plants. Ids are uuid5
of fixed names, so every machine gets the same ids and a re-run changes nothing.
"""

from __future__ import annotations

import uuid
from uuid import UUID

import asyncpg
import msgspec
from argon2 import PasswordHasher

from gateway.provisioning import ClientSpec, OrganizationSpec, PlantSpec, UserSpec, provision

DEMO_PASSWORD = "unison-demo"  # noqa: S105 (public by design: printed by ./dev up)
DEMO_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://unison.invalid/demo")
DEMO_USER_ROLES = (
    "admin",
    "planner",
    "operator",
    "quality_engineer",
    "maintenance_tech",
    "viewer",
)
_ORGANIZATIONS = (
    ("acme", "ACME Manufacturing", (("A100", "ACME Main Works"), ("A200", "ACME Assembly"))),
    ("globex", "Globex Industries", (("G100", "Globex Foundry"), ("G200", "Globex Machining"))),
)


class DemoOrg(msgspec.Struct, frozen=True):
    slug: str
    organization_id: UUID
    plant_ids: tuple[UUID, ...]


def demo_id(name: str) -> UUID:
    return uuid.uuid5(DEMO_NAMESPACE, name)


def _spec(slug: str, name: str, plants: tuple[tuple[str, str], ...]) -> OrganizationSpec:
    plant_specs = tuple(
        PlantSpec(id=demo_id(f"plant:{slug}:{code}"), code=code, name=plant_name)
        for code, plant_name in plants
    )
    users = tuple(
        UserSpec(
            id=demo_id(f"user:{role}@{slug}.test"),
            email=f"{role}@{slug}.test",
            display_name=f"{role.replace('_', ' ').title()} ({name})",
            roles=(role,),
            plant_ids=(plant_specs[0].id,) if role == "operator" else None,
        )
        for role in DEMO_USER_ROLES
    )
    client = ClientSpec(
        id=demo_id(f"client:sap-{slug}"),
        client_id=f"sap-{slug}",
        name=f"SAP integration ({name})",
        roles=("integration",),
    )
    return OrganizationSpec(
        id=demo_id(f"organization:{slug}"),
        slug=slug,
        name=name,
        plants=plant_specs,
        users=users,
        clients=(client,),
    )


async def seed_demo(conn: asyncpg.Connection) -> list[DemoOrg]:
    """Create (or complete) the demo organizations; ``conn`` is an owner connection."""
    # One hash for every demo account: hashing is the slow part, and equal salts are
    # harmless for a password that is printed on the screen anyway.
    secret_hash = PasswordHasher().hash(DEMO_PASSWORD)
    orgs: list[DemoOrg] = []
    for slug, name, plants in _ORGANIZATIONS:
        spec = _spec(slug, name, plants)
        await provision(conn, spec, secret_hash)
        orgs.append(
            DemoOrg(slug=slug, organization_id=spec.id, plant_ids=tuple(p.id for p in spec.plants))
        )
    return orgs
