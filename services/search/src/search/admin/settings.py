"""What the rebuild needs to read the other services: the gateway and an API client of the
organization (client_credentials), read once from ``UNISON_*`` variables by the worker."""

from __future__ import annotations

import msgspec


class RebuildSettings(msgspec.Struct, frozen=True, kw_only=True):
    gateway_url: str = "http://127.0.0.1:8000"
    # An API client with every plant of its organization and read access to the sources.
    # Without one the worker still indexes events; a rebuild fails saying what is missing.
    search_client_id: str | None = None
    search_client_secret: str | None = None
    rebuild_page_size: int = 200
    rebuild_timeout_seconds: float = 30.0
