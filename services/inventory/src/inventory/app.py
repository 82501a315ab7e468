"""``create_app(settings)``: the inventory HTTP app, wired the way every Unison service is."""

from __future__ import annotations

from litestar import Litestar
from litestar.di import Provide

from inventory.routes import api_router, provide_caller
from inventory.settings import Settings
from unison_bus.ops import ops_routes
from unison_pg import Database
from unison_web import ServiceApp
from unison_web import create_app as create_service_app
from unison_web.auth import TokenVerifier
from unison_web.settings import database_for, verifier_for

DESCRIPTION = (
    "Inventory master data: units of measure, materials, alternative units, plant data,"
    " conversions and the change history."
)


def create_app(settings: Settings, verifier: TokenVerifier | None = None) -> Litestar:
    """The app; ``verifier`` replaces the gateway's JWKS (tests mint their own tokens)."""
    database = database_for("inventory", settings)

    def provide_database() -> Database:
        return database

    return create_service_app(
        ServiceApp(
            name="inventory",
            database=database,
            route_handlers=[api_router(), *ops_routes("inventory", database)],
            verifier=verifier or verifier_for(settings),
            schemas=["inventory"],
            dependencies={
                "db": Provide(provide_database, sync_to_thread=False),
                "caller": Provide(provide_caller, sync_to_thread=False),
            },
            description=DESCRIPTION,
        )
    )
