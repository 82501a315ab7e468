"""The test stack's object store: the real SeaweedFS, started the way ``./dev up`` starts
it (the supervisor's ``objects`` process), kept running across the session and started
again if a suite stopped it (the e2e package stops its whole stack when done)."""

from __future__ import annotations

import time

import httpx

from unison_objects import ObjectStoreSettings
from unison_stack import objects
from unison_stack.stack import Stack
from unison_stack.supervisor import Supervisor


def settings_of(stack: Stack) -> ObjectStoreSettings:
    env = objects.service_env(stack)
    return ObjectStoreSettings(
        endpoint=env["UNISON_S3_ENDPOINT"],
        access_key=env["UNISON_S3_ACCESS_KEY"],
        secret_key=env["UNISON_S3_SECRET_KEY"],
        bucket=env["UNISON_S3_BUCKET"],
    )


def ensure_running(stack: Stack, timeout: float = 60.0) -> None:
    supervisor = Supervisor(stack)
    spec = next(s for s in supervisor.specs if s.name == "objects")
    if supervisor.pid_of(spec) is None:
        supervisor.start(spec)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if supervisor.pid_of(spec) is None:
            raise RuntimeError(f"SeaweedFS exited; see {stack.paths.logs / 'objects.log'}")
        try:
            if httpx.get(spec.ready_url, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"SeaweedFS not ready in {timeout} s; see {stack.paths.logs}")
