"""``create_app(settings)``: the inventory HTTP app, wired the way every Unison service is."""

from __future__ import annotations

from litestar import Litestar
from litestar.di import Provide

from inventory.bom_routes import bom_router
from inventory.genealogy_routes import genealogy_router
from inventory.ledger_routes import ledger_router
from inventory.maintenance.routes import maintenance_router
from inventory.production.routes import production_router
from inventory.quality.routes import quality_router
from inventory.replenishment_routes import replenishment_router
from inventory.routes import api_router, provide_caller
from inventory.sap.routes import sap_admin_router, sap_router
from inventory.serial_routes import serial_router
from inventory.settings import Settings
from inventory.stock_routes import stock_router
from unison_objects import ObjectStore, provide_objects
from unison_web.auth import TokenVerifier
from unison_web.service import build_service

DESCRIPTION = (
    "Inventory master data: units of measure, materials, alternative units, plant data,"
    " conversions, the change history, storage locations, goods movements and stock, lots,"
    " reservations and availability, moving-average valuation and period close, bills of"
    " materials (versions, explosion, where-used), replenishment and cycle counts, lot"
    " genealogy, production's goods postings (reservations of released orders, backflush"
    " and receipts, the list of failed postings), maintenance's spare-parts issues, quality's"
    " decisions (lot holds, usage decisions, NCR dispositions, the list of failed ones), and"
    " the SAP integration (IDocs, OData, business events in; material documents out)."
)


def create_app(
    settings: Settings,
    verifier: TokenVerifier | None = None,
    *,
    objects: ObjectStore | None = None,
) -> Litestar:
    """The app; ``verifier`` replaces the gateway's JWKS (tests mint their own tokens);
    ``objects`` keeps export files (without it their routes answer 503)."""
    return build_service(
        "inventory",
        settings,
        description=DESCRIPTION,
        route_handlers=[
            api_router(),
            stock_router(),
            ledger_router(),
            replenishment_router(),
            bom_router(),
            genealogy_router(),
            production_router(),
            maintenance_router(),
            quality_router(),
            serial_router(),
            sap_router(),
            sap_admin_router(),
        ],
        dependencies={
            "caller": Provide(provide_caller, sync_to_thread=False),
            "objects": provide_objects(objects),
        },
        verifier=verifier,
    )
