"""Numbers, ages and times as a person reads them on the ops pages."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape


def age(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def when(moment: datetime | float | str | None) -> str:
    """A time of today as HH:MM:SS, older ones with the date; always UTC."""
    if moment is None or moment == "":
        return "—"
    if isinstance(moment, str):
        text = moment
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return escape(text)
    if isinstance(moment, float | int):
        moment = datetime.fromtimestamp(moment, UTC)
    moment = moment.astimezone(UTC)
    if moment.date() == datetime.now(UTC).date():
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M")


def ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def percent(share: float) -> str:
    return f"{share * 100:.1f}%" if share else "0%"


def rate(per_second: float) -> str:
    return f"{per_second:.2f}" if per_second < 10 else f"{per_second:.0f}"


def badge(text: str, tone: str) -> str:
    return f'<span class="badge {tone}">{escape(text)}</span>'


STATUS_TONE = {
    "queued": "muted",
    "running": "info",
    "succeeded": "ok",
    "failed": "bad",
    "cancelled": "warn",
    "starting": "info",
}


def tile(label: str, value: str, hint: str = "", tone: str = "") -> str:
    extra = f'<div class="hint">{hint}</div>' if hint else ""
    key = label.lower().replace(" ", "-").replace("/", "")
    return (
        f'<div class="tile {tone}" data-tile="{escape(key)}">'
        f'<div class="label">{escape(label)}</div>'
        f'<div class="value">{value}</div>{extra}</div>'
    )
