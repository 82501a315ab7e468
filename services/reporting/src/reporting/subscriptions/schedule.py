"""When a subscription runs next and which days its report covers, in its time zone.

A run is at the subscription's hour, on every day (daily) or on its ISO weekday (weekly),
local time. A local hour skipped by a daylight-saving change runs an hour later (the
wall clock's next existing time); an hour that occurs twice runs at its first occurrence.
The report covers the whole local days before the run: yesterday (daily) or the seven
days up to yesterday (weekly)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def next_run(
    after: datetime, frequency: str, weekday: int | None, hour: int, zone: str
) -> datetime:
    """The first run strictly after ``after`` (UTC)."""
    tz = ZoneInfo(zone)
    day = after.astimezone(tz).date()
    for offset in range(9):
        candidate = day + timedelta(days=offset)
        if frequency == "weekly" and candidate.isoweekday() != weekday:
            continue
        # fold=0: the first of a repeated hour; a skipped hour maps past the gap.
        at = datetime.combine(candidate, time(hour), tz).astimezone(UTC)
        if at > after:
            return at
    raise AssertionError("a daily or weekly run is always within 8 days")


def period(scheduled_for: datetime, frequency: str, zone: str) -> tuple[date, date]:
    """The days a run's report covers (inclusive)."""
    local = scheduled_for.astimezone(ZoneInfo(zone)).date()
    days = 7 if frequency == "weekly" else 1
    return local - timedelta(days=days), local - timedelta(days=1)
