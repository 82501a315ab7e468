"""The whole system as real processes (as in tests/e2e), plus a headless Chromium signed
in through the gateway's own form. Screenshots go to ``.data/ops-screens/`` (not kept in
git) for a person to look at."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.ops_pages.browser import available, chromium
from unison_stack.demo import seed
from unison_stack.paths import ROOT
from unison_stack.stack import Stack
from unison_stack.supervisor import Supervisor

DEMO_PASSWORD = "unison-demo"
SCREENS = ROOT / ".data" / "ops-screens"


@pytest.fixture(scope="package")
def running_stack(stack: Stack) -> Iterator[Supervisor]:
    if not available():
        pytest.fail("Debian's chromium and chromium-driver are needed: ./dev installs them")
    # Dead-letter after two failed reads so the tests need not wait for five.
    os.environ["UNISON_EVENT_MAX_READS"] = "2"
    asyncio.run(seed(stack.owner_dsn))
    supervisor = Supervisor(stack)
    supervisor.stop_all()  # leftovers of an interrupted run
    supervisor.start_all()
    try:
        state = asyncio.run(supervisor.wait_ready(timeout=120))
        if not all(state.values()):
            pytest.fail(f"stack not ready: {state}; logs in {stack.paths.logs}")
        yield supervisor
    finally:
        supervisor.stop_all()


@pytest.fixture(scope="package")
def gateway_url(running_stack: Supervisor) -> str:
    return f"http://127.0.0.1:{running_stack.stack.ports.gateway}"


@pytest.fixture
def api(gateway_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        yield client


def token_of(api: httpx.Client, email: str) -> str:
    response = api.post(
        "/auth/token",
        data={"grant_type": "password", "username": email, "password": DEMO_PASSWORD},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def sign_in(driver: webdriver.Chrome, gateway_url: str, email: str, page: str) -> None:
    """Open ``page``; the gateway sends the browser to its form; sign in there."""
    driver.get(gateway_url + page)
    WebDriverWait(driver, 20).until(lambda d: "/auth/login" in d.current_url)
    screenshot(driver, "sign-in")
    driver.find_element(By.ID, "username").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 20).until(lambda d: d.current_url == gateway_url + page)


def screenshot(driver: webdriver.Chrome, name: str) -> Path:
    """The whole page, as tall as its content."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for _ in range(2):  # the window's chrome takes some of the height: measure again
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1440, max(900, int(height) + 140))
    path = SCREENS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1440, 1000)
    return path


@pytest.fixture(scope="package")
def admin_browser(gateway_url: str) -> Iterator[webdriver.Chrome]:
    with chromium() as driver:
        sign_in(driver, gateway_url, "admin@acme.test", "/admin/ops")
        yield driver


def wait(driver: webdriver.Chrome, seconds: float = 60) -> WebDriverWait[webdriver.Chrome]:
    # The page swaps its panels when an update arrives: an element found a moment ago
    # may be gone; the condition is simply asked again.
    return WebDriverWait(
        driver,
        seconds,
        poll_frequency=0.2,
        ignored_exceptions=(StaleElementReferenceException, NoSuchElementException),
    )


def click(driver: webdriver.Chrome, xpath: str) -> None:
    """Click what ``xpath`` finds now, again if the panels were swapped under it."""

    def clicked(d: webdriver.Chrome) -> bool:
        d.find_element(By.XPATH, xpath).click()
        return True

    wait(driver, 20).until(clicked)


def text_of(driver: webdriver.Chrome, xpath: str) -> str:
    return str(wait(driver, 20).until(lambda d: d.find_element(By.XPATH, xpath).text))


def attribute_of(driver: webdriver.Chrome, xpath: str, name: str) -> str:
    return str(
        wait(driver, 20).until(lambda d: d.find_element(By.XPATH, xpath).get_attribute(name))
    )
