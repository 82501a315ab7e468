"""``build_app(settings)``: the maintenance HTTP app, wired the way every Unison service is."""

from __future__ import annotations

from litestar import Litestar
from litestar.di import Provide

from maintenance.equipment.routes import equipment_router
from maintenance.meters.routes import meters_router
from maintenance.settings import Settings
from maintenance.work_orders.routes import work_order_router
from unison_objects import ObjectStore, provide_objects
from unison_web.auth import TokenVerifier
from unison_web.caller import provide_caller
from unison_web.service import build_service

DESCRIPTION = (
    "Equipment (a tree linked to production work centers, documents, meters), preventive"
    " maintenance plans by calendar and by usage, maintenance work orders (preventive,"
    " corrective, predictive) with labour, checklists, failure codes and spare parts, and"
    " equipment KPIs (MTBF, MTTR, availability, PM compliance, cost)."
)


def build_app(
    settings: Settings,
    verifier: TokenVerifier | None = None,
    *,
    objects: ObjectStore | None = None,
) -> Litestar:
    """The app; ``verifier`` replaces the gateway's JWKS (tests mint their own tokens);
    ``objects`` keeps equipment documents (without it their routes answer 503)."""
    return build_service(
        "maintenance",
        settings,
        description=DESCRIPTION,
        route_handlers=[equipment_router(), meters_router(), work_order_router()],
        dependencies={
            "caller": Provide(provide_caller, sync_to_thread=False),
            "objects": provide_objects(objects),
        },
        verifier=verifier,
    )
