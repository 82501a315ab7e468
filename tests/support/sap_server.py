"""A stand-in for an S/4HANA system: a real HTTP server on a loopback port.

It serves what Unison calls, the way SAP Gateway behaves:

- API_MATERIAL_DOCUMENT_SRV: a POST of A_MaterialDocumentHeader (deep insert of its
  items) needs a CSRF token fetched with ``x-csrf-token: Fetch`` in the same session
  (cookie); without it the answer is 403 with ``x-csrf-token: Required``. Every property
  name and value is checked against the service's EDMX (type, length, precision, scale,
  creatable), then a few of SAP's own rules (movement type against GoodsMovementCode,
  production order, receiving location, units it knows). Documents can be read back by
  ``$filter=ReferenceDocument eq '...'``.
- API_PRODUCTION_ORDER_2_SRV: reads of A_ProductionOrder_2 with ``$expand``; the orders
  are seeded by the test and checked against the EDMX too.
- An OAuth 2.0 token endpoint (client credentials) and HTTP basic authentication.

Tests steer failures: the next N requests answer 503 (or another status), or 400 with
an SAP error, or a POST is committed but answered too late (a timeout).
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.support.edmx import Edmx

FIXTURES = Path(__file__).resolve().parent.parent / "inventory" / "fixtures" / "sap"
SERVICES = "/sap/opu/odata/sap"
DOCUMENTS = "API_MATERIAL_DOCUMENT_SRV"
ORDERS = "API_PRODUCTION_ORDER_2_SRV"
# Credentials of the stand-in's API user and OAuth client.
USERNAME = "UNISON_RFC"
PASSWORD = "Welcome-2-S4"
CLIENT_ID = "unison-integration"
CLIENT_SECRET = "oauth-secret"
_KEY = re.compile(r"^A_ProductionOrder_2\('([^']*)'\)$")
_FILTER = re.compile(r"^ReferenceDocument eq '([^']*)'$")
# GoodsMovementCode and the movement types it allows (those Unison sends, and a few more).
_TYPES_BY_CODE = {
    "01": {"101", "102", "161"},
    "02": {"101", "102"},
    "03": {"201", "202", "261", "262", "551", "552"},
    "04": {"301", "302", "311", "312"},
    "05": {"501", "502", "561", "562"},
    "06": set(),
    "07": {"110"},
}
_ORDER_TYPES = {"101", "102", "261", "262"}
# Units as the API takes them: the commercial codes of logon language EN.
_UNITS_EN = {
    "EA",
    "PC",
    "PR",
    "KG",
    "G",
    "MG",
    "TO",
    "LB",
    "M",
    "MM",
    "CM",
    "KM",
    "IN",
    "FT",
    "M2",
    "CM2",
    "L",
    "ML",
    "M3",
    "GAL",
    "S",
    "MIN",
    "HR",
    "DAY",
    "BOX",
    "BAG",
    "CAN",
    "DR",
    "ROL",
    "PAL",
}


def sap_error(status: int, code: str, message: str) -> web.Response:
    body = {
        "error": {
            "code": code,
            "message": {"lang": "en", "value": message},
            "innererror": {
                "errordetails": [{"code": code, "message": message, "severity": "error"}]
            },
        }
    }
    return web.json_response(body, status=status)


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class _Failure:
    method: str
    status: int
    code: str
    message: str


class SapStandIn:
    """Start with ``async with SapStandIn() as sap:``; ``sap.url`` is its base URL."""

    def __init__(
        self,
        *,
        sap_client: str = "200",
        username: str = USERNAME,
        password: str = PASSWORD,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
        fixtures: Path = FIXTURES,
    ) -> None:
        self.sap_client = sap_client
        self.username, self.password = username, password
        self.client_id, self.client_secret = client_id, client_secret
        self.edmx = {
            DOCUMENTS: Edmx(fixtures / f"{DOCUMENTS}.edmx"),
            ORDERS: Edmx(fixtures / f"{ORDERS}.edmx"),
        }
        self.documents: list[dict[str, Any]] = []
        self.orders: dict[str, dict[str, Any]] = {}
        self.requests: list[Recorded] = []
        self.bearer_tokens: set[str] = set()
        self._csrf: dict[str, str] = {}  # session id -> token
        self._failures: list[_Failure] = []
        self._slow: list[float] = []
        self._expire_next = False
        self._runner: web.AppRunner | None = None
        self.url = ""

    # ------------------------------------------------------------------ steering

    def fail_next(self, count: int = 1, status: int = 503, method: str = "POST") -> None:
        """The next ``count`` requests with ``method`` to a service answer ``status``."""
        message = "Service unavailable" if status >= 500 else "Request refused"
        self._failures += [_Failure(method, status, "/IWFND/CM_BEC/026", message)] * count

    def refuse_next(self, code: str, message: str, status: int = 400) -> None:
        """The next POST is refused with an SAP application error."""
        self._failures.append(_Failure("POST", status, code, message))

    def answer_late(self, seconds: float) -> None:
        """The next POST is posted, but answered only after ``seconds``."""
        self._slow.append(seconds)

    def expire_csrf_tokens(self) -> None:
        """Every token fetched so far is void (a session that timed out)."""
        self._csrf.clear()

    def expire_next_token(self) -> None:
        """The next POST finds its (just fetched) token expired."""
        self._expire_next = True

    def add_order(self, order: dict[str, Any]) -> None:
        """Seed an A_ProductionOrder_2 entity (navigations as lists); refused unless the
        EDMX knows every property, so test data looks like what S/4 returns."""
        problems = self.edmx[ORDERS].errors("A_ProductionOrder_2Type", order, creating=False)
        if problems:
            raise ValueError("; ".join(problems))
        self.orders[str(order["ManufacturingOrder"])] = order

    def posts(self) -> Iterator[Recorded]:
        return (r for r in self.requests if r.method == "POST" and DOCUMENTS in r.path)

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> SapStandIn:
        app = web.Application()
        app.router.add_post("/oauth/token", self._token)
        app.router.add_route("*", SERVICES + "/{service}/{resource:.*}", self._service)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ------------------------------------------------------------------ endpoints

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        expected = f"{self.client_id}:{self.client_secret}"
        if _basic(request) != expected:
            return web.json_response({"error": "invalid_client"}, status=401)
        token = secrets.token_urlsafe(24)
        self.bearer_tokens.add(token)
        return web.json_response(
            {"access_token": token, "token_type": "bearer", "expires_in": 3600}
        )

    async def _service(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append(
            Recorded(request.method, request.path, dict(request.query), dict(request.headers), body)
        )
        if not self._authenticated(request):
            return web.Response(
                status=401, text="Logon failed", headers={"WWW-Authenticate": 'Basic realm="SAP"'}
            )
        if request.query.get("sap-client", self.sap_client) != self.sap_client:
            return web.Response(status=401, text=f"Client {request.query['sap-client']} unknown")
        service = request.match_info["service"]
        if service not in self.edmx:
            return sap_error(404, "/IWFND/MED/170", f"No service found for namespace {service}")
        failure = self._failure_for(request.method)
        if failure is not None:
            return sap_error(failure.status, failure.code, failure.message)
        resource = request.match_info["resource"]
        if request.method == "GET":
            return self._read(request, service, resource)
        if request.method == "POST" and service == DOCUMENTS:
            return await self._create(request, resource, body)
        return sap_error(405, "/IWBEP/CM_MGW_RT/021", f"{request.method} is not allowed here")

    def _authenticated(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            return header.removeprefix("Bearer ") in self.bearer_tokens
        return _basic(request) == f"{self.username}:{self.password}"

    def _failure_for(self, method: str) -> _Failure | None:
        for index, failure in enumerate(self._failures):
            if failure.method == method:
                return self._failures.pop(index)
        return None

    def _read(self, request: web.Request, service: str, resource: str) -> web.Response:
        headers: dict[str, str] = {}
        if request.headers.get("x-csrf-token", "").lower() == "fetch":
            session = request.cookies.get(self._session_cookie()) or secrets.token_hex(16)
            self._csrf[session] = secrets.token_urlsafe(18)
            headers["x-csrf-token"] = self._csrf[session]
            response = web.json_response({"d": {"EntitySets": sorted(self.edmx[service].sets)}})
            response.set_cookie(self._session_cookie(), session, path="/", httponly=True)
            response.set_cookie("sap-usercontext", f"sap-client={self.sap_client}", path="/")
            response.headers.update(headers)
            return response
        if resource == "$metadata":
            return web.Response(
                body=self.edmx[service].path.read_bytes(), content_type="application/xml"
            )
        if service == ORDERS:
            return self._order(request, resource)
        if resource == "A_MaterialDocumentHeader":
            return self._find_documents(request)
        if resource == "":
            return web.json_response({"d": {"EntitySets": sorted(self.edmx[service].sets)}})
        return sap_error(
            404, "/IWBEP/CM_MGW_RT/020", f"Resource not found for segment '{resource}'"
        )

    def _session_cookie(self) -> str:
        return f"SAP_SESSIONID_S4D_{self.sap_client}"

    def _order(self, request: web.Request, resource: str) -> web.Response:
        match = _KEY.match(resource)
        if match is None:
            return sap_error(400, "/IWBEP/CM_MGW_RT/000", f"Invalid key in '{resource}'")
        order = self.orders.get(match.group(1))
        if order is None:
            return sap_error(
                404,
                "/IWBEP/CM_MGW_RT/020",
                "Resource not found for segment 'A_ProductionOrder_2Type'",
            )
        navigations = self.edmx[ORDERS].types["A_ProductionOrder_2Type"].navigations
        expand = [n for n in request.query.get("$expand", "").split(",") if n]
        unknown = [n for n in expand if n not in navigations]
        if unknown:
            return sap_error(400, "/IWBEP/CM_MGW_RT/000", f"Property '{unknown[0]}' is invalid")
        entity: dict[str, Any] = {}
        for name, value in order.items():
            if name in navigations:
                if name in expand:
                    entity[name] = {"results": value}
            else:
                entity[name] = value
        for name in navigations:
            if name not in expand:
                entity[name] = {"__deferred": {"uri": f"{self.url}{request.path}/{name}"}}
        return web.json_response({"d": entity})

    def _find_documents(self, request: web.Request) -> web.Response:
        match = _FILTER.match(request.query.get("$filter", ""))
        if match is None:
            return sap_error(400, "/IWBEP/CM_MGW_RT/000", "Only ReferenceDocument eq '...'")
        found = [d for d in self.documents if d.get("ReferenceDocument") == match.group(1)]
        top = int(request.query.get("$top", len(found) or 1))
        return web.json_response({"d": {"results": found[:top]}})

    async def _create(self, request: web.Request, resource: str, body: bytes) -> web.Response:
        session = request.cookies.get(self._session_cookie(), "")
        token = request.headers.get("x-csrf-token", "")
        if self._expire_next:
            self._expire_next = False
            self._csrf.pop(session, None)
        if not token or self._csrf.get(session) != token:
            return web.Response(
                status=403,
                text="CSRF token validation failed",
                headers={"x-csrf-token": "Required"},
            )
        if resource != "A_MaterialDocumentHeader":
            return sap_error(405, "/IWBEP/CM_MGW_RT/021", f"{resource} cannot be created")
        try:
            document = json.loads(body)
        except ValueError as exc:
            return sap_error(400, "/IWBEP/CM_MGW_RT/000", f"Malformed JSON: {exc}")
        problems = self.edmx[DOCUMENTS].errors(
            "A_MaterialDocumentHeaderType", document, creating=True
        )
        problems = problems or _business_errors(document)
        if problems:
            return sap_error(400, "/IWBEP/CM_MGW_RT/000", "; ".join(problems))
        created = self._post_document(document)
        if self._slow:
            await asyncio.sleep(self._slow.pop(0))
        key = (
            f"MaterialDocumentYear='{created['MaterialDocumentYear']}',"
            f"MaterialDocument='{created['MaterialDocument']}'"
        )
        location = f"{self.url}{SERVICES}/{DOCUMENTS}/A_MaterialDocumentHeader({key})"
        return web.json_response({"d": created}, status=201, headers={"Location": location})

    def _post_document(self, document: dict[str, Any]) -> dict[str, Any]:
        number = f"49{len(self.documents) + 1:08d}"
        year = str(_year(document.get("PostingDate")))
        items = document.get("to_MaterialDocumentItem", [])
        items = items.get("results", []) if isinstance(items, dict) else items
        created = {
            **{k: v for k, v in document.items() if k != "to_MaterialDocumentItem"},
            "MaterialDocument": number,
            "MaterialDocumentYear": year,
            "to_MaterialDocumentItem": {
                "results": [
                    {
                        **item,
                        "MaterialDocument": number,
                        "MaterialDocumentYear": year,
                        "MaterialDocumentItem": str(index + 1),
                    }
                    for index, item in enumerate(items)
                ]
            },
        }
        self.documents.append(created)
        return created


def _basic(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return ""
    try:
        return base64.b64decode(header.removeprefix("Basic ")).decode()
    except ValueError:
        return ""


def _year(posting_date: Any) -> int:
    match = re.match(r"^/Date\((-?\d+)\)/$", str(posting_date or ""))
    millis = int(match.group(1)) if match else 0
    return datetime.fromtimestamp(millis / 1000, UTC).year


def _business_errors(document: dict[str, Any]) -> list[str]:
    """A few of SAP's own checks, as MIGO would apply them."""
    code = document.get("GoodsMovementCode")
    if code not in _TYPES_BY_CODE:
        return [f"GoodsMovementCode {code!r} is not valid"]
    items = document.get("to_MaterialDocumentItem")
    items = items.get("results") if isinstance(items, dict) else items
    if not items:
        return ["Enter at least one item"]
    problems = []
    for index, item in enumerate(items):
        at = f"item {index + 1}"
        for name in (
            "Material",
            "Plant",
            "StorageLocation",
            "GoodsMovementType",
            "QuantityInEntryUnit",
            "EntryUnit",
        ):
            if not item.get(name):
                problems.append(f"{at}: {name} is required")
        movement = item.get("GoodsMovementType")
        if movement not in _TYPES_BY_CODE[code]:
            problems.append(f"{at}: movement type {movement} is not allowed with code {code}")
        if movement in _ORDER_TYPES and not item.get("ManufacturingOrder"):
            problems.append(f"{at}: enter the order for movement type {movement}")
        if movement in ("311", "312") and not item.get("IssuingOrReceivingStorageLoc"):
            problems.append(f"{at}: enter the receiving storage location")
        unit = item.get("EntryUnit")
        if unit and unit not in _UNITS_EN:
            problems.append(f"Unit {unit} is not created in language EN")
    return problems
