"""The gateway tells the services who the people of an organization are.

A test queue bound to ``identity.#`` hears what the gateway publishes; each test reads
only its own organizations' messages, after the mark it took.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import msgspec
import pytest

from gateway.admin.service import AdminService
from gateway.app import Gateway
from gateway.demo import seed_demo
from gateway.provisioning import ClientSpec, OrganizationSpec, PlantSpec, UserSpec, provision
from gateway.user_events import publish_user_changes
from tests.gateway.support import Org, bearer, create_org
from unison_events.identity import UserChanged
from unison_pg import Tenant

TOPIC = "identity.user.changed"


class Heard:
    def __init__(self, conn: asyncpg.Connection, queue: str) -> None:
        self.conn, self.queue = conn, queue

    async def mark(self) -> int:
        """Where the queue is now: ``events(after=mark)`` is what came since."""
        last: int | None = await self.conn.fetchval(f"SELECT max(msg_id) FROM pgmq.q_{self.queue}")
        return last or 0

    async def events(self, organization_id: UUID, after: int = 0) -> list[UserChanged]:
        rows = await self.conn.fetch(
            f"SELECT headers->>'topic' AS topic, message::text AS body FROM pgmq.q_{self.queue}"
            " WHERE message->>'organization_id' = $1 AND msg_id > $2 ORDER BY msg_id",
            str(organization_id),
            after,
        )
        assert {r["topic"] for r in rows} <= {TOPIC}
        return [msgspec.json.decode(r["body"], type=UserChanged) for r in rows]


@pytest.fixture
async def heard(owner_conn: asyncpg.Connection) -> AsyncIterator[Heard]:
    queue = f"identity_heard_{uuid.uuid4().hex[:8]}"
    await owner_conn.execute("SELECT pgmq.create($1)", queue)
    await owner_conn.execute("SELECT pgmq.bind_topic('identity.#', $1)", queue)
    # A publisher needs INSERT on every queue its topic is bound to, this one included.
    await owner_conn.execute(f"GRANT INSERT, SELECT (msg_id) ON pgmq.q_{queue} TO unison_gateway")
    try:
        yield Heard(owner_conn, queue)
    finally:
        await owner_conn.execute("SELECT pgmq.drop_queue($1)", queue)


@pytest.fixture
def admin_headers(login: Callable[..., Any]) -> Callable[..., Any]:
    async def headers(org: Org, role: str = "admin") -> dict[str, str]:
        return bearer((await login(org, role)).access_token)

    return headers


def _spec(*, client_id: str | None = None) -> OrganizationSpec:
    slug = f"t-{uuid.uuid4().hex[:16]}"
    plant = PlantSpec(id=uuid.uuid4(), code="P1", name="Plant P1")
    users = (
        UserSpec(
            id=uuid.uuid4(),
            email=f"Quality.Lead@{slug}.test",
            display_name="Quality Lead",
            roles=("quality_engineer", "viewer"),
        ),
        UserSpec(
            id=uuid.uuid4(),
            email=f"line-1@{slug}.test",
            display_name="Line 1 operator",
            roles=("operator",),
            plant_ids=(plant.id,),
        ),
    )
    client = ClientSpec(
        id=uuid.uuid4(),
        client_id=client_id or f"sap-{slug}",
        name="SAP",
        roles=("integration",),
    )
    return OrganizationSpec(
        id=uuid.uuid4(), slug=slug, name=slug, plants=(plant,), users=users, clients=(client,)
    )


def _what_was_said(events: list[UserChanged]) -> dict[UUID, dict[str, Any]]:
    """Each event's content by user, without what differs per sending (id, time)."""
    said: dict[UUID, dict[str, Any]] = {}
    for event in events:
        content = msgspec.structs.asdict(event)
        del content["id"], content["occurred_at"]
        said[event.user_id] = content
    return said


async def test_provisioning_publishes_each_user_with_their_roles_and_plants(
    heard: Heard, owner_conn: asyncpg.Connection, secret_hash: str
) -> None:
    spec = _spec()
    await provision(owner_conn, spec, secret_hash)
    events = await heard.events(spec.id)
    assert len(events) == 2
    lead, operator = spec.users
    common = {"v": 1, "organization_id": spec.id, "plant_id": None, "active": True}
    assert _what_was_said(events) == {
        lead.id: {
            **common,
            "user_id": lead.id,
            "email": lead.email.lower(),  # as stored: emails are kept lower-case
            "display_name": "Quality Lead",
            "roles": ("quality_engineer", "viewer"),
            "plant_ids": None,  # every plant, now and later
        },
        operator.id: {
            **common,
            "user_id": operator.id,
            "email": operator.email,
            "display_name": "Line 1 operator",
            "roles": ("operator",),
            "plant_ids": (spec.plants[0].id,),
        },
    }


async def test_every_user_of_a_new_organization_is_heard_with_their_plants(
    heard: Heard, owner_conn: asyncpg.Connection, secret_hash: str
) -> None:
    org = await create_org(owner_conn, secret_hash)
    events = await heard.events(org.id)
    assert {e.user_id: (e.roles, e.plant_ids) for e in events} == {
        user: ((role,), (org.plant_ids[0],) if role == "operator" else None)
        for role, user in org.user_ids.items()
    }


async def test_seeding_the_demo_again_publishes_nothing(
    heard: Heard, owner_conn: asyncpg.Connection
) -> None:
    orgs = await seed_demo(owner_conn)
    mark = await heard.mark()
    await seed_demo(owner_conn)
    for demo in orgs:
        assert await heard.events(demo.organization_id, after=mark) == []


async def test_provisioning_again_publishes_only_users_it_changed(
    heard: Heard, owner_conn: asyncpg.Connection, secret_hash: str
) -> None:
    spec = _spec()
    await provision(owner_conn, spec, secret_hash)
    mark = await heard.mark()
    await provision(owner_conn, spec, secret_hash)
    assert await heard.events(spec.id, after=mark) == []

    lead, operator = spec.users
    promoted = msgspec.structs.replace(operator, roles=("operator", "quality_engineer"))
    await provision(owner_conn, msgspec.structs.replace(spec, users=(lead, promoted)), secret_hash)
    [event] = await heard.events(spec.id, after=mark)
    assert (event.user_id, event.roles) == (operator.id, ("operator", "quality_engineer"))


async def test_a_provisioning_that_fails_publishes_nothing(
    heard: Heard, owner_conn: asyncpg.Connection, secret_hash: str
) -> None:
    spec = _spec(client_id="X")  # refused by the client_id check, after the users went in
    with pytest.raises(asyncpg.CheckViolationError):
        await provision(owner_conn, spec, secret_hash)
    assert await heard.events(spec.id) == []


async def test_changing_a_users_roles_publishes_their_new_roles(
    heard: Heard, org: Org, client: httpx.AsyncClient, admin_headers: Callable[..., Any]
) -> None:
    headers = await admin_headers(org)
    operator = org.user_ids["operator"]
    mark = await heard.mark()
    response = await client.put(
        f"/admin/users/{operator}/roles",
        headers=headers,
        json={"roles": ["quality_engineer", "operator"]},
    )
    assert response.status_code == 200
    [event] = await heard.events(org.id, after=mark)
    assert event.user_id == operator
    assert event.roles == ("operator", "quality_engineer")
    assert event.plant_ids == (org.plant_ids[0],)
    assert event.email == org.email("operator")

    mark = await heard.mark()
    for _ in range(2):  # the second time changes nothing, so it publishes nothing
        response = await client.put(
            f"/admin/users/{operator}/roles", headers=headers, json={"roles": ["operator"]}
        )
        assert response.status_code == 200
    [event] = await heard.events(org.id, after=mark)
    assert event.roles == ("operator",)


async def test_a_refused_role_change_publishes_nothing(
    heard: Heard,
    org: Org,
    other_org: Org,
    client: httpx.AsyncClient,
    admin_headers: Callable[..., Any],
) -> None:
    headers = await admin_headers(org)
    mark = await heard.mark()
    unknown_role = await client.put(
        f"/admin/users/{org.user_ids['viewer']}/roles",
        headers=headers,
        json={"roles": ["planner", "emperor"]},
    )
    assert unknown_role.status_code == 422
    strangers = await client.put(
        f"/admin/users/{other_org.user_ids['viewer']}/roles",
        headers=headers,
        json={"roles": ["admin"]},
    )
    assert strangers.status_code == 404
    assert await heard.events(org.id, after=mark) == []
    assert await heard.events(other_org.id, after=mark) == []


async def test_announcing_publishes_every_user_of_the_organization_and_no_other(
    heard: Heard,
    org: Org,
    other_org: Org,
    client: httpx.AsyncClient,
    admin_headers: Callable[..., Any],
) -> None:
    mark = await heard.mark()
    response = await client.post("/admin/users/announce", headers=await admin_headers(org))
    assert response.status_code == 200
    assert response.json() == {"users": len(org.user_ids)}
    events = await heard.events(org.id, after=mark)
    assert sorted(e.user_id for e in events) == sorted(org.user_ids.values())
    roles = {e.user_id: e.roles for e in events}
    assert all(roles[user] == (role,) for role, user in org.user_ids.items())
    assert await heard.events(other_org.id, after=mark) == []


async def test_only_an_admin_may_announce(
    heard: Heard, org: Org, client: httpx.AsyncClient, admin_headers: Callable[..., Any]
) -> None:
    mark = await heard.mark()
    for role in ("planner", "quality_engineer", "viewer"):
        response = await client.post(
            "/admin/users/announce", headers=await admin_headers(org, role)
        )
        assert response.status_code == 403, role
    assert await heard.events(org.id, after=mark) == []


@pytest.mark.parametrize("page", [1, 4, 6])
async def test_announcing_in_pages_publishes_each_user_once(
    heard: Heard, org: Org, gw: Gateway, page: int
) -> None:
    admin = AdminService(gw.database, key_lead=0, token_ttl=60, announce_page=page)
    mark = await heard.mark()
    announced = await admin.announce_users(Tenant(organization_id=org.id))
    assert announced.users == len(org.user_ids)
    events = await heard.events(org.id, after=mark)
    assert sorted(e.user_id for e in events) == sorted(org.user_ids.values())


async def test_an_announcement_waits_for_a_change_in_progress_and_carries_its_result(
    heard: Heard, org: Org, gw: Gateway, owner_conn: asyncpg.Connection
) -> None:
    """Otherwise it could read the old roles and publish them after the change's event."""
    viewer = org.user_ids["viewer"]
    admin = AdminService(gw.database, key_lead=0, token_ttl=60)
    mark = await heard.mark()
    async with owner_conn.transaction():
        await owner_conn.execute("SELECT set_config('app.organization_id', $1, true)", str(org.id))
        await owner_conn.execute(
            "SELECT id FROM identity.users WHERE organization_id = $1 AND id = $2 FOR UPDATE",
            org.id,
            viewer,
        )
        await owner_conn.execute(
            "INSERT INTO identity.user_roles (organization_id, user_id, role) VALUES ($1, $2, $3)",
            org.id,
            viewer,
            "planner",
        )
        announcing = asyncio.create_task(admin.announce_users(Tenant(organization_id=org.id)))
        await asyncio.sleep(0.3)
        assert not announcing.done()
        await publish_user_changes(owner_conn, org.id, [viewer])
    await announcing
    about_viewer = [e for e in await heard.events(org.id, after=mark) if e.user_id == viewer]
    assert [e.roles for e in about_viewer] == [("planner", "viewer"), ("planner", "viewer")]
    assert about_viewer[0].occurred_at < about_viewer[1].occurred_at


async def test_the_gateway_may_publish_to_every_queue_bound_to_its_topics(
    owner_conn: asyncpg.Connection,
) -> None:
    """pgmq.send_topic inserts into every bound queue with the caller's rights: one
    binding without the grant would make every user change fail."""
    queues = await owner_conn.fetch(
        "SELECT DISTINCT queue_name FROM pgmq.topic_bindings WHERE $1 ~ compiled_regex",
        TOPIC,
    )
    assert "quality_events" in {q["queue_name"] for q in queues}
    for q in queues:
        table = f"pgmq.q_{q['queue_name']}"
        assert await owner_conn.fetchval(
            "SELECT has_table_privilege('unison_gateway', $1, 'INSERT')"
            " AND has_column_privilege('unison_gateway', $1, 'msg_id', 'SELECT')",
            table,
        ), table
