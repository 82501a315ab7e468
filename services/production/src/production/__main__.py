"""``python -m production``: the production HTTP process."""

from __future__ import annotations

from production.app import build_app
from production.settings import Settings
from unison_config import load
from unison_log import configure
from unison_objects import ObjectStore, load_settings
from unison_web import serve


def main() -> None:
    settings = load(Settings, prefix="UNISON_")
    objects = ObjectStore(load_settings())
    configure("production", settings.log_level)
    serve(build_app(settings, objects=objects), settings.http_host, settings.http_port)


if __name__ == "__main__":
    main()
