"""Finite-capacity scheduling of work-order operations on work centers (pure: no I/O).

Algorithm: a serial schedule-generation scheme with a priority rule. Orders are taken one
at a time, rush orders first (priority), then forward by earliest due date (EDD) and
backward by latest release first (EDD mirrored in time, since backward the release is the
deadline), ties by id; an order's operations in topological order of their precedence DAG
(ties by sequence). Forward, each operation goes to the earliest feasible slot after its
predecessors, now, the order's release and its material date, on the unit (of its work
center or an alternative) on which it finishes first. Gaps between existing bars are used
when the operation's working time fits into them (insertion, not only appending).
Backward, each order is placed just in time: successors first, each as late as possible,
ending by the due date and before its successors start; if an operation would have to
start before now, the release or its material date (or finds no slot), the order's
backward bars are removed and it is scheduled forward instead, and reported late if it
then misses its due date. Nothing once placed moves again (no backtracking), so the
schedule is feasible and deterministic but not optimal: the underlying flexible job-shop
problem is NP-hard.

Durations are working time (setup + run / efficiency, in whole seconds): an operation may
straddle breaks and nights and keeps its unit meanwhile. Each work center has a
cumulative index over its working intervals, so "where do N working seconds from t end"
(and backwards) is one bisect; each unit keeps its busy spans as sorted lists.

Complexity. Let O be the operations, A the candidate work centers of one operation (1 +
alternatives), U the units per work center, I the working intervals of a work center in
the horizon and B the busy spans on one unit (B <= O + fixed bars). Building the indexes
costs O(I) per work center and the topological sorts O(O log O + E) for E precedence
edges. Probing one unit is one bisect into its busy list and two into the working-time
index, O(log B + log I), repeated for every busy span it has to skip because the gap
before it is too short (g); a probe stops as soon as it cannot beat the best unit found,
and inserting the chosen slot is an O(B) list memmove. One placement therefore costs
O(A·U·(1 + g)·(log B + log I) + B) and a run O(O·A·U·(1 + g)·(log B + log I) + O·B):
close to O(O log O) when units are free around the ready time, O(O²·A·U·log O) in the
worst case where every probe skips most of a unit's spans. Backward at most doubles the
work (an order placed backward and undone is placed again forward). In the benchmark
(1,000 orders x 5 operations, 20 work centers x 2 units, 60 days) a probe skips about
four spans and a run takes a few tenths of a second.

Rescheduling is a new ``schedule``: operations already started (or to be kept) come in
as FixedBars and everything else is planned again from scratch; ``reschedule`` does just
that, freezing the bars of a previous result that start before ``frozen_until``. A full
run is fast enough, and unlike repairing the previous schedule in place it leaves no
stale state behind. Events such as a downtime (less ``available`` time) or a rush order
(priority 0) are simply new requests.
"""

from production.scheduling.api import frozen_bars, reschedule, schedule
from production.scheduling.models import (
    Bar,
    Conflict,
    ConflictKind,
    Dependency,
    Direction,
    FixedBar,
    LateOrder,
    OperationToSchedule,
    OrderToSchedule,
    ScheduleRequest,
    ScheduleResult,
    ScheduleStats,
    WorkCenterCapacity,
    WorkCenterLoad,
)

__all__ = [
    "Bar",
    "Conflict",
    "ConflictKind",
    "Dependency",
    "Direction",
    "FixedBar",
    "LateOrder",
    "OperationToSchedule",
    "OrderToSchedule",
    "ScheduleRequest",
    "ScheduleResult",
    "ScheduleStats",
    "WorkCenterCapacity",
    "WorkCenterLoad",
    "frozen_bars",
    "reschedule",
    "schedule",
]
