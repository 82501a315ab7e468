"""The gateway's overview page, and who may reach the ops pages and how."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.ops_pages.browser import chromium
from tests.ops_pages.conftest import (
    attribute_of,
    click,
    screenshot,
    sign_in,
    text_of,
    token_of,
    wait,
)
from unison_stack.supervisor import Supervisor
from unison_web.ops_page.layout import SERVICES

pytestmark = pytest.mark.e2e


def test_the_overview_shows_every_process_and_links_each_service_page(
    admin_browser: webdriver.Chrome, gateway_url: str, api: httpx.Client
) -> None:
    token_of(api, "viewer@acme.test")  # a token issued
    api.post(
        "/auth/token",
        data={"grant_type": "password", "username": "admin@acme.test", "password": "wrong"},
    )
    admin_browser.get(f"{gateway_url}/admin/ops")
    wait(admin_browser, 20).until(lambda d: d.find_element(By.ID, "live").text == "Live")
    components = wait(admin_browser, 20).until(
        lambda d: {
            c.get_attribute("data-component"): c.get_attribute("data-ready")
            for c in d.find_elements(By.CSS_SELECTOR, "[data-component]")
        }
    )
    # The object store is one of the gateway's readiness checks, so it has a row too.
    expected = {*SERVICES, *(f"{s}-worker" for s in SERVICES), "objects"}
    assert components == dict.fromkeys(expected, "true")
    # Each service's figures for acme, asked by the gateway with the admin's own token.
    for service in SERVICES:
        handled = text_of(admin_browser, f"//tr[@data-component='{service}']/td[6]")
        assert handled.isdigit(), (service, handled)
    activity = text_of(admin_browser, "//*[@id='activity']")
    issued = int(activity.split("Issued since start")[1].split()[0])
    refused = int(activity.split("Refused since start")[1].split()[0])
    assert issued >= 2 and refused >= 1  # the browser's sign-in and the viewer's; the typo
    live_clients = text_of(admin_browser, "//*[@data-tile='live-clients']/*[@class='value']")
    assert int(live_clients.split()[0]) >= 1
    screenshot(admin_browser, "overview")

    click(admin_browser, "//a[text()='quality']")
    wait(admin_browser, 20).until(lambda d: d.current_url.endswith("/api/quality/admin/ops"))
    assert admin_browser.title.startswith("Quality")


def test_a_signed_out_browser_is_sent_to_the_form_and_a_non_admin_is_refused(
    gateway_url: str, api: httpx.Client
) -> None:
    page = api.get("/api/inventory/admin/ops")
    assert page.status_code == 303
    assert page.headers["location"] == "/auth/login?next=/api/inventory/admin/ops"
    assert api.get("/admin/ops/panels").status_code == 401  # no redirect for scripts

    with chromium() as viewer:
        sign_in(viewer, gateway_url, "viewer@acme.test", "/admin/ops")
        assert viewer.title.startswith("403") and "admin role" in viewer.page_source
        viewer.get(f"{gateway_url}/api/inventory/admin/ops")
        assert viewer.title.startswith("403")
        assert "Dead letters" not in viewer.page_source
        screenshot(viewer, "refused-viewer")


def test_the_session_cookie_is_http_only_and_refused_across_sites(
    gateway_url: str, api: httpx.Client
) -> None:
    signed_in = api.post(
        "/auth/login",
        data={
            "username": "admin@acme.test",
            "password": "unison-demo",
            "next": "/api/inventory/admin/ops",
        },
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/api/inventory/admin/ops"
    cookies = signed_in.headers.get_list("set-cookie")
    access = next(c for c in cookies if c.startswith("unison_ops="))
    assert "httponly" in access.lower() and "samesite=strict" in access.lower()
    assert "Path=/;" in access or access.endswith("Path=/")
    assert api.get("/api/inventory/admin/ops").status_code == 200  # the cookie is the session
    purge = "/api/inventory/admin/dead-letters"
    # A cookie-signed change from another site (or without the ops pages' header) is refused.
    assert api.delete(purge, headers={"Origin": "http://evil.test"}).status_code == 403
    assert api.delete(purge, headers={"Origin": gateway_url}).status_code == 403
    # The cookie reaches the ops paths only, never the rest of the API.
    assert api.get("/api/inventory/materials").status_code == 401
    # An open redirect is not possible: next must be an ops page.
    elsewhere = api.post(
        "/auth/login",
        data={
            "username": "admin@acme.test",
            "password": "unison-demo",
            "next": "https://evil.test/",
        },
    )
    assert elsewhere.headers["location"] == "/admin/ops"
    # An expired page session comes back through the form and the refresh cookie.
    api.cookies.delete("unison_ops")
    again = api.get("/auth/login", params={"next": "/admin/ops"})
    assert again.status_code == 303 and again.headers["location"] == "/admin/ops"
    assert "unison_ops=" in again.headers.get("set-cookie", "")
    wrong = api.post("/auth/login", data={"username": "admin@acme.test", "password": "nope"})
    assert wrong.status_code == 400 and "Wrong e-mail or password" in wrong.text


def test_a_stopped_service_shows_as_not_ready_and_its_503_with_the_request_id(
    admin_browser: webdriver.Chrome,
    gateway_url: str,
    api: httpx.Client,
    running_stack: Supervisor,
) -> None:
    search = next(s for s in running_stack.specs if s.name == "search")
    pid = running_stack.pid_of(search)
    assert pid is not None
    os.killpg(pid, signal.SIGTERM)  # the process this package's fixture started
    try:
        wait(admin_browser, 30).until(lambda _: running_stack.pid_of(search) is None)
        request_id = f"ops-test-{uuid.uuid4().hex[:12]}"
        token = token_of(api, "admin@acme.test")
        refused = api.get(
            "/api/search/suggest",
            params={"q": "pump"},
            headers={"Authorization": f"Bearer {token}", "X-Request-ID": request_id},
        )
        assert refused.status_code == 503

        admin_browser.get(f"{gateway_url}/admin/ops")
        row = "//tr[@data-component='search']"
        assert attribute_of(admin_browser, row, "data-ready") == "false"
        assert "unreachable" in text_of(admin_browser, row)
        errors = text_of(admin_browser, "//*[@id='recent-errors']")
        assert request_id in errors and "503" in errors and "/api/search/suggest" in errors
        screenshot(admin_browser, "overview-search-down")
    finally:
        running_stack.start(search)
        state = asyncio.run(running_stack.wait_ready(timeout=60))
        assert all(state.values()), state
