"""Settings of the reporting service, read once from ``UNISON_*`` variables."""

from __future__ import annotations

import msgspec

from reporting.analytics.settings import AnalyticsSettings
from unison_web.settings import ServiceSettings


class Settings(ServiceSettings, frozen=True, kw_only=True):
    http_port: int = 8106
    # How long a dashboard answer stays in the cache; new facts in its range replace it
    # sooner (UNISON_DASHBOARD_CACHE_TTL_SECONDS).
    dashboard_cache_ttl_seconds: float = 600.0
    # DuckDB analytics and the archive cache, read from UNISON_REPORTING_* (see
    # analytics/settings.py), which the worker reads too.
    analytics: AnalyticsSettings = msgspec.field(default_factory=AnalyticsSettings)
