"""The rebuild re-reads every source through its service's API and gives the same index
as the event stream did: the same documents, the same search results. What a source no
longer has is removed; what it has and the index lost comes back."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient

from inventory.demo import seed_units
from production.read_models import handlers as production_read_models
from quality.read_models import handlers as quality_read_models
from search.admin import rebuild
from search.admin.settings import RebuildSettings
from search.documents import repo
from search.documents.models import DocumentGone
from tests.production.floor import THREE_SHIFTS
from tests.search.library import Library
from tests.search.sources import (
    CLIENT_ID,
    CLIENT_SECRET,
    StandInGateway,
    gateway_client,
    started_services,
)
from tests.search.worker_support import eventually, forget_earlier_events, running_worker
from tests.support.harness import Headers, as_organization
from tests.support.tokens import TokenMinter
from unison_events.inventory import MaterialCreated
from unison_objects import ObjectStore

CONTENT = (
    "entity_type, entity_id, plant_id, code, title, body, extra, status, material_group,"
    " doc_date, link, deleted"
)
QUERIES = ["bearing", "6204", "press", "scratches", "leak", "housing", "L-100", "incoming", "wo"]
QUERIES += ["HSG-77", "manual"]


@pytest.fixture
async def admin(admin_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(admin_dsn)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def apps(
    role_dsn: Callable[[str], str], minter: TokenMinter, object_store: ObjectStore
) -> AsyncIterator[dict[str, AsyncTestClient[Any]]]:
    async with started_services(role_dsn, minter, object_store) as started:
        yield started


@pytest.fixture
async def gateway(
    apps: dict[str, AsyncTestClient[Any]], minter: TokenMinter, org_id: UUID, plants: list[UUID]
) -> AsyncIterator[tuple[StandInGateway, httpx.AsyncClient]]:
    stand_in = StandInGateway(apps, minter, org_id, plants)
    async with gateway_client(stand_in) as http:
        yield stand_in, http


@pytest.fixture
async def worker(
    role_dsn: Callable[[str], str],
    admin: asyncpg.Connection,
    gateway: tuple[StandInGateway, httpx.AsyncClient],
) -> AsyncIterator[None]:
    settings = RebuildSettings(
        search_client_id=CLIENT_ID, search_client_secret=CLIENT_SECRET, rebuild_page_size=2
    )
    await forget_earlier_events(admin)
    jobs = {rebuild.KIND: rebuild.runner(settings, gateway[1])}
    async with running_worker(role_dsn("search"), jobs):
        yield


class Factory:
    """The organization's things, made through their services' APIs (and so announced by
    their events), the way users make them."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        auth: Headers,
        plants: list[UUID],
        read_models: dict[str, asyncpg.Connection],
    ) -> None:
        self.http, self.auth, self.plants, self.read_models = http, auth, plants, read_models

    async def call(self, method: str, path: str, expect: int, **kwargs: Any) -> Any:
        headers = {**self.auth(), **kwargs.pop("headers", {})}
        response = await self.http.request(method, path, headers=headers, **kwargs)
        assert response.status_code == expect, f"{method} {path}: {response.text}"
        return response.json() if response.content else None

    async def material(self, org_id: UUID, number: str, description: str) -> dict[str, Any]:
        body = {"number": number, "description": description, "type": "raw", "base_unit": "PC"}
        material: dict[str, Any] = await self.call(
            "POST", "/api/inventory/materials", 201, json={**body, "material_group": "BEARINGS"}
        )
        # Quality and production keep materials from inventory's events; their workers are
        # not running here.
        event = MaterialCreated(
            organization_id=org_id,
            material_id=UUID(material["id"]),
            number=number,
            description=description,
            type="raw",
            base_unit="PC",
            status=material["status"],
            version=1,
        )
        quality, production = self.read_models["quality"], self.read_models["production"]
        await as_organization(quality, org_id, quality_read_models.on_material, event)
        await as_organization(production, org_id, production_read_models.on_material, event)
        return material


async def documents(admin: asyncpg.Connection, org_id: UUID) -> dict[str, dict[str, Any]]:
    rows = await admin.fetch(
        f"SELECT {CONTENT}, changed_at, indexed_at FROM search.documents"
        " WHERE organization_id = $1",
        org_id,
    )
    return {f"{r['entity_type']}:{r['entity_id']}": dict(r) for r in rows}


def content(docs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """What a document says (not when it was indexed or which change it came from)."""
    skip = {"changed_at", "indexed_at"}
    return {k: {f: v for f, v in d.items() if f not in skip} for k, d in docs.items()}


async def results(client: AsyncTestClient[Any], auth: Headers) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for q in QUERIES:
        response = await client.get("/api/search", params={"q": q}, headers=auth())
        assert response.status_code == 200, response.text
        body = response.json()
        # What is found, not the exact order: a posting's weight is fixed when it is written,
        # with the field-length averages of that moment, so the same document written
        # again later scores a little differently and near ties may swap.
        found[q] = sorted((h["entity_type"], h["entity_id"]) for h in body["items"])
        found[q].append(body["facets"])
    return found


async def top_hits(client: AsyncTestClient[Any], auth: Headers) -> list[str]:
    """The first hit of a search by part, equipment, lot and order number (exact codes rank
    first, so these never swap)."""
    types: list[str] = []
    for q in ["BRG-6204-2RS", "PR-400", "L-100", "WO-4242", "incoming"]:
        response = await client.get("/api/search", params={"q": q}, headers=auth())
        items = response.json()["items"]
        types.append(items[0]["entity_type"] if items else "")
    return types


async def routing(factory: Factory, plant_id: UUID, material_id: str) -> None:
    """A released routing of one operation, which a work order of the material needs."""
    calendar = await factory.call(
        "POST",
        "/api/production/calendars",
        201,
        json={
            "plant_id": str(plant_id),
            "code": "CAL1",
            "name": "Three shifts",
            "timezone": "UTC",
            "patterns": THREE_SHIFTS,
        },
    )
    center = await factory.call(
        "POST",
        "/api/production/work-centers",
        201,
        json={
            "plant_id": str(plant_id),
            "code": "WC1",
            "name": "CNC lathe",
            "calendar_id": calendar["id"],
        },
    )
    operation = {
        "operation_no": 10,
        "description": "Turn",
        "work_center_id": center["id"],
        "cycle_seconds": "30",
        "setup_seconds": 600,
    }
    await factory.call(
        "POST",
        "/api/production/routings",
        201,
        json={
            "plant_id": str(plant_id),
            "material_id": material_id,
            "valid_from": "2020-01-01",
            "status": "released",
            "operations": [operation],
        },
    )


async def build_through_events(
    factory: Factory, org_id: UUID, plants: list[UUID], owner_conn: asyncpg.Connection
) -> None:
    await seed_units(owner_conn, org_id)
    bearing = await factory.material(org_id, "BRG-6204-2RS", "Deep groove ball bearing 6204")
    housing = await factory.material(org_id, "HSG-77", "Bearing housing cast iron")
    doomed = await factory.material(org_id, "OLD-1", "Obsolete bearing spacer")
    await factory.call(
        "DELETE", f"/api/inventory/materials/{doomed['id']}", 204, headers={"If-Match": '"1"'}
    )
    location = await factory.call(
        "POST",
        f"/api/inventory/plants/{plants[0]}/locations",
        201,
        json={"code": "WH1", "name": "Warehouse", "kind": "warehouse"},
    )
    line = {"plant_id": str(plants[0]), "location_id": location["id"], "unit": "PC"}
    receipt = {
        "movement_type": "101",
        "posting_date": date.today().isoformat(),
        "reference": "PO-4711",
        "lines": [
            {**line, "material_id": bearing["id"], "quantity": "40", "lot": "L-100"},
            {**line, "material_id": housing["id"], "quantity": "5", "lot": "L-200"},
        ],
    }
    await factory.call("POST", "/api/inventory/goods-movements", 201, json=receipt)
    await factory.call(
        "PATCH",
        f"/api/inventory/materials/{bearing['id']}/lots/L-100",
        200,
        json={"status": "blocked", "status_reason": "corrosion found"},
        headers={"If-Match": '"1"'},
    )
    press = await factory.call(
        "POST",
        "/api/maintenance/equipment",
        201,
        json={
            "plant_id": str(plants[1]),
            "level": "machine",
            "code": "PR-400",
            "name": "Hydraulic press 400 t",
            "manufacturer": "Schuler",
        },
    )
    await factory.call(
        "POST",
        f"/api/maintenance/equipment/{press['id']}/documents",
        201,
        params={"filename": "press_hydraulics_manual.pdf"},
        content=b"%PDF-1.4 hydraulics",
        headers={"Content-Type": "application/pdf"},
    )
    await factory.call(
        "POST",
        "/api/maintenance/work-orders",
        201,
        json={
            "equipment_id": press["id"],
            "title": "Oil leak at the main cylinder",
            "description": "Seal worn, oil on the floor",
            "priority": 2,
        },
    )
    ncr = {
        "plant_id": str(plants[0]),
        "title": "Scratched bearing seats",
        "description": "Deep scratches on the outer ring seat",
        "material_id": bearing["id"],
        "quantity": "12",
        "supplier": "Kugelfabrik Nord",
    }
    await factory.call("POST", "/api/quality/ncrs", 201, json=ncr)
    capa = {
        "plant_id": str(plants[0]),
        "title": "Protect bearing seats in transport",
        "owner": "user:alice",
        "due_date": (date.today() + timedelta(days=30)).isoformat(),
    }
    await factory.call("POST", "/api/quality/capas", 201, json=capa)
    plan = {
        "plant_id": str(plants[0]),
        "material_id": housing["id"],
        "trigger": "goods_receipt",
        "valid_from": date.today().isoformat(),
        "sampling": "fixed",
        "sample_size": 5,
        "characteristics": [
            {"code": "SURF", "name": "Surface", "kind": "attribute", "defect_codes": ["DENT"]}
        ],
        "description": "Incoming check of housings",
        "supplier": "Gusswerk Süd",
        "status": "released",
    }
    await factory.call("POST", "/api/quality/inspection-plans", 201, json=plan)
    await routing(factory, plants[1], housing["id"])
    order = {
        "plant_id": str(plants[1]),
        "material_id": housing["id"],
        "quantity": "25",
        "number": "WO-4242",
        "due_at": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
    }
    await factory.call("POST", "/api/production/work-orders", 201, json=order)


# Materials 2 + 1 removed, lots 2, equipment and its manual, maintenance order, NCR, CAPA,
# plan, work order.
EXPECTED = 12


async def test_a_rebuild_through_the_apis_gives_the_index_the_events_gave(
    worker: None,
    gateway: tuple[StandInGateway, httpx.AsyncClient],
    admin: asyncpg.Connection,
    owner_conn: asyncpg.Connection,
    quality_conn: asyncpg.Connection,
    production_conn: asyncpg.Connection,
    client: AsyncTestClient[Any],
    auth: Headers,
    org_id: UUID,
    plants: list[UUID],
    library: Library,
) -> None:
    stand_in, http = gateway
    read_models = {"quality": quality_conn, "production": production_conn}
    factory = Factory(http, auth, plants, read_models)
    await build_through_events(factory, org_id, plants, owner_conn)

    async def all_indexed() -> dict[str, dict[str, Any]] | None:
        docs = await documents(admin, org_id)
        blocked = docs.get(f"lot:{_lot_key(docs, 'L-100')}", {}).get("status") == "blocked"
        return docs if len(docs) == EXPECTED and blocked else None

    from_events = await eventually(all_indexed)
    assert sum(d["deleted"] for d in from_events.values()) == 1  # the deleted material
    answers = await results(client, auth)
    # The plan is found by its material's number too.
    assert "inspection_plan" in {t for t, _ in answers["HSG-77"][:-1]}
    assert "equipment_document" in {t for t, _ in answers["manual"][:-1]}
    assert await top_hits(client, auth) == [
        "material",
        "equipment",
        "lot",
        "work_order",
        "inspection_plan",
    ]

    # What the events never said or the index lost: a stale document whose deletion was
    # missed, and a document that went missing.
    stale = library.doc("Ghost bearing", entity_type="material", code="GHOST-1")
    await library.add(stale)
    lost = next(d for d in from_events.values() if d["entity_type"] == "capa")
    gone = DocumentGone(
        entity_type="capa", entity_id=lost["entity_id"], changed_at=datetime.now(UTC)
    )
    assert await library.scoped(repo.delete, [gone]) == 1
    assert await results(client, auth) != answers

    response = await client.post("/api/search/admin/rebuild", headers=auth())
    assert response.status_code == 202, response.text
    href = response.json()["href"]
    assert response.headers["location"] == href

    async def finished() -> dict[str, Any] | None:
        job: dict[str, Any] = (await client.get(href, headers=auth())).json()
        return job if job["status"] in ("succeeded", "failed", "cancelled") else None

    job = await eventually(finished, timeout=60)
    assert job["status"] == "succeeded", job
    assert job["result"]["indexed"]["material"] == 2
    assert job["result"]["indexed"]["lot"] == 2
    assert job["result"]["indexed"]["work_order"] == 1
    assert job["result"]["indexed"]["equipment_document"] == 1
    assert job["result"]["removed"] == 1  # the ghost
    assert job["progress_done"] >= 8 and stand_in.tokens_issued == 1

    rebuilt = await documents(admin, org_id)
    ghost = f"material:{stale.entity_id}"
    assert rebuilt.pop(ghost)["deleted"]
    assert content(rebuilt) == content(from_events)
    assert await results(client, auth) == answers
    assert await top_hits(client, auth) == [
        "material",
        "equipment",
        "lot",
        "work_order",
        "inspection_plan",
    ]
    # Every live document was written again, with its source's time of change.
    for key, doc in rebuilt.items():
        if not doc["deleted"]:
            assert doc["indexed_at"] > from_events[key]["indexed_at"], key
            assert doc["changed_at"] <= from_events[key]["changed_at"], key


def _lot_key(docs: dict[str, dict[str, Any]], lot: str) -> str:
    for doc in docs.values():
        if doc["entity_type"] == "lot" and doc["code"] == lot:
            return str(doc["entity_id"])
    return ""


async def test_a_rebuild_without_a_client_fails_saying_what_is_missing(
    role_dsn: Callable[[str], str],
    admin: asyncpg.Connection,
    client: AsyncTestClient[Any],
    auth: Headers,
) -> None:
    jobs = {rebuild.KIND: rebuild.runner(RebuildSettings())}
    async with running_worker(role_dsn("search"), jobs):
        response = await client.post("/api/search/admin/rebuild", headers=auth())
        assert response.status_code == 202, response.text

        async def finished() -> dict[str, Any] | None:
            job: dict[str, Any] = (await client.get(response.json()["href"], headers=auth())).json()
            return job if job["status"] in ("succeeded", "failed") else None

        job = await eventually(finished, timeout=30)
    assert job["status"] == "failed"
    assert "UNISON_SEARCH_CLIENT_ID" in job["error"]


async def test_only_an_admin_starts_a_rebuild(client: AsyncTestClient[Any], auth: Headers) -> None:
    response = await client.post("/api/search/admin/rebuild", headers=auth(roles=["viewer"]))
    assert response.status_code == 403


async def test_a_rebuild_refuses_a_client_of_another_organization(
    role_dsn: Callable[[str], str],
    apps: dict[str, AsyncTestClient[Any]],
    minter: TokenMinter,
    plants: list[UUID],
    client: AsyncTestClient[Any],
    auth: Headers,
) -> None:
    elsewhere = StandInGateway(apps, minter, uuid.uuid4(), plants)
    settings = RebuildSettings(search_client_id=CLIENT_ID, search_client_secret=CLIENT_SECRET)
    async with gateway_client(elsewhere) as http:
        jobs = {rebuild.KIND: rebuild.runner(settings, http)}
        async with running_worker(role_dsn("search"), jobs):
            response = await client.post("/api/search/admin/rebuild", headers=auth())

            async def finished() -> dict[str, Any] | None:
                href = response.json()["href"]
                job: dict[str, Any] = (await client.get(href, headers=auth())).json()
                return job if job["status"] in ("succeeded", "failed") else None

            job = await eventually(finished, timeout=30)
    assert job["status"] == "failed" and "another organization" in job["error"]
