"""The state machines of work orders and their operations: pure rules, one table each.

An order: draft -> released -> in_progress -> completed -> closed; on_hold from released or
in_progress (back to where it was); cancelled from draft, released or on_hold while
nothing was produced. An operation: pending -> setup -> running <-> paused -> completed.
"""

from __future__ import annotations

from unison_web import Conflict

ORDER_ACTIONS: dict[str, dict[str, str]] = {
    # action: {from status: to status}
    "release": {"draft": "released"},
    "start": {"released": "in_progress"},
    "hold": {"released": "on_hold", "in_progress": "on_hold"},
    "resume": {"on_hold": "<held_from>"},
    "complete": {"in_progress": "completed", "released": "completed"},
    "close": {"completed": "closed"},
    "cancel": {"draft": "cancelled", "released": "cancelled", "on_hold": "cancelled"},
}

# Where the shop floor may log against the order.
WORKABLE = frozenset({"released", "in_progress"})

OPERATION_ACTIONS: dict[str, dict[str, str]] = {
    "setup": {"pending": "setup"},
    "start": {"pending": "running", "setup": "running"},
    "pause": {"setup": "paused", "running": "paused"},
    "resume": {"paused": "<paused_from>"},
    "finish": {"setup": "completed", "running": "completed", "paused": "completed"},
}


def _allowed_from(table: dict[str, dict[str, str]], status: str) -> list[str]:
    return sorted(a for a, moves in table.items() if status in moves)


def order_target(action: str, status: str, held_from: str | None) -> str:
    """The status ``action`` leads to from ``status``; a 409 that lists what is allowed
    otherwise."""
    moves = ORDER_ACTIONS[action]
    if status not in moves:
        allowed = _allowed_from(ORDER_ACTIONS, status)
        raise Conflict(
            f"a work order in status {status} cannot {action}"
            + (f" (allowed: {', '.join(allowed)})" if allowed else " (it is final)")
        )
    target = moves[status]
    if target == "<held_from>":
        assert held_from is not None
        return held_from
    return target


def operation_target(action: str, status: str, paused_from: str | None) -> str:
    moves = OPERATION_ACTIONS[action]
    if status not in moves:
        allowed = _allowed_from(OPERATION_ACTIONS, status)
        raise Conflict(
            f"an operation in status {status} cannot {action}"
            + (f" (allowed: {', '.join(allowed)})" if allowed else " (it is completed)")
        )
    target = moves[status]
    if target == "<paused_from>":
        return paused_from or "running"
    return target
