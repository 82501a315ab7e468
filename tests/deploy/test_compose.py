"""The Compose files: valid for Compose and for the specification, complete, no default secrets.

No Docker engine runs here. ``docker-compose config`` (Debian's ``docker-compose``, which
``./dev`` installs) interpolates, merges and validates the files as Compose would before
starting anything; the Compose Specification's JSON schema (vendored under
``compose/schema``) checks each file and each merged result independently of that tool.
Production is ``compose.yaml``; development is ``compose.yaml`` + ``compose.dev.yaml``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from unison_stack.paths import ROOT
from unison_stack.roles import SERVICES

COMPOSE = ROOT / "compose"
PRODUCTION = [COMPOSE / "compose.yaml"]
DEVELOPMENT = [COMPOSE / "compose.yaml", COMPOSE / "compose.dev.yaml"]
SCHEMA = COMPOSE / "schema" / "compose-spec.json"
SCHEMA_SHA256 = "56bab44c85c0ce8affb74474950293f37d510673283a243bcd7eeadb900fa35c"

# Every long-running process of the stack, and the one-shot jobs.
PROCESSES = ["gateway", *SERVICES, *(f"{s}-worker" for s in SERVICES), "postgres", "minio"]
JOBS = {"migrate"}
DEV_JOBS = {"migrate", "seed"}

# The variables that carry secrets: each must be set by the operator, none has a default.
SECRET = re.compile(r"PASSWORD|SECRET|_USER\b")


def _secret_names() -> list[str]:
    names: set[str] = set()
    for line in (COMPOSE / "env.example").read_text().splitlines():
        name = line.partition("=")[0].strip()
        if name and not name.startswith("#") and SECRET.search(name):
            names.add(name)
    return sorted(names)


def _env(drop: str | None = None) -> dict[str, str]:
    """A clean environment with a value for every secret (so no ambient one leaks in)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    for name in _secret_names():
        if name != drop:
            env[name] = hashlib.sha256(name.encode()).hexdigest()[:24]
    return env


def _compose(files: list[Path], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose is missing: ./dev installs Debian's docker-compose"
    args = [binary, "--project-directory", str(COMPOSE)]
    for f in files:
        args += ["-f", str(f)]
    # An empty --env-file: only the environment given here counts, never a local .env.
    with tempfile.NamedTemporaryFile("w", suffix=".env") as empty:
        return subprocess.run(
            [*args, "--env-file", empty.name, "config"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


def _config(files: list[Path]) -> dict[str, Any]:
    result = _compose(files, _env())
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = yaml.safe_load(result.stdout)
    return loaded


def _validator() -> jsonschema.protocols.Validator:
    # The file names draft 2019-09 (with a trailing "#" jsonschema does not look up).
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft201909Validator.check_schema(schema)
    return jsonschema.Draft201909Validator(schema)


def _schema_errors(document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator().iter_errors(document)
    ]


def test_the_vendored_schema_is_the_published_one() -> None:
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256


@pytest.mark.parametrize("path", [*DEVELOPMENT], ids=lambda p: p.name)
def test_each_file_matches_the_compose_specification(path: Path) -> None:
    assert _schema_errors(yaml.safe_load(path.read_text())) == []


@pytest.mark.parametrize(
    ("files", "jobs", "restart"),
    [(PRODUCTION, JOBS, "unless-stopped"), (DEVELOPMENT, DEV_JOBS, "no")],
    ids=["production", "dev"],
)
def test_compose_accepts_and_the_result_is_complete(
    files: list[Path], jobs: set[str], restart: str
) -> None:
    config = _config(files)
    assert _schema_errors(config) == []
    services: dict[str, Any] = config["services"]
    assert set(services) == set(PROCESSES) | jobs
    for name in PROCESSES:
        service = services[name]
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
        # Production brings every process back after a crash or a reboot; development
        # leaves a crash visible.
        assert service.get("restart") == restart, name
        limits = service.get("deploy", {}).get("resources", {}).get("limits", {})
        assert limits.get("memory") and limits.get("cpus"), f"{name} has no resource limits"
        if name not in {"postgres", "minio"}:
            # Nothing of Unison starts before the migrations are done.
            condition = service["depends_on"]["migrate"]["condition"]
            assert condition == "service_completed_successfully", name
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["restart"] == "no"


def _host_ip(port: str | dict[str, Any]) -> str | None:
    """``docker-compose config`` prints "ip:published:target/proto" or a mapping."""
    if isinstance(port, dict):
        return port.get("host_ip")
    parts = port.split(":")
    return parts[0] if len(parts) == 3 else None


def test_production_publishes_only_the_gateway() -> None:
    services = _config(PRODUCTION)["services"]
    assert [name for name, s in services.items() if s.get("ports")] == ["gateway"]
    assert [_host_ip(p) for p in services["gateway"]["ports"]] == ["127.0.0.1"]


def test_development_publishes_on_loopback_only() -> None:
    for name, service in _config(DEVELOPMENT)["services"].items():
        for port in service.get("ports", []):
            assert _host_ip(port) == "127.0.0.1", (name, port)


def test_every_process_appears_in_both_files() -> None:
    production = yaml.safe_load(PRODUCTION[0].read_text())["services"]
    development = yaml.safe_load(DEVELOPMENT[1].read_text())["services"]
    for name in PROCESSES:
        assert name in production, name
        assert name in development, name


@pytest.mark.parametrize("path", DEVELOPMENT, ids=lambda p: p.name)
def test_no_secret_has_a_default(path: Path) -> None:
    text = path.read_text()
    references = re.findall(r"\$\{([A-Z0-9_]+)([^}]*)\}", text)
    secret_refs = [(name, rest) for name, rest in references if SECRET.search(name)]
    assert secret_refs, "the files should reference secrets"
    for name, rest in secret_refs:
        assert rest.startswith(":?"), f"${{{name}{rest}}} in {path.name} must be required"
    # No literal password either: every password-like key takes a ${...} reference.
    for match in re.finditer(r"^\s*([A-Z_]*(?:PASSWORD|SECRET)[A-Z_]*):\s*(.*)$", text, re.M):
        assert "${" in match.group(2), f"{match.group(1)} in {path.name} has a literal value"


@pytest.mark.parametrize("name", _secret_names())
def test_compose_refuses_to_start_without_each_secret(name: str) -> None:
    for files in (PRODUCTION, DEVELOPMENT):
        result = _compose(files, _env(drop=name))
        assert result.returncode != 0, f"{name} unset, yet Compose accepted the files"
        assert name in result.stderr, result.stderr
