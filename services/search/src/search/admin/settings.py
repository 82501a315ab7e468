"""What the rebuild needs to read the other services: the gateway and either the service
grant's secret (a token for any organization the rebuild runs for) or an API client of one
organization (client_credentials); read once from ``UNISON_*`` variables by the worker."""

from __future__ import annotations

import msgspec


class RebuildSettings(msgspec.Struct, frozen=True, kw_only=True):
    gateway_url: str = "http://127.0.0.1:8000"
    # The service grant (the gateway's UNISON_SERVICE_SECRETS has search=<this>): preferred,
    # since one worker then rebuilds for every organization.
    service_secret: str | None = None
    # How long a rebuild waits for the gateway to answer at all (it may be starting).
    gateway_wait_seconds: float = 60.0
    # An API client with every plant of its organization and read access to the sources.
    # Without one the worker still indexes events; a rebuild fails saying what is missing.
    search_client_id: str | None = None
    search_client_secret: str | None = None
    rebuild_page_size: int = 200
    rebuild_timeout_seconds: float = 30.0
