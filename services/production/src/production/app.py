"""``build_app(settings)``: the production HTTP app, wired the way every Unison service is."""

from __future__ import annotations

from litestar import Litestar
from litestar.di import Provide

from production.oee_tracking.routes import reporting_router
from production.planning.routes import planning_router
from production.routings.routes import routing_router
from production.settings import Settings
from production.shop_floor.routes import shop_floor_router
from production.work_centers.routes import master_data_router
from production.work_orders.routes import work_order_router
from unison_objects import ObjectStore, provide_objects
from unison_web.auth import TokenVerifier
from unison_web.caller import provide_caller
from unison_web.service import build_service

DESCRIPTION = (
    "Work centers, shift calendars and the reason catalogue; versioned routings; work orders"
    " with their state machine; shop-floor logging (operations, confirmations, machine"
    " counts, labour), downtime, backflush and receipts through inventory; OEE per work center"
    " and shift; finite-capacity scheduling; labels."
)


def build_app(
    settings: Settings,
    verifier: TokenVerifier | None = None,
    *,
    objects: ObjectStore | None = None,
) -> Litestar:
    """The app; ``verifier`` replaces the gateway's JWKS (tests mint their own tokens);
    ``objects`` keeps label PDFs (without it their routes answer 503)."""
    return build_service(
        "production",
        settings,
        description=DESCRIPTION,
        route_handlers=[
            master_data_router(),
            routing_router(),
            work_order_router(),
            shop_floor_router(),
            reporting_router(),
            planning_router(),
        ],
        dependencies={
            "caller": Provide(provide_caller, sync_to_thread=False),
            "public_url": Provide(lambda: settings.public_url, sync_to_thread=False),
            "objects": provide_objects(objects),
        },
        verifier=verifier,
    )
