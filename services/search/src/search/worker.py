"""``python -m search.worker``: the search worker process."""

from __future__ import annotations

from unison_worker import run_worker


def main() -> None:
    run_worker("search")


if __name__ == "__main__":
    main()
