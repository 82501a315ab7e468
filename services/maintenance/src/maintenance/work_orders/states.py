"""The state machine of a maintenance work order: one table, pure rules.

requested -> approved -> scheduled -> in_progress -> done -> closed; work may start from
approved without a schedule; cancelled from anything before work started.
"""

from __future__ import annotations

from unison_web import Conflict

ACTIONS: dict[str, dict[str, str]] = {
    "approve": {"requested": "approved"},
    "schedule": {"approved": "scheduled", "scheduled": "scheduled"},
    "start": {"approved": "in_progress", "scheduled": "in_progress"},
    "complete": {"in_progress": "done"},
    "close": {"done": "closed"},
    "cancel": {"requested": "cancelled", "approved": "cancelled", "scheduled": "cancelled"},
}
OPEN = frozenset({"requested", "approved", "scheduled", "in_progress"})


def target(action: str, status: str) -> str:
    moves = ACTIONS[action]
    if status not in moves:
        allowed = sorted(a for a, m in ACTIONS.items() if status in m)
        raise Conflict(
            f"a maintenance work order in status {status} cannot {action}"
            + (f" (allowed: {', '.join(allowed)})" if allowed else " (it is final)")
        )
    return moves[status]
