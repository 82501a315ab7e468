"""``/api/<service>/admin/ops``: the service's ops page, its panels for live refresh, and
the cancel button's endpoint. Admin only (the gateway's Casbin rule for admin paths, and
again here); every list is the caller's organization's."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath

from unison_auth import Principal
from unison_bus.live import LiveUpdate, notify_live
from unison_pg import Database, Tenant
from unison_web.auth import require_role
from unison_web.errors import NotFound
from unison_web.observability import Metrics
from unison_web.ops_page.data import ServiceSummary, queries, service_summary, service_view
from unison_web.ops_page.layout import html_response, page
from unison_web.ops_page.render import panels


class CancelRequested(msgspec.Struct, frozen=True):
    id: UUID
    status: str


def _metrics(request: Request[Any, Any, Any]) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


def ops_page_routes(service: str, database: Database) -> list[HTTPRouteHandler]:
    base = f"/api/{service}/admin/ops"

    @get(base, include_in_schema=False)
    async def ops_page(
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        tenant: NamedDependency[Tenant],
    ) -> Response[str]:
        require_role(principal, "admin")
        view = await service_view(database, service, tenant, _metrics(request))
        return page(
            title=service.capitalize(),
            subtitle="queues, jobs, schedules and traffic of this service",
            current=service,
            user=principal.name or principal.subject,
            panels=panels(view),
            panels_url=f"{base}/panels",
        )

    @get(f"{base}/panels", include_in_schema=False)
    async def ops_panels(
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        tenant: NamedDependency[Tenant],
    ) -> Response[str]:
        require_role(principal, "admin")
        view = await service_view(database, service, tenant, _metrics(request))
        return html_response(panels(view))

    @get(f"{base}/summary", tags=["ops"])
    async def ops_summary(
        principal: NamedDependency[Principal], tenant: NamedDependency[Tenant]
    ) -> ServiceSummary:
        """Backlog, oldest waiting message, dead letters and events handled in the last
        hour, for the caller's organization (the gateway's overview shows them)."""
        require_role(principal, "admin")
        return await service_summary(database, service, tenant)

    @post(f"{base}/jobs/{{job_id:uuid}}/cancel", tags=["ops"], status_code=202)
    async def cancel_job(
        principal: NamedDependency[Principal],
        tenant: NamedDependency[Tenant],
        job_id: FromPath[UUID],
    ) -> CancelRequested:
        """Cancel one of this service's jobs: a queued one at once, a running one at its
        next progress report. 404 for jobs that are not active (or not the caller's)."""
        require_role(principal, "admin")
        async with database.transaction(tenant) as conn:
            row = await conn.fetchrow(queries(service).cancel_job, job_id)
            if row is None:
                raise NotFound(f"no active job {job_id}")
            kind = "job.cancelled" if row["status"] == "cancelled" else "job.cancel_requested"
            await notify_live(
                conn, LiveUpdate(type=kind, id=str(job_id), organization_id=tenant.organization_id)
            )
        return CancelRequested(row["id"], row["status"])

    return [ops_page, ops_panels, ops_summary, cancel_job]
