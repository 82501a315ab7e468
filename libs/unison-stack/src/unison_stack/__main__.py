"""``python -m unison_stack <command>``: what ``./dev`` and the Taskfile call."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
from pathlib import Path

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


def _backup(stack: Stack, file: Path | None) -> int:
    from unison_stack import backup

    written = backup.backup(stack, file or backup.default_file(stack))
    print(f"backup written: {written} ({written.stat().st_size:,} bytes)")
    return 0


def _restore(stack: Stack, file: Path, *, replace: bool) -> int:
    from unison_stack import backup
    from unison_stack.supervisor import Supervisor

    if replace:
        # Nothing may write into the database while it is dropped and restored.
        Supervisor(stack).stop_all()
    try:
        asyncio.run(backup.restore(stack, file, replace=replace))
    except backup.BackupError as exc:
        print(f"restore failed: {exc}", file=sys.stderr)
        return 1
    print(f"restored {file} into {stack.database}; start with ./dev up")
    return 0


def _archive(stack: Stack, args: argparse.Namespace) -> int:
    if args.command == "backup":
        return _backup(stack, args.file)
    return _restore(stack, args.file, replace=args.replace)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="unison_stack")
    parser.add_argument("--stack", choices=["up", "test"], default="up")
    sub = parser.add_subparsers(dest="command", required=True)
    dump = sub.add_parser("backup", help="pg_dump the whole database (custom format)")
    dump.add_argument("file", nargs="?", type=Path, help="default .data/backups/<db>-<time>.dump")
    load = sub.add_parser("restore", help="restore a backup into an empty database")
    load.add_argument("file", type=Path)
    load.add_argument(
        "--replace", action="store_true", help="drop the existing database first (destroys it)"
    )
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure("stack", json=False)
    stack = _stack(args.stack)
    match args.command:
        case "backup" | "restore":
            return _archive(stack, args)
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
