"""What schemathesis found, each pinned where it was fixed (no stack needed)."""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Any

import msgspec
from litestar import Litestar, get
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.params import QueryParameter
from litestar.testing import TestClient

from gateway.proxy.forward import UPSTREAM_KEEPALIVE_SECONDS
from gateway.tokens.routes import auth_router
from inventory.routes import delete_alternative_unit
from unison_pg import Database
from unison_web import ServiceApp, create_app
from unison_web.errors import EXCEPTION_HANDLERS, PROBLEM
from unison_web.openapi_types import TIME_OF_DAY
from unison_web.problem_docs import ProblemDocumentingJson
from unison_web.serve import KEEP_ALIVE_SECONDS


class Shift(msgspec.Struct):
    start: time
    end: time | None = None


@get("/shift", sync_to_thread=False)
def shift() -> Shift:
    return Shift(start=time(6), end=time(14))


def _document(app: Litestar) -> dict[str, Any]:
    return app.openapi_schema.to_schema()


def _documented(*handlers: Any, needs: tuple[str, ...]) -> dict[str, Any]:
    """The document of ``handlers`` alone; their dependencies are never called."""
    # One function per key: Litestar refuses one provider under two names.
    stand_ins = {name: Provide(lambda: None, sync_to_thread=False) for name in needs}
    return _document(Litestar(route_handlers=list(handlers), dependencies=stand_ins))


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def test_a_time_of_day_is_documented_as_what_msgspec_writes_not_as_a_duration() -> None:
    app = create_app(ServiceApp("doc", Database("postgresql:///unused"), [shift]))
    document = _document(app)
    content = document["paths"]["/shift"]["get"]["responses"]["200"]["content"]
    properties = _resolve(document, content["application/json"]["schema"])["properties"]
    assert properties["start"]["pattern"] == TIME_OF_DAY
    assert "duration" not in str(properties)
    written = msgspec.json.decode(msgspec.json.encode(Shift(start=time(6, 30))))
    assert re.match(TIME_OF_DAY, written["start"])


def test_the_token_and_key_set_endpoints_document_json_objects() -> None:
    document = _documented(auth_router, needs=("tokens", "keyring"))
    for path in ("/auth/token", "/auth/jwks.json"):
        operation = next(iter(document["paths"][path].values()))
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert _resolve(document, schema)["type"] == "object", path


def test_deleting_an_alternative_unit_documents_an_empty_204() -> None:
    document = _documented(delete_alternative_unit, needs=("db", "caller"))
    (operation,) = (op for path in document["paths"].values() for op in path.values())
    assert "content" not in operation["responses"]["204"]


@get("/count", sync_to_thread=False)
def count(limit: Annotated[int, QueryParameter()]) -> int:
    return limit


def test_a_malformed_request_is_documented_and_answered_as_problem_json() -> None:
    app = Litestar(
        route_handlers=[count],
        exception_handlers=dict(EXCEPTION_HANDLERS),
        openapi_config=OpenAPIConfig(
            title="t", version="1", path="/schema", render_plugins=[ProblemDocumentingJson()]
        ),
    )
    with TestClient(app) as client:
        document = client.get("/schema/openapi.json").json()
        answer = client.get("/count", params={"limit": "many"})
    content = document["paths"]["/count"]["get"]["responses"]["400"]["content"]
    assert list(content) == [PROBLEM]
    schema = _resolve(document, content[PROBLEM]["schema"])
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith(PROBLEM)
    body = answer.json()
    assert set(schema["required"]) <= set(body) <= set(schema["properties"])
    assert body["status"] == 400


def test_services_keep_idle_connections_longer_than_the_gateway_reuses_them() -> None:
    """Else the gateway reuses a connection the service is closing: a reset, and a 502
    (schemathesis met one)."""
    assert KEEP_ALIVE_SECONDS > UPSTREAM_KEEPALIVE_SECONDS
