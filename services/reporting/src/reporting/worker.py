"""``python -m reporting.worker``: the reporting worker process."""

from __future__ import annotations

from unison_worker import run_worker


def main() -> None:
    run_worker("reporting")


if __name__ == "__main__":
    main()
