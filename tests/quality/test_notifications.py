"""E-mail notifications: the people read model, who receives a notice (roles, addresses,
plants, never another organization), the message a real SMTP server receives, and that
the e-mail exists exactly when the business change commits. Failures and retries:
``test_notifications_delivery``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from uuid import UUID

import asyncpg
import pytest

from quality.notifications import JOB_KIND, notify
from quality.notifications.repo import Q as NOTIFICATION_QUERIES
from tests.quality.notify_support import (
    Client,
    SmtpSink,
    api,
    fetch_one,
    headers,
    notification_row,
    notify_committed,
    org_plants,
    person,
    quality_db,
    send_by_handler,
    send_jobs,
    smtp,
    subscribe,
    tidy_jobs,
)
from tests.support.harness import Headers, auth_for
from tests.support.tokens import TokenMinter
from unison_pg import Database, Tenant

__all__ = ["api", "headers", "org_plants", "quality_db", "smtp", "tidy_jobs"]

ENGINEER = "quality_engineer"


async def test_every_named_query_of_notifications_prepares(
    role_dsn: Callable[[str], str],
) -> None:
    conn = await asyncpg.connect(role_dsn("quality"))
    try:
        for _, statement in NOTIFICATION_QUERIES.items():
            await conn.prepare(statement)
    finally:
        await conn.close()


async def test_a_user_change_is_kept_and_a_deactivated_user_stays_inactive(
    quality_db: Database, org_id: UUID, org_plants: list[UUID]
) -> None:
    user = await person(quality_db, org_id, "eva@plant.example", (ENGINEER,))
    await person(
        quality_db,
        org_id,
        "eva.m@plant.example",
        ("operator",),
        (org_plants[0],),
        active=False,
        user_id=user,
    )
    row = await fetch_one(
        quality_db,
        org_id,
        "SELECT email, roles, plant_ids, active FROM quality.people WHERE user_id = $1",
        user,
    )
    assert row is not None
    assert dict(row) == {
        "email": "eva.m@plant.example",
        "roles": ["operator"],
        "plant_ids": [org_plants[0]],
        "active": False,
    }


async def test_an_older_user_state_delivered_late_does_not_overwrite_a_newer_one(
    quality_db: Database, org_id: UUID
) -> None:
    now = datetime.now(UTC)
    user = await person(quality_db, org_id, "new@plant.example", (ENGINEER,), occurred_at=now)
    await person(
        quality_db,
        org_id,
        "old@plant.example",
        ("operator",),
        user_id=user,
        occurred_at=now - timedelta(seconds=5),
    )
    row = await fetch_one(
        quality_db, org_id, "SELECT email, roles FROM quality.people WHERE user_id = $1", user
    )
    assert row is not None
    assert (row["email"], row["roles"]) == ("new@plant.example", [ENGINEER])


async def test_the_people_of_a_subscribed_role_get_one_mail_to_them_all(
    api: Client,
    headers: Headers,
    quality_db: Database,
    owner_conn: asyncpg.Connection,
    smtp: SmtpSink,
    org_id: UUID,
    org_plants: list[UUID],
) -> None:
    await person(quality_db, org_id, "eva@plant.example", (ENGINEER,))
    await person(quality_db, org_id, "Bob@Plant.example", ("admin", ENGINEER))
    await person(quality_db, org_id, "gone@plant.example", (ENGINEER,), active=False)
    await person(quality_db, org_id, "eva at the plant", (ENGINEER,))
    await person(quality_db, org_id, "olga@plant.example", ("operator",))
    await subscribe(api, headers, role=ENGINEER, kinds=["ncr_created"])
    # Eva also by address: she still gets one copy.
    await subscribe(api, headers, email="eva@plant.example", kinds=["ncr_created", "ncr_step"])
    await subscribe(api, headers, role="operator", kinds=["spc_violation"])

    notification_id = await notify_committed(quality_db, org_id, "ncr_created", org_plants[0])
    assert notification_id is not None
    result = await send_by_handler(quality_db, owner_conn, org_id, notification_id, smtp.settings)

    assert result == {"notification_id": str(notification_id), "recipients": 2}
    [mail] = smtp.received
    assert mail.mail_from == "quality@unison.local"
    assert mail.rcpt_tos == ["bob@plant.example", "eva@plant.example"]
    message = mail.message
    assert message["To"] == "bob@plant.example, eva@plant.example"
    assert message["Subject"] == "NCR-000001 opened"
    assert message["Message-ID"] == f"<{notification_id}@unison.local>"
    sent_at = parsedate_to_datetime(message["Date"])
    assert abs(sent_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert message.get_content_type() == "text/plain"
    lines = message.get_content().splitlines()  # CRLF on the wire
    assert lines == ["NCR-000001 opened.", "See Unison for the details."]
    row = await notification_row(quality_db, org_id, notification_id)
    assert (row["status"], row["attempts"], row["error"]) == ("sent", 1, None)
    assert row["sent_at"] is not None


async def test_a_plant_limited_subscription_or_person_is_told_only_of_its_plants(
    api: Client,
    headers: Headers,
    quality_db: Database,
    owner_conn: asyncpg.Connection,
    smtp: SmtpSink,
    org_id: UUID,
    org_plants: list[UUID],
) -> None:
    north, south = org_plants
    await person(quality_db, org_id, "anna@plant.example", (ENGINEER,), (north,))
    await person(quality_db, org_id, "ben@plant.example", (ENGINEER,))
    await subscribe(api, headers, role=ENGINEER, kinds=["spc_violation"])
    await subscribe(
        api,
        headers,
        email="lead.south@plant.example",
        kinds=["spc_violation"],
        plant_ids=[str(south)],
    )

    told: dict[str, list[str]] = {}
    for name, plant in (("north", north), ("south", south), ("no plant", None)):
        notification_id = await notify_committed(quality_db, org_id, "spc_violation", plant)
        assert notification_id is not None
        told[name] = (await notification_row(quality_db, org_id, notification_id))["recipients"]
        if name == "south":
            await send_by_handler(quality_db, owner_conn, org_id, notification_id, smtp.settings)

    assert told == {
        "north": ["anna@plant.example", "ben@plant.example"],
        "south": ["ben@plant.example", "lead.south@plant.example"],
        "no plant": ["ben@plant.example"],
    }
    assert [m.rcpt_tos for m in smtp.received] == [told["south"]]


async def test_nobody_subscribed_writes_no_notification_and_queues_no_job(
    api: Client,
    headers: Headers,
    quality_db: Database,
    owner_conn: asyncpg.Connection,
    org_id: UUID,
    org_plants: list[UUID],
) -> None:
    await person(quality_db, org_id, "eva@plant.example", (ENGINEER,))
    await subscribe(api, headers, role=ENGINEER, kinds=["ncr_created"])
    await subscribe(api, headers, role="nobody_has_it", kinds=["capa_overdue"])

    assert await notify_committed(quality_db, org_id, "capa_overdue", org_plants[0]) is None

    counts = await fetch_one(
        quality_db,
        org_id,
        "SELECT (SELECT count(*) FROM quality.notifications) AS notifications,"
        " (SELECT count(*) FROM bus.jobs WHERE kind = $1) AS jobs",
        JOB_KIND,
    )
    assert counts is not None
    assert (counts["notifications"], counts["jobs"]) == (0, 0)
    messages = await owner_conn.fetchval(
        "SELECT count(*) FROM pgmq.q_quality_jobs WHERE message ->> 'organization_id' = $1",
        str(org_id),
    )
    assert messages == 0


async def test_another_organizations_people_of_the_same_role_never_receive_it(
    api: Client,
    quality_db: Database,
    owner_conn: asyncpg.Connection,
    smtp: SmtpSink,
    minter: TokenMinter,
    org_id: UUID,
    org_plants: list[UUID],
    tidy_jobs: list[UUID],
) -> None:
    theirs = uuid.uuid4()
    tidy_jobs.append(theirs)
    for org, name in ((org_id, "ours"), (theirs, "theirs")):
        await person(quality_db, org, f"{name}@plant.example", (ENGINEER,))
        auth = auth_for(minter, org, org_plants)
        await subscribe(api, auth, role=ENGINEER, kinds=["ncr_created"])
        await subscribe(api, auth, email=f"{name}.desk@plant.example", kinds=["ncr_created"])

    notification_id = await notify_committed(quality_db, org_id, "ncr_created", org_plants[0])
    assert notification_id is not None
    await send_by_handler(quality_db, owner_conn, org_id, notification_id, smtp.settings)
    assert [m.rcpt_tos for m in smtp.received] == [
        ["ours.desk@plant.example", "ours@plant.example"]
    ]

    async with quality_db.transaction(Tenant(organization_id=org_id)) as conn:
        # Row-level security alone, with no organization in the query, shows only ours.
        seen = await conn.fetch("SELECT email FROM quality.people")
        assert [r["email"] for r in seen] == ["ours@plant.example"]
        # And an e-mail cannot be written for an organization not the transaction's.
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await notify(
                conn,
                kind="ncr_created",
                plant_id=org_plants[0],
                subject="not ours",
                body="",
                organization_id=theirs,
            )


async def test_the_notification_exists_only_if_the_business_transaction_commits(
    api: Client,
    headers: Headers,
    quality_db: Database,
    owner_conn: asyncpg.Connection,
    org_id: UUID,
    org_plants: list[UUID],
) -> None:
    await person(quality_db, org_id, "eva@plant.example", (ENGINEER,))
    await subscribe(api, headers, role=ENGINEER, kinds=["ncr_step"])

    class NcrStepRefused(Exception):
        pass

    told: list[UUID | None] = []

    async def change_that_fails_after_telling() -> None:
        async with quality_db.transaction(Tenant(organization_id=org_id)) as conn:
            told.append(
                await notify(
                    conn,
                    kind="ncr_step",
                    plant_id=org_plants[0],
                    subject="NCR-000002 in disposition",
                    body="Disposition: scrap.",
                    organization_id=org_id,
                )
            )
            raise NcrStepRefused

    with pytest.raises(NcrStepRefused):
        await change_that_fails_after_telling()

    [notification_id] = told
    assert notification_id is not None
    assert (
        await fetch_one(
            quality_db,
            org_id,
            "SELECT id FROM quality.notifications WHERE id = $1",
            notification_id,
        )
        is None
    )
    assert await send_jobs(quality_db, org_id, notification_id) == []
    assert not await owner_conn.fetchval(
        "SELECT count(*) FROM pgmq.q_quality_jobs WHERE message ->> 'organization_id' = $1",
        str(org_id),
    )
