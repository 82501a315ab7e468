"""Operation precedence inside each order: validation and a deterministic topological order."""

from __future__ import annotations

import heapq
from uuid import UUID

import msgspec

from production.scheduling.models import OperationToSchedule, OrderToSchedule


class Routing(msgspec.Struct, frozen=True):
    """An order's operations in topological order and who follows whom."""

    order: OrderToSchedule
    operations: tuple[OperationToSchedule, ...]
    successors: dict[UUID, tuple[UUID, ...]]


def _owners(orders: tuple[OrderToSchedule, ...]) -> dict[UUID, UUID]:
    owner: dict[UUID, UUID] = {}
    for order in orders:
        for op in order.operations:
            if op.id in owner:
                raise ValueError(f"operation {op.id} appears twice in the request")
            if op.order_id != order.id:
                raise ValueError(f"operation {op.id} names order {op.order_id}, not {order.id}")
            owner[op.id] = order.id
    return owner


def _check_predecessors(order: OrderToSchedule, owner: dict[UUID, UUID]) -> None:
    for op in order.operations:
        for pred in op.predecessors:
            other = owner.get(pred)
            if other is not None and other != order.id:
                raise ValueError(
                    f"operation {op.id} of order {order.id} follows {pred} of order {other}"
                )


def _on_cycles(stuck: set[UUID], followers: dict[UUID, list[UUID]]) -> list[str]:
    """Drop the operations that only wait behind a cycle, so the message names the cycle."""
    stuck = set(stuck)
    pruned = True
    while pruned:
        pruned = False
        for op_id in sorted(stuck):
            if not any(f in stuck for f in followers[op_id]):
                stuck.discard(op_id)
                pruned = True
    return sorted(str(i) for i in stuck)


def _topological(order: OrderToSchedule) -> Routing:
    """Kahn's algorithm; ties go by (sequence, id) so equal input gives equal output."""
    ops = {op.id: op for op in order.operations}
    waiting = {op.id: sum(1 for p in set(op.predecessors) if p in ops) for op in order.operations}
    followers: dict[UUID, list[UUID]] = {op_id: [] for op_id in ops}
    for op in order.operations:
        for pred in set(op.predecessors):
            if pred in ops:
                followers[pred].append(op.id)
    ready = [(ops[i].sequence, i) for i, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    done: list[OperationToSchedule] = []
    while ready:
        _, op_id = heapq.heappop(ready)
        done.append(ops[op_id])
        for nxt in followers[op_id]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, (ops[nxt].sequence, nxt))
    if len(done) < len(ops):
        stuck = _on_cycles({i for i, n in waiting.items() if n > 0}, followers)
        raise ValueError(f"dependency cycle in order {order.id} among operations {stuck}")
    successors = {op_id: tuple(sorted(f)) for op_id, f in followers.items()}
    return Routing(order, tuple(done), successors)


def routings(orders: tuple[OrderToSchedule, ...]) -> dict[UUID, Routing]:
    """Each order's routing; ValueError for duplicates, cross-order links or a cycle."""
    owner = _owners(orders)
    result: dict[UUID, Routing] = {}
    for order in orders:
        if order.id in result:
            raise ValueError(f"order {order.id} appears twice in the request")
        _check_predecessors(order, owner)
        result[order.id] = _topological(order)
    return result
