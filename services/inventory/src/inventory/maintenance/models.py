"""A spare-parts issue maintenance asked for, as the API shows it."""

from __future__ import annotations

from uuid import UUID

from inventory.posting_requests.models import RequestRecord
from unison_events.maintenance import PartsIssueRequested


class MaintenanceIssue(RequestRecord, kw_only=True):
    """Spare parts a maintenance work order asked for, and what came of it."""

    request_id: UUID
    maintenance_work_order_id: UUID
    request: PartsIssueRequested
