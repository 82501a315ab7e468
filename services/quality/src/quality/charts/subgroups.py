"""Rational subgroups for X-bar charts: consecutive measurements of one inspection lot, n
at a time. Pure.

A subgroup should hold variation within a short time only; the samples of one lot are
that. A lot's measurements that do not fill a last subgroup are left out rather than
mixed with the next lot's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import msgspec


class Subgroups(msgspec.Struct, frozen=True, kw_only=True):
    groups: list[list[float]]
    timestamps: list[datetime]  # of each subgroup's last measurement
    left_out: int


def subgroups(
    values: Sequence[float], times: Sequence[datetime], lots: Sequence[UUID], size: int
) -> Subgroups:
    if size < 2:
        raise ValueError(f"a subgroup has at least 2 measurements, not {size}")
    groups: list[list[float]] = []
    stamps: list[datetime] = []
    left_out = 0
    current: list[float] = []
    lot: UUID | None = None
    for value, at, of in zip(values, times, lots, strict=True):
        if of != lot:
            left_out += len(current)
            current, lot = [], of
        current.append(value)
        if len(current) == size:
            groups.append(current)
            stamps.append(at)
            current = []
    left_out += len(current)
    return Subgroups(groups=groups, timestamps=stamps, left_out=left_out)
