"""Events the gateway publishes about the people of an organization."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from unison_bus import Event


class UserChanged(Event, frozen=True, kw_only=True):
    """A user was created or changed: services that tell people things (quality's
    e-mails) keep who has which role. ``plant_ids`` None: every plant.

    The user's whole state, not a difference: upsert it. For one user a later change has
    a later ``occurred_at``; keep the newest when events arrive out of order (retries).
    """

    topic: ClassVar[str] = "identity.user.changed"
    user_id: UUID
    email: str
    display_name: str
    roles: tuple[str, ...]
    plant_ids: tuple[UUID, ...] | None = None
    active: bool = True


ALL = (UserChanged,)
