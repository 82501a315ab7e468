"""Messages from SAP: checked, stored as they arrived, then processed by a job.

Storing and queueing happen in one transaction, so SAP's 202 means "kept and will be
processed". A message is identified by SAP's key for it (the IDoc number, the OData
message id, the event id): a second delivery is answered with the first message and
changes nothing, while the same key with other content is refused (409), since SAP
never reuses one.
"""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec

from inventory.sap import dispatch, idoc, odata, processing, product, repo
from inventory.sap.models import SapMessage
from inventory.sap.orders import ProductionOrder, publish_order
from inventory.sap.production_order_api import fetch_order, parse_event
from inventory.service.caller import Caller
from unison_bus import JobContext
from unison_pg import Database
from unison_web import Conflict

XML = "application/xml"
JSON = "application/json"


class Received(msgspec.Struct, frozen=True):
    message: SapMessage
    duplicate: bool


async def receive_idoc(db: Database, caller: Caller, raw: bytes) -> Received:
    # Parsing, checking and canonicalizing take CPU in proportion to the document: about
    # 2 s for a 5 MB IDoc of 400,000 elements here. In a thread, the event loop goes on
    # serving the service's other requests meanwhile.
    return await _store(db, caller, await asyncio.to_thread(_checked_idoc, raw))


def _checked_idoc(raw: bytes) -> repo.NewMessage:
    document = idoc.parse(raw)
    kind = dispatch.kind_of(document.control)
    dispatch.check(kind, document.element)
    return repo.NewMessage(
        direction="inbound",
        kind=kind,
        external_id=document.control.docnum,
        content_type=XML,
        payload=raw,
        fingerprint=idoc.fingerprint(raw),
    )


async def receive_product(
    db: Database, caller: Caller, raw: bytes, message_id: str | None
) -> Received:
    """An A_Product; without a message id its content is its identity (see the README)."""
    document = odata.decode(raw)
    product.parse(document)
    fingerprint = odata.fingerprint(document)
    incoming = repo.NewMessage(
        direction="inbound",
        kind="A_Product",
        external_id=message_id or f"sha256:{fingerprint}",
        content_type=JSON,
        payload=raw,
        fingerprint=fingerprint,
    )
    return await _store(db, caller, incoming)


async def receive_event(db: Database, caller: Caller, raw: bytes) -> Received:
    document = odata.decode(raw)
    event = parse_event(document)
    incoming = repo.NewMessage(
        direction="inbound",
        kind="ProductionOrder.Created",
        external_id=event.event_id,
        content_type=JSON,
        payload=raw,
        fingerprint=odata.fingerprint(document),
    )
    return await _store(db, caller, incoming)


async def _store(db: Database, caller: Caller, incoming: repo.NewMessage) -> Received:
    async with db.transaction(caller.tenant) as conn:
        stored = await repo.message_insert(conn, incoming)
        if stored is None:
            first = await repo.message_by_external_id(
                conn, incoming.direction, incoming.kind, incoming.external_id
            )
            if first is None:  # swept between the two statements
                raise Conflict(f"{incoming.kind} {incoming.external_id} is being stored; retry")
            if first.fingerprint != incoming.fingerprint:
                raise Conflict(
                    f"{incoming.kind} {incoming.external_id} was received before with other"
                    f" content (message {first.message.id}); SAP never reuses an id"
                )
            return Received(first.message, duplicate=True)
        job_id = await processing.enqueue_job(
            conn, caller.tenant, stored.id, processing.INBOUND_JOB, attempts_before=0
        )
    return Received(msgspec.structs.replace(stored, job_id=job_id), duplicate=False)


async def process(ctx: JobContext) -> dict[str, Any]:
    """The job handler for inbound messages."""
    return await processing.run(ctx, _work)


async def _work(db: Database, caller: Caller, message: repo.Started) -> str:
    order: ProductionOrder | None = None
    if message.kind == "ProductionOrder.Created":
        order = await fetch_order(db, caller, message.payload)
    async with db.transaction(caller.tenant) as conn:
        if order is not None:
            summary = await publish_order(conn, caller, order)
        elif message.kind == "A_Product":
            summary = await product.apply(conn, caller, odata.decode(message.payload))
        else:
            summary = await dispatch.handle(conn, caller, idoc.parse(message.payload))
        await repo.message_processed(conn, message.id, summary)
    return summary
