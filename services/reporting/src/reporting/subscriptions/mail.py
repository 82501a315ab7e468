"""Sending a report by e-mail through the organization's SMTP relay (the same
``UNISON_SMTP_*`` variables quality's notifications use), and where links point
(``UNISON_REPORTS_PUBLIC_URL``, the gateway as users reach it)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

Refused = dict[str, tuple[int, bytes]]


class SmtpSettings(msgspec.Struct, frozen=True, kw_only=True):
    """``security``: ``none`` (a local relay), ``starttls`` or ``ssl``. No default
    password: without ``username`` and ``password`` it does not log in."""

    host: Annotated[str, Meta(min_length=1)] = "127.0.0.1"
    port: Annotated[int, Meta(ge=1, le=65535)] = 2525
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str | None = None
    password: str | None = None
    from_address: Annotated[str, Meta(pattern=r"^[^@\s]+@[^@\s]+$")] = "reports@unison.local"
    timeout: Annotated[float, Meta(gt=0, le=300)] = 30.0

    def __post_init__(self) -> None:
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password are set together or not at all")


class LinkSettings(msgspec.Struct, frozen=True, kw_only=True):
    public_url: Annotated[str, Meta(pattern=r"^https?://")] = "http://localhost:8080"


class Attachment(msgspec.Struct, frozen=True):
    filename: str
    content_type: str
    content: bytes


def compose(
    settings: SmtpSettings,
    message_id: str,
    recipients: Sequence[str],
    subject: str,
    body: str,
    attachment: Attachment | None,
) -> EmailMessage:
    """The ``Message-ID`` is the delivery's: a resend after a crash is recognisably the
    same message, which mail clients fold."""
    domain = settings.from_address.rpartition("@")[2]
    message = EmailMessage()
    message["From"] = settings.from_address
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = f"<{message_id}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    if attachment is not None:
        maintype, _, subtype = attachment.content_type.partition(";")[0].partition("/")
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def deliver(settings: SmtpSettings, message: EmailMessage, recipients: Sequence[str]) -> Refused:
    """One SMTP session (blocking: run it in a thread); raises when no recipient took it."""
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
