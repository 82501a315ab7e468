"""What the notification tests share: a real SMTP server (aiosmtpd) that keeps what it
receives and can be told to refuse, the API with the notification routes, a private job
queue for the real job runner, and helpers that run the send job the way the worker does.

Fixtures here need only the suite-wide ones (``role_dsn``, ``owner_conn``, ``minter``,
``org_id``), so they do not depend on the quality suite's own conftest."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
import pytest
from aiosmtpd.controller import Controller
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from quality.notifications import JOB_KIND, notify
from quality.notifications.people import on_user_changed
from quality.notifications.routes import notifications_router
from quality.notifications.sender import sender
from quality.notifications.settings import SmtpSettings
from quality.settings import Settings
from tests.support.harness import Headers, as_organization, auth_for
from tests.support.tokens import AUDIENCE, ISSUER, TokenMinter
from unison_bus import JobContext
from unison_bus.jobs import JobMessage
from unison_events.identity import UserChanged
from unison_pg import Database, Tenant
from unison_web.caller import provide_caller
from unison_web.service import build_service

Client = AsyncTestClient[Any]
API = "/api/quality"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Received(msgspec.Struct, frozen=True):
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.content, policy=policy.default)


class SmtpSink:
    """aiosmtpd handler: keeps every message; ``refusing`` answers DATA with a temporary
    error, ``unknown`` addresses are refused at RCPT (a mailbox that does not exist)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refusing = False
        self.refused = 0
        self.unknown: set[str] = set()
        self.settings = SmtpSettings()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.unknown:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusing:
            self.refused += 1
            return "451 4.3.0 Try again later"
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.settings = SmtpSettings(port=controller.port, timeout=5)
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
async def quality_db(role_dsn: Callable[[str], str]) -> AsyncIterator[Database]:
    db = Database(role_dsn("quality"), max_size=4)
    await db.open()
    yield db
    await db.close()


@pytest.fixture
def org_plants() -> list[UUID]:
    return [uuid.uuid4(), uuid.uuid4()]


@pytest.fixture
def headers(minter: TokenMinter, org_id: UUID, org_plants: list[UUID]) -> Headers:
    return auth_for(minter, org_id, org_plants)


@pytest.fixture
async def api(role_dsn: Callable[[str], str], minter: TokenMinter) -> AsyncIterator[Client]:
    """The quality app with the notification routes, wired as ``quality.app`` will be."""
    settings = Settings(
        database_url=role_dsn("quality"),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwks_url="http://127.0.0.1:9/auth/jwks.json",
        pool_max=4,
    )
    app = build_service(
        "quality",
        settings,
        description="notifications under test",
        route_handlers=[notifications_router()],
        dependencies={"caller": Provide(provide_caller, sync_to_thread=False)},
        verifier=minter.verifier(),
    )
    async with AsyncTestClient(app) as client:
        yield client


@pytest.fixture
async def send_queue(owner_conn: asyncpg.Connection) -> AsyncIterator[str]:
    """A job queue of the test's own: a runner on the shared ``quality_jobs`` would take
    other tests' jobs."""
    queue = f"jobs_{uuid.uuid4().hex[:8]}"
    await owner_conn.execute("SELECT pgmq.create($1)", queue)
    await owner_conn.execute(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.q_{queue} TO unison_quality"
    )
    yield queue
    await owner_conn.execute("SELECT pgmq.drop_queue($1)", queue)


@pytest.fixture(autouse=True)
async def tidy_jobs(owner_conn: asyncpg.Connection, org_id: UUID) -> AsyncIterator[list[UUID]]:
    """Send jobs a test leaves on the shared ``quality_jobs`` are removed afterwards, for
    the test's organization and any it adds to the list."""
    organizations = [org_id]
    yield organizations
    await owner_conn.execute(
        "DELETE FROM pgmq.q_quality_jobs WHERE message ->> 'organization_id' = ANY($1::text[])",
        [str(o) for o in organizations],
    )


async def person(
    db: Database,
    org_id: UUID,
    email: str,
    roles: tuple[str, ...],
    plant_ids: tuple[UUID, ...] | None = None,
    *,
    active: bool = True,
    user_id: UUID | None = None,
    occurred_at: datetime | None = None,
) -> UUID:
    """A person as identity announces them (a new one unless ``user_id``), applied the way
    the consumer applies it."""
    event = UserChanged(
        organization_id=org_id,
        user_id=user_id or uuid.uuid4(),
        email=email,
        display_name=email.split("@")[0].title(),
        roles=roles,
        plant_ids=plant_ids,
        active=active,
        occurred_at=occurred_at or datetime.now(UTC),
    )
    async with db.connection() as conn:
        await as_organization(conn, org_id, on_user_changed, event)
    return event.user_id


async def subscribe(client: Client, auth: Headers, **body: Any) -> dict[str, Any]:
    response = await client.post(
        f"{API}/subscriptions", json=body, headers=auth(roles=["quality_engineer"])
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def notify_committed(
    db: Database, org_id: UUID, kind: str, plant_id: UUID | None, subject: str = "NCR-000001 opened"
) -> UUID | None:
    """``notify`` in a business transaction of the organization that commits."""
    async with db.transaction(Tenant(organization_id=org_id, user_id="user:alice")) as conn:
        return await notify(
            conn,
            kind=kind,
            plant_id=plant_id,
            subject=subject,
            body=f"{subject}.\nSee Unison for the details.",
            organization_id=org_id,
        )


async def fetch_one(db: Database, org_id: UUID, sql: str, *args: Any) -> asyncpg.Record | None:
    async with db.transaction(Tenant(organization_id=org_id), readonly=True) as conn:
        row: asyncpg.Record | None = await conn.fetchrow(sql, *args)
        return row


async def notification_row(db: Database, org_id: UUID, notification_id: UUID) -> asyncpg.Record:
    row = await fetch_one(
        db,
        org_id,
        "SELECT status, attempts, error, recipients, sent_at FROM quality.notifications"
        " WHERE id = $1",
        notification_id,
    )
    assert row is not None
    return row


async def send_jobs(db: Database, org_id: UUID, notification_id: UUID) -> list[asyncpg.Record]:
    """The send jobs of a notification, oldest first."""
    async with db.transaction(Tenant(organization_id=org_id), readonly=True) as conn:
        rows: list[asyncpg.Record] = await conn.fetch(
            "SELECT id, status, attempts, max_attempts, error, params FROM bus.jobs"
            " WHERE kind = $1 AND params ->> 'notification_id' = $2 ORDER BY id",
            JOB_KIND,
            str(notification_id),
        )
        return rows


async def take_message(owner_conn: asyncpg.Connection, job_id: UUID) -> str:
    """The job's message, taken off ``quality_jobs`` so no other runner gets it."""
    body: str | None = await owner_conn.fetchval(
        "DELETE FROM pgmq.q_quality_jobs WHERE message ->> 'job_id' = $1 RETURNING message::text",
        str(job_id),
    )
    assert body is not None, f"no message of job {job_id} on quality_jobs"
    return body


async def send_by_handler(
    db: Database,
    owner_conn: asyncpg.Connection,
    org_id: UUID,
    notification_id: UUID,
    settings: SmtpSettings,
) -> dict[str, Any] | None:
    """What the worker does with the send job: its handler with a real context (one
    attempt; the runner's retries are tested with the runner itself)."""
    job = (await send_jobs(db, org_id, notification_id))[-1]
    message = msgspec.json.decode(await take_message(owner_conn, job["id"]), type=JobMessage)
    context = JobContext(db, message, job["params"])
    return await sender(settings)(context)


async def wait_for_job(
    db: Database, org_id: UUID, job_id: UUID, statuses: set[str]
) -> asyncpg.Record:
    async with asyncio.timeout(30):
        while True:
            row = await fetch_one(
                db, org_id, "SELECT status, attempts, error FROM bus.jobs WHERE id = $1", job_id
            )
            if row is not None and row["status"] in statuses:
                return row
            await asyncio.sleep(0.05)
