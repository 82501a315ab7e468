"""A routing's operations as a DAG: the checks that need no database, and the order."""

from __future__ import annotations

from collections.abc import Sequence

from production.routings.models import Operation, OperationCreate
from unison_web import Invalid


def resolve(operations: Sequence[OperationCreate]) -> list[Operation]:
    """Operations in number order with predecessors filled in and checked: unique
    numbers, predecessors that exist, no cycle, one operation that reports output."""
    ordered = sorted(enumerate(operations), key=lambda p: p[1].operation_no)
    numbers = [op.operation_no for _, op in ordered]
    seen: set[int] = set()
    for index, op in ordered:
        if op.operation_no in seen:
            raise Invalid("operation number used twice", f"/operations/{index}/operation_no")
        seen.add(op.operation_no)
    resolved: list[Operation] = []
    for position, (index, op) in enumerate(ordered):
        predecessors = (
            ([numbers[position - 1]] if position else [])
            if op.predecessors is None
            else sorted(set(op.predecessors))
        )
        for p in predecessors:
            if p not in seen or p == op.operation_no:
                raise Invalid(f"no operation {p} to follow", f"/operations/{index}/predecessors")
        resolved.append(_operation(op, predecessors))
    _check_acyclic(resolved, {op.operation_no: i for i, op in enumerate(operations)})
    return _with_output(resolved)


def _operation(op: OperationCreate, predecessors: list[int]) -> Operation:
    return Operation(
        operation_no=op.operation_no,
        description=op.description.strip(),
        work_center_id=op.work_center_id,
        alternative_work_center_ids=list(dict.fromkeys(op.alternative_work_center_ids)),
        setup_seconds=op.setup_seconds,
        cycle_seconds=op.cycle_seconds,
        predecessors=predecessors,
        inspection_required=op.inspection_required,
        consumption=op.consumption,
        components=list(dict.fromkeys(op.components)),
        reports_output=op.reports_output,
    )


def _check_acyclic(operations: list[Operation], index_of: dict[int, int]) -> None:
    """Kahn's algorithm: what never reaches in-degree zero lies on a cycle."""
    successors: dict[int, list[int]] = {op.operation_no: [] for op in operations}
    indegree = {op.operation_no: len(op.predecessors) for op in operations}
    for op in operations:
        for p in op.predecessors:
            successors[p].append(op.operation_no)
    ready = [n for n, d in indegree.items() if d == 0]
    done = 0
    while ready:
        n = ready.pop()
        done += 1
        for s in successors[n]:
            indegree[s] -= 1
            if indegree[s] == 0:
                ready.append(s)
    if done < len(operations):
        looping = min(n for n, d in indegree.items() if d > 0)
        raise Invalid(
            f"operation {looping} depends on itself through its predecessors",
            f"/operations/{index_of[looping]}/predecessors",
        )


def _with_output(operations: list[Operation]) -> list[Operation]:
    flagged = [op for op in operations if op.reports_output]
    if len(flagged) > 1:
        raise Invalid("only one operation reports the output", "/operations")
    if flagged:
        return operations
    followed = {p for op in operations for p in op.predecessors}
    last = [op for op in operations if op.operation_no not in followed]
    if len(last) != 1:
        raise Invalid(
            "the routing ends in several operations: say which one reports the output",
            "/operations",
        )
    last[0].reports_output = True
    return operations


def component_operations(operations: Sequence[Operation]) -> dict[str, int]:
    """Component id (as text) -> the operation that consumes it."""
    return {str(c): op.operation_no for op in operations for c in op.components}
