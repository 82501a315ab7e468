"""Where the object store is and how to sign for it, read once from ``UNISON_S3_*``."""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from unison_config import load


class ObjectStoreSettings(msgspec.Struct, frozen=True, kw_only=True):
    # The S3 endpoint the processes use, e.g. http://127.0.0.1:8306 (SeaweedFS's gateway
    # in the embedded default) or http://minio:9000 in Compose.
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str = "unison"
    region: str = "us-east-1"
    # Where a client outside reaches the store, for presigned links; unset: the links name
    # ``endpoint`` (fine on one machine, where the embedded store listens on loopback).
    public_endpoint: str | None = None
    # How long a presigned download link works.
    link_seconds: int = 300


def load_settings(environ: Mapping[str, str] | None = None) -> ObjectStoreSettings:
    """The settings from ``UNISON_S3_ENDPOINT``, ``UNISON_S3_ACCESS_KEY``, ... (no secret
    has a default: a missing one stops start-up naming the variable)."""
    return load(ObjectStoreSettings, prefix="UNISON_S3_", environ=environ)
