"""The switching rules of ISO 2859-1:1999 clause 9, played out over streams of lots.

The stream is lots of 1,000 at level II: code letter J. At AQL 1.0 that is n = 80 with
Ac 2 under normal (Ac 1 one AQL step tighter), Ac 1 under tightened and n = 32, Ac 1
under reduced. A count of 0 is a clean lot; 5 is a lot not accepted under any of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import pytest

from quality.aql import (
    SamplingPlan,
    SwitchingState,
    next_state,
    resume_after_corrective_action,
    sampling_plan,
    switching_score_after,
)

CLEAN, BAD = 0, 5
PLANS: dict[str, SamplingPlan] = {
    "normal": sampling_plan(1000, Decimal("1.0")),
    "tightened": sampling_plan(1000, Decimal("1.0"), severity="tightened"),
    "reduced": sampling_plan(1000, Decimal("1.0"), severity="reduced"),
}
TIGHTENED = SwitchingState(severity="tightened")
REDUCED = SwitchingState(severity="reduced")


def inspect(
    state: SwitchingState,
    counts: Iterable[int],
    *,
    plan: SamplingPlan | None = None,
    production_steady: bool = True,
    authority_approves_reduced: bool = True,
) -> SwitchingState:
    """Feed lots with these nonconforming counts, accepting each when the count is within Ac."""
    for count in counts:
        used = plan or PLANS[state.severity]
        state = next_state(
            state,
            count <= used.acceptance_number,
            rejected_count=count,
            plan=used,
            production_steady=production_steady,
            authority_approves_reduced=authority_approves_reduced,
        )
    return state


def test_the_plans_of_the_stream_are_the_ones_the_story_assumes() -> None:
    found = {severity: (p.sample_size, p.acceptance_number) for severity, p in PLANS.items()}
    assert found == {"normal": (80, 2), "tightened": (80, 1), "reduced": (32, 1)}


def test_inspection_starts_normal_with_nothing_counted() -> None:
    state = SwitchingState()
    assert (state.severity, state.switching_score, state.recent_lots) == ("normal", 0, ())


def test_two_lots_not_accepted_within_five_switch_normal_to_tightened() -> None:
    assert inspect(SwitchingState(), [CLEAN, BAD, CLEAN, CLEAN]).severity == "normal"
    state = inspect(SwitchingState(), [CLEAN, BAD, CLEAN, CLEAN, BAD])
    assert state.severity == "tightened"
    assert "9.3.1" in state.reason


def test_two_consecutive_lots_not_accepted_switch_normal_to_tightened() -> None:
    assert inspect(SwitchingState(), [BAD, BAD]).severity == "tightened"


def test_two_lots_not_accepted_six_lots_apart_keep_normal_inspection() -> None:
    state = inspect(SwitchingState(), [BAD, CLEAN, CLEAN, CLEAN, CLEAN, BAD])
    assert state.severity == "normal"
    assert state.recent_lots == (True, True, True, True, False)


def test_the_window_holds_only_the_last_five_lots() -> None:
    state = inspect(SwitchingState(), [BAD, CLEAN, CLEAN, CLEAN, CLEAN, CLEAN])
    assert state.recent_lots == (True,) * 5


def test_five_consecutive_accepted_lots_return_tightened_to_normal() -> None:
    four = inspect(TIGHTENED, [CLEAN] * 4)
    assert (four.severity, four.consecutive_accepted) == ("tightened", 4)
    state = inspect(four, [CLEAN])
    assert state == SwitchingState(severity="normal", reason=state.reason)
    assert "9.3.2" in state.reason


def test_a_lot_not_accepted_under_tightened_restarts_the_run_of_five() -> None:
    state = inspect(TIGHTENED, [CLEAN, CLEAN, CLEAN, CLEAN, BAD, CLEAN, CLEAN, CLEAN, CLEAN])
    assert (state.severity, state.consecutive_accepted) == ("tightened", 4)
    assert inspect(state, [CLEAN]).severity == "normal"


def test_ten_lots_that_pass_one_aql_step_tighter_switch_normal_to_reduced() -> None:
    nine = inspect(SwitchingState(), [1] * 9)
    assert (nine.severity, nine.switching_score) == ("normal", 27)
    state = inspect(nine, [1])
    assert state.severity == "reduced"
    assert "switching score 30" in state.reason


def test_a_lot_accepted_only_at_the_specified_aql_resets_the_score_when_ac_is_two() -> None:
    # Two nonconforming are within Ac 2 but not within Ac 1 of AQL 0.65.
    state = inspect(SwitchingState(), [CLEAN, CLEAN, 2])
    assert (state.severity, state.switching_score, state.recent_lots[-1]) == ("normal", 0, True)


def test_plans_with_ac_of_one_add_two_for_every_accepted_lot() -> None:
    plan = sampling_plan(1000, Decimal("0.65"))  # J, n = 80, Ac 1
    fourteen = inspect(SwitchingState(), [1] * 14, plan=plan)
    assert (fourteen.severity, fourteen.switching_score) == ("normal", 28)
    assert inspect(fourteen, [1], plan=plan).severity == "reduced"


def test_plans_with_ac_of_zero_add_two_for_every_accepted_lot() -> None:
    plan = sampling_plan(1000, Decimal("0.15"))  # J, n = 80, Ac 0
    assert switching_score_after(10, True, 0, plan) == 12
    assert switching_score_after(10, False, 1, plan) == 0


def test_a_lot_not_accepted_resets_the_score_without_tightening_on_its_own() -> None:
    state = inspect(SwitchingState(), [CLEAN, CLEAN, CLEAN, BAD])
    assert (state.severity, state.switching_score) == ("normal", 0)


def test_a_score_of_30_does_not_switch_while_production_is_not_steady() -> None:
    waiting = inspect(SwitchingState(), [CLEAN] * 11, production_steady=False)
    assert (waiting.severity, waiting.switching_score) == ("normal", 33)
    assert "not steady" in waiting.reason
    assert inspect(waiting, [CLEAN]).severity == "reduced"


def test_a_score_of_30_does_not_switch_without_the_authoritys_approval() -> None:
    state = inspect(SwitchingState(), [CLEAN] * 10, authority_approves_reduced=False)
    assert (state.severity, state.switching_score) == ("normal", 30)


def test_accepted_lots_keep_reduced_inspection() -> None:
    state = inspect(REDUCED, [CLEAN, 1, CLEAN])
    assert (state.severity, state.consecutive_accepted) == ("reduced", 3)


def test_a_lot_not_accepted_under_reduced_returns_to_normal_with_a_fresh_score() -> None:
    state = inspect(REDUCED, [CLEAN, 2])
    assert state == SwitchingState(severity="normal", reason=state.reason)
    assert "not accepted under reduced" in state.reason


def test_irregular_production_returns_reduced_to_normal_even_for_an_accepted_lot() -> None:
    state = inspect(REDUCED, [CLEAN], production_steady=False)
    assert state.severity == "normal"
    assert "production irregular" in state.reason


def test_withdrawn_approval_returns_reduced_to_normal() -> None:
    state = inspect(REDUCED, [CLEAN], authority_approves_reduced=False)
    assert state.severity == "normal"


def test_five_lots_not_accepted_under_tightened_discontinue_inspection() -> None:
    four = inspect(TIGHTENED, [BAD, CLEAN, BAD, CLEAN, BAD, CLEAN, BAD])
    assert (four.severity, four.tightened_not_accepted) == ("tightened", 4)
    state = inspect(four, [BAD])
    assert (state.severity, state.tightened_not_accepted) == ("discontinued", 5)
    assert "9.4" in state.reason


def test_discontinued_inspection_takes_no_more_lots() -> None:
    stopped = inspect(TIGHTENED, [BAD] * 5)
    with pytest.raises(ValueError, match="discontinued"):
        next_state(stopped, True, rejected_count=0, plan=PLANS["tightened"])


def test_inspection_resumes_under_tightened_after_corrective_action() -> None:
    resumed = resume_after_corrective_action(inspect(TIGHTENED, [BAD] * 5))
    assert resumed == SwitchingState(severity="tightened", reason=resumed.reason)
    assert inspect(resumed, [BAD] * 4).severity == "tightened"


def test_only_discontinued_inspection_can_resume() -> None:
    with pytest.raises(ValueError, match="only discontinued inspection can resume"):
        resume_after_corrective_action(SwitchingState())


def test_a_whole_run_goes_tightened_normal_reduced_and_back_to_normal() -> None:
    state = inspect(SwitchingState(), [CLEAN, BAD, BAD])
    assert state.severity == "tightened"
    state = inspect(state, [CLEAN] * 5)
    assert state.severity == "normal"
    state = inspect(state, [CLEAN] * 10)
    assert state.severity == "reduced"
    state = inspect(state, [CLEAN, CLEAN, BAD])
    assert (state.severity, state.switching_score) == ("normal", 0)


def test_the_given_state_is_left_unchanged() -> None:
    before = SwitchingState()
    inspect(before, [BAD])
    assert before == SwitchingState()


def test_the_plan_must_be_of_the_current_severity() -> None:
    with pytest.raises(ValueError, match="the plan is tightened, but inspection is normal"):
        next_state(SwitchingState(), True, rejected_count=0, plan=PLANS["tightened"])


def test_a_lot_cannot_be_accepted_with_more_nonconforming_than_ac() -> None:
    with pytest.raises(ValueError, match="cannot be accepted with Ac 2"):
        next_state(SwitchingState(), True, rejected_count=3, plan=PLANS["normal"])


def test_a_lot_may_be_not_accepted_with_a_count_within_ac() -> None:
    state = next_state(SwitchingState(), False, rejected_count=0, plan=PLANS["normal"])
    assert (state.recent_lots, state.switching_score) == ((False,), 0)


@pytest.mark.parametrize("count", [-1, True, 1.0])
def test_a_count_that_is_not_a_whole_number_of_at_least_zero_is_refused(count: int) -> None:
    with pytest.raises(ValueError, match="rejected count must be a whole number"):
        next_state(SwitchingState(), False, rejected_count=count, plan=PLANS["normal"])
