"""Who a transaction acts for: the organization, its allowed plants and the user."""

from __future__ import annotations

from uuid import UUID

import msgspec


class Tenant(msgspec.Struct, frozen=True):
    """Scope of one transaction; RLS policies read these as ``app.*`` settings."""

    organization_id: UUID
    plant_ids: tuple[UUID, ...] = ()
    user_id: str = ""

    def settings(self) -> list[tuple[str, str]]:
        return [
            ("app.organization_id", str(self.organization_id)),
            ("app.plant_ids", ",".join(str(p) for p in self.plant_ids)),
            ("app.user_id", self.user_id),
        ]
