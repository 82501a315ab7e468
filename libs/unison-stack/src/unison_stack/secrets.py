"""Generated passwords of one stack, kept in ``secrets.env`` (mode 600), never in git."""

from __future__ import annotations

import os
import secrets as _secrets
from pathlib import Path

from unison_stack.roles import ALL_ROLES, SUPERUSER


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
    for role in (SUPERUSER, *ALL_ROLES):
        key = f"PASSWORD_{role.upper()}"
        if key not in values:
            values[key] = _secrets.token_urlsafe(24)
            changed = True
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text("".join(f"{k}={v}\n" for k, v in sorted(values.items())))
        os.chmod(tmp, 0o600)
        tmp.replace(path)
    passwords = {k.removeprefix("PASSWORD_").lower(): v for k, v in values.items()}
    for role in (SUPERUSER, *ALL_ROLES):
        override = os.environ.get(f"UNISON_PASSWORD_{role.upper()}")
        if override:
            passwords[role] = override
    return passwords
