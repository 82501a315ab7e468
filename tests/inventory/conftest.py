"""Fixtures for the inventory service: the app on the runtime role, tokens, units.

Every test gets a fresh organization (``org_id``), so what other tests wrote is invisible
to it through RLS, exactly as another customer's data would be.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
import uvicorn
from litestar.testing import AsyncTestClient

from inventory import worker
from inventory.app import create_app
from inventory.demo import seed_units
from inventory.settings import Settings
from tests.gateway.support import serving
from tests.inventory.ledger_support import Ledger
from tests.inventory.maintenance_support import Maintenance
from tests.inventory.production_support import Heard, Production
from tests.inventory.quality_support import Quality
from tests.support.tokens import AUDIENCE, ISSUER, TokenMinter
from unison_pg import Database
from unison_worker.runtime import WorkerSettings, build_worker_app

Headers = Callable[..., dict[str, str]]
MakeMaterial = Callable[..., Awaitable[dict[str, Any]]]
Count = Callable[[str], Awaitable[int]]


@pytest.fixture(scope="session")
def inventory_settings(role_dsn: Callable[[str], str]) -> Settings:
    return Settings(
        database_url=role_dsn("inventory"),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        # Never fetched: the tests' verifier holds the keys.
        jwks_url="http://127.0.0.1:9/auth/jwks.json",
        pool_max=12,
    )


@pytest.fixture
async def client(
    inventory_settings: Settings, minter: TokenMinter
) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(inventory_settings, verifier=minter.verifier())
    async with AsyncTestClient(app) as test_client:
        yield test_client


@pytest.fixture
async def http(
    inventory_settings: Settings, minter: TokenMinter
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app served by uvicorn on a loopback port, in the test's event loop.

    The test client runs each request to completion before the next one starts; races
    need requests that are really in flight at the same time.
    """
    app = create_app(inventory_settings, verifier=minter.verifier())
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, access_log=False)
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()  # start-up failed: raise why
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            yield client
    finally:
        server.should_exit = True
        await serving


@pytest.fixture
def plants() -> list[UUID]:
    """The two plants of the test's organization; tokens name both unless told otherwise."""
    return [uuid.uuid4(), uuid.uuid4()]


@pytest.fixture
def auth(minter: TokenMinter, org_id: UUID, plants: list[UUID]) -> Headers:
    def headers(
        extra: dict[str, str] | None = None,
        *,
        organization_id: UUID | None = None,
        plant_ids: list[UUID] | None = None,
        subject: str = "user:alice",
    ) -> dict[str, str]:
        token = minter.mint(
            organization_id or org_id,
            plants=plants if plant_ids is None else plant_ids,
            subject=subject,
        )
        return {"Authorization": f"Bearer {token}", **(extra or {})}

    return headers


@pytest.fixture
async def units(owner_conn: asyncpg.Connection, org_id: UUID) -> None:
    """The standard units of measure in the test's organization."""
    await seed_units(owner_conn, org_id)


@pytest.fixture
async def admin_conn(admin_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A superuser connection: sees every organization, to count what was really written."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
def count_rows(admin_conn: asyncpg.Connection, org_id: UUID) -> Callable[[str], Awaitable[int]]:
    async def count(table: str) -> int:
        value = await admin_conn.fetchval(
            f"SELECT count(*) FROM inventory.{table} WHERE organization_id = $1", org_id
        )
        return int(value)

    return count


@pytest.fixture
def make_material(client: AsyncTestClient[Any], auth: Headers, units: None) -> MakeMaterial:
    counter = iter(range(1, 1_000_000))

    async def make(**fields: Any) -> dict[str, Any]:
        body = {
            "number": f"T-{next(counter):05d}",
            "description": "Deep groove ball bearing 6204-2RS",
            "type": "raw",
            "base_unit": "PC",
            **fields,
        }
        response = await client.post("/api/inventory/materials", json=body, headers=auth())
        assert response.status_code == 201, response.text
        material: dict[str, Any] = response.json()
        return material

    return make


@pytest.fixture
def ledger(client: AsyncTestClient[Any], auth: Headers, plants: list[UUID], units: None) -> Ledger:
    """The stock ledger API of the test's organization, through the test client."""
    return Ledger(client, auth, plants)


@asynccontextmanager
async def running_worker(role_dsn: Callable[[str], str]) -> AsyncIterator[None]:
    """The inventory worker (the app ``python -m inventory.worker`` serves, with the real
    handler tables) consuming inventory_events and inventory_jobs while the block runs."""
    settings = WorkerSettings(
        database_url=role_dsn("inventory"), http_port=0, poll_seconds=0.5, graceful_seconds=5
    )
    app = build_worker_app(
        "inventory",
        settings,
        event_handlers=worker.EVENT_HANDLERS,
        event_types=worker.EVENT_TYPES,
        job_handlers=worker.JOB_HANDLERS,
    )
    async with serving(app):
        yield


@pytest.fixture(scope="module")
async def worker_running(role_dsn: Callable[[str], str]) -> AsyncIterator[None]:
    """The inventory worker, for the tests of one module (the SAP tests have theirs)."""
    async with running_worker(role_dsn):
        yield


@pytest.fixture
async def worker_db(role_dsn: Callable[[str], str]) -> AsyncIterator[Database]:
    """The inventory worker's pool (runtime role, the same codecs), to call its handlers."""
    db = Database(role_dsn("inventory"), max_size=2, application_name="test-worker")
    await db.open()
    try:
        yield db
    finally:
        await db.close()


@asynccontextmanager
async def hearing(conn: asyncpg.Connection, org_id: UUID, answers: str) -> AsyncIterator[Heard]:
    """A queue of the test's own bound to inventory's ``answers`` topics (a pattern) and to
    the goods movements it posts."""
    queue = f"heard_{uuid.uuid4().hex[:8]}"
    await conn.execute("SELECT pgmq.create($1)", queue)
    for pattern in (answers, "inventory.goods_movement.*"):
        await conn.execute("SELECT pgmq.bind_topic($1, $2)", pattern, queue)
    await conn.execute(f"GRANT INSERT, SELECT (msg_id) ON pgmq.q_{queue} TO unison_inventory")
    try:
        yield Heard(conn, queue, org_id)
    finally:
        await conn.execute("SELECT pgmq.drop_queue($1)", queue)


@pytest.fixture
async def quality_heard(owner_conn: asyncpg.Connection, org_id: UUID) -> AsyncIterator[Heard]:
    """What inventory tells quality (answers, lot statuses, the goods movements it posts),
    on a queue of the test's own bound to those topics."""
    queue = f"qual_heard_{uuid.uuid4().hex[:8]}"
    await owner_conn.execute("SELECT pgmq.create($1)", queue)
    for pattern in ("inventory.quality_posting.*", "inventory.lot.*", "inventory.goods_movement.*"):
        await owner_conn.execute("SELECT pgmq.bind_topic($1, $2)", pattern, queue)
    await owner_conn.execute(f"GRANT INSERT, SELECT (msg_id) ON pgmq.q_{queue} TO unison_inventory")
    try:
        yield Heard(owner_conn, queue, org_id)
    finally:
        await owner_conn.execute("SELECT pgmq.drop_queue($1)", queue)


@pytest.fixture
def quality(
    worker_db: Database,
    client: AsyncTestClient[Any],
    auth: Headers,
    ledger: Ledger,
    org_id: UUID,
    plants: list[UUID],
) -> Quality:
    """Quality of the first plant."""
    return Quality(worker_db, client, auth, ledger, org_id, plants[0])


@pytest.fixture
async def production_heard(owner_conn: asyncpg.Connection, org_id: UUID) -> AsyncIterator[Heard]:
    """What inventory tells production (and the goods movements it posts)."""
    async with hearing(owner_conn, org_id, "inventory.production_posting.*") as heard:
        yield heard


@pytest.fixture
async def maintenance_heard(owner_conn: asyncpg.Connection, org_id: UUID) -> AsyncIterator[Heard]:
    """What inventory tells maintenance (and the goods movements it posts)."""
    async with hearing(owner_conn, org_id, "inventory.maintenance_issue.*") as heard:
        yield heard


@pytest.fixture
async def production(
    worker_db: Database,
    client: AsyncTestClient[Any],
    auth: Headers,
    ledger: Ledger,
    org_id: UUID,
    plants: list[UUID],
    make_material: MakeMaterial,
) -> Production:
    """Production of the first plant, making a lot-managed pump."""
    product = await make_material(
        number="PUMP-100", description="Centrifugal pump", type="finished", lot_managed=True
    )
    return Production(worker_db, client, auth, ledger, org_id, plants[0], product)


@pytest.fixture
def maintenance(
    worker_db: Database,
    client: AsyncTestClient[Any],
    auth: Headers,
    org_id: UUID,
    plants: list[UUID],
) -> Maintenance:
    """Maintenance of the first plant, asking for spare parts."""
    return Maintenance(worker_db, client, auth, org_id, plants[0])
