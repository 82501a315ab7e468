"""The gateway's settings: one frozen Struct, read once from ``UNISON_*`` variables."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import msgspec

from gateway.authz.rules import SERVICE_ROLES
from unison_config import SettingsError, load

# The embedded default layout (./dev up): services on 8101.., their workers on 8201..
_SERVICES = ("inventory", "production", "quality", "maintenance", "search", "reporting")
DEFAULT_SERVICE_URLS = ",".join(f"{s}=http://127.0.0.1:{8101 + i}" for i, s in enumerate(_SERVICES))
DEFAULT_READY_URLS = ",".join(
    [f"{s}=http://127.0.0.1:{8101 + i}/ready" for i, s in enumerate(_SERVICES)]
    + [f"{s}-worker=http://127.0.0.1:{8201 + i}/ready" for i, s in enumerate(_SERVICES)]
)


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    jwt_issuer: str = "unison-gateway"
    jwt_audience: str = "unison"
    access_token_ttl: int = 900
    refresh_token_ttl: int = 14 * 24 * 3600
    # A new signing key is published this long before it signs, so verifiers that cache
    # the JWKS know it before the first token signed with it arrives.
    signing_key_lead: int = 300
    # name=url pairs, comma-separated: where /api/<name>/... goes, and what /ready asks.
    service_urls: str = DEFAULT_SERVICE_URLS
    ready_urls: str = DEFAULT_READY_URLS
    log_level: str = "INFO"
    # Failed logins per user / client, and per address, within the window, before 429.
    login_max_failures: int = 10
    login_max_failures_per_address: int = 50
    login_window: int = 300
    # argon2id cost for new hashes (argon2-cffi's RFC 9106 low-memory profile by default).
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536
    argon2_parallelism: int = 4
    proxy_connect_timeout: float = 3.0
    proxy_timeout: float = 60.0
    ready_timeout: float = 2.0
    openapi_cache_seconds: float = 30.0
    db_pool_size: int = 10
    # name=secret pairs, comma-separated: Unison's own workers that may ask for a token of
    # any organization (the service grant), e.g. search's rebuild. Empty: none may.
    service_secrets: str = ""
    # Browser origins allowed to call the gateway (the frontend), comma-separated, each
    # scheme://host[:port] exactly as the browser sends it in Origin. Empty: none.
    cors_origins: str = ""
    cors_max_age: int = 600

    @property
    def service_credentials(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for item in filter(None, (part.strip() for part in self.service_secrets.split(","))):
            name, sep, secret = item.partition("=")
            if not sep or name.strip() not in SERVICE_ROLES or len(secret.strip()) < 16:
                raise SettingsError(
                    "malformed setting UNISON_SERVICE_SECRETS: each item is name=secret, the"
                    f" name one of {', '.join(sorted(SERVICE_ROLES))} and the secret at least"
                    " 16 characters"
                )
            found[name.strip()] = secret.strip()
        return found

    @property
    def cors_allowed_origins(self) -> frozenset[str]:
        found = set()
        for item in filter(None, (part.strip() for part in self.cors_origins.split(","))):
            parts = urlsplit(item)
            if (
                parts.scheme not in ("http", "https")
                or not parts.netloc
                or item != f"{parts.scheme}://{parts.netloc}"
            ):
                raise SettingsError(
                    f"malformed setting UNISON_CORS_ORIGINS: {item!r} is not an origin"
                    " (scheme://host[:port], no path, no trailing slash, no wildcard)"
                )
            found.add(item)
        return frozenset(found)

    @property
    def services(self) -> dict[str, str]:
        return parse_url_map(self.service_urls, "UNISON_SERVICE_URLS")

    @property
    def ready_targets(self) -> dict[str, str]:
        return parse_url_map(self.ready_urls, "UNISON_READY_URLS")


def parse_url_map(text: str, variable: str) -> dict[str, str]:
    """``a=http://x,b=http://y`` -> ``{"a": "http://x", "b": "http://y"}``; loud on mistakes."""
    mapping: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, url = item.partition("=")
        name, url = name.strip(), url.strip().rstrip("/")
        parts = urlsplit(url)
        if not sep or not name or parts.scheme not in ("http", "https") or not parts.netloc:
            raise SettingsError(
                f"malformed setting {variable}: {item!r} is not name=http(s)://host"
            )
        if name in mapping:
            raise SettingsError(f"malformed setting {variable}: {name!r} appears twice")
        mapping[name] = url
    return mapping


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    settings = load(Settings, prefix="UNISON_", environ=environ)
    # Parse the maps now so a typo stops start-up, not the first request.
    _ = settings.services, settings.ready_targets, settings.cors_allowed_origins
    for field in ("access_token_ttl", "refresh_token_ttl", "login_window", "login_max_failures"):
        if getattr(settings, field) <= 0:
            raise SettingsError(f"malformed setting UNISON_{field.upper()}: must be positive")
    return settings
