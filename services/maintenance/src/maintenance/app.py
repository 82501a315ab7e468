"""The maintenance HTTP app.

Its domain arrives with its own issue; until then it runs the common surface every
service has (health, readiness against its schema's migrations, metrics, token
verification, and the ops API for its jobs, dead letters and schedules).
"""

from __future__ import annotations

from litestar import Litestar

from maintenance.settings import Settings
from unison_web.auth import TokenVerifier
from unison_web.service import build_service

DESCRIPTION = (
    "Equipment, preventive maintenance plans, maintenance work orders, spare parts, MTBF/MTTR."
)


def build_app(settings: Settings, verifier: TokenVerifier | None = None) -> Litestar:
    return build_service("maintenance", settings, description=DESCRIPTION, verifier=verifier)
