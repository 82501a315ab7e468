"""The reliability suite's own Unison: a cluster and every process, on ports of its own.

Faults here kill PostgreSQL and processes, so the suite never shares the test cluster or
the end-to-end stack: it runs on ``.data/reliability`` (PostgreSQL 55436, gateway 23000,
services 23101.., each moved by ``UNISON_TEST_PORT_OFFSET``).

``UNISON_RELIABILITY=full`` (what ``./dev reliability`` sets) runs every part longer and
with more examples; the quick form is what ``./dev test`` and CI run.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import json
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from unison_stack.demo import seed
from unison_stack.paths import ROOT, StatePaths
from unison_stack.stack import TEST_PORT_OFFSET, Ports, Stack
from unison_stack.supervisor import ProcessSpec, Supervisor

DEMO_PASSWORD = "unison-demo"
ADMIN = "admin@acme.test"
RELIABILITY_PORTS = Ports(
    postgres=55436 + TEST_PORT_OFFSET,
    # Below Linux's ephemeral range (32768-60999): at 38000 a client's outgoing port left
    # in TIME-WAIT once took the object store's 38304 as the next run started.
    gateway=23000 + TEST_PORT_OFFSET,
    first_service=23101 + TEST_PORT_OFFSET,
)
# The processes' own settings for this stack: tokens that outlive a long fuzz run, and a
# login limit per address that thousands of fuzzed bad logins from 127.0.0.1 do not reach
# (the limit itself is tested in tests/gateway).
STACK_ENV = {
    "UNISON_ACCESS_TOKEN_TTL": "7200",
    "UNISON_LOGIN_MAX_FAILURES_PER_ADDRESS": "1000000",
    "UNISON_LOGIN_MAX_FAILURES": "1000000",
    # A message whose worker was killed mid-handler comes back after this (default 30 s).
    "UNISON_EVENT_VISIBILITY_TIMEOUT": "5",
}


def full() -> bool:
    return os.environ.get("UNISON_RELIABILITY", "quick") == "full"


def reliability_stack() -> Stack:
    return Stack(StatePaths(ROOT / ".data" / "reliability"), RELIABILITY_PORTS, fast=True)


def supervisor_for(stack: Stack) -> Supervisor:
    supervisor = Supervisor(stack)
    supervisor.specs = [
        dataclasses.replace(spec, env={**spec.env, **STACK_ENV}) for spec in supervisor.specs
    ]
    return supervisor


def start(stack: Stack) -> Supervisor:
    """A fresh cluster with the demo data and every process answering ready."""
    supervisor = supervisor_for(stack)
    supervisor.stop_all()  # leftovers of an interrupted run
    stack.cluster.destroy()
    asyncio.run(stack.prepare_database())
    asyncio.run(seed(stack.owner_dsn))
    supervisor.start_all()
    state = asyncio.run(supervisor.wait_ready(timeout=180))
    if not all(state.values()):
        supervisor.stop_all()
        raise RuntimeError(f"reliability stack not ready: {state}; logs in {stack.paths.logs}")
    return supervisor


def stop(stack: Stack, supervisor: Supervisor) -> None:
    supervisor.stop_all()
    stack.cluster.destroy()


def spec(supervisor: Supervisor, name: str) -> ProcessSpec:
    return next(s for s in supervisor.specs if s.name == name)


def gateway_url(supervisor: Supervisor) -> str:
    return f"http://127.0.0.1:{supervisor.stack.ports.gateway}"


def password_token(gateway: str, email: str = ADMIN) -> str:
    response = httpx.post(
        f"{gateway}/auth/token",
        data={"grant_type": "password", "username": email, "password": DEMO_PASSWORD},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


@dataclass(frozen=True)
class Exit:
    """How a process ended after a signal: its exit status and how long it took."""

    name: str
    code: int | None  # None: still running when we gave up
    seconds: float


@dataclass(frozen=True)
class Signalled:
    name: str
    pid: int
    sent: float  # time.monotonic() when the signal went out


def send(supervisor: Supervisor, name: str, sig: signal.Signals) -> Signalled:
    """Signal one process; the supervisor started it as our child, so its exit status can
    be read (``wait_exit``)."""
    pid = supervisor.pid_of(spec(supervisor, name))
    assert pid is not None, f"{name} is not running"
    os.kill(pid, sig)
    return Signalled(name, pid, time.monotonic())


def alive(signalled: Signalled) -> bool:
    try:
        return os.waitpid(signalled.pid, os.WNOHANG)[0] == 0
    except ChildProcessError:
        return False


async def wait_exit(supervisor: Supervisor, signalled: Signalled, *, timeout: float) -> Exit:
    """The exit status once the process ends, or code None after ``timeout`` seconds."""
    deadline = signalled.sent + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(signalled.pid, os.WNOHANG)  # noqa: ASYNC222 - never blocks
        if done == signalled.pid:
            with contextlib.suppress(FileNotFoundError):
                (supervisor.stack.paths.run / f"{signalled.name}.pid").unlink()
            seconds = time.monotonic() - signalled.sent
            return Exit(signalled.name, os.waitstatus_to_exitcode(status), seconds)
        await asyncio.sleep(0.05)
    return Exit(signalled.name, None, time.monotonic() - signalled.sent)


async def restart(supervisor: Supervisor, names: list[str], *, timeout: float = 120) -> None:
    """Start the processes again (stopped ones only) and wait until each answers ready."""
    for name in names:
        supervisor.start(spec(supervisor, name))
    for name in names:
        seconds = await wait_ready(spec(supervisor, name).ready_url, timeout=timeout)
        assert seconds is not None, f"{name} not ready again; see {supervisor.stack.paths.logs}"


async def wait_ready(url: str, *, timeout: float) -> float | None:
    """Seconds until ``url`` answers 200, or None if it did not within ``timeout``."""
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=2.0) as client:
        while time.monotonic() - started < timeout:
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(url)).status_code == 200:
                    return time.monotonic() - started
            await asyncio.sleep(0.1)
    return None


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def owner_connection(stack: Stack) -> asyncpg.Connection:
    return await asyncpg.connect(stack.owner_dsn)


def claims(token: str) -> dict[str, object]:
    """The token's claims, unverified: the test only reads what the gateway issued it."""
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))
