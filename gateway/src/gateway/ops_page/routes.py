"""``/admin/ops``: the overview page an admin starts from, and its panels for refresh."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency

from gateway.ops_page import health, view
from gateway.ops_page.activity import Activity
from gateway.ops_page.summaries import summaries
from unison_auth import Principal
from unison_web.auth import require_role
from unison_web.observability import Metrics
from unison_web.ops_page.layout import html_response, page


async def _panels(request: Request[Any, Any, Any], principal: Principal) -> str:
    require_role(principal, "admin")
    gw = request.app.state.gateway
    activity: Activity = request.app.state.ops_activity
    metrics: Metrics = request.app.state.metrics
    parts, figures = await asyncio.gather(
        health.components(
            gw.upstreams.client, gw.settings.ready_targets, gw.settings.ready_timeout
        ),
        summaries(
            gw.upstreams.client,
            gw.settings.services,
            request.headers.get("authorization", ""),
            gw.settings.ready_timeout,
        ),
    )
    return view.panels(
        parts,
        figures,
        gw.live,
        principal.organization_id,
        activity,
        metrics,
        gw.database.pool_stats(),
    )


@get("/admin/ops", include_in_schema=False)
async def overview(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal]
) -> Response[str]:
    return page(
        title="Overview",
        subtitle="health of every process, live clients, sign-ins and the gateway's traffic",
        current="gateway",
        user=principal.name or principal.subject,
        panels=await _panels(request, principal),
        panels_url="/admin/ops/panels",
        topics=("ops.*",),
    )


@get("/admin/ops/panels", include_in_schema=False)
async def overview_panels(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal]
) -> Response[str]:
    return html_response(await _panels(request, principal))


ops_page_routes: list[Any] = [overview, overview_panels]
