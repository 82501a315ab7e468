"""``./dev bench``: start a stack of its own, measure, print one table.

``--quick`` runs a smaller version of each figure; ``--json PATH`` also writes the figures.
The bench stack uses its own cluster and ports (``.data/bench``), never the ``up`` one.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from tests.bench import (
    bus,
    cache,
    http_read,
    inventory_boms,
    inventory_ledger,
    inventory_trace,
    maintenance,
    production_floor,
    production_scheduling,
    quality,
    reporting,
    reporting_exports,
    search_bench,
    search_freshness,
)
from tests.bench.references import rabbitmq_server, redis_server, rss_mb
from tests.bench.report import Figure, render, write_json
from unison_log import configure
from unison_stack.demo import seed
from unison_stack.paths import ROOT, StatePaths
from unison_stack.stack import TEST_PORT_OFFSET, Ports, Stack
from unison_stack.supervisor import Supervisor

BENCH_PORTS = Ports(
    postgres=55434 + TEST_PORT_OFFSET,
    gateway=28000 + TEST_PORT_OFFSET,
    first_service=28101 + TEST_PORT_OFFSET,
)


GROUPS = (
    "http",
    "bus",
    "cache",
    "ledger",
    "boms",
    "trace",
    "production",
    "scheduling",
    "maintenance",
    "quality",
    "search",
    "reporting",
    "reporting-exports",
)


def main(argv: list[str] | None = None) -> int:  # noqa: C901 - one branch per group
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--only",
        action="append",
        choices=GROUPS,
        help="run only these groups of figures (repeatable); all by default",
    )
    args = parser.parse_args(argv)
    wanted = set(args.only or GROUPS)
    configure("bench", "WARNING", json=False)
    stack = Stack(StatePaths(ROOT / ".data" / "bench"), BENCH_PORTS)
    asyncio.run(stack.prepare_database())
    orgs = asyncio.run(seed(stack.owner_dsn))
    supervisor = Supervisor(stack)
    supervisor.stop_all()
    supervisor.start_all()
    figures: list[Figure] = []
    try:
        state = asyncio.run(supervisor.wait_ready())
        if not all(state.values()):
            print(f"bench stack not ready: {state}", file=sys.stderr)
            return 1
        if "http" in wanted:
            figures += http_read.run(supervisor, quick=args.quick)
        if "ledger" in wanted:
            gateway = f"http://127.0.0.1:{stack.ports.gateway}"
            inventory = next(s for s in supervisor.specs if s.name == "inventory")
            direct = f"http://127.0.0.1:{inventory.port}"
            figures += inventory_ledger.run(gateway, direct, stack.owner_dsn, quick=args.quick)
        if "trace" in wanted:
            figures += inventory_trace.run(supervisor, quick=args.quick)
        base = stack.paths.base / "references"
        if "bus" in wanted:
            with rabbitmq_server(base) as rabbit_pid:
                figures += bus.run(
                    stack.owner_dsn, 25672, lambda: rss_mb(rabbit_pid), quick=args.quick
                )
        if "cache" in wanted:
            with redis_server(base) as redis_pid:
                figures += cache.run(
                    stack.role_dsn("unison_inventory"),
                    "unison_inventory",
                    26379,
                    lambda: rss_mb(redis_pid),
                    quick=args.quick,
                )
        if "boms" in wanted:
            acme = next(o for o in orgs if o.slug == "acme")
            runtime_dsn = stack.role_dsn("unison_inventory")
            figures += inventory_boms.run(
                supervisor, stack.owner_dsn, runtime_dsn, acme, quick=args.quick
            )
        if "production" in wanted:
            gateway = f"http://127.0.0.1:{stack.ports.gateway}"
            runtime_dsn = stack.role_dsn("unison_production")
            figures += production_floor.run(gateway, stack.owner_dsn, runtime_dsn, quick=args.quick)
        if "scheduling" in wanted:
            figures += production_scheduling.run(quick=args.quick)
        if "maintenance" in wanted:
            gateway = f"http://127.0.0.1:{stack.ports.gateway}"
            figures += maintenance.run(gateway, stack.owner_dsn, quick=args.quick)
        if "quality" in wanted:
            figures += quality.run(supervisor, quick=args.quick)
        if "reporting" in wanted:
            figures += reporting.run(supervisor, quick=args.quick)
        if "search" in wanted:
            figures += search_bench.run(supervisor, orgs, quick=args.quick)
            gateway = f"http://127.0.0.1:{stack.ports.gateway}"
            figures += search_freshness.run(gateway, quick=args.quick)
        if "reporting-exports" in wanted:
            runtime_dsn = stack.role_dsn("unison_reporting")
            figures += reporting_exports.run(supervisor, runtime_dsn, quick=args.quick)
    finally:
        supervisor.stop_all()
        stack.cluster.stop()
    print(render(figures))
    if args.json:
        write_json(figures, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
