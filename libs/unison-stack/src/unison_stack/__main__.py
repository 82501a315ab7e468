"""``python -m unison_stack <command>``: what ``./dev`` and the Taskfile call."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys

from unison_log import configure
from unison_stack import commands
from unison_stack.paths import TEST, UP
from unison_stack.stack import TEST_PORTS, UP_PORTS, Stack


def _stack(name: str) -> Stack:
    if name == "test":
        return Stack(TEST, TEST_PORTS, fast=True)
    return Stack(UP, UP_PORTS)


def _print_env(stack: Stack) -> int:
    print(f"UNISON_ADMIN_DSN='{stack.admin_database_dsn}'")
    print(f"UNISON_OWNER_DSN='{stack.owner_dsn}'")
    for role in sorted(stack.passwords):
        if role.startswith("unison_") and role != "unison_owner":
            print(f"UNISON_DSN_{role.removeprefix('unison_').upper()}='{stack.role_dsn(role)}'")
    return 0


def _stop_object_store(stack: Stack, *, destroy: bool = False) -> None:
    """The embedded object store goes with the cluster: its files' rows live there."""
    from unison_stack.supervisor import Supervisor

    Supervisor(stack).stop_all(only={"objects"})
    if destroy:
        shutil.rmtree(stack.paths.objects, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="unison_stack")
    parser.add_argument("--stack", choices=["up", "test"], default="up")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in [
        ("up", "start the cluster, migrate, seed, start every process, wait until ready"),
        ("down", "stop every process (SIGTERM) and the cluster"),
        ("status", "which processes run"),
        ("db", "start the cluster, bootstrap, migrate"),
        ("reset-db", "throw the cluster away and prepare a new one"),
        ("migrate", "apply pending migrations"),
        ("seed", "load the demo data (idempotent)"),
        ("db-stop", "stop the embedded cluster and object store"),
        ("db-destroy", "stop and delete the embedded cluster and object store"),
        ("env", "print this stack's DSNs as shell variables"),
    ]:
        sub.add_parser(name, help=text)
    args = parser.parse_args(argv)
    configure("stack", json=False)
    stack = _stack(args.stack)
    match args.command:
        case "up":
            return commands.up(stack)
        case "down":
            return commands.down(stack)
        case "status":
            return commands.status(stack)
        case "db":
            asyncio.run(stack.prepare_database())
        case "reset-db":
            _stop_object_store(stack, destroy=True)
            stack.cluster.destroy()
            asyncio.run(stack.prepare_database())
        case "migrate":
            asyncio.run(stack.migrate())
        case "seed":
            from unison_stack.demo import seed

            asyncio.run(seed(stack.owner_dsn))
        case "db-stop":
            _stop_object_store(stack)
            stack.cluster.stop()
        case "db-destroy":
            _stop_object_store(stack, destroy=True)
            stack.cluster.destroy()
        case "env":
            return _print_env(stack)
    return 0


if __name__ == "__main__":
    sys.exit(main())
