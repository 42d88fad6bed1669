"""The dashboard in a real headless browser: Debian's Chromium driven by Selenium.

The page is served by a real uvicorn server on loopback; the test types a
site's URL into the form, and the job list follows the job live over
EventSource (the list is never polled) until it completes; then the
research, the ER diagram, the golden queries and the demo script must be on
the page, and a copy button must copy. Skipped where Chromium is missing,
except under CI=true, where it must run.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ._sites import SiteServer

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
_CI = os.environ.get("CI", "").lower() == "true"


def _require_browser() -> None:
    reason = None
    if not Path(CHROMIUM).is_file():
        reason = f"{CHROMIUM} is missing (apt-get install chromium chromium-driver)"
    elif not Path(CHROMEDRIVER).is_file():
        reason = "chromedriver is missing (apt-get install chromium-driver)"
    else:
        try:
            import selenium  # noqa: F401
        except ImportError:
            reason = "selenium is not installed (pip install -e '.[dev]')"
    if reason and _CI:
        pytest.fail(f"{reason} (CI=true: the browser test must run)")
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_browser()
    import uvicorn

    from synthwright.provision.web import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(tmp_path_factory.mktemp("data"), max_jobs=1, scale=0.2)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage", "--window-size=1280,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def test_the_dashboard_provisions_a_site(
    dashboard: str, browser: Any, vet_site: SiteServer
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(dashboard)
    assert browser.title == "synthwright provision"
    browser.find_element(By.ID, "url").send_keys(vet_site.url)
    scale = browser.find_element(By.ID, "scale")
    scale.clear()
    scale.send_keys("0.2")
    browser.find_element(By.ID, "start").click()
    wait = WebDriverWait(browser, 150, poll_frequency=0.2)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "tr.job[data-status='running']")))
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "tr.job[data-status='completed']")))
    row = browser.find_element(By.CSS_SELECTOR, "tr.job[data-status='completed']")
    assert "completed" in row.text and "100%" in row.text
    wait.until(lambda d: d.find_element(By.ID, "er-diagram").text.startswith("erDiagram"))
    company = browser.find_element(By.CSS_SELECTOR, "#research-facts dd[data-fact='company']")
    assert company.text == "Paws & Claws Veterinary Clinic"
    products = browser.find_elements(By.CSS_SELECTOR, "#products tbody tr")
    assert len(products) == 6 and "Wellness exam" in products[0].text
    assert 'owners ||--|{ pets : "owner_id"' in browser.find_element(By.ID, "er-diagram").text
    questions = browser.find_elements(By.CSS_SELECTOR, "#golden-list li")
    assert len(questions) >= 8
    first = questions[0]
    assert (
        first.find_element(By.CSS_SELECTOR, ".question").text
        == "How many pet owners do we have on file?"
    )
    assert first.find_elements(By.CSS_SELECTOR, "table.result td")  # the result is shown
    assert browser.find_element(By.ID, "demo-script").text.startswith("# Demo script: Paws & Claws")
    copy = first.find_element(By.CSS_SELECTOR, "button.copy")
    copy.click()
    wait.until(lambda d: copy.get_attribute("data-state") == "copied")
    errors = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert not errors, errors
