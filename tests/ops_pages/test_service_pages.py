"""A service's ops page in headless Chromium, through the real gateway, with the real
workers: a dead letter appears live with its error and leaves on Replay; a job's progress
bar moves live and Cancel stops it; another organization's letters and jobs never show."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx
import jwt
import msgspec
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.ops_pages.conftest import attribute_of, click, screenshot, text_of, token_of, wait
from unison_web.ops_page.layout import SERVICES

pytestmark = pytest.mark.e2e


def _org(token: str) -> str:
    return str(jwt.decode(token, options={"verify_signature": False})["org"])


def _send_unhandled(owner_dsn: str, organization_id: str) -> str:
    """An event no inventory handler knows: the worker dead-letters it after two reads."""
    event_id = str(uuid.uuid4())
    event = {
        "v": 1,
        "id": event_id,
        "organization_id": organization_id,
        "occurred_at": "2026-12-01T10:00:00Z",
    }
    headers = {
        "topic": "inventory.test.unhandled",
        "event_id": event_id,
        "organization_id": organization_id,
    }

    async def send() -> None:
        conn = await asyncpg.connect(owner_dsn)
        try:
            await conn.execute(
                "SELECT pgmq.send('inventory_events', $1::jsonb, $2::jsonb)",
                msgspec.json.encode(event).decode(),
                msgspec.json.encode(headers).decode(),
            )
        finally:
            await conn.close()

    asyncio.run(send())
    return event_id


def _letter_ids(api: httpx.Client, token: str) -> dict[str, int]:
    """Dead letters by event id, as the ops API lists them for the token's organization."""
    response = api.get(
        "/api/inventory/admin/dead-letters", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return {item["event"]["id"]: item["id"] for item in response.json()["items"]}


def _dlq_depth(driver: webdriver.Chrome) -> int:
    cell = driver.find_element(By.CSS_SELECTOR, '[data-queue="inventory_events_dlq"] .depth')
    return int(cell.text)


def test_every_service_page_shows_its_figures(
    admin_browser: webdriver.Chrome, gateway_url: str
) -> None:
    for service in SERVICES:
        admin_browser.get(f"{gateway_url}/api/{service}/admin/ops")
        assert admin_browser.title.startswith(service.capitalize())
        queues = wait(admin_browser, 20).until(
            lambda d: {
                q.get_attribute("data-queue")
                for q in d.find_elements(By.CSS_SELECTOR, "[data-queue]")
            }
        )
        assert queues == {f"{service}_events", f"{service}_jobs", f"{service}_events_dlq"}
        assert "cache-cleanup" in text_of(admin_browser, "//*[@id='schedules']")
        wait(admin_browser, 20).until(lambda d: d.find_element(By.ID, "live").text == "Live")
        screenshot(admin_browser, f"service-{service}")


def test_a_dead_letter_appears_live_and_replay_and_purge_clear_it(
    admin_browser: webdriver.Chrome, gateway_url: str, api: httpx.Client, owner_dsn: str
) -> None:
    acme, globex = token_of(api, "admin@acme.test"), token_of(api, "admin@globex.test")
    admin_browser.get(f"{gateway_url}/api/inventory/admin/ops")
    wait(admin_browser, 20).until(lambda d: d.find_element(By.ID, "live").text == "Live")
    depth_before = _dlq_depth(admin_browser)
    admin_browser.execute_script("window.notReloaded = true")

    theirs = _send_unhandled(owner_dsn, _org(globex))
    mine = _send_unhandled(owner_dsn, _org(acme))
    # The worker fails it twice, dead-letters it, and the page hears of it over /ws.
    row = f"//tr[@data-event='{mine}']"
    wait(admin_browser).until(lambda d: d.find_elements(By.XPATH, row))
    assert "no handler for topic 'inventory.test.unhandled'" in text_of(admin_browser, row)
    assert admin_browser.execute_script("return window.notReloaded") is True
    wait(admin_browser).until(lambda d: _dlq_depth(d) == depth_before + 1)

    # Globex's letter exists, and is not on acme's page.
    wait(admin_browser).until(lambda _: theirs in _letter_ids(api, globex))
    assert not admin_browser.find_elements(By.XPATH, f"//tr[@data-event='{theirs}']")
    assert theirs not in admin_browser.page_source
    screenshot(admin_browser, "service-inventory-dead-letter")

    letter_id = attribute_of(admin_browser, row, "data-letter")
    click(admin_browser, f"{row}//button[text()='Replay']")
    wait(admin_browser).until(
        lambda d: not d.find_elements(By.XPATH, f"//tr[@data-letter='{letter_id}']")
    )
    # Replayed, it fails again (no handler) and comes back as a new letter: purge it.
    wait(admin_browser).until(lambda d: d.find_elements(By.XPATH, f"//tr[@data-event='{mine}']"))
    click(admin_browser, "//button[text()='Purge']")
    admin_browser.switch_to.alert.accept()
    wait(admin_browser).until(
        lambda d: not d.find_elements(By.XPATH, f"//tr[@data-event='{mine}']")
    )
    assert mine not in _letter_ids(api, acme)
    assert theirs in _letter_ids(api, globex)  # acme's purge left globex's alone


def _label_job(api: httpx.Client, token: str) -> str:
    """A real background job with progress: label PDFs for every work order, 50 each."""
    auth = {"Authorization": f"Bearer {token}"}
    orders = api.get("/api/production/work-orders", params={"limit": "100"}, headers=auth)
    assert orders.status_code == 200, orders.text
    ids = [o["id"] for o in orders.json()["items"]][:100]
    assert ids, "the demo data has work orders"
    queued = api.post(
        "/api/production/labels",
        json={"kind": "work_order", "work_order_ids": ids, "copies": min(50, 5000 // len(ids))},
        headers=auth,
    )
    assert queued.status_code == 202, queued.text
    return str(queued.json()["job_id"])


def test_a_jobs_progress_moves_live_and_cancel_stops_it(
    admin_browser: webdriver.Chrome, gateway_url: str, api: httpx.Client
) -> None:
    acme, globex = token_of(api, "admin@acme.test"), token_of(api, "admin@globex.test")
    admin_browser.get(f"{gateway_url}/api/production/admin/ops")
    wait(admin_browser, 20).until(lambda d: d.find_element(By.ID, "live").text == "Live")
    admin_browser.execute_script("window.notReloaded = true")

    theirs = _label_job(api, globex)
    job = _label_job(api, acme)
    row = f"//tr[@data-job='{job}']"
    wait(admin_browser).until(lambda d: d.find_elements(By.XPATH, row))
    seen: set[str] = set()

    def moved(d: webdriver.Chrome) -> bool:
        found = d.find_elements(By.XPATH, row)
        if found:
            seen.add(str(found[0].get_attribute("data-done")))
        return len(seen - {"0"}) >= 2  # two different progress figures, live

    wait(admin_browser).until(moved)
    assert attribute_of(admin_browser, f"{row}//div[contains(@class, 'meter')]/span", "style")
    screenshot(admin_browser, "service-production-job")
    click(admin_browser, f"{row}//button[text()='Cancel']")
    wait(admin_browser).until(
        lambda d: d.find_element(By.XPATH, row).get_attribute("data-status") == "cancelled"
    )
    assert admin_browser.execute_script("return window.notReloaded") is True
    status = api.get(f"/api/production/jobs/{job}", headers={"Authorization": f"Bearer {acme}"})
    assert status.json()["status"] == "cancelled"
    assert theirs not in admin_browser.page_source  # globex's job is not on acme's page
    # Nor can acme's admin cancel it by its id.
    other = api.post(
        f"/api/production/admin/ops/jobs/{theirs}/cancel",
        headers={"Authorization": f"Bearer {acme}"},
    )
    assert other.status_code == 404
