"""Every forged, stale or foreign token is refused with 401 problem+json."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.app import Gateway
from tests.gateway.support import Org, bearer


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def _claims(org: Org, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": "unison-gateway",
        "aud": "unison",
        "sub": f"user:{org.user_ids['admin']}",
        "org": str(org.id),
        "plants": [],
        "roles": ["admin"],
        "kind": "user",
        "name": "Mallory",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
    }
    claims.update(overrides)
    return claims


async def _signed_by_gateway(gw: Gateway, claims: dict[str, Any]) -> str:
    key = await gw.keyring.signing_key()
    return jwt.encode(claims, key.private_key, algorithm="EdDSA", headers={"kid": key.kid})


async def _assert_refused(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get("/admin/users", headers=bearer(token))
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401


async def test_a_well_formed_admin_token_is_accepted(
    client: httpx.AsyncClient, gw: Gateway, org: Org
) -> None:
    # The control: the forgeries below differ from this token in one way each.
    token = await _signed_by_gateway(gw, _claims(org))
    assert (await client.get("/admin/users", headers=bearer(token))).status_code == 200


async def test_alg_none_is_refused(client: httpx.AsyncClient, gw: Gateway, org: Org) -> None:
    key = await gw.keyring.signing_key()
    token = f"{_segment({'alg': 'none', 'typ': 'JWT', 'kid': key.kid})}.{_segment(_claims(org))}."
    await _assert_refused(client, token)


async def test_hs256_signed_with_the_public_key_is_refused(
    client: httpx.AsyncClient, gw: Gateway, org: Org
) -> None:
    key = await gw.keyring.signing_key()
    public_pem = key.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = (
        f"{_segment({'alg': 'HS256', 'typ': 'JWT', 'kid': key.kid})}.{_segment(_claims(org))}"
    )
    for secret in (public_pem, base64.urlsafe_b64decode(key.public_jwk["x"] + "==")):
        signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        await _assert_refused(client, f"{signing_input}.{_b64(signature)}")


async def test_an_expired_token_is_refused(
    client: httpx.AsyncClient, gw: Gateway, org: Org
) -> None:
    past = int(time.time()) - 3600
    token = await _signed_by_gateway(gw, _claims(org, iat=past - 900, nbf=past - 900, exp=past))
    await _assert_refused(client, token)


async def test_a_token_not_valid_yet_is_refused(
    client: httpx.AsyncClient, gw: Gateway, org: Org
) -> None:
    future = int(time.time()) + 3600
    await _assert_refused(client, await _signed_by_gateway(gw, _claims(org, nbf=future)))


@pytest.mark.parametrize(
    ("claim", "value"),
    [("aud", "someone-else"), ("iss", "https://evil.example"), ("sub", None), ("org", None)],
)
async def test_a_token_with_a_wrong_or_missing_claim_is_refused(
    client: httpx.AsyncClient, gw: Gateway, org: Org, claim: str, value: Any
) -> None:
    claims = _claims(org)
    if value is None:
        del claims[claim]
    else:
        claims[claim] = value
    await _assert_refused(client, await _signed_by_gateway(gw, claims))


async def test_a_token_with_an_unknown_kid_is_refused(client: httpx.AsyncClient, org: Org) -> None:
    stranger = Ed25519PrivateKey.generate()
    token = jwt.encode(_claims(org), stranger, algorithm="EdDSA", headers={"kid": "not-our-key"})
    await _assert_refused(client, token)


async def test_a_token_signed_by_another_key_under_our_kid_is_refused(
    client: httpx.AsyncClient, gw: Gateway, org: Org
) -> None:
    key = await gw.keyring.signing_key()
    stranger = Ed25519PrivateKey.generate()
    token = jwt.encode(_claims(org), stranger, algorithm="EdDSA", headers={"kid": key.kid})
    await _assert_refused(client, token)


async def test_a_tampered_payload_is_refused(
    client: httpx.AsyncClient, org: Org, login: Callable[..., Any]
) -> None:
    genuine = (await login(org, "viewer")).access_token
    header, payload, signature = genuine.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["roles"] = ["admin"]
    await _assert_refused(client, f"{header}.{_segment(claims)}.{signature}")


async def test_a_missing_or_malformed_authorization_header_is_refused(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/admin/users")).status_code == 401
    for value in ("Bearer", "Bearer not.a.jwt", "Basic dXNlcjpwYXNz", "Bearer a.b"):
        response = await client.get("/admin/users", headers={"Authorization": value})
        assert response.status_code == 401
