"""A service that asks inventory to post for its orders, as inventory sees it: how its
request reads (the command to post), what it is answered, and how the API shows it.

Every source's requests are posted, recorded, listed and retried by the same code; a
source says only what is its own. Its contracts name the same things in its own words
(production's ``posting_id`` and ``work_order_id``, maintenance's ``request_id`` and
``maintenance_work_order_id``): ``renamed`` maps inventory's names to them, for its
answers and its API views alike.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import date
from typing import Any, Generic, TypeVar
from uuid import UUID

import msgspec

from inventory.models import GoodsMovement
from inventory.posting_requests.models import Claim, Command, Group, PostingRequest, SourceName
from unison_bus import Event

R = TypeVar("R", bound=Event)
V = TypeVar("V", bound=msgspec.Struct)


class Source(ABC, Generic[R, V]):
    name: SourceName
    noun: str  # "production posting": the request in messages
    request_type: type[R]
    view_type: type[V]
    posted_type: type[Event]
    failed_type: type[Event]
    renamed: Mapping[str, str]  # inventory's name -> the source's

    @abstractmethod
    def groups(self, request: R) -> tuple[Group, ...]:
        """The request in inventory's words: the documents to post, in their order."""

    @abstractmethod
    def posted_fields(self, posted: list[GoodsMovement]) -> dict[str, Any]:
        """What the source's posted answer tells beyond the request and its documents."""

    def manufactured_on(self, request: R) -> date | None:
        """The manufacturing date of the lots the request's receipts create."""
        return None

    def claim(self, request: R) -> Claim:
        """The ids, order, reference and date the request is recorded under, read from
        the request under the source's names (``operation_no`` where it has one)."""
        fields = msgspec.structs.asdict(request)
        names = Claim.__struct_fields__
        return msgspec.convert({k: fields.get(self.renamed.get(k, k)) for k in names}, Claim)

    def command(self, request: R, plant_id: UUID) -> Command:
        claim = self.claim(request)
        return Command(
            plant_id=plant_id,
            reference=claim.reference,
            posting_date=claim.posting_date,
            groups=self.groups(request),
            manufactured_on=self.manufactured_on(request),
        )

    def _as(self, type_: type[Any], fields: dict[str, Any]) -> Any:
        return msgspec.convert({self.renamed.get(k, k): v for k, v in fields.items()}, type_)

    def _answer(self, record: PostingRequest[R], **fields: Any) -> dict[str, Any]:
        return {
            "organization_id": record.request.organization_id,
            "plant_id": record.plant_id,
            "request_id": record.request_id,
            "order_id": record.order_id,
            "reference": record.reference,
            **fields,
        }

    def posted(self, record: PostingRequest[R], posted: list[GoodsMovement]) -> Event:
        fields = self._answer(
            record, movement_ids=[m.id for m in posted], **self.posted_fields(posted)
        )
        event: Event = self._as(self.posted_type, fields)
        return event

    def failed(self, record: PostingRequest[R], error: str, pointer: str | None) -> Event:
        event: Event = self._as(
            self.failed_type, self._answer(record, error=error, pointer=pointer)
        )
        return event

    def view(self, record: PostingRequest[R]) -> V:
        """The record as the source's API shows it."""
        view: V = self._as(self.view_type, msgspec.structs.asdict(record))
        return view
