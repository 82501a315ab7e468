"""Goods movements go to SAP as material documents (API_MATERIAL_DOCUMENT_SRV).

The worker hears its own ``inventory.goods_movement.posted``; when the organization has
an enabled SAP connection and the movement type is one SAP shares (101/102 receipt for
an order, 261/262 issue to an order, 311/312 transfer, 551/552 scrap), an outbound
message is stored and a job pushes it: ``A_MaterialDocumentHeader`` with its items,
keys translated to SAP's (material number, SAP plant, storage location, unit). An
organization's documents reach SAP in the order they were posted: a push waits while an
older one is still on its way.

SAP's storage location is the warehouse level of Unison's tree: a bin's movement is
posted on its warehouse, and a transfer between two bins of one warehouse is not SAP's
business. The movement id, encoded as ``ReferenceDocument``, lets a retry after an
uncertain attempt (a timeout) find the document SAP may already have posted instead of
posting it twice.
"""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from inventory.sap import codes as sap_codes
from inventory.sap import odata, processing, repo
from inventory.sap.client import MATERIAL_DOCUMENTS, SapClient, SapUnavailable
from inventory.sap.codes import Codes
from inventory.sap.material_sync import PLANTS_URL
from inventory.service.caller import Caller
from unison_bus import JobContext
from unison_events.inventory import GoodsMovementPosted, GoodsMovementPostedLine
from unison_pg import Database, Tenant
from unison_web import Invalid

KIND = "A_MaterialDocumentHeader"
# GoodsMovementCode: 02 goods receipt for a production order, 03 goods issue, 04 transfer.
GM_CODES = {
    "101": "02",
    "102": "02",
    "261": "03",
    "262": "03",
    "551": "03",
    "552": "03",
    "311": "04",
    "312": "04",
}
ORDER_TYPES = frozenset({"101", "102", "261", "262"})
TRANSFERS = frozenset({"311", "312"})
SCRAP = frozenset({"551", "552"})
SAP_SCALE = 3  # QuantityInEntryUnit: Edm.Decimal, precision 13, scale 3
SYSTEM_USER = "system:sap"


def marker(movement_id: UUID) -> str:
    """16 characters for ReferenceDocument: the random tail of the movement's UUIDv7."""
    return base64.b32encode(movement_id.bytes[6:]).decode()


async def on_goods_movement_posted(conn: asyncpg.Connection, event: GoodsMovementPosted) -> None:
    """The event handler: queue the push, in the consumer's transaction."""
    if event.movement_type not in GM_CODES:
        return
    connection = await repo.connection_get(conn)
    if connection is None or not connection.enabled:
        return
    payload = msgspec.json.encode(event)
    stored = await repo.message_insert(
        conn,
        repo.NewMessage(
            direction="outbound",
            kind=KIND,
            external_id=str(event.movement_id),
            content_type="application/json",
            payload=payload,
            fingerprint=odata.fingerprint(msgspec.json.decode(payload)),
        ),
    )
    if stored is None:
        return  # this movement is queued already
    plants = (event.plant_id,) if event.plant_id is not None else ()
    tenant = Tenant(event.organization_id, plants, SYSTEM_USER)
    await processing.enqueue_job(conn, tenant, stored.id, processing.OUTBOUND_JOB, 0)


async def push(ctx: JobContext) -> dict[str, Any]:
    """The job handler for outbound messages."""
    return await processing.run(ctx, _push)


async def _push(db: Database, caller: Caller, message: repo.Started) -> str:
    event = msgspec.json.decode(message.payload, type=GoodsMovementPosted)
    if event.plant_id is None:
        raise Invalid("the goods movement names no plant")
    # The movement's plant, whoever replays: locations are plant data.
    tenant = Tenant(event.organization_id, (event.plant_id,), caller.tenant.user_id)
    async with db.transaction(tenant) as conn:
        earlier = await repo.outbound_pending_before(conn, message.id)
        if earlier is not None:
            # SAP checks stock on every document: an issue overtaking the receipt that
            # supplied it would be refused. Later, as a retry; waits count as attempts.
            raise SapUnavailable(f"waiting for the earlier message {earlier} to reach SAP")
        connection = await repo.connection_get(conn)
        if connection is None or not connection.enabled:
            raise Invalid(
                "the SAP connection was removed or disabled before this movement was sent;"
                " enable it, then replay"
            )
        body = await material_document(conn, event, connection.scrap_cost_center)
        if body is not None:
            await repo.message_sent_payload(conn, message.id, body)
    if body is None:
        summary = "nothing for SAP: every line moves within one SAP storage location"
    else:
        async with SapClient(connection) as client:
            summary = await _send(client, body, retry=message.attempts > 1)
    async with db.transaction(tenant) as conn:
        await repo.message_processed(conn, message.id, summary)
    return summary


async def _send(client: SapClient, body: dict[str, Any], *, retry: bool) -> str:
    if retry:
        # An earlier attempt may have reached SAP before it timed out or failed.
        query = {"$filter": f"ReferenceDocument eq '{body['ReferenceDocument']}'", "$top": "1"}
        found = await client.get(MATERIAL_DOCUMENTS, "A_MaterialDocumentHeader", query)
        results = (found.get("d") or {}).get("results") or []
        if results:
            return f"posted in SAP as material document {_key(results[0])} (found on retry)"
    created = await client.create(MATERIAL_DOCUMENTS, "A_MaterialDocumentHeader", body)
    return f"posted in SAP as material document {_key(created.get('d') or {})}"


def _key(header: dict[str, Any]) -> str:
    return f"{header.get('MaterialDocument', '?')}/{header.get('MaterialDocumentYear', '?')}"


async def material_document(
    conn: asyncpg.Connection, event: GoodsMovementPosted, scrap_cost_center: str | None
) -> dict[str, Any] | None:
    """The A_MaterialDocumentHeader for the movement, or None when SAP has nothing to see."""
    assert event.plant_id is not None
    werks = await repo.werks_of_plant(conn, event.plant_id)
    if werks is None:
        raise Invalid(
            f"Unison plant {event.plant_id} has no SAP plant: PUT {PLANTS_URL}/{{werks}} with"
            f' {{"plant_id": "{event.plant_id}"}}, then replay'
        )
    materials = await repo.material_numbers(
        conn, sorted({line.material_id for line in event.lines})
    )
    locations = await repo.location_warehouse_codes(
        conn, event.plant_id, sorted({line.location_id for line in event.lines})
    )
    builder = _Items(event, werks, materials, locations, await sap_codes.load(conn))
    items = builder.items(scrap_cost_center)
    if not items:
        return None
    header_text = " ".join(filter(None, ("Unison", event.movement_type, event.reference)))
    return {
        "GoodsMovementCode": GM_CODES[event.movement_type],
        "PostingDate": odata.format_date(event.posting_date),
        "DocumentDate": odata.format_date(event.posting_date),
        "MaterialDocumentHeaderText": header_text[:25],
        "ReferenceDocument": marker(event.movement_id),
        "to_MaterialDocumentItem": items,
    }


class _Items:
    """The document's items, each line's keys translated; a readable refusal otherwise."""

    def __init__(
        self,
        event: GoodsMovementPosted,
        werks: str,
        materials: dict[UUID, repo.MaterialKey],
        locations: dict[UUID, str],
        codes: Codes,
    ) -> None:
        self.event, self.werks, self.codes = event, werks, codes
        self.materials, self.locations = materials, locations

    def items(self, scrap_cost_center: str | None) -> list[dict[str, Any]]:
        lines = list(self.event.lines)
        if self.event.movement_type not in TRANSFERS:
            return [self._item(line, scrap_cost_center) for line in lines]
        if len(lines) % 2:
            raise Invalid("a transfer's lines come in pairs (from, to)")
        items = []
        for source, target in zip(lines[::2], lines[1::2], strict=True):
            if (source.material_id, source.lot) != (target.material_id, target.lot):
                raise Invalid("a transfer's paired lines move different stock")
            to = self._location(target)
            if to != self._location(source):
                item = self._item(source, None)
                item |= {"IssuingOrReceivingPlant": self.werks, "IssuingOrReceivingStorageLoc": to}
                if "Batch" in item:
                    item["IssgOrRcvgBatch"] = item["Batch"]
                items.append(item)
        return items

    def _location(self, line: GoodsMovementPostedLine) -> str:
        code = self.locations.get(line.location_id)
        if code is None or len(code) > 4:
            raise Invalid(
                f"storage location {line.location_id} is in warehouse {code or '?'}, whose code"
                " is not an SAP storage location (1 to 4 characters)"
            )
        return code

    def _item(self, line: GoodsMovementPostedLine, cost_center: str | None) -> dict[str, Any]:
        movement_type = self.event.movement_type
        quantity = abs(line.quantity)
        if quantity != quantity.quantize(Decimal(1).scaleb(-SAP_SCALE)):
            raise Invalid(
                f"quantity {quantity} {line.unit} has more than {SAP_SCALE} decimals, which SAP"
                " cannot take"
            )
        item: dict[str, Any] = {
            "Material": self.materials[line.material_id].number,
            "Plant": self.werks,
            "StorageLocation": self._location(line),
            "GoodsMovementType": movement_type,
            "QuantityInEntryUnit": odata.format_decimal(quantity),
            "EntryUnit": self.codes.sap_unit(line.unit),
        }
        if line.lot:
            if len(line.lot) > 10:
                raise Invalid(f"lot {line.lot} is longer than an SAP batch (10 characters)")
            item["Batch"] = line.lot.upper()
        if movement_type in ORDER_TYPES:
            item |= self._order()
        if movement_type in SCRAP and cost_center:
            item["CostCenter"] = cost_center
        return item

    def _order(self) -> dict[str, str]:
        order = (self.event.reference or "").strip()
        if not order or len(order) > 12:
            raise Invalid(
                f"a goods movement {self.event.movement_type} needs the SAP production order"
                " number (up to 12 characters) as its reference"
            )
        fields = {"ManufacturingOrder": order}
        if self.event.movement_type in ("101", "102"):
            fields["GoodsMovementRefDocType"] = "F"  # receipt against a production order
        return fields
