"""The fan-out hub: which client gets which update, and what a reconnecting client missed.

Every client has a bounded outbox drained by its own sender task; a client whose outbox
is full is too slow and is dropped, so it never holds the others back. Recent updates are
kept in a ring per organization so a client reconnecting with the id of the last update
it saw receives what came after, or is told to reload when that id has aged out or is
older than anything this process can vouch for (it started, or its LISTEN connection was
lost, after that update: a client reconnecting to another gateway replica, or to a
restarted one). Update ids are UUIDv7, so their order is their time of creation in the
publishing process; replicas and services need clocks in step (NTP) for that judgment.
"""

from __future__ import annotations

import asyncio
import fnmatch
from collections import deque
from dataclasses import dataclass, field
from uuid import UUID

import msgspec
import structlog

from unison_auth import Principal
from unison_bus.event import uuid7
from unison_bus.live import LiveUpdate

log = structlog.get_logger("gateway.live")

OUTBOX_SIZE = 256
HISTORY_PER_ORGANIZATION = 1000


@dataclass(eq=False)
class Client:
    principal: Principal
    outbox: asyncio.Queue[bytes] = field(default_factory=lambda: asyncio.Queue(OUTBOX_SIZE))
    topics: tuple[str, ...] = ()
    dropped: bool = False

    def wants(self, update: LiveUpdate) -> bool:
        if update.organization_id != self.principal.organization_id:
            return False
        if update.plant_id is not None and update.plant_id not in self.principal.plant_ids:
            return False
        return any(fnmatch.fnmatchcase(update.type, pattern) for pattern in self.topics)


class LiveHub:
    def __init__(self) -> None:
        self.clients: set[Client] = set()
        self._history: dict[UUID, deque[tuple[LiveUpdate, bytes]]] = {}
        self._decoder = msgspec.json.Decoder(LiveUpdate)
        self.delivered = 0
        self.dropped = 0
        # Every update created after this id was seen (while the listener stays up).
        self._vouched_from = uuid7()

    def on_notify(self, payload: str) -> None:
        """Called by the listener for every ``unison_live`` notification."""
        try:
            update = self._decoder.decode(payload)
        except msgspec.DecodeError:
            log.warning("live_update_malformed", payload=payload[:200])
            return
        wire = msgspec.json.encode(update)
        history = self._history.setdefault(
            update.organization_id, deque(maxlen=HISTORY_PER_ORGANIZATION)
        )
        history.append((update, wire))
        for client in list(self.clients):
            if client.wants(update):
                self._offer(client, wire)

    def _offer(self, client: Client, wire: bytes) -> None:
        try:
            client.outbox.put_nowait(wire)
            self.delivered += 1
        except asyncio.QueueFull:
            client.dropped = True  # its sender closes the socket; others go on
            self.clients.discard(client)
            self.dropped += 1
            log.info("live_client_dropped", subject=client.principal.subject, reason="slow")

    def missed(self, client: Client, since: UUID) -> list[bytes] | None:
        """Updates after ``since`` this client may see; None when ``since`` is too old."""
        history = self._history.get(client.principal.organization_id, deque())
        ids = [u.uid for u, _ in history]
        if since not in ids:
            if since < self._vouched_from or (history and since < ids[0]):
                return None
            return []  # newer than anything missed: nothing came after it here
        start = ids.index(since) + 1
        return [wire for update, wire in list(history)[start:] if client.wants(update)]

    def forget_history(self) -> None:
        """After a lost LISTEN connection the history has a gap: it cannot vouch for it."""
        self._history.clear()
        self._vouched_from = uuid7()
