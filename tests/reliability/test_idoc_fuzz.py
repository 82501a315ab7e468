"""The SAP IDoc endpoint under hostile XML, through the gateway as SAP calls it: malformed
documents, entity expansion (billion laughs), external entities (XXE), bodies over the size
limit, deep nesting and random mutations of a real IDoc.

Every one is answered within a bounded time with a 4xx problem+json (a mutation that is
still a valid IDoc may be accepted), the service keeps running, and nothing is half
written: every table of inventory and the organization's jobs hold exactly the rows they
held before, apart from what accepted messages wrote, each processed or failed whole.
"""

from __future__ import annotations

import asyncio
import random
import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.reliability import harness
from tests.reliability.figures import record
from unison_stack.supervisor import Supervisor

FIXTURE = Path(__file__).parents[1] / "inventory" / "fixtures" / "sap" / "matmas-single-plant.xml"
IDOCS = "/api/inventory/sap/idocs"
# Generous and still a real bound: the slowest case here answers in well under a second.
ANSWER_WITHIN = 30.0
LIMIT = 10_000_000  # Litestar's request_max_body_size, which the services keep


def _valid(docnum: str | None = None) -> bytes:
    raw = FIXTURE.read_bytes()
    docnum = docnum or str(uuid.uuid4().int % 10**15).zfill(16)
    return re.sub(rb"<DOCNUM>\d+</DOCNUM>", f"<DOCNUM>{docnum}</DOCNUM>".encode(), raw)


def _billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    doctype = "<!DOCTYPE lolz [" + "".join(entities) + "]>"
    return (
        _valid()
        .replace(b"<ZMATMAS0601>", doctype.encode() + b"<ZMATMAS0601>", 1)
        .replace(b"<MAKTX>", b"<MAKTX>&lol9;", 1)
    )


def _external_entity() -> bytes:
    doctype = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return doctype + _valid().replace(b"<MATKL>01</MATKL>", b"<MATKL>&xxe;</MATKL>")


def _parameter_entity() -> bytes:
    doctype = b'<!DOCTYPE x [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>'
    return doctype + _valid()


def _deep_nesting(depth: int) -> bytes:
    """Elements nested inside a segment: 1.7 MB at 100,000 levels, well under the limit;
    canonicalizing it (the fingerprint) once took 110 s of the service's event loop."""
    inner = b"<Z1DEEP>" * depth + b"</Z1DEEP>" * depth
    return _valid().replace(b"</E1MARAM>", inner + b"</E1MARAM>", 1)


def _over_the_limit() -> bytes:
    padding = b"<E1MAKTM><MAKTX>" + b"x" * (LIMIT + 1024) + b"</MAKTX></E1MAKTM>"
    return _valid().replace(b"</IDOC>", padding + b"</IDOC>")


HOSTILE: dict[str, bytes] = {
    "empty body": b"",
    "not XML": b'{"IDOC": "json, not xml"}',
    "truncated": _valid()[:700],
    "unclosed element": _valid().replace(b"</EDI_DC40>", b"", 1),
    "invalid UTF-8": _valid().replace(b"GORE", b"G\xff\xfeRE", 1),
    "NUL bytes": _valid().replace(b"<MATKL>01", b"<MATKL>0\x001", 1),
    "billion laughs": _billion_laughs(),
    "external entity (XXE)": _external_entity(),
    "external parameter entity": _parameter_entity(),
    "two IDocs in one request": _valid().replace(
        b"</ZMATMAS0601>", _valid().split(b"<ZMATMAS0601>", 1)[1]
    ),
    "no control record": re.sub(rb"<EDI_DC40.*?</EDI_DC40>", b"", _valid(), flags=re.S),
    "DOCNUM not a number": _valid("12ab"),
    "deep nesting (100,000 levels)": _deep_nesting(100_000),
    "over the size limit": _over_the_limit(),
}


async def _counts(conn: asyncpg.Connection, organization_id: str) -> dict[str, int]:
    """Rows of the organization in every inventory table, and its jobs."""
    tables = await conn.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organization_id'"
        " WHERE n.nspname = 'inventory' AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
        " ORDER BY 1"
    )
    counts: dict[str, int] = {}
    async with conn.transaction():
        await conn.execute("SELECT set_config('app.organization_id', $1, true)", organization_id)
        for row in tables:
            name = row["relname"]
            counts[name] = await conn.fetchval(f'SELECT count(*) FROM inventory."{name}"')
        counts["bus.jobs"] = await conn.fetchval("SELECT count(*) FROM bus.jobs")
    return counts


def _sap_token(gateway: str) -> str:
    response = httpx.post(
        f"{gateway}/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "sap-globex",
            "client_secret": harness.DEMO_PASSWORD,
        },
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


async def _post(client: httpx.AsyncClient, body: bytes) -> tuple[httpx.Response, float]:
    started = asyncio.get_running_loop().time()
    response = await client.post(IDOCS, content=body, headers={"Content-Type": "application/xml"})
    return response, asyncio.get_running_loop().time() - started


def _is_problem(response: httpx.Response) -> bool:
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return False
    body = response.json()
    return body.get("status") == response.status_code and bool(body.get("detail"))


async def test_hostile_idocs_are_refused_fast_and_write_nothing(
    reliable_stack: Supervisor, gateway: str
) -> None:
    token = _sap_token(gateway)
    organization_id = str(harness.claims(token)["org"])
    inventory = harness.spec(reliable_stack, "inventory")
    pid = reliable_stack.pid_of(inventory)
    conn = await harness.owner_connection(reliable_stack.stack)
    slowest = 0.0
    try:
        before = await _counts(conn, organization_id)
        async with httpx.AsyncClient(
            base_url=gateway,
            headers={"Authorization": f"Bearer {token}"},
            timeout=ANSWER_WITHIN,
        ) as client:
            for name, body in HOSTILE.items():
                try:
                    response, took = await _post(client, body)
                except httpx.TimeoutException:
                    pytest.fail(f"{name}: no answer within {ANSWER_WITHIN} s")
                slowest = max(slowest, took)
                assert 400 <= response.status_code < 500, (
                    name,
                    response.status_code,
                    response.text,
                )
                assert _is_problem(response), (name, response.headers, response.text[:500])
        assert await _counts(conn, organization_id) == before
    finally:
        await conn.close()
    assert reliable_stack.pid_of(inventory) == pid, "the inventory service died"
    assert await harness.wait_ready(inventory.ready_url, timeout=10) is not None
    record("IDoc fuzz: hostile documents", f"{len(HOSTILE)} refused, slowest {slowest:.2f} s")


ODD_VALUES = (
    "",
    " ",
    "x" * 5000,
    "-1",
    "5-",
    "1e400",
    "NaN",
    "99999999999999999999999999999999",
    "20241399",
    "00000000",
    "246060",
    "ÄÖÜ\u202e漢字",
    "<&>",
    "0000000000000000000000000000000000000042",
)


def _value_mutation(rng: random.Random) -> bytes:
    """Well-formed, a real IDoc's shape, odd values in a few fields (never the DOCNUM)."""
    root = ET.fromstring(_valid())  # noqa: S314 (our own fixture)
    fields = [
        e for e in root.iter() if len(e) == 0 and e.tag not in ("DOCNUM", "TABNAM", "IDOCTYP")
    ]
    for element in rng.sample(fields, rng.randint(1, 3)):
        element.text = rng.choice(ODD_VALUES)
    return bytes(ET.tostring(root, encoding="utf-8"))


def _mutations(count: int, seed: int) -> list[bytes]:
    """Half with odd values in well-formed IDocs (these are accepted and processed, or
    refused by the checks before storing), half with random byte-level changes: deleted,
    duplicated, flipped and inserted spans. Each has a fresh DOCNUM, so none is a resend."""
    rng = random.Random(seed)
    bodies: list[bytes] = []
    for i in range(count):
        if i % 2 == 0:
            bodies.append(_value_mutation(rng))
            continue
        raw = bytearray(_valid())
        for _change in range(rng.randint(1, 4)):
            at = rng.randrange(len(raw))
            span = rng.randint(1, 40)
            kind = rng.choice(("delete", "duplicate", "flip", "insert"))
            if kind == "delete":
                del raw[at : at + span]
            elif kind == "duplicate":
                raw[at:at] = raw[at : at + span]
            elif kind == "flip":
                raw[at] = rng.randrange(256)
            else:
                raw[at:at] = rng.choice((b"<", b">", b"&", b"</E1MARAM>", b"<![CDATA[", b"\xc3"))
        bodies.append(bytes(raw))
    return bodies


async def test_mutated_idocs_are_refused_or_processed_whole(
    reliable_stack: Supervisor, gateway: str
) -> None:
    token = _sap_token(gateway)
    organization_id = str(harness.claims(token)["org"])
    await _map_the_fixtures_codes(gateway, harness.claims(token)["plants"])
    count = 300 if harness.full() else 40
    answered: dict[int, int] = {}
    accepted: list[str] = []
    conn = await harness.owner_connection(reliable_stack.stack)
    try:
        before = await _counts(conn, organization_id)
    finally:
        await conn.close()
    async with httpx.AsyncClient(
        base_url=gateway, headers={"Authorization": f"Bearer {token}"}, timeout=ANSWER_WITHIN
    ) as client:
        for body in _mutations(count, seed=11):
            response, _took = await _post(client, body)
            answered[response.status_code] = answered.get(response.status_code, 0) + 1
            assert response.status_code < 500, response.text
            if response.status_code in (200, 202):
                accepted.append(response.json()["id"])
            else:
                assert _is_problem(response), response.text[:500]
        # An accepted message is processed by a job: it ends processed or failed, never
        # half way (its changes commit with its status).
        settled = [await _settled(client, message_id) for message_id in accepted]
    assert set(settled) <= {"processed", "failed"}, settled
    conn = await harness.owner_connection(reliable_stack.stack)
    try:
        after = await _counts(conn, organization_id)
    finally:
        await conn.close()
    # Each accepted message is one stored row; a failed one wrote nothing else, so new
    # materials come only from processed ones (one each at most).
    assert after["sap_messages"] - before["sap_messages"] == len(accepted)
    assert after["materials"] - before["materials"] <= settled.count("processed")
    record(
        "IDoc fuzz: mutations",
        f"{count} sent, answers {dict(sorted(answered.items()))}; accepted ones"
        f" {settled.count('processed')} processed, {settled.count('failed')} failed",
    )


async def _map_the_fixtures_codes(gateway: str, plants: object) -> None:
    """SAP plant 1021 and material type YQFP, so an intact IDoc is processed."""
    assert isinstance(plants, list) and plants
    admin = {"Authorization": f"Bearer {harness.password_token(gateway, 'admin@globex.test')}"}
    base = f"{gateway}/api/inventory/admin/sap"
    async with httpx.AsyncClient(headers=admin, timeout=30) as client:
        mapped = await client.put(f"{base}/plants/1021", json={"plant_id": str(plants[0])})
        assert mapped.status_code == 200, mapped.text
        mapped = await client.put(f"{base}/codes/material_type/YQFP", json={"code": "finished"})
        assert mapped.status_code == 200, mapped.text


async def _settled(client: httpx.AsyncClient, message_id: str) -> str:
    for _ in range(300):
        response = await client.get(f"/api/inventory/sap/messages/{message_id}")
        status = str(response.json()["status"])
        if status in ("processed", "failed"):
            return status
        await asyncio.sleep(0.2)
    return status
