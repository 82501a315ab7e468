"""The reporting HTTP app: the production dashboard (OEE from the rollups, cached) and its
rollup rebuild, plus the common surface every service has."""

from __future__ import annotations

from litestar import Litestar
from litestar.di import Provide

from reporting.analytics.duck import Duck, Limits
from reporting.analytics.routes import analytics_router
from reporting.analytics.service import Analytics
from reporting.archive.cache import ArchiveCache
from reporting.archive.store import ArchiveStore
from reporting.dashboard_cache.oee import DashboardCache
from reporting.exports.routes import exports_router
from reporting.inventory_facts.routes import inventory_router
from reporting.maintenance_facts.routes import maintenance_router
from reporting.production_facts.routes import production_router
from reporting.quality_facts.routes import quality_router
from reporting.settings import Settings
from reporting.subscriptions.routes import subscriptions_router
from unison_cache import Cache
from unison_objects import ObjectStore, provide_objects
from unison_pg import Database
from unison_web.auth import TokenVerifier
from unison_web.caller import provide_caller
from unison_web.service import build_service
from unison_web.settings import database_for

DESCRIPTION = (
    "KPI dashboards from incremental rollups: production facts (counts, stops, closed"
    " shifts) from production's events, hourly and daily rollups kept in the same"
    " transaction, the OEE dashboard with its loss tree (cached, refreshed by new facts),"
    " and the rollup rebuild job; quality's day figures, NCRs and CAPAs for FPY, the defect"
    " Pareto, NCR ageing and the CAPA on-time rate; maintenance's per-equipment day"
    " inputs for MTBF, MTTR, availability, PM compliance, cost and backlog; inventory's"
    " goods movements, reorder-point crossings and materials for stock value, turns, days"
    " of supply, movements by type, lot ageing and the items below their reorder point;"
    " ad-hoc analytics in DuckDB over the facts, live and archived to Parquet."
)
ROLE = "unison_reporting"


def build_app(
    settings: Settings,
    verifier: TokenVerifier | None = None,
    objects: ObjectStore | None = None,
) -> Litestar:
    """The app; ``verifier`` replaces the gateway's JWKS (tests mint their own tokens).
    ``objects`` keeps export files and fact archives (without it their downloads and
    archived months answer 503)."""
    database = database_for("reporting", settings)
    dashboards = DashboardCache(Cache(database, ROLE), settings.dashboard_cache_ttl_seconds)

    analytics = _analytics(settings, database, objects)

    def provide_dashboards() -> DashboardCache:
        return dashboards

    def provide_analytics() -> Analytics:
        return analytics

    return build_service(
        "reporting",
        settings,
        description=DESCRIPTION,
        route_handlers=[
            production_router(),
            quality_router(),
            maintenance_router(),
            inventory_router(),
            analytics_router(),
            exports_router(),
            subscriptions_router(),
        ],
        dependencies={
            "caller": Provide(provide_caller, sync_to_thread=False),
            "dashboards": Provide(provide_dashboards, sync_to_thread=False),
            "analytics": Provide(provide_analytics, sync_to_thread=False),
            "objects": provide_objects(objects),
        },
        verifier=verifier,
        database=database,
        on_startup=[dashboards.cache.start],
        on_shutdown=[dashboards.cache.stop, analytics.duck.close],
    )


def _analytics(settings: Settings, database: Database, objects: ObjectStore | None) -> Analytics:
    """DuckDB on the service's own DSN (the runtime role), the archive cached locally."""
    a = settings.analytics
    limits = Limits(
        memory_limit=a.analytics_memory_limit,
        threads=a.analytics_threads,
        timeout_seconds=a.analytics_timeout_seconds,
        temp_directory=str(a.cache_dir() / "spill"),
    )
    duck = Duck(settings.database_url, limits, a.analytics_concurrency)
    return Analytics(duck, ArchiveCache(ArchiveStore(database, objects), a.cache_dir()))
