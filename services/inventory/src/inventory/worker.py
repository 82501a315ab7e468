"""``python -m inventory.worker``: the inventory worker process."""

from __future__ import annotations

from inventory.service import exports, replenishment
from unison_worker import run_worker


def main() -> None:
    run_worker(
        "inventory",
        job_handlers={exports.KIND: exports.run, replenishment.KIND: replenishment.run},
    )


if __name__ == "__main__":
    main()
