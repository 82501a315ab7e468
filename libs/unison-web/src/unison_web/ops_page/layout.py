"""The page around every ops view: top bar with the services, the live badge, styles
and the one script, under a Content-Security-Policy that allows only this page's own."""

from __future__ import annotations

import secrets
from functools import cache
from html import escape
from pathlib import Path

from litestar import MediaType, Response

SERVICES = ("inventory", "production", "quality", "maintenance", "search", "reporting")
GATEWAY_PAGE = "/admin/ops"


def service_page(service: str) -> str:
    return f"/api/{service}/admin/ops"


@cache
def _asset(name: str) -> str:
    return Path(__file__).with_name(name).read_text(encoding="utf-8")


def _csp(nonce: str) -> str:
    # Inline style attributes (bar widths) are allowed; scripts only with this nonce.
    return (
        "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
        f" script-src 'nonce-{nonce}'; connect-src 'self'; form-action 'self';"
        " frame-ancestors 'none'; base-uri 'none'"
    )


def html_response(body: str, *, status: int = 200, nonce: str | None = None) -> Response[str]:
    headers = {
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Content-Security-Policy": _csp(nonce or secrets.token_urlsafe(16)),
    }
    return Response(body, status_code=status, media_type=MediaType.HTML, headers=headers)


def _tabs(current: str) -> str:
    links = [("Overview", GATEWAY_PAGE, "gateway")]
    links += [(s.capitalize(), service_page(s), s) for s in SERVICES]
    return "".join(
        f'<a href="{href}"{" class=current" if key == current else ""}>{label}</a>'
        for label, href, key in links
    )


def page(
    *,
    title: str,
    subtitle: str,
    current: str,
    user: str,
    panels: str,
    panels_url: str,
    topics: tuple[str, ...] = ("job.*", "ops.*"),
) -> Response[str]:
    """A whole ops page; ``panels`` is what ``panels_url`` returns again on refresh."""
    nonce = secrets.token_urlsafe(16)
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · Unison Ops</title>
<style nonce="{nonce}">{_asset("ops.css")}</style></head>
<body>
<header class="topbar">
  <div class="brand"><span class="logo"></span>Unison Ops</div>
  <nav class="tabs">{_tabs(current)}</nav>
  <div class="who"><span id="live" class="live">Connecting</span><span>{escape(user)}</span>
    <form method="post" action="/auth/logout"><button type="submit">Sign out</button></form>
  </div>
</header>
<main>
  <div class="page-head"><h1>{escape(title)}</h1><span class="sub">{escape(subtitle)}</span></div>
  <div data-panels="{escape(panels_url)}" data-topics="{escape(",".join(topics))}">{panels}</div>
</main>
<div id="toast" class="toast" role="status" aria-live="polite"></div>
<script nonce="{nonce}">{_asset("ops.js")}</script>
</body></html>"""
    return html_response(body, nonce=nonce)


def login_page(*, next_path: str, error: str | None = None, status: int = 200) -> Response[str]:
    nonce = secrets.token_urlsafe(16)
    problem = f'<div class="error" role="alert">{escape(error)}</div>' if error else ""
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Unison Ops</title><style nonce="{nonce}">{_asset("ops.css")}</style></head>
<body><form class="login" method="post" action="/auth/login">
  <h1>Unison Ops</h1><p>Sign in with an administrator account.</p>{problem}
  <input type="hidden" name="next" value="{escape(next_path)}">
  <label for="username">E-mail</label>
  <input id="username" name="username" type="email" autocomplete="username" required autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button class="primary" type="submit">Sign in</button>
</form></body></html>"""
    return html_response(body, status=status, nonce=nonce)


def refused_page() -> str:
    """What a signed-in browser without the admin role sees instead of a problem+json."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>403 Forbidden · Unison Ops</title><style>{_asset("ops.css")}</style></head>
<body><form class="login" method="post" action="/auth/logout">
  <h1>403 · Forbidden</h1>
  <p>Your account may not open the ops pages: they need the admin role of your
  organization.</p>
  <button class="primary" type="submit">Sign in as someone else</button>
</form></body></html>"""
