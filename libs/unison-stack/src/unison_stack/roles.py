"""The database roles: one owner that runs migrations, one runtime role per process."""

from __future__ import annotations

SUPERUSER = "postgres"
OWNER = "unison_owner"
SERVICES = ("inventory", "production", "quality", "maintenance", "search", "reporting")
RUNTIME_ROLES = ("unison_gateway", *(f"unison_{s}" for s in SERVICES))
ALL_ROLES = (OWNER, *RUNTIME_ROLES)
DATABASE = "unison"
