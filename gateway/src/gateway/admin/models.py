"""What the admin API takes and returns."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec


class Policy(msgspec.Struct, frozen=True):
    """Members of ``role`` may do ``action`` (``*`` or e.g. ``read|write``) on ``object``."""

    role: str
    object: str
    action: str


class Role(msgspec.Struct, frozen=True):
    name: str
    description: str


class User(msgspec.Struct, frozen=True):
    id: UUID
    email: str
    display_name: str
    active: bool
    all_plants: bool
    roles: list[str]
    plant_ids: list[UUID]


class RoleAssignment(msgspec.Struct, frozen=True):
    roles: list[str]


class Announced(msgspec.Struct, frozen=True):
    """How many users were published again as ``identity.user.changed``."""

    users: int


class RotatedKey(msgspec.Struct, frozen=True):
    kid: str
    signs_from: datetime
