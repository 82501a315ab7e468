"""A service's ops panels as HTML: everything is escaped here, once, at the edge."""

from __future__ import annotations

from html import escape

from unison_web.ops_page.charts import bar_chart, meter
from unison_web.ops_page.data import JobRow, ScheduleRow, ServiceView
from unison_web.ops_page.fmt import STATUS_TONE, age, badge, ms, percent, rate, tile, when
from unison_web.request_window import RecentError, Traffic


def traffic_tiles(traffic: Traffic, in_use: int, size: int, most: int) -> str:
    error_tone = "bad" if traffic.error_rate >= 0.05 else "warn" if traffic.error_rate else ""
    return "".join(
        [
            tile("Requests / s", rate(traffic.requests_per_second), "last 5 minutes"),
            tile("Error rate", percent(traffic.error_rate), "5xx, last 5 minutes", error_tone),
            tile(
                "Latency ms",
                f"{ms(traffic.p50_ms)}"
                f" <small>/ {ms(traffic.p95_ms)} / {ms(traffic.p99_ms)}</small>",
                f"p50 / p95 / p99, {traffic.requests} req",
            ),
            tile(
                "DB pool",
                f"{in_use} <small>/ {most} in use</small>",
                meter(in_use, most, label="database pool connections in use") + f"{size} open",
            ),
        ]
    )


def _tiles(view: ServiceView) -> str:
    letters = next((q.depth for q in view.queues if q.queue.endswith("_dlq")), 0)
    backlog = sum(q.depth for q in view.queues if not q.queue.endswith("_dlq"))
    return (
        '<section class="tiles">'
        + traffic_tiles(view.traffic, view.pool.in_use, view.pool.size, view.pool.max)
        + tile("Events handled", str(sum(view.handled_per_minute)), "last hour")
        + tile("Backlog", str(backlog), "waiting in the queues", "warn" if backlog > 100 else "")
        + tile("Dead letters", str(letters), "need a decision", "bad" if letters else "")
        + "</section>"
    )


def _queues(view: ServiceView) -> str:
    rows = "".join(
        f'<tr data-queue="{escape(q.queue)}"><td class="mono">{escape(q.queue)}</td>'
        f'<td class="num depth">{q.depth}</td><td class="num">{q.in_flight}</td>'
        f'<td class="num">{age(q.oldest_seconds)}</td></tr>'
        for q in view.queues
    )
    return (
        '<section class="card span-5"><h2>Queues</h2><table><thead><tr><th>Queue</th>'
        '<th class="num">Depth</th><th class="num">In flight</th><th class="num">Oldest</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
        '<ul class="notes"><li>Your organization\'s messages only.</li>'
        "<li><b>Depth</b>: waiting, and read but not yet acknowledged.</li>"
        "<li><b>In flight</b>: read by the worker within its visibility timeout.</li>"
        "<li><b>Oldest</b>: how long the oldest message has waited.</li></ul></section>"
    )


def _throughput(view: ServiceView) -> str:
    return (
        '<section class="card span-7"><h2>Throughput <span class="muted">events handled per'
        " minute</span></h2>"
        + bar_chart(view.handled_per_minute, label="events handled per minute, last hour")
        + "<h2>Requests <span class=muted>per minute, this process</span></h2>"
        + bar_chart(
            view.traffic.per_minute,
            highlight=view.traffic.errors_per_minute,
            label="requests per minute, last hour",
            height=60,
        )
        + '<div class="legend"><span><i></i>requests</span><span><i class="bad"></i>5xx</span>'
        "</div></section>"
    )


def _letters(view: ServiceView) -> str:
    base = f"/api/{view.service}/admin/dead-letters"
    rows = "".join(
        f'<tr data-letter="{letter.id}" data-event="{escape(letter.event_id)}">'
        f'<td class="mono">{letter.id}</td>'
        f'<td class="mono">{escape(letter.topic)}</td>'
        f'<td class="error">{escape(letter.error)}</td><td class="num">{letter.attempts}</td>'
        f"<td>{when(letter.failed_at)}</td>"
        f'<td class="num"><button data-action="{base}/{letter.id}/replay" data-done="Replayed">'
        "Replay</button></td></tr>"
        for letter in view.letters
    )
    if not rows:
        rows = '<tr><td colspan="6" class="empty">No dead letters: all events handled.</td></tr>'
    actions = (
        f'<span class="actions"><button data-action="{base}/replay" data-done="Replayed all"'
        ' data-confirm="Replay every dead letter?">Replay all</button>'
        f'<button class="danger" data-action="{base}" data-method="DELETE" data-done="Purged"'
        ' data-confirm="Delete every dead letter for good?">Purge</button></span>'
        if view.letters
        else ""
    )
    return (
        f'<section class="card span-12" id="dead-letters"><h2>Dead letters'
        f' <span class="count">{len(view.letters)}</span>{actions}</h2>'
        "<table><thead><tr><th>Id</th><th>Topic</th><th>Error</th>"
        '<th class="num">Attempts</th><th>Failed</th><th></th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )


def _progress(job: JobRow) -> str:
    total = job.progress_total
    done = job.progress_done
    text = job.progress_message or (f"{done} of {total}" if total else f"{done} done")
    shown_total = total if total else (done or 1)
    if job.status == "succeeded":
        shown_total = done = max(done, 1)
    return (
        f'<div class="progress">{meter(done, shown_total, label="job progress", toned=False)}'
        f'<span class="text">{escape(text)}</span></div>'
    )


def _job_row(service: str, job: JobRow) -> str:
    status = badge(job.status, STATUS_TONE.get(job.status, "muted"))
    if job.cancel_requested and job.status == "running":
        status += " " + badge("cancelling", "warn")
    cancel = (
        f'<button class="danger" data-action="/api/{service}/admin/ops/jobs/{job.id}/cancel"'
        ' data-done="Cancel requested">Cancel</button>'
        if job.status in ("queued", "running") and not job.cancel_requested
        else ""
    )
    error = f'<div class="error">{escape(job.error)}</div>' if job.error else ""
    return (
        f'<tr data-job="{job.id}" data-status="{escape(job.status)}"'
        f' data-done="{job.progress_done}">'
        f'<td><div class="mono">{escape(job.kind)}</div><div class="muted mono">{job.id}</div></td>'
        f"<td>{status}{error}</td><td>{_progress(job)}</td>"
        f'<td class="num">{job.attempts}/{job.max_attempts}</td>'
        f"<td>{when(job.created_at)}</td><td>{when(job.finished_at)}</td>"
        f'<td class="num">{cancel}</td></tr>'
    )


def _jobs(view: ServiceView) -> str:
    rows = "".join(_job_row(view.service, job) for job in view.jobs)
    if not rows:
        rows = '<tr><td colspan="7" class="empty">No background jobs yet.</td></tr>'
    active = sum(j.status in ("queued", "running") for j in view.jobs)
    return (
        f'<section class="card span-12" id="jobs"><h2>Background jobs'
        f' <span class="count">{active} active</span></h2>'
        "<table><thead><tr><th>Kind</th><th>Status</th><th>Progress</th>"
        '<th class="num">Attempts</th><th>Created</th><th>Finished</th><th></th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )


def _schedule_row(s: ScheduleRow) -> str:
    last = s.runs[0] if s.runs else None
    if last is None:
        last_cell = '<span class="muted">not run yet</span>'
    else:
        tone = {"succeeded": "ok", "failed": "bad"}.get(last.status or "", "info")
        last_cell = f"{badge(last.status or '?', tone)} {when(last.start_time)}"
    failure = next((r for r in s.runs if r.status == "failed"), None)
    failed_text = (
        f'<div class="error">{escape((failure.message or "")[:200])}</div>' if failure else ""
    )
    failures = badge(f"{s.failures} of {len(s.runs)}", "bad") if s.failures else "0"
    state = "" if s.active else " " + badge("paused", "warn")
    return (
        f'<tr><td class="mono">{escape(s.name)}{state}</td><td class="mono">{escape(s.schedule)}'
        f"</td><td>{last_cell}</td><td>{failures}{failed_text}</td></tr>"
    )


def _schedules(view: ServiceView) -> str:
    rows = "".join(_schedule_row(s) for s in view.schedules) or (
        '<tr><td colspan="4" class="empty">No schedules.</td></tr>'
    )
    return (
        '<section class="card span-7" id="schedules">'
        '<h2>Schedules <span class="muted">pg_cron</span></h2>'
        "<table><thead><tr><th>Name</th><th>Schedule</th><th>Last run</th>"
        f"<th>Failures (last runs)</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def recent_errors(errors: list[RecentError], span: str = "span-5") -> str:
    rows = (
        "".join(
            f'<tr><td>{when(e.at)}</td><td class="mono">{escape(e.request_id)}</td>'
            f'<td class="mono">{escape(e.method)} {escape(e.path)}</td>'
            f'<td>{badge(str(e.status), "bad")}</td><td class="error">{escape(e.error)}</td></tr>'
            for e in errors[:20]
        )
        or '<tr><td colspan="5" class="empty">No server errors since the process started.</td></tr>'
    )
    return (
        f'<section class="card {span}" id="recent-errors"><h2>Recent errors'
        ' <span class="muted">5xx, newest first</span></h2><table><thead><tr><th>Time</th>'
        "<th>Request id</th><th>Request</th><th>Status</th><th>Error</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def panels(view: ServiceView) -> str:
    return (
        _tiles(view)
        + '<div class="grid">'
        + _queues(view)
        + _throughput(view)
        + _letters(view)
        + _jobs(view)
        + _schedules(view)
        + recent_errors(view.errors)
        + "</div>"
    )
