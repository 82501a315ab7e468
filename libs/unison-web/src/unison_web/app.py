"""``create_app``: one place that wires a Unison HTTP process the same way every time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from unison_pg import Database
from unison_web.auth import TokenVerifier, auth_middleware, provide_principal, provide_tenant
from unison_web.errors import EXCEPTION_HANDLERS
from unison_web.health import Readiness, ReadinessCheck, health_handlers
from unison_web.observability import Metrics, observability_middleware
from unison_web.openapi_types import TimeOfDaySchema
from unison_web.problem_docs import ProblemDocumentingJson


def _default_db_dir() -> Path:
    # Repository layout: <root>/libs/unison-web/src/unison_web/app.py -> <root>/db
    return Path(__file__).resolve().parents[4] / "db"


@dataclass
class ServiceApp:
    """What a process brings; ``create_app`` adds health, metrics, auth and errors."""

    name: str
    database: Database
    route_handlers: Sequence[Any]
    verifier: TokenVerifier | None = None
    schemas: list[str] = field(default_factory=list)
    db_dir: Path = field(default_factory=_default_db_dir)
    dependencies: dict[str, Any] = field(default_factory=dict)
    on_startup: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    on_shutdown: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    readiness_checks: list[ReadinessCheck] = field(default_factory=list)
    middleware: list[Any] = field(default_factory=list)
    version: str = "0.1.0"
    description: str = ""


def create_app(spec: ServiceApp) -> Litestar:
    metrics = Metrics(spec.name)
    readiness = Readiness(spec.database, spec.db_dir, spec.schemas, spec.readiness_checks)

    async def startup() -> None:
        await spec.database.open()
        for hook in spec.on_startup:
            await hook()

    async def shutdown() -> None:
        for hook in reversed(spec.on_shutdown):
            await hook()
        await spec.database.close()

    middleware: list[Any] = [observability_middleware(metrics)]
    if spec.verifier is not None:
        middleware.append(auth_middleware(spec.verifier))
    middleware.extend(spec.middleware)

    dependencies: dict[str, Any] = {
        "principal": Provide(provide_principal, sync_to_thread=False),
        "tenant": Provide(provide_tenant, sync_to_thread=False),
        **spec.dependencies,
    }
    app = Litestar(
        route_handlers=[*health_handlers(readiness, metrics, spec.database), *spec.route_handlers],
        dependencies=dependencies,
        exception_handlers=dict(EXCEPTION_HANDLERS),
        middleware=middleware,
        plugins=[TimeOfDaySchema()],
        on_startup=[startup],
        on_shutdown=[shutdown],
        openapi_config=OpenAPIConfig(
            title=f"Unison {spec.name}",
            version=spec.version,
            description=spec.description or None,
            path="/schema",
            render_plugins=[ProblemDocumentingJson()],
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")
                }
            ),
            security=[{"bearer": []}],
        ),
        debug=False,
        # Logging is configured once per process by unison_log; Litestar must not redo it.
        logging_config=None,
    )
    app.state.metrics = metrics
    app.state.readiness = readiness
    return app
