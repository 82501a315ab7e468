"""The ops page's pieces inside one real app on the real database: the ring of recent
5xx with request ids, the traffic figures, and every named query of the page prepared as
each service's own runtime role."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import asyncpg
from litestar import get
from litestar.testing import AsyncTestClient

from tests.support.tokens import TokenMinter
from unison_pg import Database
from unison_web import ServiceApp, create_app
from unison_web.ops import ops_routes
from unison_web.ops_page.data import queries
from unison_web.ops_page.layout import SERVICES
from unison_web.request_window import RequestWindow


async def test_every_named_query_of_the_page_prepares_as_each_service(
    role_dsn: Callable[[str], str],
) -> None:
    for service in SERVICES:
        conn = await asyncpg.connect(role_dsn(service))
        try:
            for _name, sql in queries(service).items():
                await conn.prepare(sql)  # a typo or a dropped column fails here
        finally:
            await conn.close()


async def test_a_server_error_is_shown_with_its_request_id_and_counts_in_the_error_rate(
    role_dsn: Callable[[str], str], minter: TokenMinter
) -> None:
    @get("/api/inventory/boom")
    async def boom() -> None:
        raise RuntimeError("a bug with a secret 1234 in its message")

    database = Database(role_dsn("inventory"), max_size=3)
    app = create_app(
        ServiceApp(
            name="inventory",
            database=database,
            route_handlers=[boom, *ops_routes("inventory", database)],
            verifier=minter.verifier(),
        )
    )
    organization = uuid.uuid4()
    admin = {"Authorization": f"Bearer {minter.mint(organization, roles=['admin'])}"}
    viewer = {"Authorization": f"Bearer {minter.mint(organization, roles=['viewer'])}"}
    async with AsyncTestClient(app) as client:
        failed = await client.get("/api/inventory/boom", headers={**admin, "X-Request-ID": "r-42"})
        assert failed.status_code == 500
        panels = await client.get("/api/inventory/admin/ops/panels", headers=admin)
        assert panels.status_code == 200
        assert panels.headers["content-type"].startswith("text/html")
        assert "script-src 'nonce-" in panels.headers["content-security-policy"]
        html = panels.text
        assert "r-42" in html and "RuntimeError" in html and "/api/inventory/boom" in html
        assert "secret 1234" not in html  # the kind of error, never its message
        refused = await client.get("/api/inventory/admin/ops", headers=viewer)
        assert refused.status_code == 403


def test_the_window_counts_requests_errors_and_percentiles() -> None:
    window = RequestWindow()
    for i in range(100):
        window.record("GET", "/x", 500 if i % 10 == 0 else 200, (i + 1) / 1000, f"r{i}")
    traffic = window.traffic()
    assert traffic.requests == 100
    assert traffic.error_rate == 0.1
    assert traffic.p50_ms is not None and 49 <= traffic.p50_ms <= 52
    assert traffic.p99_ms is not None and 98 <= traffic.p99_ms <= 100
    assert traffic.per_minute[-1] + traffic.per_minute[-2] == 100  # a minute may turn
    assert [e.request_id for e in window.errors][:2] == ["r0", "r10"]
