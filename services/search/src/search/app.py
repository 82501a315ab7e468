"""The search HTTP app.

Its domain arrives with its own issue; until then it runs the common surface every
service has (health, readiness against its schema's migrations, metrics, token
verification, and the ops API for its jobs, dead letters and schedules).
"""

from __future__ import annotations

from litestar import Litestar

from search.settings import Settings
from unison_web.auth import TokenVerifier
from unison_web.service import build_service

DESCRIPTION = "One typo-tolerant, ranked, faceted search across every service, fed by events."


def build_app(settings: Settings, verifier: TokenVerifier | None = None) -> Litestar:
    return build_service("search", settings, description=DESCRIPTION, verifier=verifier)
