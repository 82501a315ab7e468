"""``python -m unison_stack <command>``: what ``./dev`` and the Taskfile call."""

from __future__ import annotations

import argparse
import asyncio
import sys

from unison_log import configure
from unison_stack.paths import TEST, UP
from unison_stack.stack import TEST_PORTS, UP_PORTS, Stack


def _stack(name: str) -> Stack:
    if name == "test":
        return Stack(TEST, TEST_PORTS, fast=True)
    return Stack(UP, UP_PORTS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="unison_stack")
    parser.add_argument("--stack", choices=["up", "test"], default="up")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("db", help="start the cluster, bootstrap, migrate")
    sub.add_parser("migrate", help="apply pending migrations")
    sub.add_parser("db-stop", help="stop the embedded cluster")
    sub.add_parser("db-destroy", help="stop and delete the embedded cluster")
    sub.add_parser("env", help="print the DSNs of this stack as shell variables")
    args = parser.parse_args(argv)
    configure("stack", json=False)
    stack = _stack(args.stack)
    if args.command == "db":
        asyncio.run(stack.prepare_database())
    elif args.command == "migrate":
        asyncio.run(stack.migrate())
    elif args.command == "db-stop":
        stack.cluster.stop()
    elif args.command == "db-destroy":
        stack.cluster.destroy()
    elif args.command == "env":
        print(f"UNISON_ADMIN_DSN='{stack.admin_database_dsn}'")
        print(f"UNISON_OWNER_DSN='{stack.owner_dsn}'")
        for role in sorted(stack.passwords):
            if role.startswith("unison_") and role != "unison_owner":
                print(f"UNISON_DSN_{role.removeprefix('unison_').upper()}='{stack.role_dsn(role)}'")
    return 0


if __name__ == "__main__":
    sys.exit(main())
