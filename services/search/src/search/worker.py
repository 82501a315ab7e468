"""``python -m search.worker``: the search worker process."""

from __future__ import annotations

from search.language import reindex
from unison_worker import run_worker


def main() -> None:
    run_worker("search", job_handlers={reindex.KIND: reindex.run})


if __name__ == "__main__":
    main()
