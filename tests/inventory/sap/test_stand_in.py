"""The SAP stand-in is strict where SAP is: the tests of the push would prove little if it
accepted anything. Also our client against it, without the worker."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from inventory.sap.client import MATERIAL_DOCUMENTS, SapClient, SapRefused, SapUnavailable
from inventory.sap.repo import ConnectionRow
from tests.support.sap_server import PASSWORD, USERNAME, SapStandIn

SERVICE = f"/sap/opu/odata/sap/{MATERIAL_DOCUMENTS}"
BASIC = {"Authorization": "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()}


def document(**item: Any) -> dict[str, Any]:
    line = {
        "Material": "VE2021",
        "Plant": "1021",
        "StorageLocation": "2000",
        "GoodsMovementType": "261",
        "QuantityInEntryUnit": "5",
        "EntryUnit": "PC",
        "ManufacturingOrder": "1003981",
        **item,
    }
    return {
        "GoodsMovementCode": "03",
        "PostingDate": "/Date(1795564800000)/",
        "to_MaterialDocumentItem": [{k: v for k, v in line.items() if v is not None}],
    }


@pytest.fixture
async def http(sap: SapStandIn) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sap.url, headers=BASIC) as client:
        yield client


async def fetch_token(http: httpx.AsyncClient) -> str:
    response = await http.get(f"{SERVICE}/", headers={"x-csrf-token": "Fetch"})
    assert response.status_code == 200
    return response.headers["x-csrf-token"]


async def test_a_post_needs_the_token_of_its_own_session(http: httpx.AsyncClient) -> None:
    url = f"{SERVICE}/A_MaterialDocumentHeader"
    without = await http.post(url, json=document())
    assert (without.status_code, without.headers["x-csrf-token"]) == (403, "Required")
    token = await fetch_token(http)
    async with httpx.AsyncClient(base_url=str(http.base_url), headers=BASIC) as other:
        elsewhere = await other.post(url, json=document(), headers={"x-csrf-token": token})
    assert elsewhere.status_code == 403  # the token without the session cookie
    posted = await http.post(url, json=document(), headers={"x-csrf-token": token})
    assert posted.status_code == 201, posted.text
    assert posted.json()["d"]["MaterialDocument"] == "4900000001"


@pytest.mark.parametrize(
    ("item", "error"),
    [
        ({"Colour": "red"}, "Property 'Colour' is invalid for A_MaterialDocumentItemType"),
        ({"QuantityInEntryUnit": 5}, "QuantityInEntryUnit is Edm.Decimal, sent as a string"),
        ({"QuantityInEntryUnit": "5.0001"}, "QuantityInEntryUnit has more than 3 decimals"),
        ({"QuantityInEntryUnit": "12345678901.5"}, "has more digits than precision 13"),
        ({"StorageLocation": "20000"}, "StorageLocation is longer than 4"),
        ({"ShelfLifeExpirationDate": "2026-12-31"}, "must be /Date(ms)/"),
        ({"IsCompletelyDelivered": "X"}, "IsCompletelyDelivered must be true or false"),
        ({"ProductCharacteristic1": "RED"}, "Property 'ProductCharacteristic1' cannot be set"),
        ({"EntryUnit": "ST"}, "Unit ST is not created in language EN"),
        ({"GoodsMovementType": "101"}, "movement type 101 is not allowed with code 03"),
        ({"ManufacturingOrder": None}, "enter the order for movement type 261"),
    ],
)
async def test_a_document_sap_would_refuse_is_refused(
    http: httpx.AsyncClient, item: dict[str, Any], error: str
) -> None:
    token = await fetch_token(http)
    response = await http.post(
        f"{SERVICE}/A_MaterialDocumentHeader",
        json=document(**item),
        headers={"x-csrf-token": token},
    )
    assert response.status_code == 400
    assert error in response.json()["error"]["message"]["value"]


async def test_no_credentials_no_entry(sap: SapStandIn) -> None:
    async with httpx.AsyncClient(base_url=sap.url) as anonymous:
        assert (await anonymous.get(f"{SERVICE}/")).status_code == 401


def connection(sap: SapStandIn, **fields: Any) -> ConnectionRow:
    values: dict[str, Any] = {
        "base_url": sap.url,
        "sap_client": "200",
        "auth_kind": "basic",
        "username": USERNAME,
        "password": PASSWORD,
        "token_url": None,
        "client_id": None,
        "client_secret": None,
        "scrap_cost_center": None,
        "timeout_seconds": 2,
        "enabled": True,
        "version": 1,
        "updated_at": datetime(2026, 1, 1),
        "updated_by": "test",
        **fields,
    }
    return ConnectionRow(**values)


async def test_the_client_posts_with_the_handshake_and_reports_sap_errors(
    sap: SapStandIn,
) -> None:
    async with SapClient(connection(sap)) as client:
        created = await client.create(MATERIAL_DOCUMENTS, "A_MaterialDocumentHeader", document())
        assert created["d"]["MaterialDocumentYear"] == "2026"
        with pytest.raises(SapRefused) as refused:
            await client.create(
                MATERIAL_DOCUMENTS, "A_MaterialDocumentHeader", document(Plant="10210")
            )
        assert refused.value.status == 400
        assert "Plant is longer than 4" in refused.value.text
        sap.fail_next(1, status=502)
        with pytest.raises(SapUnavailable, match="SAP answered 502"):
            await client.create(MATERIAL_DOCUMENTS, "A_MaterialDocumentHeader", document())


async def test_the_client_reports_an_unreachable_or_slow_sap_as_unavailable(
    sap: SapStandIn,
) -> None:
    async with SapClient(connection(sap, base_url="http://127.0.0.1:9")) as client:
        with pytest.raises(SapUnavailable, match="unreachable") as unreachable:
            await client.create(MATERIAL_DOCUMENTS, "A_MaterialDocumentHeader", document())
        assert unreachable.value.uncertain is False
    sap.answer_late(3)
    async with SapClient(connection(sap, timeout_seconds=1)) as client:
        with pytest.raises(SapUnavailable, match="did not answer") as slow:
            await client.create(MATERIAL_DOCUMENTS, "A_MaterialDocumentHeader", document())
        assert slow.value.uncertain is True
