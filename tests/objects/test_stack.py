"""The embedded store in the stack: SeaweedFS's ports move with the stack's (so the
offset scheme keeps stacks apart), its keys are generated into the stack's secrets, every
service and worker is told where it is, and a process without them does not start."""

from __future__ import annotations

import os
import stat

import pytest

from unison_config import SettingsError
from unison_objects import load_settings
from unison_stack.stack import Stack
from unison_stack.supervisor import Supervisor


def test_the_store_takes_eight_ports_after_the_gateways_and_every_service_is_told(
    stack: Stack,
) -> None:
    specs = {s.name: s for s in Supervisor(stack).specs}
    weed = specs["objects"]
    numbers = [arg.split("=", 1)[1] for arg in weed.argv if ".port" in arg]
    ports = sorted(int(n) for n in numbers if n.isdigit() and int(n) > 0)  # 0: turned off
    gateway = stack.ports.gateway
    assert ports == list(range(gateway + 300, gateway + 308))
    assert weed.port == gateway + 306 and weed.ready_url.endswith("/healthz")
    assert "-master.telemetry=false" in weed.argv
    access_key, secret_key = stack.object_store_keys
    assert access_key and secret_key
    secrets = stack.paths.secrets.read_text()
    assert f"S3_ACCESS_KEY={access_key}" in secrets and f"S3_SECRET_KEY={secret_key}" in secrets
    for name in (
        "quality",
        "quality-worker",
        "inventory-worker",
        "maintenance",
        "production",
        "reporting",
        "reporting-worker",
    ):
        env = specs[name].env
        assert env["UNISON_S3_ENDPOINT"] == f"http://127.0.0.1:{gateway + 306}"
        assert (env["UNISON_S3_ACCESS_KEY"], env["UNISON_S3_SECRET_KEY"]) == (
            access_key,
            secret_key,
        )
    assert "UNISON_S3_SECRET_KEY" not in specs["gateway"].env
    assert (
        f"objects=http://127.0.0.1:{gateway + 306}/healthz"
        in (specs["gateway"].env["UNISON_READY_URLS"])
    )


def test_the_gateways_credentials_file_is_private(stack: Stack, object_store: object) -> None:
    config = stack.paths.objects / "s3.json"
    assert stat.S_IMODE(os.stat(config).st_mode) == 0o600


def test_a_process_without_the_stores_secret_does_not_start() -> None:
    with pytest.raises(SettingsError, match="UNISON_S3_SECRET_KEY"):
        load_settings({"UNISON_S3_ENDPOINT": "http://127.0.0.1:1", "UNISON_S3_ACCESS_KEY": "a"})
    loaded = load_settings(
        {
            "UNISON_S3_ENDPOINT": "http://minio:9000",
            "UNISON_S3_ACCESS_KEY": "a",
            "UNISON_S3_SECRET_KEY": "b",
            "UNISON_S3_LINK_SECONDS": "60",
        }
    )
    assert (loaded.bucket, loaded.link_seconds, loaded.public_endpoint) == ("unison", 60, None)
