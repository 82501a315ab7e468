"""What any dashboard's cache key depends on: organization, plant set (in any order),
the dashboard, its query, and the generation of its range."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import msgspec

from reporting.dashboard_cache import freshness
from reporting.dashboard_cache.dashboards import Request, request_key
from unison_pg import Tenant
from unison_web.caller import Caller

DAY = date(2026, 11, 2)


def test_the_key_holds_the_organization_the_plant_set_the_query_and_the_generation() -> None:
    org, a, b = uuid4(), uuid4(), uuid4()
    request = Request(
        name="quality.fpy", period=(DAY, DAY), plant_id=None, scopes=(freshness.QUALITY,)
    )

    def key(
        organization: UUID = org,
        plants: tuple[UUID, ...] = (a, b),
        req: Request = request,
        generation: int = 3,
    ) -> str:
        return request_key(Caller(tenant=Tenant(organization, plants)), req, generation)

    assert key().startswith("reporting.quality.fpy:v1:") and key().endswith(":3")
    assert key() == key(plants=(b, a))
    variants = {
        key(),
        key(organization=uuid4()),
        key(plants=(a,)),
        key(generation=4),
        key(req=msgspec.structs.replace(request, params=("week",))),
        key(req=msgspec.structs.replace(request, plant_id=a)),
        key(req=msgspec.structs.replace(request, name="quality.defects")),
        key(req=msgspec.structs.replace(request, period=(DAY, date(2026, 11, 3)))),
    }
    assert len(variants) == 8
