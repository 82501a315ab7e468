"""The whole system as real processes on loopback: gateway, six services, six workers.

Started once for this package on the test ports (gateway 18000) against the throwaway
test cluster, with the demo data loaded; stopped with SIGTERM when the package's last test
is done. Not at the end of the session: the stack's workers consume the same queues as the
suites that follow (inventory's events, quality's jobs), and a second consumer there would
take their messages from under them.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from unison_stack.demo import seed
from unison_stack.stack import Stack
from unison_stack.supervisor import Supervisor

DEMO_PASSWORD = "unison-demo"


@pytest.fixture(scope="package")
def running_stack(stack: Stack) -> Iterator[Supervisor]:
    # Dead-letter after two failed reads (instead of five) so the ops tests need not wait.
    os.environ["UNISON_EVENT_MAX_READS"] = "2"
    asyncio.run(seed(stack.owner_dsn))
    supervisor = Supervisor(stack)
    supervisor.stop_all()  # leftovers of an interrupted run
    supervisor.start_all()
    try:
        state = asyncio.run(supervisor.wait_ready(timeout=120))
        if not all(state.values()):
            pytest.fail(f"stack not ready: {state}; logs in {stack.paths.logs}")
        yield supervisor
    finally:
        supervisor.stop_all()


@pytest.fixture(scope="package")
def gateway_url(running_stack: Supervisor) -> str:
    return f"http://127.0.0.1:{running_stack.stack.ports.gateway}"


@pytest.fixture(scope="package")
def service_url(running_stack: Supervisor) -> Any:
    def url(name: str) -> str:
        spec = next(s for s in running_stack.specs if s.name == name)
        return f"http://127.0.0.1:{spec.port}"

    return url


@pytest.fixture
async def http(gateway_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as client:
        yield client


async def password_token(client: httpx.AsyncClient, email: str) -> str:
    response = await client.post(
        "/auth/token",
        data={"grant_type": "password", "username": email, "password": DEMO_PASSWORD},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.fixture
async def tokens(http: httpx.AsyncClient) -> dict[str, str]:
    """Access tokens of a few demo users, by e-mail."""
    emails = ["admin@acme.test", "admin@globex.test", "viewer@acme.test", "planner@acme.test"]
    values = await asyncio.gather(*(password_token(http, e) for e in emails))
    return dict(zip(emails, values, strict=True))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
