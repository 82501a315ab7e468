"""Who is calling, as the access token says."""

from __future__ import annotations

from uuid import UUID

import msgspec


class Principal(msgspec.Struct, frozen=True):
    """The verified claims of an access token."""

    subject: str
    organization_id: UUID
    plant_ids: tuple[UUID, ...]
    roles: tuple[str, ...]
    token_id: str
    kind: str = "user"  # "user" or "client" (machine callers such as the SAP integration)
    name: str = ""
    expires_at: float | None = None  # the token's exp, seconds since the epoch

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)
