"""Delivery to a real SMTP server when it does not simply accept: a stopped server, one
that refuses until the job runner gives up (then a resend), and one that refuses some
recipients."""

from __future__ import annotations

import asyncio
from uuid import UUID

import asyncpg
import pytest

from quality.notifications import JOB_KIND
from quality.notifications.sender import sender
from quality.notifications.settings import SmtpSettings
from tests.quality.notify_support import (
    API,
    Client,
    SmtpSink,
    api,
    free_port,
    headers,
    notification_row,
    notify_committed,
    org_plants,
    person,
    quality_db,
    send_by_handler,
    send_jobs,
    send_queue,
    smtp,
    subscribe,
    take_message,
    tidy_jobs,
    wait_for_job,
)
from tests.support.harness import Headers
from unison_bus import JobRunner, LoopSettings
from unison_pg import Database, Tenant

__all__ = ["api", "headers", "org_plants", "quality_db", "send_queue", "smtp", "tidy_jobs"]

ENGINEER = "quality_engineer"


async def test_a_stopped_server_keeps_the_notification_queued_with_the_attempt_and_error(
    api: Client,
    headers: Headers,
    quality_db: Database,
    owner_conn: asyncpg.Connection,
    org_id: UUID,
    org_plants: list[UUID],
) -> None:
    await person(quality_db, org_id, "eva@plant.example", (ENGINEER,))
    await subscribe(api, headers, role=ENGINEER, kinds=["plan_expiring"])
    notification_id = await notify_committed(quality_db, org_id, "plan_expiring", org_plants[1])
    assert notification_id is not None
    nobody_listens = SmtpSettings(port=free_port(), timeout=2)

    with pytest.raises(ConnectionRefusedError):
        await send_by_handler(quality_db, owner_conn, org_id, notification_id, nobody_listens)

    row = await notification_row(quality_db, org_id, notification_id)
    assert (row["status"], row["attempts"]) == ("queued", 1)  # the runner tries again
    assert row["error"].startswith("ConnectionRefusedError:")
    # Its job is still live: a resend now would send it twice.
    engineer = headers(roles=[ENGINEER])
    resend = await api.post(f"{API}/notifications/{notification_id}/resend", headers=engineer)
    assert resend.status_code == 409


async def test_a_refusing_server_is_retried_until_the_notification_fails_and_a_resend_delivers_it(
    api: Client,
    headers: Headers,
    quality_db: Database,
    owner_conn: asyncpg.Connection,
    smtp: SmtpSink,
    send_queue: str,
    org_id: UUID,
    org_plants: list[UUID],
) -> None:
    await person(quality_db, org_id, "eva@plant.example", (ENGINEER,))
    await subscribe(api, headers, role=ENGINEER, kinds=["capa_overdue"])
    smtp.refusing = True
    notification_id = await notify_committed(quality_db, org_id, "capa_overdue", org_plants[0])
    assert notification_id is not None
    [job] = await send_jobs(quality_db, org_id, notification_id)
    assert job["max_attempts"] == 10
    async with quality_db.transaction(Tenant(organization_id=org_id)) as conn:
        # The worker's ten attempts, shortened to three so the test takes seconds.
        await conn.execute("UPDATE bus.jobs SET max_attempts = 3 WHERE id = $1", job["id"])

    async def run_on_own_queue(job_id: UUID) -> asyncpg.Record:
        message = await take_message(owner_conn, job_id)
        await owner_conn.execute("SELECT pgmq.send($1, $2::jsonb)", send_queue, message)
        return await wait_for_job(quality_db, org_id, job_id, {"succeeded", "failed"})

    runner = JobRunner(
        quality_db,
        queue=send_queue,
        handlers={JOB_KIND: sender(smtp.settings)},
        settings=LoopSettings(backoff_base=0.0, poll_seconds=0.1),
    )
    stopping = asyncio.Event()
    running = asyncio.create_task(runner.run(stopping))
    try:
        failed = await run_on_own_queue(job["id"])
        row = await notification_row(quality_db, org_id, notification_id)
        assert (failed["status"], failed["attempts"], smtp.refused) == ("failed", 3, 3)
        assert (row["status"], row["attempts"]) == ("failed", 3)
        assert row["error"] == "SMTPDataError: (451, b'4.3.0 Try again later')"
        assert smtp.received == []

        smtp.refusing = False
        url = f"{API}/notifications/{notification_id}/resend"
        resent = await api.post(url, headers=headers(roles=[ENGINEER]))
        assert resent.status_code == 202, resent.text
        assert resent.json()["status"] == "queued"
        assert (await api.post(url, headers=headers(roles=[ENGINEER]))).status_code == 409
        second = (await send_jobs(quality_db, org_id, notification_id))[-1]
        succeeded = await run_on_own_queue(second["id"])
    finally:
        stopping.set()
        await running

    assert succeeded["status"] == "succeeded"
    row = await notification_row(quality_db, org_id, notification_id)
    assert (row["status"], row["attempts"], row["error"]) == ("sent", 4, None)
    assert [m.rcpt_tos for m in smtp.received] == [["eva@plant.example"]]


async def test_recipients_the_relay_refuses_are_recorded_and_the_others_are_sent(
    api: Client,
    headers: Headers,
    quality_db: Database,
    owner_conn: asyncpg.Connection,
    smtp: SmtpSink,
    org_id: UUID,
    org_plants: list[UUID],
) -> None:
    await person(quality_db, org_id, "eva@plant.example", (ENGINEER,))
    await subscribe(api, headers, role=ENGINEER, kinds=["ncr_created"])
    await subscribe(api, headers, email="left@plant.example", kinds=["ncr_created"])
    smtp.unknown = {"left@plant.example"}
    notification_id = await notify_committed(quality_db, org_id, "ncr_created", org_plants[0])
    assert notification_id is not None

    await send_by_handler(quality_db, owner_conn, org_id, notification_id, smtp.settings)

    # Sending again would mail Eva twice: the notification is sent, the refusal noted.
    row = await notification_row(quality_db, org_id, notification_id)
    assert row["status"] == "sent"
    assert row["error"] == "refused left@plant.example: 550 5.1.1 No such mailbox"
    assert [m.rcpt_tos for m in smtp.received] == [["eva@plant.example"]]
