"""Routes of inspection plans and the defect catalogue."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from litestar import Response, Router, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from quality.http import BASE, Cursor, Db, IfMatch, Limit, Who, required_version, tagged
from quality.plans import service as plans
from quality.plans.models import (
    DefectCode,
    DefectCodePut,
    Plan,
    PlanContent,
    PlanCreate,
    RevisionCreate,
)
from unison_web.paging import Page

ONE = "/inspection-plans/{plan_id:uuid}"


@post("/inspection-plans", status_code=201)
async def create_plan(db: Db, caller: Who, data: JSONBody[PlanCreate]) -> Response[Plan]:
    """A plan as a draft, or released at once (``status``: released)."""
    created = await plans.create(db, caller, data)
    return tagged(created, created.version, 201, f"{BASE}/inspection-plans/{created.id}")


@get("/inspection-plans")
async def list_plans(
    db: Db,
    caller: Who,
    material_id: FromQuery[UUID | None] = None,
    plant_id: FromQuery[UUID | None] = None,
    status: FromQuery[Literal["draft", "released", "obsolete"] | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[Plan]:
    return await plans.list_page(db, caller, (material_id, plant_id, status), cursor, limit)


@get(ONE)
async def get_plan(db: Db, caller: Who, plan_id: FromPath[UUID]) -> Response[Plan]:
    found = await plans.get(db, caller, plan_id)
    return tagged(found, found.version)


@put(ONE)
async def replace_plan(
    db: Db,
    caller: Who,
    plan_id: FromPath[UUID],
    data: JSONBody[PlanContent],
    if_match: IfMatch = None,
) -> Response[Plan]:
    """Drafts only: a released plan changes by a new revision."""
    saved = await plans.replace(db, caller, plan_id, data, required_version(if_match))
    return tagged(saved, saved.version)


@post(ONE + "/release", status_code=200)
async def release_plan(
    db: Db, caller: Who, plan_id: FromPath[UUID], if_match: IfMatch = None
) -> Response[Plan]:
    """The released version it succeeds ends the day before this one starts."""
    saved = await plans.act(db, caller, plan_id, "release", required_version(if_match))
    return tagged(saved, saved.version)


@post(ONE + "/obsolete", status_code=200)
async def obsolete_plan(
    db: Db, caller: Who, plan_id: FromPath[UUID], if_match: IfMatch = None
) -> Response[Plan]:
    saved = await plans.act(db, caller, plan_id, "obsolete", required_version(if_match))
    return tagged(saved, saved.version)


@post(ONE + "/revisions", status_code=201)
async def new_plan_revision(
    db: Db, caller: Who, plan_id: FromPath[UUID], data: JSONBody[RevisionCreate]
) -> Response[Plan]:
    """A draft copy of this plan as the next revision, valid from ``valid_from``."""
    created = await plans.new_revision(db, caller, plan_id, data)
    return tagged(created, created.version, 201, f"{BASE}/inspection-plans/{created.id}")


@put("/defect-codes/{code:str}")
async def put_defect_code(
    db: Db, caller: Who, code: FromPath[str], data: JSONBody[DefectCodePut]
) -> DefectCode:
    return await plans.put_defect(db, caller, code, data)


@get("/defect-codes")
async def list_defect_codes(db: Db, caller: Who) -> list[DefectCode]:
    return await plans.defects(db, caller)


def plan_router() -> Router:
    return Router(
        path=BASE,
        tags=["inspection plans"],
        route_handlers=[
            create_plan,
            list_plans,
            get_plan,
            replace_plan,
            release_plan,
            obsolete_plan,
            new_plan_revision,
            put_defect_code,
            list_defect_codes,
        ],
    )
