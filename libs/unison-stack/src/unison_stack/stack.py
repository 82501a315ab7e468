"""One running Unison: where its database is, its passwords, its ports, its processes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg
import structlog

from unison_pg import migrations
from unison_stack import bootstrap as boot
from unison_stack.cluster import Cluster
from unison_stack.paths import DB_DIR, StatePaths
from unison_stack.roles import DATABASE, OWNER, SUPERUSER
from unison_stack.secrets import load_or_create, object_store_keys, service_secrets

log = structlog.get_logger("unison_stack")


@dataclass(frozen=True)
class Ports:
    postgres: int
    gateway: int
    first_service: int  # services take first_service + 0..5, their workers + 100..105
    # The embedded object store (SeaweedFS) takes gateway + 300..307: see objects.py.


UP_PORTS = Ports(postgres=55432, gateway=8000, first_service=8101)
# Two checkouts on one machine (git worktrees) run their suites side by side when each
# sets its own offset; the test, bench and crash-test ports all move by it.
TEST_PORT_OFFSET = int(os.environ.get("UNISON_TEST_PORT_OFFSET", "0"))
TEST_PORTS = Ports(
    postgres=55433 + TEST_PORT_OFFSET,
    gateway=18000 + TEST_PORT_OFFSET,
    first_service=18101 + TEST_PORT_OFFSET,
)


def _with_credentials(url: str, user: str, password: str, database: str | None) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    path = f"/{database}" if database is not None else parts.path
    return urlunsplit((parts.scheme, netloc, path, parts.query, ""))


class Stack:
    def __init__(self, paths: StatePaths, ports: Ports, *, fast: bool = False) -> None:
        self.paths = paths
        self.ports = ports
        self.external_url = os.environ.get("DATABASE_URL") or None
        self.passwords = load_or_create(paths.secrets)
        self.service_secrets = service_secrets(paths.secrets)
        self.object_store_keys = object_store_keys(paths.secrets)
        self.cluster = Cluster(paths.pg, paths.logs / "postgres.log", ports.postgres, fast=fast)

    @property
    def embedded(self) -> bool:
        return self.external_url is None

    @property
    def database(self) -> str:
        if self.external_url:
            name = urlsplit(self.external_url).path.lstrip("/")
            return name or DATABASE
        return DATABASE

    def _base_url(self) -> str:
        return self.external_url or f"postgresql://127.0.0.1:{self.ports.postgres}/postgres"

    @property
    def admin_dsn(self) -> str:
        """The maintenance database, from which the project database is created."""
        if self.external_url:
            parts = urlsplit(self.external_url)
            return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
        return _with_credentials(self._base_url(), SUPERUSER, self.passwords[SUPERUSER], "postgres")

    @property
    def admin_database_dsn(self) -> str:
        if self.external_url:
            return self.external_url
        return _with_credentials(
            self._base_url(), SUPERUSER, self.passwords[SUPERUSER], self.database
        )

    def role_dsn(self, role: str) -> str:
        """Through the embedded cluster's socket when there is one, else over TCP."""
        if self.embedded and self.cluster.socket_file.exists():
            user, password = quote(role, safe=""), quote(self.passwords[role], safe="")
            socket_dir = quote(str(self.cluster.socket_dir), safe="/")
            return (
                f"postgresql://{user}:{password}@/{self.database}"
                f"?host={socket_dir}&port={self.ports.postgres}"
            )
        return _with_credentials(self._base_url(), role, self.passwords[role], self.database)

    @property
    def owner_dsn(self) -> str:
        return self.role_dsn(OWNER)

    def start_cluster(self) -> None:
        if not self.embedded:
            log.info("using_external_database", url=urlsplit(self.admin_dsn).hostname)
            return
        self.paths.make()
        if not self.cluster.initialized:
            log.info("cluster_init", data_dir=str(self.cluster.data_dir))
            self.cluster.init(self.passwords[SUPERUSER])
        if self.cluster.running() and self.cluster.started_before_packages_changed():
            log.info("cluster_restart_after_package_upgrade")
            self.cluster.restart()
        self.cluster.start()

    async def bootstrap(self) -> str:
        return await boot.bootstrap(self.admin_dsn, self.admin_database_dsn, self.passwords)

    async def migrate(self) -> list[migrations.Migration]:
        conn = await asyncpg.connect(self.owner_dsn)
        try:
            done = await migrations.apply(conn, DB_DIR)
        finally:
            await conn.close()
        for m in done:
            log.info("migration_applied", migration=m.label)
        return done

    async def prepare_database(self) -> None:
        self.start_cluster()
        version = await self.bootstrap()
        log.info("database_bootstrapped", database=self.database, pgmq=version)
        await self.migrate()
