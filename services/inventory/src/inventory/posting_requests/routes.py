"""What the routes of every source's requests share: the list's filters (a dependency,
so each list route names only its own path and view) and who may retry."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency, Provide
from litestar.handlers import BaseRouteHandler
from litestar.params import QueryParameter

from inventory.posting_requests.models import RequestFilter, RequestStatus
from unison_web.auth import provide_principal, require_role

# Who may post a refused request again: it moves stock, as a planner's correction (the
# roles the gateway lets write to inventory).
RETRY_ROLES = ("admin", "planner")

Where = NamedDependency[RequestFilter]


def planners_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    require_role(provide_principal(Request(connection.scope)), *RETRY_ROLES)


def _filter(
    status: Annotated[RequestStatus | None, QueryParameter()] = None,
    plant_id: Annotated[UUID | None, QueryParameter()] = None,
    reference: Annotated[str | None, QueryParameter(max_length=100)] = None,
) -> RequestFilter:
    return RequestFilter(status=status, plant_id=plant_id, reference=reference)


FILTER = {"where": Provide(_filter, sync_to_thread=False)}
