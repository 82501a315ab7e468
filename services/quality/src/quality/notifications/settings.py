"""How the worker reaches its mail relay: read once from ``UNISON_SMTP_*`` at start-up."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

Security = Literal["none", "starttls", "ssl"]


class SmtpSettings(msgspec.Struct, frozen=True, kw_only=True):
    """``security``: ``none`` (a local relay or sink), ``starttls`` (usually port 587) or
    ``ssl`` (implicit TLS, usually 465). The defaults point at the demo stack's local sink,
    so a worker without a relay starts and its mails fail visibly (and can be resent).
    There is no default password: without ``username`` and ``password`` it does not log
    in."""

    host: Annotated[str, Meta(min_length=1)] = "127.0.0.1"
    port: Annotated[int, Meta(ge=1, le=65535)] = 2525
    security: Security = "none"
    username: str | None = None
    password: str | None = None
    from_address: Annotated[str, Meta(pattern=r"^[^@\s]+@[^@\s]+$")] = "quality@unison.local"
    timeout: Annotated[float, Meta(gt=0, le=300)] = 30.0

    def __post_init__(self) -> None:
        # A password without a user (or the reverse) is a typo in the environment: fail at
        # start-up rather than at the first mail.
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password are set together or not at all")
