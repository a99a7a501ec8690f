"""Fixtures of the end-to-end tests: real server processes and a real browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bipro_service.adapters.db.base import utcnow
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer import admin
from tests.e2e.server import running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@dataclass(frozen=True)
class PortalServer:
    """A running ``bipro-service serve`` with one firm and one invited user."""

    base_url: str
    login: str
    initial_password: str
    activation_url: str


@pytest.fixture
def portal_server(settings: Settings) -> Iterator[PortalServer]:
    """A fresh migrated database with firm ``E100`` and invited user ``portal.e2e``, served by
    ``bipro-service serve`` (one worker) on a free loopback port."""
    runtime = Runtime.from_settings(settings)
    try:
        with runtime.uow() as uow:
            admin.create_firm(uow, "E100", "E2E Makler GmbH", False, utcnow())
        with runtime.uow() as uow:
            user = admin.create_user(
                uow,
                admin.INSURER,
                "E100",
                "portal.e2e",
                "Erika Endtoend",
                portfolio_rights=True,
                admin=False,
                now=utcnow(),
            )
    finally:
        runtime.engine.dispose()
    secret = settings.secret_key or "portal-e2e-secret-not-for-production"
    with running_server(
        settings.database_url,
        workers=1,
        BIPRO_SECRET_KEY=secret,
        BIPRO_VAR_DIR=str(settings.var_dir),
    ) as base_url:
        yield PortalServer(
            base_url=base_url,
            login=user.login,
            initial_password=user.initial_password,
            activation_url=f"{base_url}/portal/activate?token={user.activation_secret}",
        )


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """Headless Chromium (Debian's) with a fresh profile, driven by selenium."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(
            f"browser test needs {', '.join(missing)}: "
            "apt-get install -y chromium chromium-driver (make system-deps)"
        )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("browser test needs selenium: .venv/bin/pip install -e '.[dev]'")

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1024,900",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)
