"""Where the project lives and where its run-time state goes (``.data/``)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
DB_DIR = ROOT / "db"


class StatePaths:
    """Run-time state of one stack: ``.data`` for ``up``, ``.data/test`` for ``test``."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.pg = base / "pg"
        self.logs = base / "logs"
        self.run = base / "run"
        self.secrets = base / "secrets.env"
        self.objects = base / "objects"  # the embedded object store (SeaweedFS)

    def make(self) -> None:
        for d in (self.base, self.logs, self.run):
            d.mkdir(parents=True, exist_ok=True)


UP = StatePaths(ROOT / ".data")
TEST = StatePaths(ROOT / ".data" / "test")
