"""The quality HTTP app.

Its domain arrives with its own issue; until then it runs the common surface every
service has (health, readiness against its schema's migrations, metrics, token
verification, and the ops API for its jobs, dead letters and schedules).
"""

from __future__ import annotations

from litestar import Litestar

from quality.settings import Settings
from unison_web.auth import TokenVerifier
from unison_web.service import build_service

DESCRIPTION = "Inspection plans, inspections with AQL sampling, SPC, NCRs, CAPA and lot holds."


def build_app(settings: Settings, verifier: TokenVerifier | None = None) -> Litestar:
    return build_service("quality", settings, description=DESCRIPTION, verifier=verifier)
