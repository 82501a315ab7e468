"""Reservations and availability: available = unrestricted - reserved, never drifting."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from litestar.testing import AsyncTestClient

from tests.inventory.conftest import Headers, MakeMaterial
from tests.inventory.ledger_support import TODAY, Ledger

Client = AsyncTestClient[Any]
RESERVATIONS = "/api/inventory/reservations"


def reservation_body(
    ledger: Ledger, material: dict[str, Any], *quantities: str, **extra: Any
) -> dict[str, Any]:
    return {
        "reference": extra.pop("reference", "WO-7"),
        "requirement_date": TODAY.isoformat(),
        "lines": [
            {
                "material_id": material["id"],
                "plant_id": str(ledger.plants[0]),
                "quantity": q,
                "unit": material["base_unit"],
            }
            for q in quantities
        ],
        **extra,
    }


async def test_reserving_withdrawing_and_releasing_keep_availability_right(
    ledger: Ledger, make_material: MakeMaterial, client: Client, auth: Headers
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(material, "WH1", "10"))
    created = await client.post(
        RESERVATIONS, json=reservation_body(ledger, material, "6"), headers=auth()
    )
    assert created.status_code == 201, created.text
    reservation = created.json()[0]
    assert (await ledger.availability(material))["available"] == 4

    too_much = await client.post(
        RESERVATIONS, json=reservation_body(ledger, material, "2", "3"), headers=auth()
    )
    assert too_much.status_code == 409
    assert too_much.json()["errors"][0]["pointer"] == "/lines/1/quantity"
    assert (await ledger.availability(material))["reserved"] == 6  # nothing half-written

    issue = await ledger.post(
        "261", ledger.line(material, "WH1", "4", reservation_id=reservation["id"])
    )
    after = (await client.get(f"{RESERVATIONS}/{reservation['id']}", headers=auth())).json()
    assert (after["withdrawn"], after["open_quantity"], after["status"]) == ("4", "2", "open")
    assert await ledger.availability(material) == {
        "on_hand": 6,
        "unrestricted": 6,
        "quality": 0,
        "blocked": 0,
        "reserved": 2,
        "available": 4,
    }
    await ledger.post("261", ledger.line(material, "WH1", "2", reservation_id=reservation["id"]))
    closed = (await client.get(f"{RESERVATIONS}/{reservation['id']}", headers=auth())).json()
    assert closed["status"] == "closed"
    again = await ledger.post(
        "261", ledger.line(material, "WH1", "1", reservation_id=reservation["id"]), expect=409
    )
    assert again.json()["errors"][0]["pointer"] == "/lines/0/reservation_id"
    # Reversing an issue gives the quantity back to its reservation.
    await ledger.reverse(issue.json()["id"])
    reopened = (await client.get(f"{RESERVATIONS}/{reservation['id']}", headers=auth())).json()
    assert (reopened["status"], reopened["open_quantity"]) == ("open", "4")

    cancelled = await client.post(f"{RESERVATIONS}/{reservation['id']}/cancel", headers=auth())
    assert cancelled.json()["status"] == "cancelled"
    assert (await ledger.availability(material))["reserved"] == 0
    listed = await client.get(
        RESERVATIONS, params={"reference": "WO-7", "open_only": "true"}, headers=auth()
    )
    assert listed.json()["items"] == []


async def test_an_expired_reservation_stops_counting_and_a_shortage_can_be_allowed(
    ledger: Ledger, make_material: MakeMaterial, client: Client, auth: Headers
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(material, "WH1", "2"))
    soon = datetime.now(UTC) + timedelta(seconds=1)
    body = reservation_body(ledger, material, "2", expires_at=soon.isoformat())
    created = await client.post(RESERVATIONS, json=body, headers=auth())
    assert created.status_code == 201
    short = await client.post(
        RESERVATIONS,
        json=reservation_body(ledger, material, "5", allow_shortage=True),
        headers=auth(),
    )
    assert short.status_code == 201
    assert (await ledger.availability(material))["available"] == -5
    await asyncio.sleep(1.2)
    assert (await ledger.availability(material))["available"] == -3
    expired = (await client.get(f"{RESERVATIONS}/{created.json()[0]['id']}", headers=auth())).json()
    assert (expired["status"], expired["open_quantity"]) == ("expired", "0")


async def test_concurrent_reservations_of_the_last_units_do_not_oversell(
    http: httpx.AsyncClient,
    auth: Headers,
    plants: list[uuid.UUID],
    make_material: MakeMaterial,
    ledger: Ledger,
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(material, "WH1", "10"))
    body = reservation_body(ledger, material, "1")
    answers = await asyncio.gather(
        *[http.post(RESERVATIONS, json=body, headers=auth()) for _ in range(25)]
    )
    assert sorted(a.status_code for a in answers) == [201] * 10 + [409] * 15
    assert (await ledger.availability(material))["available"] == 0


async def test_another_organization_sees_no_reservation(
    ledger: Ledger, make_material: MakeMaterial, client: Client, auth: Headers
) -> None:
    material = await make_material()
    await ledger.location("WH1")
    await ledger.post("101", ledger.line(material, "WH1", "3"))
    created = (
        await client.post(
            RESERVATIONS, json=reservation_body(ledger, material, "1"), headers=auth()
        )
    ).json()
    other = auth(organization_id=uuid.uuid4())
    assert (
        await client.get(f"{RESERVATIONS}/{created[0]['id']}", headers=other)
    ).status_code == 404
    assert (await client.get(RESERVATIONS, headers=other)).json()["items"] == []
    assert (
        await client.post(f"{RESERVATIONS}/{created[0]['id']}/cancel", headers=other)
    ).status_code == 404
    hidden = await client.get(
        "/api/inventory/availability",
        params={"material_id": material["id"], "plant_id": str(ledger.plants[0])},
        headers=other,
    )
    assert hidden.status_code == 404


RECOMPUTED = """
WITH stock AS (
    SELECT l.lot, l.category, sum(l.quantity) AS quantity
    FROM inventory.goods_movement_lines l
    WHERE l.organization_id = $1 AND l.material_id = $2
    GROUP BY l.lot, l.category
), lots AS (
    SELECT lot, status FROM inventory.lots WHERE organization_id = $1 AND material_id = $2
), withdrawn AS (
    SELECT reservation_id, -sum(quantity) AS quantity
    FROM inventory.goods_movement_lines
    WHERE organization_id = $1 AND reservation_id IS NOT NULL
    GROUP BY reservation_id
)
SELECT
    (SELECT coalesce(sum(quantity), 0) FROM stock) AS on_hand,
    (SELECT coalesce(sum(s.quantity), 0) FROM stock s JOIN lots USING (lot)
     WHERE s.category = 'unrestricted' AND lots.status = 'released') AS unrestricted,
    (SELECT coalesce(sum(r.quantity - greatest(0, coalesce(w.quantity, 0))), 0)
     FROM inventory.reservations r LEFT JOIN withdrawn w ON w.reservation_id = r.id
     WHERE r.organization_id = $1 AND r.material_id = $2 AND r.status <> 'cancelled'
       AND coalesce(w.quantity, 0) < r.quantity) AS reserved,
    (SELECT sum(quantity) FROM inventory.stock_balances
     WHERE organization_id = $1 AND material_id = $2) AS balances
"""


class Scenario:
    """Random operations on one lot-managed material in two locations."""

    def __init__(
        self, ledger: Ledger, client: Client, auth: Headers, material: dict[str, Any]
    ) -> None:
        self.ledger, self.client, self.auth, self.material = ledger, client, auth, material
        self.rng = random.Random(20261125)
        self.reservations: list[str] = []
        self.movements: list[str] = []

    async def post(self, movement_type: str, quantity: str, **extra: Any) -> None:
        lot, location = self.rng.choice(["A-1", "A-2", "A-3"]), self.rng.choice(["WH1", "WH2"])
        line = self.ledger.line(self.material, location, quantity, lot=lot, **extra)
        response = await self.ledger.post(movement_type, line, expect=None)
        assert response.status_code in (201, 409), response.text
        if response.status_code == 201:
            self.movements.append(response.json()["id"])

    async def reserve(self, quantity: str) -> None:
        body = reservation_body(
            self.ledger, self.material, quantity, allow_shortage=self.rng.random() < 0.3
        )
        response = await self.client.post(RESERVATIONS, json=body, headers=self.auth())
        if response.status_code == 201:
            self.reservations.append(response.json()[0]["id"])

    async def hold(self) -> None:
        lot = self.rng.choice(["A-1", "A-2", "A-3"])
        url = f"/api/inventory/materials/{self.material['id']}/lots/{lot}"
        current = await self.client.get(url, headers=self.auth())
        if current.status_code == 200:
            status = self.rng.choice(["released", "quarantine", "blocked"])
            headers = self.auth({"If-Match": current.headers["etag"]})
            await self.client.patch(url, json={"status": status}, headers=headers)

    async def step(self) -> None:
        rng, quantity = self.rng, str(self.rng.randint(1, 5))
        op = rng.choice(
            ["receive", "issue", "reserve", "cancel", "move", "hold", "reverse", "withdraw"]
        )
        if op == "receive":
            await self.post("101", quantity, price=str(rng.randint(1, 9)))
        elif op == "issue":
            await self.post("261", quantity)
        elif op == "withdraw" and self.reservations:
            await self.post("261", quantity, reservation_id=rng.choice(self.reservations))
        elif op == "move":
            await self.post(rng.choice(["322", "344", "321", "343"]), quantity)
        elif op == "reserve":
            await self.reserve(quantity)
        elif op == "cancel" and self.reservations:
            url = f"{RESERVATIONS}/{rng.choice(self.reservations)}/cancel"
            await self.client.post(url, headers=self.auth())
        elif op == "hold":
            await self.hold()
        elif op == "reverse" and self.movements:
            url = f"/api/inventory/goods-movements/{rng.choice(self.movements)}/reversal"
            await self.client.post(url, headers=self.auth())


async def test_availability_never_drifts_from_its_parts(
    ledger: Ledger,
    make_material: MakeMaterial,
    client: Client,
    auth: Headers,
    admin_conn: asyncpg.Connection,
    org_id: uuid.UUID,
) -> None:
    """A random sequence of receipts, issues (with and without reservations), reversals,
    moves into quality and blocked stock, lot holds, reservations and cancellations; then
    availability is recomputed from scratch (ledger lines, lots, reservations) and must
    equal what the API says."""
    material = await make_material(lot_managed=True)
    await ledger.location("WH1")
    await ledger.location("WH2")
    scenario = Scenario(ledger, client, auth, material)
    for _ in range(200):
        await scenario.step()
    assert len(scenario.movements) > 20  # the sequence really moved stock

    api = await ledger.availability(material)
    expected = await admin_conn.fetchrow(RECOMPUTED, org_id, uuid.UUID(material["id"]))
    assert api["on_hand"] == expected["on_hand"] == expected["balances"]
    assert api["unrestricted"] == expected["unrestricted"]
    assert api["available"] == expected["unrestricted"] - expected["reserved"]
    assert api["on_hand"] == api["unrestricted"] + api["quality"] + api["blocked"]
