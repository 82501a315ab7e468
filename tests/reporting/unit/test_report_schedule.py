"""When a subscription runs next and which days its report covers, in its time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from reporting.subscriptions.schedule import next_run, period


def test_a_daily_run_is_the_next_hour_of_the_zone_strictly_after() -> None:
    after = datetime(2026, 11, 8, 5, 59, tzinfo=UTC)
    assert next_run(after, "daily", None, 7, "Europe/Berlin") == datetime(
        2026, 11, 8, 6, tzinfo=UTC
    )
    at = datetime(2026, 11, 8, 6, tzinfo=UTC)
    assert next_run(at, "daily", None, 7, "Europe/Berlin") == datetime(2026, 11, 9, 6, tzinfo=UTC)


def test_a_weekly_run_waits_for_its_weekday() -> None:
    # 2026-11-04 is a Wednesday; Monday 06:00 in New York is 11:00 UTC in November.
    after = datetime(2026, 11, 4, 12, tzinfo=UTC)
    assert next_run(after, "weekly", 1, 6, "America/New_York") == datetime(
        2026, 11, 9, 11, tzinfo=UTC
    )
    sunday = datetime(2026, 11, 8, 11, tzinfo=UTC)  # Sunday 06:00 New York, exactly
    assert next_run(sunday, "weekly", 7, 6, "America/New_York") == datetime(
        2026, 11, 15, 11, tzinfo=UTC
    )


def test_an_hour_skipped_by_daylight_saving_runs_after_the_gap() -> None:
    # Berlin skips 02:00-03:00 on 2027-03-28: a 02:00 run happens at 03:00 local.
    after = datetime(2027, 3, 27, 12, tzinfo=UTC)
    assert next_run(after, "daily", None, 2, "Europe/Berlin") == datetime(
        2027, 3, 28, 1, tzinfo=UTC
    )
    assert next_run(after, "daily", None, 4, "Europe/Berlin") == datetime(
        2027, 3, 28, 2, tzinfo=UTC
    )


def test_the_report_covers_the_local_days_before_the_run() -> None:
    # 23:30 UTC on the 8th is already the 9th in Tokyo: the report is of the 8th.
    run = datetime(2026, 11, 8, 23, 30, tzinfo=UTC)
    assert period(run, "daily", "Asia/Tokyo") == (date(2026, 11, 8), date(2026, 11, 8))
    assert period(run, "daily", "UTC") == (date(2026, 11, 7), date(2026, 11, 7))
    assert period(run, "weekly", "Asia/Tokyo") == (date(2026, 11, 2), date(2026, 11, 8))
