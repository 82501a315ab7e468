"""Start, watch and stop the processes of one stack on loopback.

Each process gets its own log file under ``logs/`` and a pid file under ``run/``; a
process whose pid file points at a live process is left alone, so ``up`` twice is harmless.
Stopping sends SIGTERM to every process group and waits for graceful shutdown before
resorting to SIGKILL.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import structlog

from unison_stack import objects
from unison_stack.paths import ROOT
from unison_stack.roles import SERVICES
from unison_stack.stack import Stack

log = structlog.get_logger("unison_stack.supervisor")


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    module: str
    port: int
    env: dict[str, str] = field(default_factory=dict)
    # A program that is not one of ours (the object store): its command, how it says it
    # is ready, and what to write before it starts.
    argv: tuple[str, ...] = ()
    ready_path: str = "/ready"
    prepare: Callable[[], object] | None = None

    @property
    def ready_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.ready_path}"


def object_store_spec(stack: Stack) -> ProcessSpec:
    """SeaweedFS with its S3 gateway (``objects.py``); ready when the gateway answers."""
    return ProcessSpec(
        "objects",
        "weed",
        objects.s3_port(stack),
        argv=tuple(objects.command(stack)),
        env=objects.process_env(),
        ready_path="/healthz",
        prepare=lambda: objects.write_config(stack),
    )


def process_specs(stack: Stack) -> list[ProcessSpec]:
    """Services and workers first, the gateway last (its readiness depends on them)."""
    gateway = f"http://127.0.0.1:{stack.ports.gateway}"
    common = {
        "UNISON_JWKS_URL": f"{gateway}/auth/jwks.json",
        "UNISON_GATEWAY_URL": gateway,
        "UNISON_LOG_LEVEL": "INFO",
    }
    specs: list[ProcessSpec] = []
    if objects.external_endpoint() is None:
        specs.append(object_store_spec(stack))
    for offset, service in enumerate(SERVICES):
        dsn = stack.role_dsn(f"unison_{service}")
        port = stack.ports.first_service + offset
        specs.append(
            ProcessSpec(
                service,
                service,
                port,
                {
                    **common,
                    **objects.service_env(stack),
                    "UNISON_DATABASE_URL": dsn,
                    "UNISON_HTTP_PORT": str(port),
                },
            )
        )
        worker_env = {
            **common,
            **objects.service_env(stack),
            "UNISON_DATABASE_URL": dsn,
            "UNISON_HTTP_PORT": str(port + 100),
        }
        if service in stack.service_secrets:
            # Its jobs read the other services for an organization (the service grant).
            worker_env["UNISON_SERVICE_SECRET"] = stack.service_secrets[service]
        specs.append(ProcessSpec(f"{service}-worker", f"{service}.worker", port + 100, worker_env))
    service_urls = ",".join(
        f"{s.name}=http://127.0.0.1:{s.port}"
        for s in specs
        if not s.name.endswith("-worker") and not s.argv
    )
    # The object store too: the gateway is not ready while files cannot be kept.
    ready_urls = ",".join(f"{s.name}={s.ready_url}" for s in specs)
    specs.append(
        ProcessSpec(
            "gateway",
            "gateway",
            stack.ports.gateway,
            {
                **common,
                "UNISON_DATABASE_URL": stack.role_dsn("unison_gateway"),
                "UNISON_HTTP_PORT": str(stack.ports.gateway),
                "UNISON_SERVICE_URLS": service_urls,
                "UNISON_READY_URLS": ready_urls,
                "UNISON_SERVICE_SECRETS": ",".join(
                    f"{name}={secret}" for name, secret in sorted(stack.service_secrets.items())
                ),
            },
        )
    )
    return specs


def _pid_alive(pid: int) -> bool:
    try:
        # Reap it if it is our own child that already exited (the test fixture's case).
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Supervisor:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.specs = process_specs(stack)

    def _pid_file(self, spec: ProcessSpec) -> os.PathLike[str]:
        return self.stack.paths.run / f"{spec.name}.pid"

    def pid_of(self, spec: ProcessSpec) -> int | None:
        path = self._pid_file(spec)
        try:
            pid = int(open(path).read().strip())  # noqa: SIM115
        except (FileNotFoundError, ValueError):
            return None
        return pid if _pid_alive(pid) else None

    def start(self, spec: ProcessSpec) -> None:
        if self.pid_of(spec) is not None:
            return
        self.stack.paths.make()
        if spec.prepare is not None:
            spec.prepare()
        log_path = self.stack.paths.logs / f"{spec.name}.log"
        env = {**os.environ, **spec.env, "PYTHONUNBUFFERED": "1"}
        env.pop("DATABASE_URL", None)
        with open(log_path, "ab") as out:
            proc = subprocess.Popen(
                list(spec.argv) or [sys.executable, "-m", spec.module],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        with open(self._pid_file(spec), "w") as pid_out:
            pid_out.write(str(proc.pid))

    def start_all(self) -> None:
        for spec in self.specs:
            self.start(spec)

    async def wait_ready(self, timeout: float = 120.0) -> dict[str, bool]:  # noqa: ASYNC109
        """Poll every process's /ready until all answer 200 or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        state = {s.name: False for s in self.specs}
        async with httpx.AsyncClient(timeout=2.0) as client:
            while time.monotonic() < deadline:
                for spec in self.specs:
                    if state[spec.name]:
                        continue
                    if self.pid_of(spec) is None:
                        log_file = self.stack.paths.logs / f"{spec.name}.log"
                        raise RuntimeError(f"{spec.name} exited; see {log_file}")
                    with contextlib.suppress(httpx.HTTPError):
                        state[spec.name] = (await client.get(spec.ready_url)).status_code == 200
                if all(state.values()):
                    return state
                await asyncio.sleep(0.3)
        return state

    def stop_all(self, timeout: float = 30.0, only: set[str] | None = None) -> None:
        """Every process (or those named in ``only``), the reverse of the start order."""
        running = [
            (s, pid)
            for s in reversed(self.specs)
            if (only is None or s.name in only) and (pid := self.pid_of(s)) is not None
        ]
        for spec, pid in running:
            try:
                os.killpg(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            log.info("process_stopping", process=spec.name, pid=pid)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(_pid_alive(pid) for _, pid in running):
            time.sleep(0.1)
        for spec, pid in running:
            if _pid_alive(pid):
                log.warning("process_killed", process=spec.name, pid=pid)
                os.killpg(pid, signal.SIGKILL)
            os.unlink(self._pid_file(spec))
