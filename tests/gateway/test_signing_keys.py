"""JWKS and key rotation without downtime."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import jwt

from gateway.app import Gateway
from gateway.settings import Settings
from gateway.tokens.keys import ensure_signing_key, rotate_signing_key
from tests.gateway.support import PASSWORD, Org, bearer, client_for
from unison_auth import KeySet, verify_token
from unison_pg import Database


def _kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


async def _published(client: httpx.AsyncClient) -> set[str]:
    response = await client.get("/auth/jwks.json")
    assert response.status_code == 200
    return {key["kid"] for key in response.json()["keys"]}


async def _published_once_notified(client: httpx.AsyncClient, kid: str) -> set[str]:
    """The JWKS after the gateway has heard of a key rotated straight in the database.

    The gateway reloads its keys on the rotation's NOTIFY, which arrives on its own
    connection some milliseconds after the commit; asking at once races it (seen failing
    about 1 run in 5). Waits at most 10 s, then answers what is published."""
    for _ in range(200):
        published = await _published(client)
        if kid in published:
            return published
        await asyncio.sleep(0.05)
    return await _published(client)


async def test_jwks_publishes_the_key_that_signs_tokens(
    client: httpx.AsyncClient, org: Org, login: Callable[..., Any]
) -> None:
    tokens = await login(org, "viewer")
    response = await client.get("/auth/jwks.json")
    assert response.headers["cache-control"].startswith("public")
    keys = response.json()["keys"]
    assert _kid(tokens.access_token) in {k["kid"] for k in keys}
    assert all(k["kty"] == "OKP" and k["alg"] == "EdDSA" and "d" not in k for k in keys)


async def test_a_token_signed_before_rotation_still_verifies_after_it(
    client: httpx.AsyncClient, gw: Gateway, org: Org, login: Callable[..., Any]
) -> None:
    before = await login(org, "admin")
    rotated = await client.post("/admin/keys/rotate", headers=bearer(before.access_token))
    assert rotated.status_code == 201
    new_kid = rotated.json()["kid"]

    after = await login(org, "admin")
    assert _kid(after.access_token) == new_kid  # lead 0 in tests: it signs at once
    assert _kid(before.access_token) != new_kid
    assert {new_kid, _kid(before.access_token)} <= await _published(client)
    jwks = KeySet((await client.get("/auth/jwks.json")).json())
    for token in (before.access_token, after.access_token):
        verify_token(token, jwks, issuer=gw.settings.jwt_issuer, audience="unison")
    still = await client.get("/admin/roles", headers=bearer(before.access_token))
    assert still.status_code == 200


async def test_a_new_key_is_published_before_it_signs(
    client: httpx.AsyncClient, gw: Gateway, org: Org, login: Callable[..., Any]
) -> None:
    signing_now = _kid((await login(org, "viewer")).access_token)
    async with gw.database.connection() as conn:
        kid, _ = await rotate_signing_key(conn, lead_seconds=3600, token_ttl=900)
    assert kid in await _published_once_notified(client, kid)
    assert _kid((await login(org, "viewer")).access_token) == signing_now
    # Leave the tests' usual state behind: a key that signs now.
    async with gw.database.connection() as conn:
        await rotate_signing_key(conn, lead_seconds=0, token_ttl=900)


async def test_the_first_key_is_created_when_none_exists(gateway_dsn: str) -> None:
    conn = await asyncpg.connect(gateway_dsn)
    try:
        transaction = conn.transaction()
        await transaction.start()
        try:
            await conn.execute("DELETE FROM identity.signing_keys")
            kid = await ensure_signing_key(conn)
            assert kid is not None
            assert await ensure_signing_key(conn) is None  # only one, however often asked
            signs = await conn.fetchval(
                "SELECT signs_from <= now() FROM identity.signing_keys WHERE kid = $1", kid
            )
            assert signs
        finally:
            await transaction.rollback()
    finally:
        await conn.close()


async def _admin_token(client: httpx.AsyncClient, org: Org) -> str:
    response = await client.post(
        "/auth/token",
        data={"grant_type": "password", "username": org.email("admin"), "password": PASSWORD},
    )
    token: str = response.json()["access_token"]
    return token


async def test_another_gateway_learns_a_rotated_key(
    start_gateway: Callable[[Settings], Any], settings: Settings, org: Org
) -> None:
    async with (
        start_gateway(settings) as first,
        start_gateway(settings) as second,
        client_for(first) as a,
        client_for(second) as b,
    ):
        admin = await _admin_token(a, org)
        assert (await b.get("/admin/roles", headers=bearer(admin))).status_code == 200
        rotated = await a.post("/admin/keys/rotate", headers=bearer(admin))
        fresh = await _admin_token(a, org)
        assert _kid(fresh) == rotated.json()["kid"]
        # Whether NOTIFY or the unknown kid told it first, the second process knows the key.
        assert (await b.get("/admin/roles", headers=bearer(fresh))).status_code == 200


async def test_rotate_keys_command_publishes_a_new_key(
    client: httpx.AsyncClient, gateway_dsn: str
) -> None:
    env = {**os.environ, "UNISON_DATABASE_URL": gateway_dsn, "UNISON_SIGNING_KEY_LEAD": "0"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway",
        "rotate-keys",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    kid = stdout.decode().split("new signing key ", 1)[1].split()[0]
    database = Database(gateway_dsn)
    try:
        async with database.connection() as conn:
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM identity.signing_keys WHERE kid = $1", kid
                )
                == 1
            )
    finally:
        await database.close()
    assert kid in await _published(client)
