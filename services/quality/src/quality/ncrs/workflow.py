"""Which step an NCR may take from where it is. Pure.

open -> investigation -> disposition -> verification -> closed. The disposition step is
taken by deciding the disposition (from investigation, or again after inventory refused
it); verification waits until the disposition is carried out; an NCR is cancelled only
before its disposition (after it, stock has moved and the record must stay)."""

from __future__ import annotations

from quality.ncrs.models import Ncr

FROM = {
    "investigation": ("open",),
    "verification": ("disposition",),
    "closed": ("verification",),
    "cancelled": ("open", "investigation"),
}
EDITABLE = ("open", "investigation")


def refusal(ncr: Ncr, to: str) -> str | None:
    """Why ``ncr`` cannot go to ``to``; None when it can."""
    allowed = FROM[to]
    if ncr.status not in allowed:
        return f"{ncr.number} is {ncr.status}: it goes to {to} only from {' or '.join(allowed)}"
    if to == "verification" and ncr.disposition_status not in ("posted", "done"):
        if ncr.disposition_status == "failed":
            return (
                f"inventory refused the disposition of {ncr.number} ({ncr.disposition_error}):"
                " decide it again"
            )
        return f"the disposition of {ncr.number} is not carried out in inventory yet"
    return None


def disposition_refusal(ncr: Ncr) -> str | None:
    """Why a disposition cannot be decided now; None when it can."""
    if ncr.status == "investigation":
        return None
    if ncr.status == "disposition" and ncr.disposition_status == "failed":
        return None
    if ncr.status == "disposition":
        return f"the disposition of {ncr.number} is {ncr.disposition_status} already"
    return f"{ncr.number} is {ncr.status}: a disposition is decided after its investigation"
