"""The frontend's contract: TypeScript types from the live merged OpenAPI, checked by tsc.

The running gateway's ``/schema/openapi.json`` (its own routes and every service's,
merged) goes through ``openapi-typescript``; ``tsc`` then type-checks
``frontend-contract/src`` (a typed client of real endpoints) against the result. An API
change that breaks what the client uses fails here, not in the frontend. The npm packages
come from the committed package-lock.json (``npm ci``).
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from unison_stack.paths import ROOT

CONTRACT = ROOT / "frontend-contract"
GENERATED = CONTRACT / "src" / "generated" / "openapi.d.ts"
STAMP = CONTRACT / "node_modules" / ".unison-lock-sha256"


def _run(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def npm_packages() -> Path:
    """``npm ci`` from the lock file, once per change of the lock file."""
    npm = shutil.which("npm")
    assert npm, "npm is missing: ./dev installs Node.js and npm"
    lock = hashlib.sha256((CONTRACT / "package-lock.json").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != lock:
        done = _run([npm, "ci", "--no-audit", "--no-fund"], CONTRACT)
        assert done.returncode == 0, done.stdout + done.stderr
        STAMP.write_text(lock)
    return CONTRACT / "node_modules" / ".bin"


@pytest.fixture(scope="module")
def live_document(gateway_url: str) -> dict[str, Any]:
    response = httpx.get(f"{gateway_url}/schema/openapi.json", timeout=30)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    # Every service answered: the types cover the whole API, not what happened to be up.
    assert "x-unison-unavailable" not in document, document.get("x-unison-unavailable")
    return document


def _generate(bin_dir: Path, document: dict[str, Any], source: Path, output: Path) -> None:
    source.write_text(json.dumps(document))
    output.parent.mkdir(parents=True, exist_ok=True)
    done = _run(
        [str(bin_dir / "openapi-typescript"), str(source), "--output", str(output)], CONTRACT
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _tsc(bin_dir: Path, project: Path) -> subprocess.CompletedProcess[str]:
    return _run([str(bin_dir / "tsc"), "--noEmit", "-p", str(project)], project)


@pytest.fixture(scope="module")
def generated(
    npm_packages: Path, live_document: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    source = tmp_path_factory.mktemp("openapi") / "openapi.json"
    _generate(npm_packages, live_document, source, GENERATED)
    return GENERATED


def test_the_client_type_checks_against_the_live_api(npm_packages: Path, generated: Path) -> None:
    text = generated.read_text()
    for path in ("/auth/token", "/api/inventory/materials", "/api/search/suggest"):
        assert f'"{path}": {{' in text, path
    checked = _tsc(npm_packages, CONTRACT)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_typed_client_works_against_the_live_gateway(
    npm_packages: Path, generated: Path, gateway_url: str
) -> None:
    """The compiled client (src/smoke.ts) logs in and reads through the real gateway."""
    built = _run([str(npm_packages / "tsc"), "-p", "tsconfig.build.json"], CONTRACT)
    assert built.returncode == 0, built.stdout + built.stderr
    node = shutil.which("node")
    assert node, "node is missing: ./dev installs Node.js"
    ran = _run(
        [node, "build/smoke.js", gateway_url, "admin@acme.test", "unison-demo"], CONTRACT, 60
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    summary = json.loads(ran.stdout.strip().splitlines()[-1])
    assert summary["expiresIn"] > 0
    assert summary["materials"] > 0 and summary["label"]
    # A job that does not exist is a problem answer, surfaced as the client's error.
    assert summary["missingJob"] == "HTTP 404"


def test_a_breaking_change_fails_the_check(
    npm_packages: Path, live_document: dict[str, Any], tmp_path: Path
) -> None:
    """The same client against a document with a field dropped and a path renamed."""
    broken = copy.deepcopy(live_document)
    material = broken["components"]["schemas"]["Material"]
    del material["properties"]["number"]
    material["required"].remove("number")
    broken["paths"]["/api/search/suggestions"] = broken["paths"].pop("/api/search/suggest")
    project = tmp_path / "contract"
    shutil.copytree(CONTRACT / "src", project / "src", ignore=shutil.ignore_patterns("generated"))
    shutil.copy(CONTRACT / "tsconfig.json", project / "tsconfig.json")
    shutil.copy(CONTRACT / "package.json", project / "package.json")  # "type": "module"
    (project / "node_modules").symlink_to(CONTRACT / "node_modules")
    _generate(
        npm_packages, broken, tmp_path / "broken.json", project / "src/generated/openapi.d.ts"
    )
    checked = _tsc(npm_packages, project)
    assert checked.returncode != 0
    assert '"/api/search/suggest"' in checked.stdout, checked.stdout
    assert "'number'" in checked.stdout, checked.stdout
