"""Who a use case acts for: the tenant and roles from the verified token, and the request
being served. Services name their own role groups; this checks them."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.di import NamedDependency

from unison_auth import Principal
from unison_pg import Tenant
from unison_web.errors import Forbidden, NotFound


class Caller(msgspec.Struct, frozen=True):
    tenant: Tenant
    roles: tuple[str, ...] = ()
    request_id: str | None = None

    def require(self, *roles: str) -> None:
        """Defence in depth behind the gateway's Casbin check: the use case's own rule."""
        if not any(r in self.roles for r in roles):
            raise Forbidden(f"requires one of the roles: {', '.join(roles)}")

    def check_plant(self, plant_id: Any, what: str = "plant") -> None:
        """A plant outside the token is as invisible as another organization's."""
        if plant_id not in self.tenant.plant_ids:
            raise NotFound(f"{what} {plant_id} does not exist")

    @property
    def user(self) -> str:
        return self.tenant.user_id


def provide_caller(
    request: Request[Any, Any, Any],
    tenant: NamedDependency[Tenant],
    principal: NamedDependency[Principal],
) -> Caller:
    return Caller(
        tenant=tenant,
        roles=principal.roles,
        request_id=request.scope.get("state", {}).get("request_id"),
    )


def system_caller(tenant: Tenant, roles: tuple[str, ...], request_id: str | None = None) -> Caller:
    """A worker acting on an event or a job: trusted, with the roles it is given."""
    return Caller(tenant=tenant, roles=("system", *roles), request_id=request_id)
