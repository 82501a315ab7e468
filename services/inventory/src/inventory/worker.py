"""``python -m inventory.worker``: the inventory worker process."""

from __future__ import annotations

from unison_worker import run_worker


def main() -> None:
    run_worker("inventory")


if __name__ == "__main__":
    main()
