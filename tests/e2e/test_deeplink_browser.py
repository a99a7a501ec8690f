"""A DeepLink (BiPRO 440) from the zeep client, opened in a real headless Chromium.

Real server (two gunicorn workers: the link may be issued by one and followed on the other),
fresh database. Needs the Debian packages ``chromium`` and ``chromium-driver``
(``make system-deps``); without them the test fails, it does not skip.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bipro_clients import NavigationClient, StsClient
from sqlalchemy import select

from bipro_service.adapters.db.models import AuditRecord
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from tests.e2e.server import running_server
from tests.integration.accounts_helpers import PASSWORD, make_firm, make_user
from tests.integration.portfolio_helpers import make_customer

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CONTRACT = "VAL-E2E-1"


@pytest.fixture
def server(settings: Settings, runtime: Runtime) -> Iterator[str]:
    make_firm(runtime, "E100")
    make_user(runtime, "anna", "E100")
    make_customer(runtime, "K-E2E-1", "E100", contract=CONTRACT)
    with running_server(
        settings.database_url, workers=2, BIPRO_SECRET_KEY=settings.secret_key
    ) as url:
        yield url


def assert_not_blank(png: bytes) -> None:
    """A real rendering: a sizeable PNG whose pixels vary (checked with Pillow when present)."""
    assert png.startswith(PNG_SIGNATURE)
    assert len(png) > 5000, f"screenshot suspiciously small ({len(png)} bytes)"
    try:
        from PIL import Image, ImageStat
    except ImportError:  # Pillow is only a transitive dependency (reportlab)
        return
    with Image.open(io.BytesIO(png)) as image:
        assert image.width >= 800 and image.height >= 600
        grey = image.convert("L")
        stddev = ImageStat.Stat(grey).stddev[0]
        colours = grey.getcolors(maxcolors=256 * 256)
    assert stddev > 10, f"screenshot looks blank (pixel stddev {stddev:.1f})"
    assert colours is None or len(colours) > 20


def test_deeplink_in_the_browser(
    server: str, browser: Any, runtime: Runtime, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    token = StsClient(server).login("anna", PASSWORD)
    answer = NavigationClient(server, token).get_links(contract=CONTRACT)
    assert answer.ok and answer.meldung_ids == ["01100"]
    [link] = answer.payload
    assert link.ziel_id == "004"  # dt:ST_ExtranetZielID: Vertrag
    assert link.url.startswith(f"{server}/portal/deeplink?t=")

    browser.get(link.url)
    assert browser.find_element(By.TAG_NAME, "h1").text == f"Vertrag {CONTRACT}"
    assert browser.find_element(By.ID, "vsnr").text == CONTRACT
    assert browser.find_element(By.ID, "customer-name").text == "Erika Muster K-E2E-1"
    assert "250.000,00 EUR" in browser.page_source
    # The inline stylesheet is allowed by its CSP hash, so it applies.
    header = browser.find_element(By.TAG_NAME, "header")
    assert "22, 54, 92" in header.value_of_css_property("background-color")

    screenshot = tmp_path / "deeplink-contract.png"
    assert browser.save_screenshot(str(screenshot))
    assert_not_blank(screenshot.read_bytes())

    csp_violations = [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]
    assert csp_violations == []

    browser.get(link.url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Link ungültig"
    assert "ungültig, abgelaufen oder wurde bereits verwendet" in browser.page_source
    assert CONTRACT not in browser.page_source
    assert browser.find_elements(By.ID, "vsnr") == []

    with runtime.uow() as uow:
        jumps = [
            (r.outcome, r.user_login, r.objects.get("contract"))
            for r in uow.session.scalars(
                select(AuditRecord)
                .where(AuditRecord.operation == "deeplink")
                .order_by(AuditRecord.seq)
            )
        ]
        issued = uow.session.scalars(
            select(AuditRecord.outcome).where(AuditRecord.operation == "getLinks")
        ).all()
    assert jumps == [("OK", "anna", [CONTRACT]), ("NOK", "anna", [CONTRACT])]
    assert issued == ["OK"]
