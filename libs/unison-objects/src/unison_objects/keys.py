"""Object keys: ``org/<organization_id>/<service>/<kind>/<uuid7>``.

The organization leads, so one organization's objects are one prefix (listing, deleting
and checking ownership never look at another's); the uuid7 is time-ordered, so the
orphan sweep lists only the recent part of a prefix (``start_after``) instead of all of it.
"""

from __future__ import annotations

import os
import re
import time
from uuid import UUID

_PART = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


def uuid7(unix_ms: int | None = None, *, lowest: bool = False) -> UUID:
    """A version 7 UUID (RFC 9562) of ``unix_ms`` (now by default); ``lowest`` gives the
    smallest one of that millisecond, a bound for listing."""
    ms = int(time.time() * 1000) if unix_ms is None else unix_ms
    rand = 0 if lowest else int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a (12 bits)
    value |= 0b10 << 62  # variant
    value |= rand & ((1 << 62) - 1)  # rand_b
    return UUID(int=value)


def _checked(part: str, what: str) -> str:
    if not _PART.match(part):
        raise ValueError(f"{what} {part!r} is not a key part (a-z, 0-9, -)")
    return part


def prefix(organization_id: UUID, service: str, kind: str | None = None) -> str:
    """``org/<organization>/<service>/`` (and ``<kind>/``)."""
    base = f"org/{organization_id}/{_checked(service, 'service')}/"
    return base if kind is None else f"{base}{_checked(kind, 'kind')}/"


def new_key(organization_id: UUID, service: str, kind: str) -> str:
    """A fresh key: never reused, so a failed write never overwrites a committed object."""
    return f"{prefix(organization_id, service, kind)}{uuid7()}"


def window_key(organization_id: UUID, service: str, kind: str, unix_ms: int) -> str:
    """The smallest key of ``kind`` made at ``unix_ms``: keys after it were made later."""
    return f"{prefix(organization_id, service, kind)}{uuid7(unix_ms, lowest=True)}"


def belongs_to(key: str, organization_id: UUID) -> bool:
    return key.startswith(f"org/{organization_id}/")
