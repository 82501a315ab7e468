"""Every operation of the gateway's merged OpenAPI document, fuzzed by schemathesis with a
valid token (the admin of a demo organization): no 5xx, and every response matches the
schema its operation declares.

Schemathesis runs as its own process (its CLI, two workers) against the reliability stack;
path parameters take real ids of the demo data most of the time (see ``known_ids``) so the
operations behind them meet their real logic, not only 404s.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx

from tests.reliability import harness
from tests.reliability.figures import record
from tests.reliability.known_ids import harvest

CHECKS = ("not_a_server_error", "response_schema_conformance")


def _config(token: str, known: dict[str, list[str]], examples: int, report_dir: Path) -> str:
    lines = [
        "workers = 2",
        "request-timeout = 60",
        f"headers = {{ Authorization = {json.dumps('Bearer ' + token)} }}",
        "[generation]",
        f"max-examples = {examples}",
        "no-shrink = true",
        "[checks]",
        "enabled = false",
        *(f"{check}.enabled = true" for check in CHECKS),
        "[cache]",  # nothing carried between runs: each run stands alone
        "enabled = false",
        "[reports]",
        f"directory = {json.dumps(str(report_dir))}",
        "ndjson.enabled = true",
    ]
    for name, values in sorted(known.items()):
        lines += [f"[dictionaries.{json.dumps(name)}]", f"values = {json.dumps(values)}"]
    if known:
        lines.append("[parameters]")
        lines += [
            f'"path.{name}" = {{ dictionary = {json.dumps(name)}, probability = 0.8 }}'
            for name in sorted(known)
        ]
    return "\n".join(lines) + "\n"


def test_no_operation_answers_5xx_or_outside_its_schema(gateway: str, tmp_path: Path) -> None:
    token = harness.password_token(gateway)
    paths = httpx.get(f"{gateway}/schema/openapi.json", timeout=30).json()["paths"]
    known = harvest(gateway, token, paths, harness.ADMIN)
    examples = 40 if harness.full() else 4
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(token, known, examples, tmp_path / "report"))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(config),
            "--no-color",
            "run",
            f"{gateway}/schema/openapi.json",
            "--phases",
            "coverage,fuzzing",
        ],
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    out = run.stdout + run.stderr
    cases = re.search(r"(\d+) generated", out)
    tested = re.search(r"Tested: (\d+)", out)
    record(
        "bad input: schemathesis",
        f"{tested[1] if tested else '?'} operations, {cases[1] if cases else '?'} cases"
        f" ({examples} fuzzed examples each plus the coverage phase), exit {run.returncode}",
    )
    assert run.returncode == 0, _failures(out)


def _failures(out: str) -> str:
    """The FAILURES and SUMMARY sections, not the progress lines before them."""
    start = out.find("FAILURES")
    return out[start - 40 :] if start >= 0 else out[-8000:]
