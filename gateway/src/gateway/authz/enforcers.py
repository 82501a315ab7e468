"""Casbin enforcers per organization, loaded lazily from PostgreSQL and cached.

A cached enforcer is dropped when PostgreSQL announces a change of its organization's
rules or role assignments (NOTIFY, see unison_bus.listener), all are dropped when the listening
connection reconnects (notifications may have been missed), and any is reloaded after
MAX_AGE_SECONDS as a last resort.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import casbin
import structlog
from casbin.persist import Adapter

from gateway.authz.rules import SERVICE_ROLES, action_matches, object_matches
from unison_pg import Database, Queries, Tenant

log = structlog.get_logger("gateway.authz")

MODEL_PATH = Path(__file__).with_name("model.conf")
Q = Queries.load(Path(__file__).with_name("queries.sql"))
MAX_AGE_SECONDS = 300.0
# Casbin re-parses its matcher on every enforce() (about a tenth of the gateway's CPU per
# request, measured); a decision is a pure function of the rules and the request, so it
# is remembered for as long as the enforcer that made it.
MAX_DECISIONS = 4096
# Casbin logs every loaded model and policy at INFO and every denial at WARNING; the
# gateway logs its own denials (one line, with the subject), so only errors pass.
logging.getLogger("casbin").setLevel(logging.ERROR)


Decisions = dict[tuple[str, str, str], bool]


class _RowsAdapter(Adapter):  # type: ignore[misc]
    """Hands rules already read from the database to Casbin (which calls load_policy)."""

    def __init__(self, rules: list[list[str]]) -> None:
        self._rules = rules

    def load_policy(self, model: Any) -> None:
        for ptype, *values in self._rules:
            model.model[ptype[0]][ptype].policy.append(values)


def build_enforcer(rules: list[list[str]]) -> casbin.Enforcer:
    enforcer = casbin.Enforcer(str(MODEL_PATH), _RowsAdapter(rules))
    enforcer.add_function("objectMatch", object_matches)
    enforcer.add_function("actionMatch", action_matches)
    return enforcer


async def load_rules(database: Database, organization_id: UUID) -> list[list[str]]:
    """Every rule of one organization, as Casbin lines: ["p", sub, dom, obj, act], ["g", ...]."""
    domain = str(organization_id)
    tenant = Tenant(organization_id=organization_id, user_id="gateway")
    async with database.transaction(tenant, readonly=True) as conn:
        policies = await conn.fetch(Q.policy_rules, organization_id)
        assignments = await conn.fetch(Q.role_assignments, organization_id)
    rules: list[list[str]] = []
    for row in policies:
        arity = 4 if row["ptype"] == "p" else 3
        rules.append([row["ptype"], *(row[f"v{i}"] for i in range(arity))])
    rules.extend(["g", row["subject"], row["role"], domain] for row in assignments)
    # Unison's own workers act in every organization with the roles the service grant
    # gives them (a token for one only comes with the deployment's secret).
    rules.extend(
        ["g", f"service:{name}", role, domain]
        for name, roles in sorted(SERVICE_ROLES.items())
        for role in roles
    )
    return rules


class Enforcers:
    def __init__(self, database: Database, listening: Callable[[], bool] = lambda: True) -> None:
        self._db = database
        # While nobody listens for changes, a cached enforcer may be stale: load each time.
        self._listening = listening
        # An enforcer, when it was loaded, and the decisions it has made.
        self._cache: dict[UUID, tuple[casbin.Enforcer, float, Decisions]] = {}
        self._locks: defaultdict[UUID, asyncio.Lock] = defaultdict(asyncio.Lock)
        # Bumped by every invalidation: a load that started before one is not cached.
        self._generation = 0

    def invalidate(self, organization_id: UUID | None = None) -> None:
        self._generation += 1
        if organization_id is None:
            self._cache.clear()
        else:
            self._cache.pop(organization_id, None)

    def on_notify(self, payload: str) -> None:
        try:
            self.invalidate(UUID(payload))
        except ValueError:
            self.invalidate()
        log.debug("policy_cache_invalidated", organization_id=payload)

    def cached(self, organization_id: UUID) -> bool:
        return organization_id in self._cache

    def _fresh(self, organization_id: UUID) -> tuple[casbin.Enforcer, Decisions] | None:
        entry = self._cache.get(organization_id)
        if entry is None or not self._listening():
            return None
        enforcer, loaded_at, decisions = entry
        return (enforcer, decisions) if time.monotonic() - loaded_at < MAX_AGE_SECONDS else None

    async def _enforcer(self, organization_id: UUID) -> tuple[casbin.Enforcer, Decisions]:
        if (found := self._fresh(organization_id)) is not None:
            return found
        async with self._locks[organization_id]:
            if (found := self._fresh(organization_id)) is not None:
                return found
            generation = self._generation
            enforcer = build_enforcer(await load_rules(self._db, organization_id))
            decisions: Decisions = {}
            if generation == self._generation:
                self._cache[organization_id] = (enforcer, time.monotonic(), decisions)
            return enforcer, decisions

    async def allowed(self, subject: str, organization_id: UUID, path: str, action: str) -> bool:
        enforcer, decisions = await self._enforcer(organization_id)
        key = (subject, path, action)
        decision = decisions.get(key)
        if decision is None:
            decision = bool(enforcer.enforce(subject, str(organization_id), path, action))
            if len(decisions) >= MAX_DECISIONS:
                decisions.clear()
            decisions[key] = decision
        return decision
