"""Who a use case acts for: the tenant from the token and the request being served."""

from __future__ import annotations

import msgspec

from unison_pg import Tenant


class Caller(msgspec.Struct, frozen=True):
    tenant: Tenant
    request_id: str | None = None
