"""The quality HTTP app.

Its domain arrives with its own issue; until then it runs the common surface (health,
readiness against its schema's migrations, metrics, token verification) so the gateway,
the supervisor and the ops tooling treat all six services alike from the start.
"""

from __future__ import annotations

from litestar import Litestar

from quality.settings import Settings
from unison_web import ServiceApp, create_app
from unison_web.auth import TokenVerifier
from unison_web.settings import database_for, verifier_for


def build_app(settings: Settings, verifier: TokenVerifier | None = None) -> Litestar:
    return create_app(
        ServiceApp(
            name="quality",
            database=database_for("quality", settings),
            route_handlers=[],
            verifier=verifier or verifier_for(settings),
            schemas=["quality"],
            description="Inspection plans, inspections with AQL sampling, SPC, NCRs, CAPA and lot holds.",
        )
    )
