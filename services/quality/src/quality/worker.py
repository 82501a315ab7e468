"""``python -m quality.worker``: the quality worker process."""

from __future__ import annotations

from unison_worker import run_worker


def main() -> None:
    run_worker("quality")


if __name__ == "__main__":
    main()
