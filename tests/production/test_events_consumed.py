"""What production does with other services' events: maintenance's work orders become
downtime, SAP production orders become work orders."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import asyncpg

from production.downtime import maintenance
from production.work_orders import from_sap
from tests.production.floor import Floor, at, yesterday
from tests.support.harness import as_organization
from unison_events.inventory import SapProductionOrderComponent, SapProductionOrderReceived
from unison_events.maintenance import MaintenanceWorkOrderCompleted, MaintenanceWorkOrderOpened


async def test_a_breakdown_maintenance_opened_is_downtime_until_the_work_is_done(
    floor: Floor, production_conn: asyncpg.Connection
) -> None:
    equipment = uuid4()
    center = await floor.work_center(equipment_id=str(equipment))
    day = yesterday()
    order_id = uuid4()
    opened = MaintenanceWorkOrderOpened(
        organization_id=floor.org_id,
        plant_id=floor.plants[0],
        maintenance_work_order_id=order_id,
        number="MWO-17",
        kind="corrective",
        equipment_id=equipment,
        machine_down=True,
        down_since=at(day, "07:00"),
        description="Hydraulic leak",
    )
    await as_organization(production_conn, floor.org_id, maintenance.on_opened, opened)
    window = {"from": at(day, "00:00").isoformat(), "to": at(day, "23:59").isoformat()}
    (stop,) = (await floor.get(f"/work-centers/{center['id']}/downtimes", **window))["items"]
    assert (stop["source"], stop["loss"], stop["maintenance_work_order_id"]) == (
        "maintenance",
        "breakdown",
        str(order_id),
    )
    assert stop["ended_at"] is None
    completed = MaintenanceWorkOrderCompleted(
        organization_id=floor.org_id,
        plant_id=floor.plants[0],
        maintenance_work_order_id=order_id,
        number="MWO-17",
        equipment_id=equipment,
        machine_running_at=at(day, "09:30"),
    )
    await as_organization(production_conn, floor.org_id, maintenance.on_completed, completed)
    stop = await floor.get(f"/downtimes/{stop['id']}")
    assert stop["ended_at"].startswith(f"{day.isoformat()}T09:30")
    report = await floor.get(
        "/oee",
        plant_id=str(floor.plants[0]),
        work_center_id=center["id"],
        granularity="shift",
        **{"from": day.isoformat(), "to": day.isoformat()},
    )
    (early,) = [p for p in report["periods"] if p["shift_code"] == "EARLY"]
    assert Decimal(early["inputs"]["breakdown_seconds"]) == Decimal(2.5 * 3600)


async def test_preventive_maintenance_on_an_already_stopped_machine_explains_the_stop(
    floor: Floor, production_conn: asyncpg.Connection
) -> None:
    equipment = uuid4()
    center = await floor.work_center(equipment_id=str(equipment))
    reported = await floor.post(f"/work-centers/{center['id']}/downtimes", {}, 201)
    opened = MaintenanceWorkOrderOpened(
        organization_id=floor.org_id,
        plant_id=floor.plants[0],
        maintenance_work_order_id=uuid4(),
        number="MWO-18",
        kind="preventive",
        equipment_id=equipment,
        work_center_id=center["id"],
        machine_down=True,
    )
    await as_organization(production_conn, floor.org_id, maintenance.on_opened, opened)
    stop = await floor.get(f"/downtimes/{reported.json()['id']}")
    assert stop["maintenance_work_order_id"] == str(opened.maintenance_work_order_id)


async def test_a_sap_production_order_becomes_a_draft_work_order_once(
    floor: Floor, production_conn: asyncpg.Connection
) -> None:
    product = await floor.material("FG-100")
    part = await floor.material("RM-7")
    center = await floor.work_center()
    await floor.routing(
        product,
        [
            {
                "operation_no": 10,
                "description": "Make",
                "work_center_id": center["id"],
                "cycle_seconds": "60",
            }
        ],
    )
    received = SapProductionOrderReceived(
        organization_id=floor.org_id,
        plant_id=floor.plants[0],
        order_number="1003981",
        order_type="PP01",
        sap_plant="1010",
        material_id=product,
        material_number="FG-100",
        quantity=Decimal(40),
        unit="PC",
        scheduled_start=datetime.now() + timedelta(days=1),
        scheduled_end=datetime.now() + timedelta(days=3),
        components=(
            SapProductionOrderComponent(
                material_id=part,
                material_number="RM-7",
                quantity=Decimal(80),
                unit="PC",
                operation="0010",
            ),
        ),
        source="LOIPRO",
        sap_message_id=uuid4(),
    )
    await as_organization(production_conn, floor.org_id, from_sap.on_order, received)
    listed = await floor.get("/work-orders", plant_id=str(floor.plants[0]))
    (order,) = listed["items"]
    assert (order["number"], order["source"], order["status"], order["quantity"]) == (
        "1003981",
        "sap",
        "draft",
        "40",
    )
    full = await floor.get(f"/work-orders/{order['id']}")
    assert [(c["material_id"], c["quantity"], c["operation_no"]) for c in full["components"]] == [
        (str(part), "80", 10)
    ]
    changed = received.__class__(**{**_fields(received), "quantity": Decimal(50), "id": uuid4()})
    await as_organization(production_conn, floor.org_id, from_sap.on_order, changed)
    again = await floor.get(f"/work-orders/{order['id']}")
    assert again["quantity"] == "50" and again["components"][0]["quantity"] == "100"
    assert len((await floor.get("/work-orders"))["items"]) == 1


def _fields(event: Any) -> dict[str, Any]:
    return {f: getattr(event, f) for f in event.__struct_fields__}
