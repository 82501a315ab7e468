"""PM plans refuse what cannot be scheduled, built in code or decoded from JSON."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import msgspec
import pytest

from maintenance.pm import CalendarRule, MeterReading, Plan, UsageRule

PLAN_ID = UUID("6f1c2b7e-0000-4000-8000-000000000003")
START = MeterReading(datetime(2026, 1, 1, tzinfo=UTC), Decimal(0))


def test_a_calendar_interval_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        CalendarRule(interval=0, unit="days", mode="fixed", anchor=date(2026, 1, 1))


@pytest.mark.parametrize("interval", [Decimal(0), Decimal("-1.5")])
def test_a_usage_interval_that_is_not_positive_is_refused(interval: Decimal) -> None:
    with pytest.raises(ValueError, match="greater than 0"):
        UsageRule(meter="cycles", interval=interval, anchor=START)


def test_a_plan_without_any_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="calendar rule, a usage rule or both"):
        Plan(id=PLAN_ID)


def test_a_negative_lead_time_is_refused() -> None:
    rule = CalendarRule(interval=1, unit="weeks", mode="fixed", anchor=date(2026, 1, 1))
    with pytest.raises(ValueError, match="lead_time_days"):
        Plan(id=PLAN_ID, calendar=rule, lead_time_days=-1)


def test_a_plan_round_trips_through_json() -> None:
    plan = Plan(
        id=PLAN_ID,
        calendar=CalendarRule(interval=6, unit="months", mode="floating", anchor=date(2026, 1, 31)),
        usage=UsageRule(meter="operating_hours", interval=Decimal("500.5"), anchor=START),
        lead_time_days=14,
    )
    assert msgspec.json.decode(msgspec.json.encode(plan), type=Plan) == plan


def test_decoding_an_invalid_plan_fails_validation() -> None:
    raw = b'{"id": "6f1c2b7e-0000-4000-8000-000000000003", "lead_time_days": 3}'
    with pytest.raises(msgspec.ValidationError, match="calendar rule"):
        msgspec.json.decode(raw, type=Plan)


def test_an_unknown_calendar_unit_fails_validation() -> None:
    raw = b'{"interval": 1, "unit": "fortnights", "mode": "fixed", "anchor": "2026-01-01"}'
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(raw, type=CalendarRule)
