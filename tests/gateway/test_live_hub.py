"""The fan-out hub, without sockets: who gets what, slow clients, what was missed."""

from __future__ import annotations

import uuid

import msgspec

from gateway.live.hub import OUTBOX_SIZE, Client, LiveHub
from unison_auth import Principal
from unison_bus.live import LiveUpdate

ORG, OTHER = uuid.uuid4(), uuid.uuid4()
PLANT_A, PLANT_B = uuid.uuid4(), uuid.uuid4()


def _client(
    org: uuid.UUID = ORG,
    plants: tuple[uuid.UUID, ...] = (PLANT_A, PLANT_B),
    topics: tuple[str, ...] = ("job.*",),
) -> Client:
    principal = Principal(
        subject="user:x", organization_id=org, plant_ids=plants, roles=("viewer",), token_id="t"
    )
    return Client(principal, topics=topics)


def _notify(hub: LiveHub, update: LiveUpdate) -> None:
    hub.on_notify(msgspec.json.encode(update).decode())


def test_a_client_gets_only_its_organization_its_plants_and_its_topics() -> None:
    hub = LiveHub()
    mine, other_org, plant_a_only = _client(), _client(org=OTHER), _client(plants=(PLANT_A,))
    hub.clients |= {mine, other_org, plant_a_only}
    _notify(hub, LiveUpdate(type="job.progressed", id="1", organization_id=ORG, plant_id=PLANT_B))
    _notify(hub, LiveUpdate(type="inventory.material.changed", id="2", organization_id=ORG))
    _notify(hub, LiveUpdate(type="job.queued", id="3", organization_id=ORG))
    assert mine.outbox.qsize() == 2
    assert other_org.outbox.qsize() == 0
    assert plant_a_only.outbox.qsize() == 1  # the plant-B update is not for it


def test_a_slow_client_is_dropped_without_holding_back_the_others() -> None:
    hub = LiveHub()
    slow, fast = _client(), _client()
    hub.clients |= {slow, fast}
    for i in range(OUTBOX_SIZE + 5):
        _notify(hub, LiveUpdate(type="job.progressed", id=str(i), organization_id=ORG))
        if fast.outbox.qsize() > 10:
            while not fast.outbox.empty():  # the fast one keeps reading
                fast.outbox.get_nowait()
    assert slow.dropped and slow not in hub.clients
    assert not fast.dropped and fast in hub.clients


def test_a_reconnecting_client_gets_what_it_missed_or_is_told_to_reload() -> None:
    hub = LiveHub()
    updates = [LiveUpdate(type="job.progressed", id=str(i), organization_id=ORG) for i in range(5)]
    for u in updates:
        _notify(hub, u)
    client = _client()
    missed = hub.missed(client, updates[1].uid)
    assert missed is not None
    assert [msgspec.json.decode(w)["id"] for w in missed] == ["2", "3", "4"]
    assert hub.missed(client, updates[-1].uid) == []
    hub.forget_history()
    _notify(hub, LiveUpdate(type="job.progressed", id="5", organization_id=ORG))
    assert hub.missed(client, updates[1].uid) is None


def test_a_hub_that_started_after_the_last_seen_update_says_reload() -> None:
    # A client saw this update through one gateway, then reconnects to a replica that
    # started (or lost its LISTEN connection) later: its empty history proves nothing.
    seen = LiveUpdate(type="job.progressed", id="0", organization_id=ORG)
    replica = LiveHub()
    client = _client()
    assert replica.missed(client, seen.uid) is None
    # An id created after the replica began listening, that it has not seen (still on its
    # way, or another organization's): nothing of this organization came after it here.
    later = LiveUpdate(type="job.progressed", id="1", organization_id=OTHER)
    assert replica.missed(client, later.uid) == []
    _notify(replica, LiveUpdate(type="job.progressed", id="2", organization_id=ORG))
    assert replica.missed(client, seen.uid) is None
