"""Every event routed to a service's queue has a handler in that service's worker; an
event without one goes straight to the dead-letter queue (the reliability suite's load
found maintenance.work_order.status_changed doing so in production's)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import asyncpg

import unison_events
from unison_bus import Event
from unison_stack.roles import SERVICES


def _published_topics() -> set[str]:
    topics: set[str] = set()
    for module in pkgutil.iter_modules(unison_events.__path__):
        contracts = importlib.import_module(f"unison_events.{module.name}")
        for _, value in inspect.getmembers(contracts, inspect.isclass):
            if issubclass(value, Event) and isinstance(getattr(value, "topic", None), str):
                topics.add(value.topic)
    return topics


async def test_every_topic_bound_to_a_queue_has_a_handler(owner_conn: asyncpg.Connection) -> None:
    bindings = await owner_conn.fetch(
        "SELECT queue_name, compiled_regex FROM pgmq.topic_bindings ORDER BY 1"
    )
    topics = _published_topics()
    unhandled: list[str] = []
    for service in SERVICES:
        handlers = importlib.import_module(f"{service}.worker").EVENT_HANDLERS
        for row in bindings:
            if row["queue_name"] != f"{service}_events":
                continue
            routed = {t for t in topics if re.match(row["compiled_regex"], t)}
            unhandled += [f"{t} -> {service}" for t in sorted(routed - set(handlers))]
    assert not unhandled, unhandled
