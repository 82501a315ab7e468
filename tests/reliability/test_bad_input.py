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
import pytest

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


# The coverage phase alone sends ~16,000 requests: over a minute on an idle 2-core machine,
# several under load. Only a hang should trip this.
@pytest.mark.timeout(1800)
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
    if run.returncode != 0:
        failures, errors = _report(tmp_path / "report")
        assert not failures and not errors, _failures(out) + "\n" + "\n".join(errors)


# CPython 3.11's check of the AST recursion depth can trip when threads compile code at
# once: schemathesis's own error while generating a case, not an answer of the API.
FUZZER_OWN_ERRORS = ("AST constructor recursion depth mismatch",)


def _report(directory: Path) -> tuple[int, list[str]]:
    """Failed checks, and errors other than the fuzzer's own, from the NDJSON report."""
    failures, errors = 0, []
    for path in directory.glob("*.ndjson"):
        for line in path.read_text().splitlines():
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short when the run ended
            if finished := event.get("ScenarioFinished"):
                failures += finished.get("status") == "failure"
            elif error := event.get("NonFatalError") or event.get("FatalError"):
                message = str(error.get("value", {}).get("message", error))
                if not any(own in message for own in FUZZER_OWN_ERRORS):
                    errors.append(f"{error.get('label')}: {message[:500]}")
    return failures, errors


def _failures(out: str) -> str:
    """The FAILURES and SUMMARY sections, not the progress lines before them."""
    start = out.find("FAILURES")
    return out[start - 40 :] if start >= 0 else out[-8000:]
