"""``build_service``: a domain service's app, wired the way every Unison service is.

Its own pool on its runtime role, tokens verified against the gateway's JWKS, readiness
against its schema's migrations, the ops API for its jobs, dead letters and schedules,
and ``db`` as a dependency for its routes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from litestar import Litestar
from litestar.di import Provide

from unison_pg import Database
from unison_web.app import ServiceApp, create_app
from unison_web.auth import TokenVerifier
from unison_web.ops import ops_routes
from unison_web.settings import ServiceSettings, database_for, verifier_for


def build_service(
    name: str,
    settings: ServiceSettings,
    *,
    description: str,
    route_handlers: Sequence[Any] = (),
    dependencies: dict[str, Any] | None = None,
    verifier: TokenVerifier | None = None,
    database: Database | None = None,
    on_startup: Sequence[Callable[[], Awaitable[None]]] = (),
    on_shutdown: Sequence[Callable[[], Awaitable[None]]] = (),
) -> Litestar:
    """``verifier`` replaces the gateway's JWKS (tests mint their own tokens);
    ``database`` is the service's pool when something besides the routes uses it (a
    cache); ``on_startup``/``on_shutdown`` run after the pool opens and before it closes."""
    database = database or database_for(name, settings)

    def provide_database() -> Database:
        return database

    return create_app(
        ServiceApp(
            name=name,
            database=database,
            route_handlers=[*route_handlers, *ops_routes(name, database)],
            verifier=verifier or verifier_for(settings),
            schemas=[name],
            dependencies={
                "db": Provide(provide_database, sync_to_thread=False),
                **(dependencies or {}),
            },
            description=description,
            on_startup=list(on_startup),
            on_shutdown=list(on_shutdown),
        )
    )
