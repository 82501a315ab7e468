"""The object sweep (the hourly job pg_cron queues per organization): an object whose
transaction failed after the put is removed, committed ones stay, a deleted row's object
goes, expired exports go (row and object), another organization's objects are never
touched, and every service's schedule queues a job its worker runs."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from inventory import worker as inventory_worker
from inventory.service import exports
from maintenance import worker as maintenance_worker
from maintenance.equipment import documents
from production import worker as production_worker
from quality import worker as quality_worker
from quality.notifications.settings import SmtpSettings
from reporting import worker as reporting_worker
from reporting.subscriptions.mail import LinkSettings
from reporting.subscriptions.mail import SmtpSettings as ReportSmtp
from tests.maintenance.shop import API, Shop
from unison_bus import JobContext
from unison_bus.jobs import JobMessage
from unison_objects import ObjectStore, SweepPlan, keys, new_key, sweep
from unison_pg import Database, Tenant

# No grace: the test's orphans are milliseconds old (the job waits 15 minutes).
NOW = SweepPlan(service="maintenance", kinds=(documents.KIND,), grace_minutes=0)


def _context(database: Database, org: UUID) -> JobContext:
    message = JobMessage(uuid.uuid4(), org, NOW.job_kind)
    return JobContext(database, message, {})


async def _upload(shop: Shop, equipment: dict[str, Any], body: bytes) -> str:
    response = await shop.client.post(
        f"{API}/equipment/{equipment['id']}/documents",
        params={"filename": "manual.pdf"},
        content=body,
        headers={**shop.auth(), "Content-Type": "application/pdf"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _key_of(admin: asyncpg.Connection, document_id: str) -> str:
    key: str = await admin.fetchval(
        "SELECT object_key FROM maintenance.equipment_documents WHERE id = $1",
        uuid.UUID(document_id),
    )
    return key


async def test_an_object_whose_transaction_failed_is_swept_and_committed_ones_stay(
    shop: Shop, database: Database, admin_conn: asyncpg.Connection, object_store: ObjectStore
) -> None:
    press = await shop.equipment()
    kept = await _key_of(admin_conn, await _upload(shop, press, b"%PDF kept"))
    # What the service does, with the transaction failing after the put.
    orphan = new_key(shop.org_id, "maintenance", documents.KIND)
    await object_store.put(orphan, b"%PDF orphan", "application/pdf")
    tenant = Tenant(shop.org_id, tuple(shop.plants), "user:alice")
    with pytest.raises(asyncpg.CheckViolationError):
        async with database.transaction(tenant) as conn:
            await conn.execute(
                "INSERT INTO maintenance.equipment_documents (organization_id, plant_id,"
                " equipment_id, filename, content_type, size_bytes, object_key)"
                " VALUES ($1, $2, $3, '', 'application/pdf', 11, $4)",
                shop.org_id,
                shop.plants[0],
                UUID(press["id"]),
                orphan,
            )
    await asyncio.sleep(0.01)  # the orphan's millisecond is over
    result = await sweep(_context(database, shop.org_id), object_store, NOW)
    assert result["orphans"] == 1
    assert await object_store.stat(orphan) is None
    assert await object_store.get(kept) == b"%PDF kept"


async def test_the_grace_period_keeps_an_upload_whose_transaction_may_still_run(
    shop: Shop, database: Database, object_store: ObjectStore
) -> None:
    fresh = new_key(shop.org_id, "maintenance", documents.KIND)
    await object_store.put(fresh, b"%PDF in flight", "application/pdf")
    plan = SweepPlan(service="maintenance", kinds=(documents.KIND,))  # the job's 15 minutes
    result = await sweep(_context(database, shop.org_id), object_store, plan)
    assert result["orphans"] == 0
    assert await object_store.stat(fresh) is not None
    await object_store.delete([fresh])


async def test_a_deleted_document_and_a_deleted_equipments_documents_leave_the_store(
    shop: Shop, database: Database, admin_conn: asyncpg.Connection, object_store: ObjectStore
) -> None:
    press, lathe = await shop.equipment(), await shop.equipment()
    first = await _upload(shop, press, b"%PDF one")
    gone = await _key_of(admin_conn, first)
    cascaded = await _key_of(admin_conn, await _upload(shop, lathe, b"%PDF two"))
    deleted = await shop.client.delete(
        f"{API}/equipment/{press['id']}/documents/{first}", headers=shop.auth()
    )
    assert deleted.status_code == 204
    # Deleted right after the commit, and off the queue.
    assert await object_store.stat(gone) is None
    # The equipment's row goes with its documents (ON DELETE CASCADE): the trigger queues
    # their objects in that transaction, and the sweep deletes them.
    dropped = await shop.client.delete(
        f"{API}/equipment/{lathe['id']}", headers={**shop.auth(), "If-Match": '"1"'}
    )
    assert dropped.status_code == 204, dropped.text
    assert await object_store.stat(cascaded) is not None
    result = await sweep(_context(database, shop.org_id), object_store, NOW)
    assert result["deleted"] == 1
    assert await object_store.stat(cascaded) is None
    queued = await admin_conn.fetchval(
        "SELECT count(*) FROM maintenance.object_deletions WHERE organization_id = $1",
        shop.org_id,
    )
    assert queued == 0


async def test_a_sweep_never_touches_another_organizations_objects(
    shop: Shop, database: Database, object_store: ObjectStore
) -> None:
    theirs = new_key(uuid.uuid4(), "maintenance", documents.KIND)
    await object_store.put(theirs, b"%PDF theirs", "application/pdf")
    await asyncio.sleep(0.01)
    await sweep(_context(database, shop.org_id), object_store, NOW)
    assert await object_store.stat(theirs) is not None
    await object_store.delete([theirs])


async def test_expired_exports_go_with_their_objects(
    role_dsn: Any, admin_conn: asyncpg.Connection, object_store: ObjectStore
) -> None:
    org = uuid.uuid4()
    inventory = Database(role_dsn("inventory"), max_size=2)
    await inventory.open()
    try:
        keys_made = []
        for days_left in (-1, 3):
            key = new_key(org, "inventory", exports.FILES)
            stored = await object_store.put(key, b"number\r\nM-1\r\n", exports.CONTENT_TYPE)
            await admin_conn.execute(
                "INSERT INTO inventory.exports (organization_id, job_id, filename, content_type,"
                " row_count, size_bytes, object_key, expires_at, created_by)"
                " VALUES ($1, $2, 'materials.csv', $3, 1, $4, $5,"
                " now() + make_interval(days => $6), 'user:x')",
                org,
                uuid.uuid4(),
                exports.CONTENT_TYPE,
                stored.size_bytes,
                key,
                days_left,
            )
            keys_made.append(key)
        message = JobMessage(uuid.uuid4(), org, exports.SWEEP.job_kind)
        result = await sweep(JobContext(inventory, message, {}), object_store, exports.SWEEP)
    finally:
        await inventory.close()
    assert (result["expired"], result["deleted"]) == (1, 1)
    expired, current = keys_made
    assert await object_store.stat(expired) is None
    assert await object_store.stat(current) is not None
    left = await admin_conn.fetch(
        "SELECT object_key FROM inventory.exports WHERE organization_id = $1", org
    )
    assert [r["object_key"] for r in left] == [current]


async def test_every_services_schedule_queues_a_sweep_its_worker_runs(
    admin_conn: asyncpg.Connection, object_store: ObjectStore
) -> None:
    rows = await admin_conn.fetch(
        "SELECT jobname, schedule, command FROM cron.job WHERE jobname LIKE '%-objects-sweep'"
    )
    scheduled = {r["jobname"]: r["command"] for r in rows}
    smtp = SmtpSettings(host="127.0.0.1", port=9)
    handlers = {
        "quality": quality_worker.job_handlers(smtp, object_store),
        "maintenance": maintenance_worker.job_handlers(object_store),
        "production": production_worker.job_handlers(object_store),
        "inventory": inventory_worker.job_handlers(object_store),
        "reporting": reporting_worker.job_handlers(
            ReportSmtp(port=9), LinkSettings(public_url="http://unison.test"), object_store
        ),
    }
    assert set(scheduled) == {f"{s}-objects-sweep" for s in handlers}
    for service, table in handlers.items():
        command = scheduled[f"{service}-objects-sweep"]
        found = re.search(r"enqueue_for_all_organizations\('(\w+)', '([\w.]+)'", command)
        assert found is not None and found.group(1) == service
        assert found.group(2) in table, f"{service}'s worker does not run {found.group(2)}"
    # The old owner-run DELETEs are gone: expiry is the sweep's, per organization.
    old = await admin_conn.fetchval(
        "SELECT count(*) FROM cron.job WHERE jobname IN"
        " ('inventory-exports-cleanup', 'production-label-files-cleanup',"
        " 'reporting-exports-cleanup')"
    )
    assert old == 0


def test_window_keys_bound_the_listing_by_time() -> None:
    org = uuid.uuid4()
    before = keys.window_key(org, "quality", "ncr-files", int(time.time() * 1000) - 1)
    made = new_key(org, "quality", "ncr-files")
    after = keys.window_key(org, "quality", "ncr-files", int(time.time() * 1000) + 1)
    assert before < made < after


async def test_documents_from_before_the_object_store_move_there_and_still_download(
    shop: Shop, database: Database, admin_conn: asyncpg.Connection, object_store: ObjectStore
) -> None:
    press = await shop.equipment(plant=1)  # a plant the sweep's tenant does not name
    legacy = []
    for n in range(7):  # more than one batch
        legacy.append(
            await admin_conn.fetchval(
                "INSERT INTO maintenance.equipment_documents (organization_id, plant_id,"
                " equipment_id, filename, content_type, size_bytes, content, uploaded_by)"
                " VALUES ($1, $2, $3, $4, 'application/pdf', 9, $5, 'user:x') RETURNING id",
                shop.org_id,
                shop.plants[1],
                UUID(press["id"]),
                f"old-{n}.pdf",
                f"%PDF-old{n}".encode(),
            )
        )
    result = await sweep(_context(database, shop.org_id), object_store, documents.SWEEP)
    assert result["moved"] == 7
    rows = await admin_conn.fetch(
        "SELECT id, object_key, content FROM maintenance.equipment_documents"
        " WHERE equipment_id = $1 ORDER BY id",
        UUID(press["id"]),
    )
    assert all(r["content"] is None for r in rows)
    assert all(keys.belongs_to(r["object_key"], shop.org_id) for r in rows)
    served = await shop.client.get(
        f"{API}/equipment/{press['id']}/documents/{legacy[3]}", headers=shop.auth()
    )
    assert served.status_code == 200 and served.content == b"%PDF-old3"
    again = await sweep(_context(database, shop.org_id), object_store, documents.SWEEP)
    assert again["moved"] == 0
