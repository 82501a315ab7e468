"""The service grant: Unison's own workers (search's rebuild) get a read-only token of the
organization they work for, with every plant of it, by the deployment's secret."""

from __future__ import annotations

import base64
import uuid

import httpx
import jwt
import pytest

from gateway.settings import Settings
from tests.gateway.conftest import SEARCH_SERVICE_SECRET
from tests.gateway.support import Org
from unison_config import SettingsError

GRANT = "urn:unison:grant-type:service"


def _basic(name: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{secret}".encode()).decode()}


async def _ask(client: httpx.AsyncClient, secret: str, organization: str) -> httpx.Response:
    return await client.post(
        "/auth/token",
        data={"grant_type": GRANT, "organization_id": organization},
        headers=_basic("search", secret),
    )


async def test_the_search_worker_gets_a_read_only_token_of_any_organization(
    client: httpx.AsyncClient, org: Org
) -> None:
    response = await _ask(client, SEARCH_SERVICE_SECRET, str(org.id))
    assert response.status_code == 200, response.text
    body = response.json()
    assert "refresh_token" not in body
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert (claims["sub"], claims["kind"], claims["org"]) == (
        "service:search",
        "service",
        str(org.id),
    )
    assert claims["roles"] == ["viewer"]
    assert set(claims["plants"]) == {str(p) for p in org.plant_ids}
    # The token reads through the gateway like any viewer's, and writes nothing.
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert (await client.get("/api/inventory/things", headers=headers)).status_code == 200
    assert (await client.post("/api/inventory/things", json={}, headers=headers)).status_code == 403


async def test_a_wrong_secret_an_unknown_organization_or_a_bad_id_are_refused(
    client: httpx.AsyncClient, org: Org
) -> None:
    wrong = await _ask(client, "not-the-secret-at-all", str(org.id))
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
    unknown = await _ask(client, SEARCH_SERVICE_SECRET, str(uuid.uuid4()))
    assert (unknown.status_code, unknown.json()["error"]) == (400, "invalid_grant")
    bad = await _ask(client, SEARCH_SERVICE_SECRET, "acme")
    assert (bad.status_code, bad.json()["error"]) == (400, "invalid_request")
    # A service the deployment did not give a secret to.
    other = await client.post(
        "/auth/token",
        data={"grant_type": GRANT, "organization_id": str(org.id)},
        headers=_basic("reporting", SEARCH_SERVICE_SECRET),
    )
    assert other.status_code == 401


def test_malformed_service_secrets_stop_the_gateway_at_start(settings: Settings) -> None:
    for text in ("search", "search=short", "billing=" + "x" * 20):
        broken = Settings(database_url=settings.database_url, service_secrets=text)
        with pytest.raises(SettingsError, match="UNISON_SERVICE_SECRETS"):
            _ = broken.service_credentials
