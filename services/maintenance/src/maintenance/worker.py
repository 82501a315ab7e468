"""``python -m maintenance.worker``: the maintenance worker process."""

from __future__ import annotations

from unison_worker import run_worker


def main() -> None:
    run_worker("maintenance")


if __name__ == "__main__":
    main()
