"""The production HTTP app.

Its domain arrives with its own issue; until then it runs the common surface every
service has (health, readiness against its schema's migrations, metrics, token
verification, and the ops API for its jobs, dead letters and schedules).
"""

from __future__ import annotations

from litestar import Litestar

from production.settings import Settings
from unison_bus.ops import ops_routes
from unison_web import ServiceApp, create_app
from unison_web.auth import TokenVerifier
from unison_web.settings import database_for, verifier_for


def build_app(settings: Settings, verifier: TokenVerifier | None = None) -> Litestar:
    database = database_for("production", settings)
    return create_app(
        ServiceApp(
            name="production",
            database=database,
            route_handlers=ops_routes("production", database),
            verifier=verifier or verifier_for(settings),
            schemas=["production"],
            description=(
                "Work centers, routings, work orders, shop-floor logging, "
                "shifts, downtime, OEE and scheduling."
            ),
        )
    )
