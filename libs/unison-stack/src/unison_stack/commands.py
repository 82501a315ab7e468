"""``up``, ``down``, ``status`` and ``seed``: what ``./dev`` runs."""

from __future__ import annotations

import asyncio
import sys

from unison_stack.stack import Stack
from unison_stack.supervisor import Supervisor

DEMO_PASSWORD = "unison-demo"  # noqa: S105 - the published demo login, never a secret
DEMO_ROLES = ("admin", "planner", "operator", "quality_engineer", "maintenance_tech", "viewer")


def up(stack: Stack) -> int:
    from unison_stack.demo import seed  # imports every seeder: only when seeding

    asyncio.run(stack.prepare_database())
    orgs = asyncio.run(seed(stack.owner_dsn))
    supervisor = Supervisor(stack)
    supervisor.start_all()
    state = asyncio.run(supervisor.wait_ready())
    if not all(state.values()):
        waiting = ", ".join(name for name, ok in state.items() if not ok)
        print(f"not ready in time: {waiting}; logs in {stack.paths.logs}", file=sys.stderr)
        return 1
    _print_banner(stack, supervisor, [o.slug for o in orgs])
    return 0


def _print_banner(stack: Stack, supervisor: Supervisor, slugs: list[str]) -> None:
    gateway = f"http://127.0.0.1:{stack.ports.gateway}"
    where = "embedded cluster" if stack.embedded else "DATABASE_URL"
    lines = [
        "",
        "Unison is up.",
        f"  gateway        {gateway}",
        f"  readiness      {gateway}/ready",
        f"  OpenAPI        {gateway}/schema/openapi.json",
        f"  token          POST {gateway}/auth/token   (grant_type=password | client_credentials)",
        f"  database       127.0.0.1:{stack.ports.postgres}/{stack.database} ({where})",
    ]
    for spec in supervisor.specs:
        if spec.name != "gateway":
            lines.append(f"  {spec.name:<18} http://127.0.0.1:{spec.port}")
    lines.append(f"  logs           {stack.paths.logs}")
    lines.append("")
    lines.append(f"Demo logins (password {DEMO_PASSWORD}):")
    for slug in slugs:
        users = ", ".join(f"{role}@{slug}.test" for role in DEMO_ROLES)
        lines.append(f"  {slug}: {users}")
        lines.append(f"  {slug}: API client sap-{slug} (secret {DEMO_PASSWORD}, role integration)")
    print("\n".join(lines))


def down(stack: Stack) -> int:
    Supervisor(stack).stop_all()
    if stack.embedded:
        stack.cluster.stop()
    print("Unison is down.")
    return 0


def status(stack: Stack) -> int:
    supervisor = Supervisor(stack)
    for spec in supervisor.specs:
        pid = supervisor.pid_of(spec)
        print(f"{spec.name:<20} {'running pid ' + str(pid) if pid else 'stopped'}")
    print(f"{'postgres':<20} {'running' if stack.cluster.running() else 'stopped'}")
    return 0
