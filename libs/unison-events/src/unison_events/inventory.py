"""Events the inventory service publishes."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from unison_bus import Event


class MaterialSnapshot(Event, frozen=True, kw_only=True):
    """What consumers (search, reporting, production) keep of a material."""

    material_id: UUID
    number: str
    description: str
    type: str
    base_unit: str
    status: str
    material_group: str | None = None
    version: int


class MaterialCreated(MaterialSnapshot, frozen=True, kw_only=True):
    topic: ClassVar[str] = "inventory.material.created"


class MaterialChanged(MaterialSnapshot, frozen=True, kw_only=True):
    topic: ClassVar[str] = "inventory.material.changed"
    changed_fields: tuple[str, ...] = ()


class MaterialDeleted(Event, frozen=True, kw_only=True):
    topic: ClassVar[str] = "inventory.material.deleted"
    material_id: UUID
    number: str


ALL = (MaterialCreated, MaterialChanged, MaterialDeleted)
