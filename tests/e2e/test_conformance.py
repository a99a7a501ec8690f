"""The conformance kit (``bipro-conformance``) against our own server started from a fresh
database with demo data: all green, programmatically and through the console script; and a
deliberately broken build (a proxy answering a wrong password like a lockout) is caught."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import requests
from bipro_clients.conformance import CASES, context_from_sheet, html_report, run_suite

from tests.e2e.demo import demo_database
from tests.e2e.server import running_server

CONFORMANCE = Path(sys.executable).parent / "bipro-conformance"

pytestmark = [pytest.mark.db, pytest.mark.e2e]


@dataclass(frozen=True)
class Served:
    base_url: str
    sheet: dict[str, Any]
    sheet_path: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, database_template: str) -> Iterator[Served]:
    directory = tmp_path_factory.mktemp("conformance")
    settings, runtime, loaded = demo_database(directory, database_template)
    runtime.engine.dispose()
    sheet = json.loads(json.dumps(loaded, default=str))
    sheet_path = directory / "sheet.json"
    sheet_path.write_text(json.dumps(sheet), encoding="utf-8")
    with running_server(
        settings.database_url, workers=2, BIPRO_VAR_DIR=str(settings.var_dir)
    ) as base_url:
        yield Served(base_url, sheet, sheet_path)


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    if not CONFORMANCE.exists():
        pytest.fail(f"{CONFORMANCE} not found: .venv/bin/pip install -e '.[dev]'")
    return subprocess.run(
        [str(CONFORMANCE), "run", *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_the_suite_is_all_green_against_our_server(served: Served) -> None:
    ctx = context_from_sheet(served.base_url, served.sheet)
    assert ctx.own_firm == "T100001" and ctx.other_firm == "T200002"
    results = run_suite(ctx)
    assert [r.name for r in results] == [c.name for c in CASES]
    failing = {r.name: (r.expected, r.observed) for r in results if r.result != "PASS"}
    assert not failing
    page = html_report(served.base_url, results)
    assert "all green" in page and "FAIL" not in page.split("<tbody>")[1]


def test_the_second_firm_passes_too(served: Served) -> None:
    """Roles swapped: the other firm's admin, objects of the first firm as the foreign ones."""
    second = served.sheet["firms"][1]
    admin = next(u for u in second["users"] if u["admin"])
    ctx = context_from_sheet(served.base_url, served.sheet, login=admin["login"])
    assert ctx.own_firm == second["vermittlernummer"] and ctx.other_firm == "T100001"
    results = run_suite(ctx)
    assert not {r.name: r.observed for r in results if r.result != "PASS"}


def test_the_console_script_reports_json(served: Served, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    done = _run_cli(
        "--endpoint", served.base_url, "--sheet", str(served.sheet_path), "--report", str(report)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for case in CASES:
        assert case.name in done.stdout
    assert "FAIL 0" in done.stdout
    data = json.loads(report.read_text())
    assert data["passed"] is True and data["summary"]["FAIL"] == 0
    assert {c["result"] for c in data["cases"]} == {"PASS"}


def test_a_sheet_without_the_login_refuses_to_run(served: Served) -> None:
    done = _run_cli(
        "--endpoint",
        served.base_url,
        "--sheet",
        str(served.sheet_path),
        "--login",
        "someone.else",
        "--password",
        "x",
    )
    assert done.returncode == 2 and "--firm" in done.stderr


# --- a deliberately broken build --------------------------------------------------------------


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def broken_build(upstream: str) -> Iterator[str]:
    """A proxy in front of our server that answers a wrong password like a locked account
    (00964 instead of 00960), as an off-by-one lockout would; everything else passes through."""

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        headers = {
            key: environ[name]
            for key, name in (("Content-Type", "CONTENT_TYPE"), ("SOAPAction", "HTTP_SOAPACTION"))
            if name in environ
        }
        answer = requests.request(
            environ["REQUEST_METHOD"],
            upstream + environ.get("PATH_INFO", ""),
            data=body,
            headers=headers,
            timeout=30,
        )
        content = answer.content.replace(b">00960<", b">00964<")
        start_response(
            f"{answer.status_code} {answer.reason}",
            [("Content-Type", answer.headers.get("Content-Type", "text/xml"))],
        )
        return [content]

    server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_broken_build_is_caught(served: Served, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    with broken_build(served.base_url) as proxy:
        done = _run_cli(
            "--endpoint", proxy, "--sheet", str(served.sheet_path), "--report", str(report)
        )
    assert done.returncode == 1, done.stdout + done.stderr
    (row,) = [line for line in done.stdout.splitlines() if line.startswith("sts_wrong_password")]
    assert row.rstrip().endswith("FAIL") and "00964" in row
    assert "FAIL 1" in done.stdout
    page = report.read_text()
    assert "1 failing" in page
    assert '<h3 id="sts_wrong_password">' in page
    # the request/response pair, escaped, with no external assets
    assert "&lt;wsse:Username&gt;conformance-nonexistent-" in page
    assert "00964" in page.split("Failures")[1]
    for external in ("<script", "<link", "src=", "url(", "@import"):
        assert external not in page
