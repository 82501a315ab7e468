"""CAPA use cases: open one (for NCRs, or to prevent), find the root cause, act, check
the effect; the daily flag of what is overdue."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from uuid import UUID

import asyncpg
import msgspec

from quality.caller import ENGINEERS, INSPECTORS, Caller
from quality.capas import repo
from quality.capas.models import ActionIn, Capa, CapaCreate, CapaStep, CapaUpdate, Effectiveness
from quality.capas.repo import NewCapa
from quality.inspections.repo import next_number
from quality.ncrs.models import Step
from quality.notifications import notify
from unison_bus import announce, announce_many
from unison_events.quality import CapaChanged
from unison_pg import Database
from unison_web import Conflict, Invalid, NotFound, PreconditionFailed, checks, paging
from unison_web.paging import Page

FLAG_BATCH = 500
DONE = ("closed", "cancelled")


def _today() -> date:
    return datetime.now(UTC).date()


def _changed(organization_id: UUID, capa: Capa) -> CapaChanged:
    return CapaChanged(
        organization_id=organization_id,
        plant_id=capa.plant_id,
        capa_id=capa.id,
        number=capa.number,
        kind=capa.kind,
        title=capa.title,
        status=capa.status,
        owner=capa.owner,
        due_date=capa.due_date,
        overdue=capa.overdue,
        version=capa.version,
        closed_at=capa.closed_at,
    )


async def _get(conn: asyncpg.Connection, capa_id: UUID) -> Capa:
    found = await repo.get(conn, capa_id, _today())
    if found is None:
        raise NotFound(f"CAPA {capa_id} does not exist")
    return found


async def _locked(conn: asyncpg.Connection, capa_id: UUID, expected: int | None) -> Capa:
    version = await repo.lock(conn, capa_id)
    if version is None:
        raise NotFound(f"CAPA {capa_id} does not exist")
    if expected is not None and version != expected:
        raise PreconditionFailed(f"the CAPA is at version {version}, not {expected}")
    return await _get(conn, capa_id)


async def _saved(conn: asyncpg.Connection, caller: Caller, capa_id: UUID) -> Capa:
    saved = await _get(conn, capa_id)
    await announce(
        conn,
        _changed(caller.tenant.organization_id, saved),
        saved.id,
        {"number": saved.number, "status": saved.status},
    )
    return saved


async def _check_ncrs(conn: asyncpg.Connection, ncr_ids: list[UUID], plant_id: UUID) -> list[UUID]:
    wanted = list(dict.fromkeys(ncr_ids))
    known = await repo.ncrs_known(conn, wanted, plant_id)
    for i, ncr_id in enumerate(ncr_ids):
        if ncr_id not in known:
            raise Invalid(f"no NCR {ncr_id} in this plant", f"/ncr_ids/{i}")
    return wanted


def _actions(actions: list[ActionIn], pointer: str = "/actions") -> list[ActionIn]:
    return [
        ActionIn(
            description=checks.text(a.description, f"{pointer}/{i}/description", 1000),
            owner=checks.text(a.owner, f"{pointer}/{i}/owner", 200),
            due_date=a.due_date,
        )
        for i, a in enumerate(actions)
    ]


async def create(db: Database, caller: Caller, data: CapaCreate) -> Capa:
    caller.require(*ENGINEERS)
    caller.check_plant(data.plant_id)
    if data.effectiveness_due is not None and data.effectiveness_due < data.due_date:
        raise Invalid("the effect is checked after the actions are due", "/effectiveness_due")
    actions = _actions(data.actions)
    async with db.transaction(caller.tenant) as conn:
        new = NewCapa(
            plant_id=data.plant_id,
            kind=data.kind,
            title=checks.text(data.title, "/title", 200),
            owner=checks.text(data.owner, "/owner", 200),
            due_date=data.due_date,
            root_cause=data.root_cause,
            ncr_ids=await _check_ncrs(conn, data.ncr_ids, data.plant_id),
            effectiveness_due=data.effectiveness_due,
        )
        number = f"CAPA-{await next_number(conn, 'capa'):06d}"
        first = Step(status="open", at=datetime.now(UTC), by=caller.user)
        capa_id = await repo.insert(conn, number, new, first)
        await repo.actions_insert(conn, capa_id, data.plant_id, actions)
        return await _saved(conn, caller, capa_id)


async def get(db: Database, caller: Caller, capa_id: UUID) -> Capa:
    async with db.transaction(caller.tenant, readonly=True) as conn:
        return await _get(conn, capa_id)


async def list_page(
    db: Database,
    caller: Caller,
    filters: tuple[UUID | None, str | None, UUID | None, bool | None],
    cursor: str | None,
    limit: int,
) -> Page[Capa]:
    if filters[0] is not None:
        caller.check_plant(filters[0])
    key = paging.after(cursor, UUID)
    async with db.transaction(caller.tenant, readonly=True) as conn:
        rows = await repo.page(conn, filters, _today(), key[0] if key else None, limit + 1)
    return paging.cut(rows, limit, lambda c: (c.id,))


async def update(
    db: Database, caller: Caller, capa_id: UUID, data: CapaUpdate, expected: int
) -> Capa:
    caller.require(*ENGINEERS)
    async with db.transaction(caller.tenant) as conn:
        capa = await _locked(conn, capa_id, expected)
        if capa.status in DONE:
            raise Conflict(f"{capa.number} is {capa.status}")
        changes: dict[str, object] = {
            k: v for k, v in msgspec.structs.asdict(data).items() if v is not None
        }
        if data.title is not None:
            changes["title"] = checks.text(data.title, "/title", 200)
        if data.owner is not None:
            changes["owner"] = checks.text(data.owner, "/owner", 200)
        if data.ncr_ids is not None:
            changes["ncr_ids"] = await _check_ncrs(conn, data.ncr_ids, capa.plant_id)
        changed = msgspec.structs.replace(capa, **changes)
        if changed.effectiveness_due is not None and changed.effectiveness_due < changed.due_date:
            raise Invalid("the effect is checked after the actions are due", "/effectiveness_due")
        await repo.update_fields(conn, changed)
        return await _saved(conn, caller, capa.id)


def _refusal(capa: Capa, to: str) -> str | None:
    if to == "cancelled":
        if capa.status not in ("open", "in_progress"):
            return f"{capa.number} is {capa.status}: only an open or running CAPA is cancelled"
        return None
    if to == "in_progress":
        if capa.status != "open":
            return f"{capa.number} is {capa.status}: work starts from open"
        if capa.kind == "corrective" and not capa.root_cause.statement:
            return f"state the root cause of {capa.number} before acting on it"
        return None
    if capa.status != "in_progress":
        return f"{capa.number} is {capa.status}: the effect is checked after the work"
    if not capa.actions:
        return f"{capa.number} has no actions"
    pending = [a for a in capa.actions if a.done_at is None]
    if pending:
        return f"{len(pending)} action(s) of {capa.number} are not done"
    return None


async def step(db: Database, caller: Caller, capa_id: UUID, data: CapaStep, expected: int) -> Capa:
    caller.require(*ENGINEERS)
    async with db.transaction(caller.tenant) as conn:
        capa = await _locked(conn, capa_id, expected)
        refused = _refusal(capa, data.to)
        if refused is not None:
            raise Conflict(refused)
        note = checks.text(data.note, "/note", 2000) if data.note else None
        if data.to == "cancelled" and note is None:
            raise Invalid("say why the CAPA is cancelled", "/note")
        taken = Step(status=data.to, at=datetime.now(UTC), by=caller.user, note=note)
        await repo.step(conn, capa.id, data.to, taken)
        return await _saved(conn, caller, capa.id)


async def effectiveness(
    db: Database, caller: Caller, capa_id: UUID, data: Effectiveness, expected: int
) -> Capa:
    """Effective: closed. Not effective: back to work, with new actions to add."""
    caller.require(*ENGINEERS)
    async with db.transaction(caller.tenant) as conn:
        capa = await _locked(conn, capa_id, expected)
        if capa.status != "effectiveness_check":
            raise Conflict(f"{capa.number} is {capa.status}, not in its effectiveness check")
        note = checks.text(data.note, "/note", 2000)
        to = "closed" if data.effective else "in_progress"
        taken = Step(status=to, at=datetime.now(UTC), by=caller.user, note=note)
        await repo.step(conn, capa.id, to, taken, (data.effective, note))
        return await _saved(conn, caller, capa.id)


async def add_actions(db: Database, caller: Caller, capa_id: UUID, data: list[ActionIn]) -> Capa:
    caller.require(*ENGINEERS)
    actions = _actions(data)
    async with db.transaction(caller.tenant) as conn:
        capa = await _locked(conn, capa_id, None)
        if capa.status not in ("open", "in_progress"):
            raise Conflict(f"{capa.number} is {capa.status}: no more actions")
        await repo.actions_insert(conn, capa.id, capa.plant_id, actions)
        await repo.touch(conn, capa.id)
        return await _saved(conn, caller, capa.id)


async def action_done(
    db: Database, caller: Caller, capa_id: UUID, action_id: UUID, done: bool
) -> Capa:
    """An action's owner (or anyone of quality) marks it done, or open again."""
    caller.require(*INSPECTORS)
    async with db.transaction(caller.tenant) as conn:
        capa = await _locked(conn, capa_id, None)
        if capa.status not in ("open", "in_progress"):
            raise Conflict(f"{capa.number} is {capa.status}: its actions are settled")
        if not await repo.action_done(conn, capa.id, action_id, done):
            raise NotFound(f"action {action_id} of {capa.number} does not exist")
        await repo.touch(conn, capa.id)
        return await _saved(conn, caller, capa.id)


def _digest(capas: list[Capa], actions: list[tuple[Capa, UUID]]) -> tuple[str, str]:
    parts = []
    if capas:
        parts.append(f"{len(capas)} CAPA{'s' if len(capas) != 1 else ''}")
    if actions:
        parts.append(f"{len(actions)} action{'s' if len(actions) != 1 else ''}")
    lines = []
    for c in capas:
        lines.append(f"{c.number} {c.title}: owner {c.owner}, due {c.due_date} ({c.status})")
    for c, action_id in actions:
        found = next(a for a in c.actions if a.id == action_id)
        lines.append(
            f"{c.number} action: {found.description}: owner {found.owner}, due {found.due_date}"
        )
    return " and ".join(parts) + " overdue", "\n".join(lines)


async def flag_overdue(conn: asyncpg.Connection, caller: Caller, today: date) -> tuple[int, int]:
    """Flag what became overdue since the last run (each CAPA and action once per due
    date), publish the CAPAs as overdue, and tell each plant's subscribers in one e-mail.
    Returns (CAPAs, actions) flagged."""
    total_capas = total_actions = 0
    while True:
        capa_ids, action_pairs = await repo.overdue(conn, today, FLAG_BATCH)
        if not capa_ids and not action_pairs:
            return total_capas, total_actions
        await repo.flag(conn, capa_ids, [a for a, _ in action_pairs])
        wanted = list(dict.fromkeys([*capa_ids, *(c for _, c in action_pairs)]))
        loaded = await repo.get_many(conn, wanted, today)
        org = caller.tenant.organization_id
        await announce_many(
            conn, [(_changed(org, loaded[c]), c, {"overdue": True}) for c in capa_ids]
        )
        by_plant: dict[UUID, tuple[list[Capa], list[tuple[Capa, UUID]]]] = defaultdict(
            lambda: ([], [])
        )
        for c in capa_ids:
            by_plant[loaded[c].plant_id][0].append(loaded[c])
        for action_id, c in action_pairs:
            by_plant[loaded[c].plant_id][1].append((loaded[c], action_id))
        for plant_id, (capas, actions) in by_plant.items():
            subject, body = _digest(capas, actions)
            await notify(
                conn,
                kind="capa_overdue",
                plant_id=plant_id,
                subject=subject,
                body=body,
                organization_id=org,
            )
        total_capas += len(capa_ids)
        total_actions += len(action_pairs)
