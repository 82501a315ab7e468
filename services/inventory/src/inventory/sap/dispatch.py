"""Which code processes which IDoc: a handler per basic type, without its version
(MATMAS05 and MATMAS06 are both MATMAS), or per message type when the basic type is a
customer one.

A handler takes the transaction, the caller and the ``<IDOC>`` element (EDI_DC40 and
the data segments are its children) and returns a summary of what it did. It raises
``Invalid``, ``Conflict`` or ``NotFound`` with a readable detail when the IDoc cannot be
applied: the message then fails with that reason and can be replayed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable

import asyncpg

from inventory import bommat
from inventory.boms_idoc import apply_bommat
from inventory.sap import loipro, matmas
from inventory.sap import repo as sap_repo
from inventory.sap.idoc import Control, Idoc
from inventory.service.caller import Caller
from unison_web import Invalid

IdocHandler = Callable[[asyncpg.Connection, Caller, ET.Element], Awaitable[str]]


async def _bommat(conn: asyncpg.Connection, caller: Caller, element: ET.Element) -> str:
    """BOMMAT with the organization's SAP plant mapping (WERKS -> plant); a plant mapped
    to none is one Unison does not run."""
    mapped = {p.werks: p.plant_id for p in await sap_repo.plants_all(conn) if p.plant_id}
    return await apply_bommat(conn, caller, element, plants=mapped)


HANDLERS: dict[str, IdocHandler] = {
    "MATMAS": matmas.apply,
    "LOIPRO": loipro.apply,
    "BOMMAT": _bommat,
}
# Accepted and stored, but failed as "not processed yet" until a handler is registered
# above; then a replay processes what was kept.
PENDING: dict[str, str] = {}
# Structure checked before an IDoc is stored, so a malformed one is a 422 to SAP.
_STRUCTURE: dict[str, Callable[[ET.Element], object]] = {
    "MATMAS": matmas.parse,
    "LOIPRO": loipro.parse,
    "BOMMAT": bommat.parse,
}


def kind_of(control: Control) -> str:
    for candidate in (control.base_type, (control.message_type or "").upper()):
        if candidate in HANDLERS or candidate in PENDING:
            return candidate
    supported = ", ".join(sorted({*HANDLERS, *PENDING}))
    raise Invalid(
        f"IDoc type {control.idoc_type} (message type {control.message_type or '?'}) is not"
        f" supported; supported types: {supported}",
        "/EDI_DC40/IDOCTYP",
    )


def check(kind: str, element: ET.Element) -> None:
    """Refuse an IDoc whose segments cannot be read (before anything is stored)."""
    structure = _STRUCTURE.get(kind)
    if structure is not None:
        structure(element)


async def handle(conn: asyncpg.Connection, caller: Caller, document: Idoc) -> str:
    kind = kind_of(document.control)
    handler = HANDLERS.get(kind)
    if handler is None:
        raise Invalid(
            f"IDoc type {kind} is stored but not processed yet: its handler"
            f" ({PENDING[kind]}) is not installed; replay this message once it is"
        )
    return await handler(conn, caller, document.element)
