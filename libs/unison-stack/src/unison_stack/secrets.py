"""Generated passwords of one stack, kept in ``secrets.env`` (mode 600), never in git."""

from __future__ import annotations

import os
import secrets as _secrets
from pathlib import Path

from unison_stack.roles import ALL_ROLES, SUPERUSER

# Unison's own workers that ask the gateway for a token of an organization (the service
# grant): each has a secret the gateway knows too.
GRANT_SERVICES = ("search",)


def load_or_create(path: Path) -> dict[str, str]:
    """Passwords by role name; new roles get a new random password, existing ones keep theirs.

    ``UNISON_PASSWORD_<ROLE>`` in the environment wins (Compose passes its secrets so).
    """
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep:
                values[key.strip()] = value.strip()
    changed = False
    wanted = [f"PASSWORD_{role.upper()}" for role in (SUPERUSER, *ALL_ROLES)]
    wanted += [f"SERVICE_SECRET_{name.upper()}" for name in GRANT_SERVICES]
    for key in wanted:
        if key not in values:
            values[key] = _secrets.token_urlsafe(24)
            changed = True
    # The embedded object store's S3 keys (letters and digits, as S3 tools expect).
    for key, size in (("S3_ACCESS_KEY", 10), ("S3_SECRET_KEY", 20)):
        if key not in values:
            values[key] = _secrets.token_hex(size)
            changed = True
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text("".join(f"{k}={v}\n" for k, v in sorted(values.items())))
        os.chmod(tmp, 0o600)
        tmp.replace(path)
    passwords = {
        k.removeprefix("PASSWORD_").lower(): v
        for k, v in values.items()
        if k.startswith("PASSWORD_")
    }
    for role in (SUPERUSER, *ALL_ROLES):
        override = os.environ.get(f"UNISON_PASSWORD_{role.upper()}")
        if override:
            passwords[role] = override
    return passwords


def service_secrets(path: Path) -> dict[str, str]:
    """The service grant's secrets by service name (``load_or_create`` makes them);
    ``UNISON_SERVICE_SECRET_<NAME>`` in the environment wins."""
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep and key.startswith("SERVICE_SECRET_"):
                values[key.removeprefix("SERVICE_SECRET_").lower()] = value.strip()
    for name in GRANT_SERVICES:
        override = os.environ.get(f"UNISON_SERVICE_SECRET_{name.upper()}")
        if override:
            values[name] = override
    return values


def object_store_keys(path: Path) -> tuple[str, str]:
    """(access key, secret key) of the embedded object store (``load_or_create`` makes
    them); ``UNISON_S3_ACCESS_KEY`` and ``UNISON_S3_SECRET_KEY`` in the environment win."""
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep:
                values[key.strip()] = value.strip()
    access = os.environ.get("UNISON_S3_ACCESS_KEY") or values.get("S3_ACCESS_KEY", "")
    secret = os.environ.get("UNISON_S3_SECRET_KEY") or values.get("S3_SECRET_KEY", "")
    return access, secret
