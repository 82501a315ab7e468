"""``python -m reporting``: the reporting HTTP process."""

from __future__ import annotations

import msgspec

from reporting.analytics.settings import PREFIX, AnalyticsSettings
from reporting.app import build_app
from reporting.settings import Settings
from unison_config import load
from unison_log import configure
from unison_objects import ObjectStore, load_settings
from unison_web import serve


def main() -> None:
    settings = load(Settings, prefix="UNISON_")
    settings = msgspec.structs.replace(settings, analytics=load(AnalyticsSettings, prefix=PREFIX))
    configure("reporting", settings.log_level)
    objects = ObjectStore(load_settings())
    serve(build_app(settings, objects=objects), settings.http_host, settings.http_port)


if __name__ == "__main__":
    main()
