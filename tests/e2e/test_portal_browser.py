"""The activation page in a real headless Chromium against a real server process.

Needs the Debian packages ``chromium`` and ``chromium-driver`` (``make system-deps``); without
them the test fails, it does not skip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests
from lxml import etree

from tests.e2e.conftest import PortalServer
from tests.support import NS, STS_PATH, login_request

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PASSWORD = "Mond-Laterne-4711!"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def sts_login(server: PortalServer, password: str) -> requests.Response:
    return requests.post(
        server.base_url + STS_PATH,
        data=login_request(server.login, password),
        headers={"Content-Type": "text/xml; charset=utf-8"},
        timeout=10,
    )


def meldung_ids(response: requests.Response) -> list[str]:
    root = etree.fromstring(response.content)
    return [e.text or "" for e in root.iterfind(".//nachr:Meldung/nachr:MeldungID", NS)]


def test_activation_in_the_browser(
    portal_server: PortalServer, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(portal_server.activation_url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Persönliches Passwort festlegen"
    assert browser.find_element(By.ID, "username").get_attribute("value") == portal_server.login
    # The inline stylesheet is allowed by its CSP hash, so it applies.
    header = browser.find_element(By.TAG_NAME, "header")
    assert "22, 54, 92" in header.value_of_css_property("background-color")

    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "password_repeat").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 15).until(expected_conditions.url_contains("/portal/activate/done"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Zugang aktiviert"
    assert "Ihr persönliches Passwort ist gesetzt." in browser.page_source

    screenshot = tmp_path / "activated.png"
    assert browser.save_screenshot(str(screenshot))
    data = screenshot.read_bytes()
    assert len(data) > 1000 and data.startswith(PNG_SIGNATURE)

    csp_violations = [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]
    assert csp_violations == []

    login = sts_login(portal_server, PASSWORD)
    assert login.status_code == 200, login.text
    identifier = etree.fromstring(login.content).findtext(".//wsc:Identifier", namespaces=NS)
    assert identifier
    assert meldung_ids(sts_login(portal_server, portal_server.initial_password)) == ["00960"]

    browser.get(portal_server.activation_url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Link ungültig"
    assert "ungültig, abgelaufen oder wurde bereits verwendet" in browser.page_source
    assert browser.find_elements(By.ID, "password") == []
