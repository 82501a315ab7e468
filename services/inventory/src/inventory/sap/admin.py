"""The SAP settings of an organization, kept by its administrators: the connection, the
plant mapping and its own code translations.

The routes live under ``/api/inventory/admin/sap``, which the gateway lets only admin
policies reach; the service checks the admin role again.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec

from inventory import repo as inventory_repo
from inventory.sap import repo
from inventory.sap.models import (
    BasicAuth,
    SapCode,
    SapCodePut,
    SapConnection,
    SapConnectionPut,
    SapPlant,
)
from inventory.service.caller import Caller
from inventory.service.checks import unit_code
from unison_pg import Database
from unison_web import Invalid, NotFound

MATERIAL_TYPES = ("raw", "semi_finished", "finished", "consumable", "spare")


def view(row: repo.ConnectionRow) -> SapConnection:
    secret = row.password if row.auth_kind == "basic" else row.client_secret
    return SapConnection(
        base_url=row.base_url,
        sap_client=row.sap_client,
        auth_kind="oauth" if row.auth_kind == "oauth" else "basic",
        username=row.username,
        token_url=row.token_url,
        client_id=row.client_id,
        secret_set=bool(secret),
        scrap_cost_center=row.scrap_cost_center,
        timeout_seconds=row.timeout_seconds,
        enabled=row.enabled,
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


async def get_connection(db: Database, caller: Caller) -> SapConnection:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        row = await repo.connection_get(conn)
    if row is None:
        raise NotFound("no SAP connection is configured")
    return view(row)


async def put_connection(
    db: Database, caller: Caller, data: SapConnectionPut
) -> tuple[SapConnection, bool]:
    values: dict[str, Any] = {
        "base_url": data.base_url.rstrip("/"),
        "sap_client": data.sap_client,
        "username": None,
        "password": None,
        "token_url": None,
        "client_id": None,
        "client_secret": None,
        "scrap_cost_center": data.scrap_cost_center,
        "timeout_seconds": data.timeout_seconds,
        "enabled": data.enabled,
    }
    if isinstance(data.auth, BasicAuth):
        values |= {"auth_kind": "basic", **msgspec.structs.asdict(data.auth)}
    else:
        values |= {"auth_kind": "oauth", **msgspec.structs.asdict(data.auth)}
    async with db.transaction(caller.tenant) as conn:
        row, created = await repo.connection_put(conn, values)
    return view(row), created


async def delete_connection(db: Database, caller: Caller) -> None:
    async with db.transaction(caller.tenant) as conn:
        if not await repo.connection_delete(conn):
            raise NotFound("no SAP connection is configured")


def _werks(value: str) -> str:
    werks = value.strip().upper()
    if not werks or len(werks) > 4 or not werks.isalnum():
        raise Invalid("an SAP plant (WERKS) is 1 to 4 letters or digits", "/werks")
    return werks


async def plants(db: Database, caller: Caller) -> list[SapPlant]:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        return await repo.plants_all(conn)


async def put_plant(db: Database, caller: Caller, werks: str, plant_id: UUID | None) -> SapPlant:
    """Map an SAP plant to a Unison plant of the caller's (None: skip its data)."""
    code = _werks(werks)
    if plant_id is not None and plant_id not in caller.tenant.plant_ids:
        raise Invalid(f"plant {plant_id} is not one of your plants", "/plant_id")
    async with db.transaction(caller.tenant) as conn:
        for other in await repo.plants_all(conn):
            if plant_id is not None and other.plant_id == plant_id and other.werks != code:
                raise Invalid(
                    f"plant {plant_id} is SAP plant {other.werks} already; one SAP plant each",
                    "/plant_id",
                )
        return await repo.plant_put(conn, code, plant_id)


async def delete_plant(db: Database, caller: Caller, werks: str) -> None:
    code = _werks(werks)
    async with db.transaction(caller.tenant) as conn:
        if not await repo.plant_delete(conn, code):
            raise NotFound(f"SAP plant {code} is not mapped")


async def code_list(db: Database, caller: Caller) -> list[SapCode]:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        return await repo.codes_all(conn)


def _sap_code(value: str) -> str:
    code = value.strip().upper()
    if not code or len(code) > 10 or not all(c.isalnum() or c in "_%/-" for c in code):
        raise Invalid("an SAP code is 1 to 10 letters, digits or _ % / -", "/sap_code")
    return code


async def put_code(
    db: Database, caller: Caller, kind: str, sap_code: str, data: SapCodePut
) -> SapCode:
    code = _sap_code(sap_code)
    async with db.transaction(caller.tenant) as conn:
        if kind == "material_type":
            if data.code not in MATERIAL_TYPES:
                raise Invalid(f"must be one of {', '.join(MATERIAL_TYPES)}", "/code")
            target = data.code
        else:
            target = unit_code(data.code)
            if not await inventory_repo.units_by_codes(conn, [target]):
                raise Invalid(f"unit {target} does not exist", "/code")
        return await repo.code_put(conn, kind, code, target)


async def delete_code(db: Database, caller: Caller, kind: str, sap_code: str) -> None:
    code = _sap_code(sap_code)
    async with db.transaction(caller.tenant) as conn:
        if not await repo.code_delete(conn, kind, code):
            raise NotFound(f"SAP {kind} {code} has no entry of this organization")
