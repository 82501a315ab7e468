"""``python -m production.worker``: the production worker process."""

from __future__ import annotations

from unison_worker import run_worker


def main() -> None:
    run_worker("production")


if __name__ == "__main__":
    main()
