"""Maintenance as a source of posting requests: a work order's spare parts as one 261
issue to the order (reference = its number), answered with what the parts cost."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from inventory.maintenance.models import MaintenanceIssue
from inventory.models import GoodsMovement
from inventory.posting_requests.documents import ISSUE
from inventory.posting_requests.models import Group, pointed
from inventory.posting_requests.source import Source
from unison_events.inventory import MaintenanceIssueFailed, MaintenanceIssuePosted
from unison_events.maintenance import PartsIssueRequested


def issued_value(posted: list[GoodsMovement]) -> Decimal:
    """What the issued parts cost, positive: issue lines carry their value signed like
    their quantity (out, at the moving average of their moment)."""
    return Decimal(0) - sum((line.value for m in posted for line in m.lines), Decimal(0))


class MaintenanceIssues(Source[PartsIssueRequested, MaintenanceIssue]):
    name = "maintenance"
    noun = "maintenance issue"
    request_type = PartsIssueRequested
    view_type = MaintenanceIssue
    posted_type = MaintenanceIssuePosted
    failed_type = MaintenanceIssueFailed
    renamed = {"order_id": "maintenance_work_order_id"}

    def groups(self, request: PartsIssueRequested) -> tuple[Group, ...]:
        return (Group(movement_type=ISSUE, lines=pointed("lines", request.lines)),)

    def posted_fields(self, posted: list[GoodsMovement]) -> dict[str, Any]:
        return {"value": issued_value(posted)}


MAINTENANCE = MaintenanceIssues()
