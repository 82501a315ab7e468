"""The switching rules of ISO 2859-1:1999 (clause 9) as a pure state machine.

Feed ``next_state`` every lot on original inspection, in order, with the plan it was
inspected under; resubmitted lots do not count (clause 9.3) and must not be fed in.

- Normal -> tightened (9.3.1): 2 lots not accepted within 5 or fewer consecutive lots.
- Tightened -> normal (9.3.2): 5 consecutive lots accepted.
- Normal -> reduced (9.3.3): the switching score has reached 30, production is at a steady
  rate and the responsible authority approves reduced inspection.
- Reduced -> normal (9.3.4): a lot is not accepted, production becomes irregular or delayed,
  or other conditions warrant it (here: the authority no longer approves reduced).
- Discontinuation (9.4): once 5 lots in total are not accepted during one period of
  tightened inspection, sampling inspection stops ("discontinued"). It resumes only after
  the supplier has taken corrective action, and then under tightened inspection as if
  9.3.1 had just been invoked: call ``resume_after_corrective_action``.

Every switch starts the new severity with fresh counters; in particular the switching
score starts at zero whenever normal inspection starts.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import msgspec

from quality.aql.plans import SamplingPlan, tighter_acceptance_number

SwitchingSeverity: TypeAlias = Literal["normal", "tightened", "reduced", "discontinued"]

LOTS_IN_WINDOW = 5  # 9.3.1: "2 out of 5 or fewer consecutive lots"
NOT_ACCEPTED_TO_TIGHTEN = 2
ACCEPTED_TO_RELAX = 5  # 9.3.2
SCORE_FOR_REDUCED = 30  # 9.3.3
NOT_ACCEPTED_TO_DISCONTINUE = 5  # 9.4


class SwitchingState(msgspec.Struct, frozen=True, kw_only=True):
    """Where a stream of lots stands; the default is the start of normal inspection.

    ``consecutive_accepted`` counts the current run of accepted lots since the last switch
    (under tightened it is the count towards 9.3.2). ``recent_lots`` holds, under normal
    inspection only, the results of up to the last 5 lots (True = accepted, oldest first).
    ``tightened_not_accepted`` is the cumulative count towards discontinuation.
    """

    severity: SwitchingSeverity = "normal"
    consecutive_accepted: int = 0
    recent_lots: tuple[bool, ...] = ()
    switching_score: int = 0
    tightened_not_accepted: int = 0
    reason: str = "inspection starts at normal severity (clause 9.1)"


def next_state(
    state: SwitchingState,
    lot_accepted: bool,
    *,
    rejected_count: int,
    plan: SamplingPlan,
    production_steady: bool = True,
    authority_approves_reduced: bool = True,
) -> SwitchingState:
    """The state after one more lot on original inspection.

    ``rejected_count`` is the number of nonconforming items (or nonconformities) found in
    the sample. A lot may be not accepted with a count within Ac (e.g. the authority
    rejected it for a critical nonconformity), but it cannot be accepted above Ac.
    """
    _check_lot(state, lot_accepted, rejected_count, plan)
    if state.severity == "normal":
        return _after_normal(
            state,
            lot_accepted,
            rejected_count,
            plan,
            reduced_allowed=production_steady and authority_approves_reduced,
        )
    if state.severity == "tightened":
        return _after_tightened(state, lot_accepted)
    return _after_reduced(state, lot_accepted, production_steady, authority_approves_reduced)


def resume_after_corrective_action(state: SwitchingState) -> SwitchingState:
    """Clause 9.4: after corrective action, inspection resumes under tightened severity."""
    if state.severity != "discontinued":
        raise ValueError(f"only discontinued inspection can resume, this one is {state.severity}")
    return _enter("tightened", "resumed under tightened inspection after corrective action (9.4)")


def switching_score_after(
    score: int, lot_accepted: bool, rejected_count: int, plan: SamplingPlan
) -> int:
    """Clause 9.3.3 for single sampling: the switching score after one more normal lot."""
    if plan.acceptance_number < 2:
        return score + 2 if lot_accepted else 0
    tighter = tighter_acceptance_number(plan.code_letter, plan.aql)
    if tighter is None:
        raise ValueError(
            f"Table 2-A has no plan for code letter {plan.code_letter} one step tighter "
            f"than AQL {plan.aql}, so the switching score cannot be updated"
        )
    return score + 3 if lot_accepted and rejected_count <= tighter else 0


def _after_normal(
    state: SwitchingState,
    lot_accepted: bool,
    rejected_count: int,
    plan: SamplingPlan,
    *,
    reduced_allowed: bool,
) -> SwitchingState:
    window = (*state.recent_lots, lot_accepted)[-LOTS_IN_WINDOW:]
    if window.count(False) >= NOT_ACCEPTED_TO_TIGHTEN:
        return _enter("tightened", "2 lots not accepted within 5 consecutive lots (9.3.1)")
    score = switching_score_after(state.switching_score, lot_accepted, rejected_count, plan)
    if score >= SCORE_FOR_REDUCED and reduced_allowed:
        return _enter("reduced", f"switching score {score} reached {SCORE_FOR_REDUCED} (9.3.3)")
    return SwitchingState(
        severity="normal",
        consecutive_accepted=state.consecutive_accepted + 1 if lot_accepted else 0,
        recent_lots=window,
        switching_score=score,
        reason=_normal_reason(lot_accepted, score, reduced_allowed),
    )


def _normal_reason(lot_accepted: bool, score: int, reduced_allowed: bool) -> str:
    if score >= SCORE_FOR_REDUCED and not reduced_allowed:
        # 9.3.3 needs all three conditions; the score alone does not switch.
        return f"switching score {score}, but production is not steady or reduced not approved"
    outcome = "accepted" if lot_accepted else "not accepted"
    return f"lot {outcome} under normal inspection; switching score {score}"


def _after_tightened(state: SwitchingState, lot_accepted: bool) -> SwitchingState:
    if lot_accepted:
        run = state.consecutive_accepted + 1
        if run >= ACCEPTED_TO_RELAX:
            return _enter("normal", "5 consecutive lots accepted under tightened (9.3.2)")
        return msgspec.structs.replace(
            state, consecutive_accepted=run, reason=f"{run} consecutive lots accepted"
        )
    not_accepted = state.tightened_not_accepted + 1
    if not_accepted >= NOT_ACCEPTED_TO_DISCONTINUE:
        return SwitchingState(
            severity="discontinued",
            tightened_not_accepted=not_accepted,
            reason="5 lots not accepted under tightened inspection: discontinued until "
            "corrective action (9.4)",
        )
    return msgspec.structs.replace(
        state,
        consecutive_accepted=0,
        tightened_not_accepted=not_accepted,
        reason=f"{not_accepted} lots not accepted under tightened inspection",
    )


def _after_reduced(
    state: SwitchingState, lot_accepted: bool, production_steady: bool, approved: bool
) -> SwitchingState:
    if not lot_accepted:
        return _enter("normal", "lot not accepted under reduced inspection (9.3.4)")
    if not production_steady:
        return _enter("normal", "production irregular or delayed (9.3.4)")
    if not approved:
        return _enter("normal", "other conditions: reduced inspection no longer approved (9.3.4)")
    return msgspec.structs.replace(
        state,
        consecutive_accepted=state.consecutive_accepted + 1,
        reason="lot accepted under reduced inspection",
    )


def _enter(severity: SwitchingSeverity, reason: str) -> SwitchingState:
    return SwitchingState(severity=severity, reason=reason)


def _check_lot(
    state: SwitchingState, lot_accepted: bool, rejected_count: int, plan: SamplingPlan
) -> None:
    if state.severity == "discontinued":
        raise ValueError(
            "inspection is discontinued (clause 9.4): take corrective action, then "
            "resume_after_corrective_action before inspecting further lots"
        )
    if plan.severity != state.severity:
        raise ValueError(f"the plan is {plan.severity}, but inspection is {state.severity}")
    # bool is an int subclass; True as a count is a caller bug, not one nonconforming item.
    if isinstance(rejected_count, bool) or not isinstance(rejected_count, int):
        raise ValueError(f"rejected count must be a whole number, got {rejected_count!r}")
    if rejected_count < 0:
        raise ValueError(f"rejected count must be a whole number >= 0, got {rejected_count!r}")
    if lot_accepted and rejected_count > plan.acceptance_number:
        raise ValueError(
            f"a lot with {rejected_count} nonconforming cannot be accepted "
            f"with Ac {plan.acceptance_number}"
        )
