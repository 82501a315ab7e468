"""What the SAP integration's API reads and writes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

Direction = Literal["inbound", "outbound"]
MessageStatus = Literal["received", "processing", "processed", "failed"]
MessageKind = Literal[
    "MATMAS",
    "LOIPRO",
    "BOMMAT",
    "A_Product",
    "ProductionOrder.Created",
    "A_MaterialDocumentHeader",
]
CodeKind = Literal["material_type", "unit"]

MESSAGES = "/api/inventory/sap/messages"

Werks = Annotated[str, Meta(pattern=r"^[A-Za-z0-9]{1,4}$")]
SapCodeValue = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_%/-]{1,10}$")]
Secret = Annotated[str, Meta(min_length=1, max_length=500)]
Url = Annotated[str, Meta(pattern=r"^https?://[^/\s]+[^\s]*$", max_length=500)]


class SapMessage(msgspec.Struct, kw_only=True):
    """A message exchanged with SAP and where it stands.

    ``error`` says why it failed (for outbound messages, SAP's own error text), in words
    the integration team can act on; a failed message can be replayed.
    """

    id: UUID
    direction: Direction
    kind: MessageKind
    external_id: str
    status: MessageStatus
    attempts: int
    error: str | None
    summary: str | None
    job_id: UUID | None
    received_by: str
    received_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    href: str = ""
    payload_href: str = ""

    def __post_init__(self) -> None:
        self.href = f"{MESSAGES}/{self.id}"
        self.payload_href = f"{MESSAGES}/{self.id}/payload"


class SapMessageDetail(SapMessage, kw_only=True):
    # Outbound: the A_MaterialDocumentHeader body last sent to SAP.
    sent_payload: Any | None = None


class Accepted(msgspec.Struct, kw_only=True):
    """The answer to an inbound message: stored, and processed by a job."""

    id: UUID
    kind: MessageKind
    external_id: str
    status: MessageStatus
    href: str
    # True when this external id had been received before (the answer is that message).
    duplicate: bool = False


class SapPlant(msgspec.Struct, kw_only=True):
    """An SAP plant (WERKS) and the Unison plant it is; none = Unison skips its data."""

    werks: str
    plant_id: UUID | None
    updated_at: datetime
    updated_by: str


class SapPlantPut(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    plant_id: UUID | None


class SapCode(msgspec.Struct, kw_only=True):
    kind: CodeKind
    sap_code: str
    code: str
    updated_at: datetime
    updated_by: str


class SapCodePut(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: Annotated[str, Meta(min_length=1, max_length=20)]


class BasicAuth(
    msgspec.Struct, kw_only=True, forbid_unknown_fields=True, tag_field="kind", tag="basic"
):
    username: Annotated[str, Meta(min_length=1, max_length=100)]
    password: Secret


class OAuthClient(
    msgspec.Struct, kw_only=True, forbid_unknown_fields=True, tag_field="kind", tag="oauth"
):
    """OAuth 2.0 client credentials: the token endpoint and the client."""

    token_url: Url
    client_id: Annotated[str, Meta(min_length=1, max_length=200)]
    client_secret: Secret


class SapConnectionPut(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How Unison calls this organization's SAP system."""

    base_url: Url
    sap_client: Annotated[str, Meta(pattern=r"^\d{3}$")] | None = None
    auth: BasicAuth | OAuthClient
    # Cost center for scrap (551/552), when SAP's account determination needs one.
    scrap_cost_center: Annotated[str, Meta(min_length=1, max_length=10)] | None = None
    timeout_seconds: Annotated[int, Meta(ge=1, le=300)] = 30
    enabled: bool = True


class SapConnection(msgspec.Struct, kw_only=True):
    """The connection as the API shows it: never the secrets, only that they are set."""

    base_url: str
    sap_client: str | None
    auth_kind: Literal["basic", "oauth"]
    username: str | None
    token_url: str | None
    client_id: str | None
    secret_set: bool
    scrap_cost_center: str | None
    timeout_seconds: int
    enabled: bool
    version: int
    updated_at: datetime
    updated_by: str
