"""A plan's content checked: what msgspec cannot say, each problem named by its pointer."""

from __future__ import annotations

from quality.aql import aql_column
from quality.plans.models import Characteristic, PlanContent
from unison_web import Invalid, checks


def _characteristic(i: int, c: Characteristic) -> None:
    at = f"/characteristics/{i}"
    checks.text(c.name, f"{at}/name", 200)
    if c.kind == "attribute":
        if c.lsl is not None or c.usl is not None or c.nominal is not None:
            raise Invalid("an attribute has no limits: it passes or fails", f"{at}/lsl")
        return
    if c.lsl is None and c.usl is None:
        raise Invalid("a measured characteristic needs a lower or an upper limit", f"{at}/lsl")
    if c.lsl is not None and c.usl is not None and c.lsl >= c.usl:
        raise Invalid("must be below the upper limit", f"{at}/lsl")
    below = c.nominal is not None and c.lsl is not None and c.nominal < c.lsl
    above = c.nominal is not None and c.usl is not None and c.nominal > c.usl
    if below or above:
        raise Invalid("lies outside the limits", f"{at}/nominal")
    if c.defect_codes:
        raise Invalid(
            "defect codes go with attributes; a measurement fails by its limits",
            f"{at}/defect_codes",
        )


def check(content: PlanContent) -> None:
    codes = [c.code.upper() for c in content.characteristics]
    for i, code in enumerate(codes):
        if code in codes[:i]:
            raise Invalid("characteristic code used twice", f"/characteristics/{i}/code")
    for i, c in enumerate(content.characteristics):
        _characteristic(i, c)
    if content.valid_to is not None and content.valid_to < content.valid_from:
        raise Invalid("must not be before valid_from", "/valid_to")
    if content.sampling == "aql":
        if content.aql is None or content.inspection_level is None:
            raise Invalid("AQL sampling needs aql and inspection_level", "/aql")
        try:
            aql_column(content.aql)
        except ValueError as exc:
            raise Invalid(str(exc), "/aql") from None
    elif content.sampling == "fixed" and content.sample_size is None:
        raise Invalid("fixed sampling needs sample_size", "/sample_size")
    if content.sampling != "aql" and (
        content.aql is not None or content.inspection_level is not None
    ):
        raise Invalid(f"{content.sampling} sampling takes no AQL", "/aql")
    if content.sampling != "fixed" and content.sample_size is not None:
        raise Invalid(f"{content.sampling} sampling takes no sample_size", "/sample_size")


def normalized(content: PlanContent) -> list[Characteristic]:
    return [
        Characteristic(
            code=c.code.upper(),
            name=c.name.strip(),
            kind=c.kind,
            nominal=c.nominal,
            lsl=c.lsl,
            usl=c.usl,
            unit=c.unit,
            defect_codes=[d.upper() for d in c.defect_codes],
        )
        for c in content.characteristics
    ]
