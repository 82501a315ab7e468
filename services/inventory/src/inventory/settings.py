"""The inventory HTTP process's settings, read once from ``UNISON_*`` variables.

Every field but the port comes from the settings all services share: ``database_url``
and ``jwks_url`` are required, the rest default to the embedded stack on loopback.
"""

from __future__ import annotations

from collections.abc import Mapping

import unison_config
from unison_web.settings import ServiceSettings

PREFIX = "UNISON_"


class Settings(ServiceSettings, frozen=True, kw_only=True):
    http_port: int = 8101


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment; a missing or malformed one names its variable."""
    return unison_config.load(Settings, prefix=PREFIX, environ=environ)
