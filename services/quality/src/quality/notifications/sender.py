"""The ``quality.send_notification`` job: one notification, one SMTP message.

One message goes to all recipients (``To`` lists them all) rather than one per recipient:
a single SMTP transaction is accepted or not as a whole, so a retry never mails again the
people an earlier attempt reached. With one message each, a failure halfway through the
list would do exactly that (the row keeps no state per recipient). The recipients are
colleagues in one organization told of the same thing: seeing who else was told is
wanted, not a leak.

Delivery is at least once: if the relay accepted the message but the worker died before
recording it, the retry sends it again with the same ``Message-ID``, which mail clients
use to fold duplicates.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from uuid import UUID

import structlog

from quality.notifications import repo
from quality.notifications.models import Notification
from quality.notifications.settings import SmtpSettings
from unison_bus import JobContext, JobHandler

log = structlog.get_logger("quality.notifications")

ERROR_MAX = 1000
Refused = dict[str, tuple[int, bytes]]


def compose(notification: Notification, settings: SmtpSettings) -> EmailMessage:
    """A plain-text message; the ``Message-ID`` is the notification's, so every attempt
    and resend of it is recognisably the same message."""
    domain = settings.from_address.rpartition("@")[2]
    message = EmailMessage()
    message["From"] = settings.from_address
    message["To"] = ", ".join(notification.recipients)
    message["Subject"] = notification.subject
    # The time it leaves, not when it was written: a message delayed by an outage should
    # land on top of the inbox, not among yesterday's mail.
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = f"<{notification.id}@{domain}>"
    # RFC 3834: out-of-office robots must not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(notification.body)
    return message


def deliver(settings: SmtpSettings, message: EmailMessage, recipients: Sequence[str]) -> Refused:
    """One SMTP session; blocking (run it in a thread). Returns the recipients the relay
    refused while accepting the others; raises when it accepted none."""
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if settings.security == "ssl":
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with client:
        if settings.security == "starttls":
            client.starttls(context=context)
        if settings.username is not None and settings.password is not None:
            client.login(settings.username, settings.password)
        return client.send_message(message, settings.from_address, list(recipients))


def _refused_note(refused: Refused) -> str | None:
    if not refused:
        return None
    parts = [
        f"{a}: {code} {reply.decode(errors='replace')}" for a, (code, reply) in refused.items()
    ]
    return ("refused " + "; ".join(sorted(parts)))[:ERROR_MAX]


async def _record_failure(ctx: JobContext, notification_id: UUID, exc: Exception) -> bool:
    """Count the attempt and keep its error; on the runner's last attempt (it counted this
    one before calling us) the notification ends failed. Returns whether it did."""
    error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX]
    async with ctx.database.transaction(ctx.tenant) as conn:
        attempts = await repo.job_attempts(conn, ctx.job_id)
        # Without a job row no runner will try again: this attempt was the last.
        last = attempts is None or attempts[0] >= attempts[1]
        await repo.notification_attempt_failed(conn, notification_id, error, last)
    return last


def sender(settings: SmtpSettings) -> JobHandler:
    """The job handler, bound to the worker's SMTP settings (loaded once at start-up)."""

    async def send_notification(ctx: JobContext) -> dict[str, Any]:
        notification_id = UUID(str(ctx.params["notification_id"]))
        async with ctx.database.transaction(ctx.tenant, readonly=True) as conn:
            found = await repo.notification(conn, notification_id)
        if found is None or found.status != "queued":
            # Sent already (a replay after a crash), or not this job's to send any more.
            return {"notification_id": str(notification_id), "skipped": True}
        try:
            message = compose(found, settings)
            refused = await asyncio.to_thread(deliver, settings, message, found.recipients)
        except Exception as exc:
            # Any failure, not only SMTP and socket errors: a notification must never stay
            # queued with no job left to send it. Raising lets the runner back off and retry.
            last = await _record_failure(ctx, notification_id, exc)
            log.warning("notification_not_sent", notification_id=str(notification_id), last=last)
            raise
        async with ctx.database.transaction(ctx.tenant) as conn:
            await repo.notification_sent(conn, notification_id, _refused_note(refused))
        log.info(
            "notification_sent",
            notification_id=str(notification_id),
            kind=found.kind,
            recipients=len(found.recipients),
            refused=len(refused),
        )
        return {"notification_id": str(notification_id), "recipients": len(found.recipients)}

    return send_notification
