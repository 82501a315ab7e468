"""The serial schedule-generation scheme: one order at a time, one operation at a time.

Nothing placed is moved later (no backtracking) except an order's own backward placement,
which is undone as a whole when it cannot start in time and the order goes forward instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from production.scheduling.graph import Routing
from production.scheduling.models import (
    Conflict,
    ConflictKind,
    Direction,
    OperationToSchedule,
    OrderToSchedule,
)
from production.scheduling.shop import Center, Option, Pinned, options
from production.scheduling.worktime import ceil_seconds, floor_seconds


@dataclass(slots=True, frozen=True)
class Placement:
    order: OrderToSchedule
    op: OperationToSchedule
    center: Center
    unit: int
    start: int
    end: int
    setup_end: int
    work: int
    alternative: bool


Choice = tuple[Option, int, int, int]  # option, unit, start, end


def choose_earliest(candidates: list[Option], ready: int, horizon: int) -> Choice | None:
    """The unit, over all candidate work centers, on which the operation finishes first.
    Ties keep the earlier candidate: the primary work center, then the lower unit."""
    best: Choice | None = None
    bound = horizon + 1
    for option in candidates:
        for unit, line in enumerate(option.center.units):
            slot = line.earliest(option.center.time, ready, option.work, bound)
            if slot is not None:
                best = (option, unit, *slot)
                bound = slot[1]
    return best


def choose_latest(candidates: list[Option], due: int, lower: int) -> Choice | None:
    """The unit on which the operation can start latest while ending by ``due``."""
    best: Choice | None = None
    bound = lower - 1
    for option in candidates:
        for unit, line in enumerate(option.center.units):
            slot = line.latest(option.center.time, due, option.work, lower, bound)
            if slot is not None:
                best = (option, unit, *slot)
                bound = slot[0]
    return best


class Planner:
    def __init__(
        self,
        shop: dict[UUID, Center],
        now: int,
        horizon: int,
        pinned: list[Pinned],
        conflicts: list[Conflict],
    ) -> None:
        self.shop = shop
        self.now = now
        self.horizon = horizon
        self.conflicts = conflicts
        self.placed: dict[UUID, Placement] = {}
        self.fixed_end: dict[UUID, int] = {}
        for pin in pinned:
            op_id = pin.bar.operation_id
            self.fixed_end[op_id] = max(pin.end, self.fixed_end.get(op_id, pin.end))

    def run(self, routings: list[Routing], direction: Direction) -> None:
        for routing in routings:
            if direction == "backward" and self.backward(routing):
                continue
            self.forward(routing)

    def _todo(self, routing: Routing) -> list[OperationToSchedule]:
        # An operation that is also a fixed bar is already on the board.
        return [op for op in routing.operations if op.id not in self.fixed_end]

    def _lower(self, order: OrderToSchedule, op: OperationToSchedule) -> int:
        """The earliest start from now, release, material and fixed predecessors."""
        lower = max(self.now, ceil_seconds(order.release))
        if op.min_start is not None:
            lower = max(lower, ceil_seconds(op.min_start))
        for pred in op.predecessors:
            lower = max(lower, self.fixed_end.get(pred, lower))
        return lower

    def _ready(self, routing: Routing, op: OperationToSchedule) -> int | None:
        """``_lower`` and the ends of placed predecessors; None if one could not be placed."""
        ready = self._lower(routing.order, op)
        for pred in op.predecessors:
            placed = self.placed.get(pred)
            if placed is not None:
                ready = max(ready, placed.end)
            elif pred in routing.successors and pred not in self.fixed_end:
                return None
        return ready

    def forward(self, routing: Routing) -> None:
        for op in self._todo(routing):
            ready = self._ready(routing, op)
            if ready is None:
                self._conflict("predecessor_unscheduled", op, "a predecessor is unscheduled")
                continue
            candidates = options(op, self.shop)
            if not candidates:
                self._conflict("no_capacity", op, "no candidate work center has capacity")
                continue
            choice = choose_earliest(candidates, ready, self.horizon)
            if choice is None:
                self._conflict("beyond_horizon", op, "it does not fit before the horizon end")
                continue
            self._commit(routing.order, op, choice)

    def backward(self, routing: Routing) -> bool:
        """Place the order just in time, successors first; False (and nothing placed) when
        an operation would start too early or finds no slot, so it goes forward instead."""
        due = min(floor_seconds(routing.order.due), self.horizon)
        done: list[Placement] = []
        for op in reversed(self._todo(routing)):
            latest_end = due
            for succ in routing.successors[op.id]:
                if succ in self.placed:
                    latest_end = min(latest_end, self.placed[succ].start)
            candidates = options(op, self.shop)
            lower = self._lower(routing.order, op)
            choice = choose_latest(candidates, latest_end, lower) if candidates else None
            if choice is None:
                for placement in done:
                    self._undo(placement)
                return False
            done.append(self._commit(routing.order, op, choice))
        return True

    def _commit(self, order: OrderToSchedule, op: OperationToSchedule, choice: Choice) -> Placement:
        option, unit, start, end = choice
        center = option.center
        center.units[unit].occupy(start, end, op.id)
        setup_end = center.time.finish(start, min(op.setup_seconds, option.work))
        placement = Placement(
            order,
            op,
            center,
            unit,
            start,
            end,
            end if setup_end is None else setup_end,
            option.work,
            option.alternative,
        )
        self.placed[op.id] = placement
        return placement

    def _undo(self, placement: Placement) -> None:
        placement.center.units[placement.unit].release(placement.start)
        del self.placed[placement.op.id]

    def _conflict(self, kind: ConflictKind, op: OperationToSchedule, why: str) -> None:
        self.conflicts.append(
            Conflict(
                kind=kind,
                message=f"operation {op.id} (sequence {op.sequence}) not scheduled: {why}",
                order_id=op.order_id,
                operation_id=op.id,
                work_center_id=op.work_center_id,
            )
        )
