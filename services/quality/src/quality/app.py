"""``build_app(settings)``: the quality HTTP app, wired the way every Unison service is."""

from __future__ import annotations

from litestar import Litestar
from litestar.di import Provide

from quality.capas.routes import capa_router
from quality.charts.routes import chart_router
from quality.figures.routes import figures_router
from quality.inspections.routes import inspection_router
from quality.ncrs.routes import ncr_router
from quality.notifications.routes import notifications_router
from quality.plans.routes import plan_router
from quality.settings import Settings
from unison_objects import ObjectStore, provide_objects
from unison_web.auth import TokenVerifier
from unison_web.caller import provide_caller
from unison_web.service import build_service

DESCRIPTION = (
    "Versioned inspection plans with measured and attribute characteristics; inspection"
    " lots from receipts and operations with ISO 2859-1 sampling and switching, results in"
    " bulk, the plan's verdict and the usage decision (lot holds in inventory); SPC charts"
    " with run rules and capability; NCRs with their workflow, files and dispositions"
    " carried out in inventory; CAPA; FPY and defect Pareto; e-mail notifications."
)


def build_app(
    settings: Settings,
    verifier: TokenVerifier | None = None,
    *,
    objects: ObjectStore | None = None,
) -> Litestar:
    """The app; ``verifier`` replaces the gateway's JWKS (tests mint their own tokens);
    ``objects`` keeps NCR files (without it their routes answer 503)."""
    return build_service(
        "quality",
        settings,
        description=DESCRIPTION,
        route_handlers=[
            plan_router(),
            inspection_router(),
            chart_router(),
            ncr_router(),
            capa_router(),
            figures_router(),
            notifications_router(),
        ],
        dependencies={
            "caller": Provide(provide_caller, sync_to_thread=False),
            "objects": provide_objects(objects),
        },
        verifier=verifier,
    )
