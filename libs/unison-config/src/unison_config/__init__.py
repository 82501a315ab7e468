"""Settings read once from the environment into a frozen msgspec Struct.

A process calls :func:`load` at start-up and passes the result explicitly; a missing or
malformed value stops start-up with a message that names the environment variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec

__all__ = ["SettingsError", "load"]

T = TypeVar("T", bound=msgspec.Struct)


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""


def _env_name(prefix: str, field: str) -> str:
    return f"{prefix}{field}".upper()


def load(cls: type[T], prefix: str = "", environ: Mapping[str, str] | None = None) -> T:
    """Build ``cls`` from ``PREFIX_FIELD`` variables; fields without a default are required."""
    env = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    info = msgspec.structs.fields(cls)
    for f in info:
        name = _env_name(prefix, f.encode_name)
        if name in env:
            raw[f.encode_name] = env[name]
        elif f.required:
            raise SettingsError(f"missing setting {name} ({cls.__name__}.{f.name})")
    try:
        return msgspec.convert(raw, cls, strict=False)
    except msgspec.ValidationError as exc:
        # msgspec says "at `$.field`": translate the path back to the variable's name.
        message = str(exc)
        for f in info:
            if f"$.{f.encode_name}`" in message:
                name = _env_name(prefix, f.encode_name)
                raise SettingsError(f"malformed setting {name}: {message}") from exc
        raise SettingsError(f"malformed settings for {cls.__name__}: {message}") from exc
