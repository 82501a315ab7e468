"""The Litestar app factory and what every Unison HTTP process shares."""

from unison_web.app import ServiceApp, create_app
from unison_web.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    Unauthorized,
)
from unison_web.serve import serve

__all__ = [
    "Conflict",
    "DomainError",
    "Forbidden",
    "Invalid",
    "NotFound",
    "PreconditionFailed",
    "PreconditionRequired",
    "ServiceApp",
    "Unauthorized",
    "create_app",
    "serve",
]
