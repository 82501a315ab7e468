"""The notification API: subscriptions by address or role (quality engineers write them),
and the notifications that were sent, are queued or failed, with a resend."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from quality.notifications import notify
from quality.notifications.settings import SmtpSettings
from tests.quality.notify_support import (
    API,
    Client,
    SmtpSink,
    api,
    free_port,
    headers,
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
from tests.support.harness import Headers
from unison_pg import Database, Tenant

__all__ = ["api", "headers", "org_plants", "quality_db", "smtp", "tidy_jobs"]

ENGINEER = "quality_engineer"
SUBSCRIPTIONS = f"{API}/subscriptions"
NOTIFICATIONS = f"{API}/notifications"


def pointers(response: Any) -> list[str]:
    return [e.get("pointer") or e.get("parameter") for e in response.json()["errors"]]


async def test_only_quality_engineers_and_admins_change_subscriptions(
    api: Client, headers: Headers
) -> None:
    body = {"role": ENGINEER, "kinds": ["ncr_created"]}
    inspector = headers(roles=["operator"])
    assert (await api.post(SUBSCRIPTIONS, json=body, headers=inspector)).status_code == 403
    assert (await api.get(SUBSCRIPTIONS, headers=inspector)).status_code == 200

    created = await api.post(SUBSCRIPTIONS, json=body, headers=headers(roles=["admin"]))
    assert created.status_code == 201, created.text
    one = f"{SUBSCRIPTIONS}/{created.json()['id']}"
    assert (await api.delete(one, headers=inspector)).status_code == 403
    assert (await api.delete(one, headers=headers(roles=[ENGINEER]))).status_code == 204
    assert (await api.delete(one, headers=headers(roles=[ENGINEER]))).status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "pointer"),
    [
        ({"email": "a@plant.example", "role": ENGINEER, "kinds": ["ncr_step"]}, 422, "/email"),
        ({"kinds": ["ncr_step"]}, 422, "/email"),
        ({"role": "   ", "kinds": ["ncr_step"]}, 422, "/role"),
        ({"email": "not an address", "kinds": ["ncr_step"]}, 400, "/email"),
        ({"role": ENGINEER, "kinds": ["audit_due"]}, 400, "/kinds/0"),
        ({"role": ENGINEER, "kinds": []}, 400, "/kinds"),
        ({"role": ENGINEER, "kinds": ["ncr_step"], "plant_ids": []}, 400, "/plant_ids"),
    ],
)
async def test_a_subscription_is_an_address_or_a_role_with_known_kinds(
    api: Client, headers: Headers, body: dict[str, Any], status: int, pointer: str
) -> None:
    response = await api.post(SUBSCRIPTIONS, json=body, headers=headers(roles=[ENGINEER]))
    assert response.status_code == status, response.text
    assert pointers(response) == [pointer]


async def test_a_subscription_names_only_plants_of_the_callers_token(
    api: Client, headers: Headers, org_plants: list[UUID]
) -> None:
    body = {"role": ENGINEER, "kinds": ["ncr_step"]}
    elsewhere = {**body, "plant_ids": [str(org_plants[0]), str(uuid.uuid4())]}
    refused = await api.post(SUBSCRIPTIONS, json=elsewhere, headers=headers())
    assert refused.status_code == 422
    assert pointers(refused) == ["/plant_ids/1"]

    twice = {**body, "kinds": ["ncr_step", "ncr_created", "ncr_step"]}
    twice["plant_ids"] = [str(org_plants[1]), str(org_plants[1])]
    created = await api.post(SUBSCRIPTIONS, json=twice, headers=headers())
    assert created.status_code == 201
    assert created.json()["kinds"] == ["ncr_created", "ncr_step"]
    assert created.json()["plant_ids"] == [str(org_plants[1])]
    assert created.json()["created_by"] == "user:alice"


async def test_subscriptions_are_listed_in_creation_order_page_by_page(
    api: Client, headers: Headers
) -> None:
    made = [
        (await subscribe(api, headers, email=f"desk{i}@plant.example", kinds=["ncr_created"]))["id"]
        for i in range(3)
    ]
    first = (await api.get(SUBSCRIPTIONS, params={"limit": 2}, headers=headers())).json()
    rest = await api.get(
        SUBSCRIPTIONS, params={"limit": 2, "cursor": first["next_cursor"]}, headers=headers()
    )
    assert [s["id"] for s in first["items"] + rest.json()["items"]] == made
    assert rest.json()["next_cursor"] is None


async def _failed_on_last_attempt(
    db: Database, owner_conn: asyncpg.Connection, org_id: UUID, notification_id: UUID
) -> None:
    """A notification whose job runs its last attempt against a relay that is down."""
    [job] = await send_jobs(db, org_id, notification_id)
    async with db.transaction(Tenant(organization_id=org_id)) as conn:
        await conn.execute("UPDATE bus.jobs SET attempts = max_attempts WHERE id = $1", job["id"])
    nobody_listens = SmtpSettings(port=free_port(), timeout=2)
    with pytest.raises(ConnectionRefusedError):
        await send_by_handler(db, owner_conn, org_id, notification_id, nobody_listens)


async def test_notifications_are_listed_newest_first_and_by_status(
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
    ids = []
    for number in (1, 2, 3):
        subject = f"NCR-00000{number} opened"
        ids.append(
            await notify_committed(quality_db, org_id, "ncr_created", org_plants[0], subject)
        )
    sent, failed, queued = ids
    assert sent is not None and failed is not None
    await send_by_handler(quality_db, owner_conn, org_id, sent, smtp.settings)
    await _failed_on_last_attempt(quality_db, owner_conn, org_id, failed)

    page = (await api.get(NOTIFICATIONS, params={"limit": 2}, headers=headers())).json()
    rest = await api.get(NOTIFICATIONS, params={"cursor": page["next_cursor"]}, headers=headers())
    listed = page["items"] + rest.json()["items"]
    assert [(n["id"], n["status"]) for n in listed] == [
        (str(queued), "queued"),
        (str(failed), "failed"),
        (str(sent), "sent"),
    ]
    only_failed = await api.get(NOTIFICATIONS, params={"status": "failed"}, headers=headers())
    [shown] = only_failed.json()["items"]
    assert (shown["id"], shown["attempts"], shown["recipients"]) == (
        str(failed),
        1,
        ["eva@plant.example"],
    )
    assert shown["error"].startswith("ConnectionRefusedError:")
    bogus = await api.get(NOTIFICATIONS, params={"status": "lost"}, headers=headers())
    assert bogus.status_code == 400


async def test_only_a_failed_notification_is_resent_and_only_by_quality_engineers(
    api: Client,
    headers: Headers,
    quality_db: Database,
    owner_conn: asyncpg.Connection,
    smtp: SmtpSink,
    org_id: UUID,
    org_plants: list[UUID],
) -> None:
    await person(quality_db, org_id, "eva@plant.example", (ENGINEER,))
    await subscribe(api, headers, role=ENGINEER, kinds=["spc_violation"])
    sent = await notify_committed(quality_db, org_id, "spc_violation", org_plants[0])
    failed = await notify_committed(quality_db, org_id, "spc_violation", org_plants[0])
    assert sent is not None and failed is not None
    await send_by_handler(quality_db, owner_conn, org_id, sent, smtp.settings)
    await _failed_on_last_attempt(quality_db, owner_conn, org_id, failed)

    def resend(notification_id: UUID, roles: list[str]) -> Any:
        url = f"{NOTIFICATIONS}/{notification_id}/resend"
        return api.post(url, headers=headers(roles=roles))

    assert (await resend(failed, ["operator"])).status_code == 403
    assert (await resend(sent, [ENGINEER])).status_code == 409
    assert (await resend(uuid.uuid4(), [ENGINEER])).status_code == 404
    again = await resend(failed, [ENGINEER])
    assert again.status_code == 202
    assert again.json()["status"] == "queued"
    assert len(await send_jobs(quality_db, org_id, failed)) == 2

    await send_by_handler(quality_db, owner_conn, org_id, failed, smtp.settings)
    assert [m.message["Message-ID"] for m in smtp.received] == [
        f"<{sent}@unison.local>",
        f"<{failed}@unison.local>",
    ]


async def test_a_queued_notification_whose_job_was_cancelled_can_be_resent(
    api: Client,
    headers: Headers,
    quality_db: Database,
    org_id: UUID,
    org_plants: list[UUID],
) -> None:
    await person(quality_db, org_id, "eva@plant.example", (ENGINEER,))
    await subscribe(api, headers, role=ENGINEER, kinds=["plan_expiring"])
    notification_id = await notify_committed(quality_db, org_id, "plan_expiring", org_plants[0])
    assert notification_id is not None
    [job] = await send_jobs(quality_db, org_id, notification_id)
    async with quality_db.transaction(Tenant(organization_id=org_id)) as conn:
        # What the ops API's cancel does to a queued job: the job will never run.
        await conn.execute(
            "UPDATE bus.jobs SET cancel_requested = true, status = 'cancelled' WHERE id = $1",
            job["id"],
        )

    url = f"{NOTIFICATIONS}/{notification_id}/resend"
    resent = await api.post(url, headers=headers(roles=[ENGINEER]))
    assert resent.status_code == 202
    assert [j["status"] for j in await send_jobs(quality_db, org_id, notification_id)] == [
        "cancelled",
        "queued",
    ]


async def test_notify_refuses_a_kind_nobody_can_subscribe_to(
    quality_db: Database, org_id: UUID
) -> None:
    async with quality_db.transaction(Tenant(organization_id=org_id)) as conn:
        with pytest.raises(ValueError, match="unknown notification kind 'audit_due'"):
            await notify(
                conn,
                kind="audit_due",
                plant_id=None,
                subject="Audit",
                body="",
                organization_id=org_id,
            )
