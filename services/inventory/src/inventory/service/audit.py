"""Audit rows: what changed, field by field, written in the transaction of the change."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from inventory import repo
from inventory.service.caller import Caller

Changes = dict[str, dict[str, Any]]

# Bookkeeping columns say *that* something changed; the audit row already says when/who.
_BOOKKEEPING = frozenset({"id", "version", "created_at", "created_by", "updated_at", "updated_by"})


def snapshot(row: msgspec.Struct | None) -> dict[str, Any]:
    """The business fields of ``row``, as Python values (so 12.50 equals 12.5)."""
    if row is None:
        return {}
    values = msgspec.structs.asdict(row)
    return {k: v for k, v in values.items() if k not in _BOOKKEEPING}


def diff(before: dict[str, Any], after: dict[str, Any]) -> Changes:
    """``{field: {"before": old, "after": new}}`` for every field whose value differs."""
    changes: Changes = {}
    for field in sorted(before.keys() | after.keys()):
        old, new = before.get(field), after.get(field)
        if old != new:
            changes[field] = {"before": old, "after": new}
    return changes


async def record(
    conn: asyncpg.Connection,
    caller: Caller,
    *,
    entity: str,
    entity_id: str,
    action: str,
    changes: Changes,
    material_id: UUID | None = None,
    plant_id: UUID | None = None,
) -> None:
    await repo.audit_insert(
        conn,
        repo.AuditRecord(
            entity=entity,
            entity_id=entity_id,
            action=action,
            changes=changes,
            material_id=material_id,
            plant_id=plant_id,
            request_id=caller.request_id,
        ),
    )
