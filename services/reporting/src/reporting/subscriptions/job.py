"""The ``reporting.send_reports`` job of one organization, queued by pg_cron
(``reporting.enqueue_due_reports()``) when a subscription is due.

First it claims the due subscriptions: a delivery row per subscription and period (its
scheduled time; the key makes a period sent at most once however often this runs) and
the next run time, in one transaction. Then it sends each pending delivery: the report
made as the subscriber sees the data, stored as an export file, mailed as an XLSX
attachment or as a link. A failure is recorded on its delivery and retried by the job
runner (the job fails, backs off, runs again); after ``GIVE_UP`` attempts the delivery
ends ``failed``. Delivery is at least once: if the relay took the message but the
worker died before recording it, the resend carries the same ``Message-ID``.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
import structlog

from reporting.exports import files, storage
from reporting.exports.models import ExportRequest
from reporting.exports.producer import produce
from reporting.subscriptions.mail import Attachment, LinkSettings, SmtpSettings, compose, deliver
from reporting.subscriptions.models import Subscription
from reporting.subscriptions.schedule import next_run, period
from reporting.subscriptions.service import Q
from unison_bus import JobContext, JobHandler
from unison_objects import ObjectStore
from unison_pg import Database, Tenant

KIND = "reporting.send_reports"
CLAIM_BATCH = 200
GIVE_UP = 5
LINK_HOURS = 168
log = structlog.get_logger("reporting.subscriptions")


class Delivery(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    subscription_id: UUID
    scheduled_for: datetime
    first_day: date
    last_day: date
    attempts: int


async def claim_due(db: Database, tenant: Tenant) -> int:
    """Deliveries for every due subscription, their next runs set; returns how many."""
    claimed = 0
    while True:
        async with db.transaction(tenant) as conn:
            due = await conn.fetch(Q.due, CLAIM_BATCH)
            for s in due:
                first, last = period(s["next_run_at"], s["frequency"], s["time_zone"])
                await conn.execute(Q.add_delivery, s["id"], s["next_run_at"], first, last)
                # From now, not from the missed run: a worker down for a week sends one
                # report when it is back, not seven.
                upcoming = next_run(
                    max(datetime.now(UTC), s["next_run_at"]),
                    s["frequency"],
                    s["weekday"],
                    s["hour"],
                    s["time_zone"],
                )
                await conn.execute(Q.advance, s["id"], upcoming)
        claimed += len(due)
        if len(due) < CLAIM_BATCH:
            return claimed


async def _take(db: Database, tenant: Tenant, tried: list[UUID]) -> Delivery | None:
    async with db.transaction(tenant) as conn:
        row = await conn.fetchrow(Q.take_pending, tried)
    return None if row is None else msgspec.convert(dict(row), Delivery)


async def _subscription(db: Database, tenant: Tenant, subscription_id: UUID) -> Subscription:
    async with db.transaction(tenant, readonly=True) as conn:
        row = await conn.fetchrow(Q.get, subscription_id)
    return msgspec.convert(dict(row), Subscription)


async def _noop(done: int, total: int | None, message: str) -> None:
    return None


async def _make_file(
    db: Database,
    store: ObjectStore,
    subscription: Subscription,
    delivery: Delivery,
    organization_id: UUID,
) -> files.Saved:
    tenant = Tenant(organization_id, tuple(subscription.plant_ids), subscription.created_by)
    request = ExportRequest(
        source=subscription.source,
        format=subscription.format,  # type: ignore[arg-type]
        first=delivery.first_day,
        last=delivery.last_day,
        filters=subscription.filters,
    )
    with tempfile.TemporaryDirectory(prefix="reporting-report-") as directory:
        produced = await produce(db, tenant, request, Path(directory), _noop)
        expires_at = datetime.now(UTC) + timedelta(hours=LINK_HOURS)
        return await files.save(db, store, tenant, produced, expires_at)


async def _attachment(
    db: Database,
    store: ObjectStore,
    subscription: Subscription,
    saved: files.Saved,
    organization_id: UUID,
) -> Attachment:
    # A dashboard's series: a few hundred rows at most, so the bytes fit in the message.
    tenant = Tenant(organization_id, tuple(subscription.plant_ids), subscription.created_by)
    info = await files.by_id(db, tenant, saved.file_id)
    assert info is not None
    content = await storage.read_all(db, store, tenant, info.id, info.object_key)
    return Attachment(saved.filename, info.content_type, content)


def _body(subscription: Subscription, delivery: Delivery, saved: files.Saved, url: str) -> str:
    lines = [
        f"{subscription.name}: {subscription.source} from {delivery.first_day} to"
        f" {delivery.last_day} ({saved.rows} rows).",
        "",
    ]
    if subscription.delivery == "link":
        lines.append(f"Download (until {saved.expires_at:%Y-%m-%d %H:%M} UTC): {url}{saved.href}")
    else:
        lines.append(f"The report is attached ({saved.filename}).")
    lines += ["", f"Sent every {'day' if subscription.frequency == 'daily' else 'week'} by Unison."]
    return "\n".join(lines)


async def _send_one(
    ctx: JobContext,
    store: ObjectStore,
    tenant: Tenant,
    delivery: Delivery,
    mail: tuple[SmtpSettings, LinkSettings],
) -> None:
    smtp, links = mail
    subscription = await _subscription(ctx.database, tenant, delivery.subscription_id)
    saved = await _make_file(ctx.database, store, subscription, delivery, ctx.organization_id)
    attachment = None
    if subscription.delivery == "attachment":
        attachment = await _attachment(
            ctx.database, store, subscription, saved, ctx.organization_id
        )
    message = compose(
        smtp,
        str(delivery.id),
        subscription.recipients,
        f"{subscription.name}: {delivery.first_day} to {delivery.last_day}",
        _body(subscription, delivery, saved, links.public_url.rstrip("/")),
        attachment,
    )
    refused = await asyncio.to_thread(deliver, smtp, message, subscription.recipients)
    async with ctx.database.transaction(tenant) as conn:
        await conn.execute(Q.sent, delivery.id, saved.file_id)
    log.info("report_sent", delivery_id=str(delivery.id), refused=len(refused))


async def _failed(db: Database, tenant: Tenant, delivery: Delivery, exc: Exception) -> None:
    error = f"{type(exc).__name__}: {exc}"[:1000]
    async with db.transaction(tenant) as conn:
        await conn.execute(Q.attempt_failed, delivery.id, error, GIVE_UP)
    log.warning(
        "report_not_sent", delivery_id=str(delivery.id), attempt=delivery.attempts, error=error
    )


def sender(smtp: SmtpSettings, links: LinkSettings, store: ObjectStore) -> JobHandler:
    """The job handler, bound to the worker's mail settings (read once at start-up) and
    its object store."""

    async def send_reports(ctx: JobContext) -> dict[str, Any]:
        async with ctx.database.transaction(ctx.tenant, readonly=True) as conn:
            plants: list[UUID] = await conn.fetchval(Q.plants)
        tenant = Tenant(ctx.organization_id, tuple(plants), f"job:{KIND}")
        claimed = await claim_due(ctx.database, tenant)
        tried: list[UUID] = []
        sent = failed = 0
        while (delivery := await _take(ctx.database, tenant, tried)) is not None:
            tried.append(delivery.id)
            await ctx.progress(len(tried) - 1, None, f"sending {delivery.id}")
            try:
                await _send_one(ctx, store, tenant, delivery, (smtp, links))
                sent += 1
            except Exception as exc:  # any failure: recorded on the delivery, retried
                await _failed(ctx.database, tenant, delivery, exc)
                failed += delivery.attempts < GIVE_UP
        async with ctx.database.transaction(tenant) as conn:
            await conn.execute(Q.run_finished)
        if failed:
            # The runner backs off and runs the job again: the pending ones go then.
            raise RuntimeError(f"{failed} report(s) not sent yet")
        return {"claimed": claimed, "sent": sent}

    return send_reports
