"""The bench signs in as the demo organization's admin, like a user would."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx

USER = "admin@acme.test"
PASSWORD = "unison-demo"


def claims(token: str) -> dict[str, Any]:
    """What the token says (organization, plants); read, not verified: the bench made it."""
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


async def demo_token(client: httpx.AsyncClient) -> str:
    response = await client.post(
        "/auth/token", data={"grant_type": "password", "username": USER, "password": PASSWORD}
    )
    response.raise_for_status()
    return str(response.json()["access_token"])
