"""Settings of the production service, read once from ``UNISON_*`` variables."""

from __future__ import annotations

from unison_web.settings import ServiceSettings


class Settings(ServiceSettings, frozen=True, kw_only=True):
    http_port: int = 8102
    # Where users open Unison: the QR codes on labels link there.
    public_url: str = "http://127.0.0.1:8000"
