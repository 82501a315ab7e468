"""``build_app(settings)``: the search HTTP app, wired the way every Unison service is."""

from __future__ import annotations

from litestar import Litestar
from litestar.di import Provide

from search.admin.routes import admin_router
from search.language.routes import language_router
from search.query.routes import query_router
from search.settings import Settings
from unison_web.auth import TokenVerifier
from unison_web.caller import provide_caller
from unison_web.service import build_service

DESCRIPTION = "One typo-tolerant, ranked, faceted search across every service, fed by events."


def build_app(settings: Settings, verifier: TokenVerifier | None = None) -> Litestar:
    """The app; ``verifier`` replaces the gateway's JWKS (tests mint their own tokens)."""
    return build_service(
        "search",
        settings,
        description=DESCRIPTION,
        route_handlers=[query_router(), language_router(), admin_router()],
        dependencies={"caller": Provide(provide_caller, sync_to_thread=False)},
        verifier=verifier,
    )
