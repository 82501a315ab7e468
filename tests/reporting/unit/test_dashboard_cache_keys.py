"""Which days a fact touches, and what a dashboard's cache key depends on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from uuid import UUID, uuid4

from reporting.dashboard_cache.freshness import utc_day, utc_days
from reporting.dashboard_cache.oee import cache_key
from unison_pg import Tenant
from unison_web.caller import Caller

PERIOD = (date(2026, 11, 1), date(2026, 11, 30))


def test_a_moment_counts_on_its_utc_day_whatever_its_offset() -> None:
    late_evening_in_chicago = datetime(2026, 11, 9, 20, tzinfo=timezone(timedelta(hours=-6)))
    assert utc_day(late_evening_in_chicago) == date(2026, 11, 10)


def test_a_stop_touches_every_utc_day_it_spans() -> None:
    start = datetime(2026, 11, 9, 23, tzinfo=UTC)
    assert utc_days(start, start + timedelta(hours=26)) == [
        date(2026, 11, 9),
        date(2026, 11, 10),
        date(2026, 11, 11),
    ]
    assert utc_days(start, start) == [date(2026, 11, 9)]


def test_the_key_follows_organization_plant_set_query_and_generation_only() -> None:
    org, a, b = uuid4(), uuid4(), uuid4()

    def key(
        organization: UUID = org,
        plants: tuple[UUID, ...] = (a, b),
        period: tuple[date, date] = PERIOD,
        granularity: str = "day",
        where: tuple[UUID | None, UUID | None] = (None, None),
        generation: int = 3,
    ) -> str:
        caller = Caller(tenant=Tenant(organization, plants))
        return cache_key(caller, period, granularity, where, generation)

    assert key() == key(plants=(b, a))  # the same plants in another order
    variants = {
        key(),
        key(organization=uuid4()),
        key(plants=(a,)),
        key(period=(PERIOD[0], PERIOD[1] - timedelta(days=1))),
        key(granularity="week"),
        key(where=(a, None)),
        key(generation=4),
    }
    assert len(variants) == 7
