"""The overview page's panels: health of every process, live clients, token and policy
activity, and the gateway's own traffic, pool and recent errors."""

from __future__ import annotations

from html import escape
from uuid import UUID

from gateway.live.hub import LiveHub
from gateway.ops_page.activity import Activity
from gateway.ops_page.health import Component
from unison_web.observability import Metrics
from unison_web.ops_page.charts import bar_chart
from unison_web.ops_page.data import ServiceSummary
from unison_web.ops_page.fmt import age, badge, ms, tile
from unison_web.ops_page.layout import SERVICES, service_page
from unison_web.ops_page.render import recent_errors, traffic_tiles


def _figures(summary: ServiceSummary | None) -> str:
    if summary is None:
        return '<td class="num muted">—</td>' * 3
    letters = badge(str(summary.dead_letters), "bad") if summary.dead_letters else "0"
    backlog = str(summary.backlog)
    if summary.oldest_seconds is not None:
        backlog += f' <span class="muted">oldest {age(summary.oldest_seconds)}</span>'
    return (
        f'<td class="num">{backlog}</td><td class="num">{letters}</td>'
        f'<td class="num">{summary.handled_last_hour}</td>'
    )


def _health(parts: list[Component], figures: dict[str, ServiceSummary]) -> str:
    rows = []
    for c in parts:
        service = c.name.removesuffix("-worker")
        link = (
            f'<a href="{service_page(service)}">{escape(c.name)}</a>'
            if service in SERVICES and not c.name.endswith("-worker")
            else escape(c.name)
        )
        checks = "".join(
            badge(name, "ok" if ok else "bad") for name, ok in sorted(c.checks.items())
        )
        state = badge("ready", "ok") if c.ready else badge("not ready", "bad")
        answered = "—" if c.answered_ms is None else f"{ms(c.answered_ms)} ms"
        rows.append(
            f'<tr data-component="{escape(c.name)}" data-ready="{str(c.ready).lower()}">'
            f'<td>{link}</td><td>{state}</td><td><div class="checks">{checks}</div>'
            f"{'' if c.ready else f'<div class=error>{escape(c.detail)}</div>'}</td>"
            f"{_figures(figures.get(c.name))}"
            f'<td class="num">{answered}</td></tr>'
        )
    return (
        '<section class="card span-12" id="health"><h2>Services and workers'
        ' <span class="muted">figures for your organization</span></h2><table><thead>'
        "<tr><th>Process</th><th>State</th><th>Checks</th><th class=num>Backlog</th>"
        "<th class=num>Dead letters</th><th class=num>Handled 1 h</th>"
        "<th class=num>Answered in</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _activity(activity: Activity) -> str:
    refused = ", ".join(
        f"{count} x HTTP {status}" for status, count in sorted(activity.refused_by_status.items())
    )
    return (
        '<section class="card span-5" id="activity"><h2>Tokens and policy'
        ' <span class="muted">this gateway process</span></h2>'
        "<h3>Tokens issued per minute</h3>"
        + bar_chart(
            activity.issued.minutes.last_hour(), label="tokens issued per minute", height=56
        )
        + "<h3>Sign-ins refused and requests denied per minute</h3>"
        + bar_chart(
            activity.refused_minutes.last_hour(),
            highlight=activity.denied.minutes.last_hour(),
            label="token requests refused and requests denied per minute",
            height=56,
        )
        + '<div class="legend"><span><i></i>refused sign-ins</span>'
        '<span><i class="bad"></i>denied (403)</span></div>'
        f'<dl class="kv"><dt>Issued since start</dt><dd>{activity.issued.minutes.total}</dd>'
        f"<dt>Refused since start</dt><dd>{activity.refused_minutes.total}"
        f"{f' ({escape(refused)})' if refused else ''}</dd>"
        f"<dt>Denied since start</dt><dd>{activity.denied.minutes.total}</dd></dl></section>"
    )


def panels(
    parts: list[Component],
    figures: dict[str, ServiceSummary],
    live: LiveHub,
    organization_id: UUID,
    activity: Activity,
    metrics: Metrics,
    pool: tuple[int, int, int],
) -> str:
    size, idle, most = pool
    traffic = metrics.window.traffic()
    ready = sum(c.ready for c in parts)
    mine = sum(c.principal.organization_id == organization_id for c in list(live.clients))
    tiles = (
        tile(
            "Processes ready",
            f"{ready} <small>of {len(parts)}</small>",
            "services, workers",
            "" if ready == len(parts) else "bad",
        )
        + tile(
            "Live clients",
            f"{mine} <small>yours · {len(live.clients)} all</small>",
            f"{live.delivered} sent · {live.dropped} dropped",
        )
        + tile("Tokens issued", str(sum(activity.issued.minutes.last_hour())), "last hour")
        + tile(
            "Denied",
            str(sum(activity.denied.minutes.last_hour())),
            f"last hour · {sum(activity.refused_minutes.last_hour())} sign-ins refused",
        )
        + traffic_tiles(traffic, size - idle, size, most)
    )
    chart = (
        '<section class="card span-7"><h2>Requests through the gateway'
        ' <span class="muted">per minute, this process</span></h2>'
        + bar_chart(
            traffic.per_minute, highlight=traffic.errors_per_minute, label="requests per minute"
        )
        + '<div class="legend"><span><i></i>requests</span><span><i class="bad"></i>5xx</span>'
        "</div></section>"
    )
    return (
        f'<section class="tiles">{tiles}</section><div class="grid">'
        + _health(parts, figures)
        + chart
        + _activity(activity)
        + recent_errors(list(reversed(metrics.window.errors)), span="span-12")
        + "</div>"
    )
