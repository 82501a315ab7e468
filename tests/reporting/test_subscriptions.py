"""Scheduled reports: subscriptions kept per organization and plants, pg_cron's function
queues a job for an organization with a due one, and the job sends each period once
through a real SMTP server (aiosmtpd): the XLSX attachment holds the dashboard's
numbers, a link delivery downloads, a refused mail is retried without a second copy."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from aiosmtpd.controller import Controller

from reporting import worker
from reporting.subscriptions import job as report_job
from reporting.subscriptions.mail import LinkSettings, SmtpSettings
from reporting.subscriptions.service import Q
from tests.reporting.export_support import Client, flat, read_rows, same_number
from tests.reporting.shop import Shop
from tests.reporting.test_exports import _oee_shifts
from tests.support.harness import Headers
from unison_bus import JobContext, JobRunner
from unison_bus.jobs import JobMessage
from unison_objects import ObjectStore
from unison_pg import Database

URL = "/api/reporting/subscriptions"
PUBLIC = "https://erp.example.test"


class Sink:
    """Keeps every message; ``refusing`` answers DATA with a temporary error."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.refusing = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusing:
            return "451 4.3.0 Try again later"
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.received if address in str(m["To"])]


@pytest.fixture
async def smtp() -> AsyncIterator[tuple[Sink, SmtpSettings]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, SmtpSettings(port=port, timeout=5)
    finally:
        controller.stop()


@pytest.fixture
def recipient() -> str:
    return f"planner-{uuid4().hex[:8]}@example.test"


def _body(recipient: str, **changes: Any) -> dict[str, Any]:
    return {
        "name": "Weekly OEE",
        "source": "production.oee",
        "filters": {"granularity": "day"},
        "frequency": "weekly",
        "weekday": 1,
        "hour": 6,
        "time_zone": "UTC",
        "recipients": [recipient],
        **changes,
    }


async def _run(
    database: Database, objects: ObjectStore, org_id: UUID, smtp: SmtpSettings
) -> dict[str, Any]:
    """The job as the worker runs it for one organization (its handler, a real context)."""
    ctx = JobContext(database, JobMessage(uuid4(), org_id, report_job.KIND), {})
    handler = report_job.sender(smtp, LinkSettings(public_url=PUBLIC), objects)
    result = await handler(ctx)
    assert result is not None
    return result


async def _run_queued(
    database: Database,
    objects: ObjectStore,
    admin: asyncpg.Connection,
    org_id: UUID,
    smtp: SmtpSettings,
) -> dict[str, Any]:
    """Run the worker's job runner until the organization's report job has ended."""
    handlers = worker.job_handlers(smtp, LinkSettings(public_url=PUBLIC), objects)
    runner = JobRunner(database, queue="reporting_jobs", handlers=handlers)
    stopping = asyncio.Event()
    running = asyncio.create_task(runner.run(stopping))
    query = (
        "SELECT status, result::text AS result FROM bus.jobs"
        " WHERE organization_id = $1 AND kind = $2"
    )
    try:
        async with asyncio.timeout(60):
            while (job := await admin.fetchrow(query, org_id, report_job.KIND))["status"] in (
                "queued",
                "running",
            ):
                await asyncio.sleep(0.05)
    finally:
        stopping.set()
        await running
    return {"status": job["status"], "result": json.loads(job["result"] or "null")}


async def _due(admin: asyncpg.Connection, subscription_id: str, at: datetime) -> None:
    await admin.execute(
        "UPDATE reporting.report_subscriptions SET next_run_at = $2 WHERE id = $1",
        UUID(subscription_id),
        at,
    )


# Monday 2026-11-09 06:00 UTC: the weekly report of Monday 2 to Sunday 8 November.
RUN = datetime(2026, 11, 9, 6, tzinfo=UTC)


async def test_the_weekly_mail_carries_the_dashboards_numbers_once_per_period(
    object_store: ObjectStore,
    shop: Shop,
    client: Client,
    auth: Headers,
    database: Database,
    admin_conn: asyncpg.Connection,
    owner_conn: asyncpg.Connection,
    org_id: UUID,
    smtp: tuple[Sink, SmtpSettings],
    recipient: str,
    tmp_path: Path,
) -> None:
    sink, settings = smtp
    await _oee_shifts(shop)
    created = await client.post(URL, json=_body(recipient), headers=auth())
    assert created.status_code == 201, created.text
    subscription = created.json()
    assert datetime.fromisoformat(subscription["next_run_at"]) > datetime.now(UTC)
    await _due(admin_conn, subscription["id"], RUN)

    # pg_cron's function queues one job for the organization, and not again while it runs.
    await admin_conn.execute("SELECT pgmq.purge_queue('reporting_jobs')")
    assert await owner_conn.fetchval("SELECT reporting.enqueue_due_reports()") >= 1
    queued = await admin_conn.fetchval(
        "SELECT count(*) FROM bus.jobs WHERE organization_id = $1 AND kind = $2",
        org_id,
        report_job.KIND,
    )
    assert queued == 1
    await owner_conn.fetchval("SELECT reporting.enqueue_due_reports()")
    assert queued == await admin_conn.fetchval(
        "SELECT count(*) FROM bus.jobs WHERE organization_id = $1 AND kind = $2",
        org_id,
        report_job.KIND,
    )

    # The worker's job runner runs it (the report job bound to this test's relay).
    job = await _run_queued(database, object_store, admin_conn, org_id, settings)
    assert (job["status"], job["result"]) == ("succeeded", {"claimed": 1, "sent": 1}), job
    assert await _run(database, object_store, org_id, settings) == {"claimed": 0, "sent": 0}
    # Done: the organization may be queued again when the next report is due.
    assert (
        await admin_conn.fetchval(
            "SELECT enqueued_at FROM reporting.report_runs WHERE organization_id = $1", org_id
        )
        is None
    )
    mails = sink.to(recipient)
    assert len(mails) == 1
    mail = mails[0]
    assert mail["Subject"] == "Weekly OEE: 2026-11-02 to 2026-11-08"
    attachments = list(mail.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["production-oee_2026-11-02_2026-11-08.xlsx"]
    payload = attachments[0].get_payload(decode=True)
    assert isinstance(payload, bytes)
    rows = read_rows("xlsx", payload, tmp_path)
    dashboard = (
        await client.get(
            "/api/reporting/production/oee",
            params={"from": "2026-11-02", "to": "2026-11-08", "granularity": "day"},
            headers=auth(),
        )
    ).json()
    expected = [flat(p) for p in (*dashboard["points"], dashboard["total"])]
    assert [r["bucket"] for r in rows] == [p["bucket"] for p in expected]
    for row, point in zip(rows, expected, strict=True):
        for name in ("good", "scrap", "oee", "availability", "breakdown_minutes", "run_minutes"):
            assert same_number(row[name], point[name]), (point["bucket"], name)

    # The next run is next Monday; the period's delivery is recorded as sent.
    after = (await client.get(f"{URL}/{subscription['id']}", headers=auth())).json()
    assert datetime.fromisoformat(after["next_run_at"]) > datetime.now(UTC)
    delivery = await admin_conn.fetchrow(
        "SELECT status, attempts, first_day, last_day FROM reporting.report_deliveries"
        " WHERE subscription_id = $1",
        UUID(subscription["id"]),
    )
    assert dict(delivery) == {
        "status": "sent",
        "attempts": 1,
        "first_day": RUN.date() - timedelta(days=7),
        "last_day": RUN.date() - timedelta(days=1),
    }
    # The same period due again (a claim replayed): no second mail.
    await _due(admin_conn, subscription["id"], RUN)
    await _run(database, object_store, org_id, settings)
    assert len(sink.to(recipient)) == 1


async def test_a_refused_mail_is_retried_and_arrives_once(
    object_store: ObjectStore,
    client: Client,
    auth: Headers,
    database: Database,
    admin_conn: asyncpg.Connection,
    org_id: UUID,
    smtp: tuple[Sink, SmtpSettings],
    recipient: str,
) -> None:
    sink, settings = smtp
    body = _body(recipient, frequency="daily", weekday=None, source="quality.capa_on_time")
    body["filters"] = {}
    subscription = (await client.post(URL, json=body, headers=auth())).json()
    await _due(admin_conn, subscription["id"], RUN)
    sink.refusing = True
    with pytest.raises(RuntimeError, match="1 report"):
        await _run(database, object_store, org_id, settings)
    deliveries = f"{URL}/{subscription['id']}/deliveries"
    (pending,) = (await client.get(deliveries, headers=auth())).json()["items"]
    assert (pending["status"], pending["attempts"], pending["file_id"]) == ("pending", 1, None)
    assert "451" in pending["error"]
    assert pending["first_day"] == pending["last_day"] == "2026-11-08"
    sink.refusing = False
    assert await _run(database, object_store, org_id, settings) == {"claimed": 0, "sent": 1}
    await _run(database, object_store, org_id, settings)
    assert len(sink.to(recipient)) == 1

    # The next day's period is a delivery of its own; the list pages latest first.
    await _due(admin_conn, subscription["id"], RUN + timedelta(days=1))
    assert await _run(database, object_store, org_id, settings) == {"claimed": 1, "sent": 1}
    first = (await client.get(deliveries, params={"limit": 1}, headers=auth())).json()
    second = (
        await client.get(
            deliveries, params={"limit": 1, "cursor": first["next_cursor"]}, headers=auth()
        )
    ).json()
    assert [d["first_day"] for d in first["items"] + second["items"]] == [
        "2026-11-09",
        "2026-11-08",
    ]
    assert second["items"][0]["status"] == "sent" and second["items"][0]["error"] is None
    assert second["items"][0]["file_id"] is not None and second["next_cursor"] is None
    stranger = auth(organization_id=uuid4())
    assert (await client.get(deliveries, headers=stranger)).status_code == 404


async def test_a_link_delivery_mails_an_expiring_link_to_the_file(
    object_store: ObjectStore,
    client: Client,
    auth: Headers,
    database: Database,
    admin_conn: asyncpg.Connection,
    org_id: UUID,
    smtp: tuple[Sink, SmtpSettings],
    recipient: str,
    tmp_path: Path,
) -> None:
    sink, settings = smtp
    body = _body(recipient, format="parquet", delivery="link")
    subscription = (await client.post(URL, json=body, headers=auth())).json()
    await _due(admin_conn, subscription["id"], RUN)
    await _run(database, object_store, org_id, settings)
    (mail,) = sink.to(recipient)
    assert not list(mail.iter_attachments())
    text = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    link = next(w for w in text.split() if w.startswith(PUBLIC)).removeprefix(PUBLIC)
    file = await client.get(link, headers=auth())
    assert file.status_code == 200
    assert read_rows("parquet", file.content, tmp_path)[-1]["bucket"] == "total"
    assert (await client.get(link, headers=auth(organization_id=uuid4()))).status_code == 404


async def test_subscriptions_are_created_listed_changed_and_removed(
    client: Client, auth: Headers, plants: list[UUID], recipient: str
) -> None:
    ids = []
    for hour in (5, 6, 7):
        created = await client.post(URL, json=_body(recipient, hour=hour), headers=auth())
        assert created.status_code == 201
        assert created.headers["location"].endswith(created.json()["id"])
        ids.append(created.json()["id"])
    first = (await client.get(URL, params={"limit": 2}, headers=auth())).json()
    second = (
        await client.get(URL, params={"limit": 2, "cursor": first["next_cursor"]}, headers=auth())
    ).json()
    assert [s["id"] for s in first["items"] + second["items"]] == ids
    assert second["next_cursor"] is None

    before = (await client.get(f"{URL}/{ids[0]}", headers=auth())).json()
    changed = await client.patch(
        f"{URL}/{ids[0]}",
        json={"frequency": "daily", "weekday": None, "hour": 22, "time_zone": "Asia/Tokyo"},
        headers=auth(),
    )
    assert changed.status_code == 200, changed.text
    after = changed.json()
    assert (after["frequency"], after["weekday"], after["hour"]) == ("daily", None, 22)
    assert after["version"] == before["version"] + 1
    assert after["next_run_at"] != before["next_run_at"]
    assert datetime.fromisoformat(after["next_run_at"]).minute == 0
    paused = await client.patch(f"{URL}/{ids[0]}", json={"active": False}, headers=auth())
    assert paused.json()["active"] is False

    # Another organization, and a caller missing one of its plants, do not see it.
    assert (
        await client.get(f"{URL}/{ids[1]}", headers=auth(organization_id=uuid4()))
    ).status_code == 404
    assert (
        await client.get(f"{URL}/{ids[1]}", headers=auth(plant_ids=[plants[0]]))
    ).status_code == 404
    assert (await client.get(URL, headers=auth(plant_ids=[plants[0]]))).json()["items"] == []
    # One plant's subscription is visible to that plant's users.
    one = await client.post(
        URL, json=_body(recipient, filters={"plant_id": str(plants[0])}), headers=auth()
    )
    assert one.json()["plant_ids"] == [str(plants[0])]
    mine = (await client.get(URL, headers=auth(plant_ids=[plants[0]]))).json()["items"]
    assert [s["id"] for s in mine] == [one.json()["id"]]

    assert (await client.delete(f"{URL}/{ids[2]}", headers=auth())).status_code == 204
    assert (await client.get(f"{URL}/{ids[2]}", headers=auth())).status_code == 404
    assert (await client.delete(f"{URL}/{ids[2]}", headers=auth())).status_code == 404


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"time_zone": "Mars/Olympus"}, "/time_zone"),
        ({"weekday": None}, "/weekday"),
        ({"frequency": "daily"}, "/weekday"),
        ({"format": "csv"}, "/format"),
        ({"source": "facts.counts"}, "/source"),
        ({"hour": 24}, "/hour"),
        ({"recipients": ["not-an-address"]}, "/recipients/0"),
        ({"recipients": []}, "/recipients"),
        (
            {"filters": {"granularity": "hour", "equipment_id": str(UUID(int=3))}},
            "/filters/equipment_id",
        ),
    ],
)
async def test_a_bad_subscription_is_a_problem_naming_the_field(
    change: dict[str, Any], pointer: str, client: Client, auth: Headers, recipient: str
) -> None:
    response = await client.post(URL, json=_body(recipient, **change), headers=auth())
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    pointers = {e.get("pointer") for e in problem.get("errors", [])}
    assert pointer in pointers or pointer.split("/")[-1] in problem["detail"], problem


async def test_a_plant_outside_the_token_is_refused(
    client: Client, auth: Headers, recipient: str
) -> None:
    response = await client.post(
        URL, json=_body(recipient, filters={"plant_id": str(uuid4())}), headers=auth()
    )
    assert response.status_code == 404


async def test_every_subscription_query_prepares_and_the_tables_force_rls(
    role_dsn: Callable[[str], str], admin_conn: asyncpg.Connection
) -> None:
    conn = await asyncpg.connect(role_dsn("reporting"))
    failures = {}
    try:
        for name, statement in Q.items():
            try:
                await conn.prepare(statement)
            except asyncpg.PostgresError as exc:
                failures[name] = str(exc)
    finally:
        await conn.close()
    assert failures == {}
    for table in ("report_subscriptions", "report_deliveries", "report_runs"):
        row = await admin_conn.fetchrow(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = $1::regclass",
            f"reporting.{table}",
        )
        assert row["relrowsecurity"] and row["relforcerowsecurity"], table
    jobs = await admin_conn.fetch(
        "SELECT jobname, schedule FROM cron.job WHERE jobname LIKE 'reporting-%'"
    )
    assert {j["jobname"] for j in jobs} >= {"reporting-reports", "reporting-objects-sweep"}
