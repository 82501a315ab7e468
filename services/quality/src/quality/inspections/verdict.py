"""The plan's verdict on an inspection lot from its results, with the rule that gave it.
Pure."""

from __future__ import annotations

import msgspec


class Verdict(msgspec.Struct, frozen=True, kw_only=True):
    status: str  # open or results_recorded
    proposal: str | None  # accept, reject, needs_review
    rule: str | None


def verdict(
    *,
    sample_size: int,
    characteristics: int,
    acceptance: int | None,
    rejection: int | None,
    recorded: int,
    nonconforming: int,
) -> Verdict:
    """Nonconforming pieces (any characteristic failed) against Ac/Re: a lot is rejected as
    soon as Re is reached, accepted once every result is in and at most Ac failed; without
    an acceptance number (a manual lot) a clean lot is accepted and any failure is a
    question for the engineer."""
    complete = characteristics > 0 and recorded >= sample_size * characteristics
    status = "results_recorded" if complete else "open"
    if rejection is not None and nonconforming >= rejection:
        rule = f"{nonconforming} nonconforming of {sample_size} reached Re {rejection}"
        return Verdict(status=status, proposal="reject", rule=rule)
    if not complete:
        return Verdict(status=status, proposal=None, rule=None)
    if acceptance is None:
        if nonconforming == 0:
            return Verdict(
                status=status, proposal="accept", rule=f"all {sample_size} pieces conform"
            )
        rule = f"{nonconforming} nonconforming of {sample_size}, no acceptance number"
        return Verdict(status=status, proposal="needs_review", rule=rule)
    if nonconforming <= acceptance:
        rule = f"{nonconforming} nonconforming of {sample_size} within Ac {acceptance}"
        return Verdict(status=status, proposal="accept", rule=rule)
    rule = f"{nonconforming} nonconforming of {sample_size} above Ac {acceptance} below Re"
    return Verdict(status=status, proposal="needs_review", rule=rule)
