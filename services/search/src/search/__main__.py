"""``python -m search``: the search HTTP process."""

from __future__ import annotations

from search.app import build_app
from search.settings import Settings
from unison_config import load
from unison_log import configure
from unison_web import serve


def main() -> None:
    settings = load(Settings, prefix="UNISON_")
    configure("search", settings.log_level)
    serve(build_app(settings), settings.http_host, settings.http_port)


if __name__ == "__main__":
    main()
