"""Settings of DuckDB analytics and the fact archive, read once per process from
``UNISON_REPORTING_*`` variables (the HTTP process and the worker both use them)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import msgspec

PREFIX = "UNISON_REPORTING_"


class AnalyticsSettings(msgspec.Struct, frozen=True, kw_only=True):
    # Per DuckDB query: its memory (spilling to disk beyond it) and threads.
    analytics_memory_limit: str = "512MB"
    analytics_threads: int = 2
    # DuckDB queries at once per process; more wait (within the timeout) for a turn.
    analytics_concurrency: int = 2
    analytics_timeout_seconds: float = 30.0
    # Where archived Parquet is cached locally (and DuckDB spills); "" = the temp dir.
    archive_cache_dir: str = ""
    # Fact partitions whose month ended more than this many months ago are archived.
    fact_retention_months: int = 24

    def cache_dir(self) -> Path:
        if self.archive_cache_dir:
            return Path(self.archive_cache_dir)
        return Path(tempfile.gettempdir()) / "unison-reporting-archive"
