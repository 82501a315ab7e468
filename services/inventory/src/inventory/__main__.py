"""``python -m inventory``: the inventory HTTP process."""

from __future__ import annotations

import sys

import unison_log
from inventory import settings as inventory_settings
from inventory.app import create_app
from unison_config import SettingsError
from unison_objects import ObjectStore, load_settings
from unison_web import serve


def main() -> int:
    try:
        settings = inventory_settings.load()
        objects = ObjectStore(load_settings())
    except SettingsError as exc:
        unison_log.configure("inventory")
        unison_log.get_logger("inventory").error("settings_invalid", error=str(exc))
        return 2
    unison_log.configure("inventory", settings.log_level)
    serve(create_app(settings, objects=objects), settings.http_host, settings.http_port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
