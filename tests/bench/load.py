"""HTTP load with wrk (a separate native process, so the load generator does not compete
with the measured Python processes for the GIL), plus peak memory from /proc."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).with_name("wrk_report.lua")


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int


def wrk(url: str, headers: dict[str, str], *, seconds: int, connections: int) -> LoadResult:
    cmd = [
        "wrk",
        "-t",
        "1",
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "-s",
        str(LUA),
        "--timeout",
        "10s",
    ]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    data = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    return LoadResult(
        requests_per_second=data["requests"] / data["seconds"],
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["errors"],
    )


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the resident-set high-water mark of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
