"""The conformance kit (``bipro-conformance``) against our own server, set up as a vendor would
(fresh database, ``demo-data --json``, ``pki init``), served with a short token lifetime so the
expiry case really runs: every case green, for both test firms, with certificate, signatures
and lockout; nothing written outside the test-access firm the run was given; and a build whose
lockout is off by one (one late, one early) is caught, with the HTML report to prove it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bipro_clients.conformance import (
    CASES,
    Case,
    Certificate,
    Outcome,
    context_from_sheet,
    run_suite,
    select_cases,
)
from sqlalchemy import create_engine, select, text

from bipro_service.adapters.db.base import Base
from bipro_service.adapters.db.engine import normalise_url
from bipro_service.adapters.db.models import (
    Contract,
    SecurityToken,
    ServicingRelationship,
    User,
    UserState,
)
from bipro_service.entrypoints.runtime import Runtime
from tests.conftest import fresh_settings
from tests.e2e.server import running_server
from tests.integration.accounts_helpers import make_firm, make_user
from tests.integration.portfolio_helpers import make_customer, make_shipment
from tests.official import official_dir

BIN = Path(sys.executable).parent
CONFORMANCE = BIN / "bipro-conformance"
TOKEN_LIFETIME = 5  # seconds: the expiry case waits for it
TOKEN_WAIT = str(TOKEN_LIFETIME + 5)

pytestmark = [pytest.mark.db, pytest.mark.e2e]


@dataclass
class Served:
    base_url: str
    database_url: str
    var_dir: Path
    directory: Path

    @property
    def env(self) -> dict[str, str]:
        return dict(
            os.environ, BIPRO_DATABASE_URL=self.database_url, BIPRO_VAR_DIR=str(self.var_dir)
        )

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [str(BIN / "bipro-service"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def fresh_sheet(self) -> tuple[dict[str, Any], Path]:
        """``demo-data --json`` again: new passwords, users unlocked, letters re-opened."""
        sheet = json.loads(self.cli("demo-data", "--json"))
        path = self.directory / "sheet.json"
        path.write_text(json.dumps(sheet), encoding="utf-8")
        return sheet, path

    def firm_pki(self, number: str) -> tuple[str, str]:
        firm = self.var_dir / "pki" / "firms"
        return str(firm / f"{number}.pem"), str(firm / f"{number}.key")

    @property
    def service_cert(self) -> str:
        return str(self.var_dir / "pki" / "signing.pem")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, database_template: str) -> Iterator[Served]:
    """A fresh database with the demo data, the dev PKI, and a real firm (no test access) whose
    data the kit must never touch; served with a short token lifetime."""
    directory = tmp_path_factory.mktemp("conformance")
    settings = fresh_settings(database_template, directory)
    runtime = Runtime.from_settings(settings)
    make_firm(runtime, "R300", test_access=False)
    make_user(runtime, "real.user", "R300")
    make_customer(runtime, "REAL1", "R300", is_test=False, contract="VAL-REAL1")
    make_shipment(runtime, "R300", customer="REAL1", is_test=False)
    runtime.engine.dispose()
    served = Served("", settings.database_url, settings.var_dir, directory)
    served.fresh_sheet()
    served.cli("pki", "init")
    with running_server(
        settings.database_url,
        workers=2,
        BIPRO_VAR_DIR=str(settings.var_dir),
        BIPRO_TOKEN_LIFETIME_SECONDS=str(TOKEN_LIFETIME),
    ) as base_url:
        served.base_url = base_url
        yield served


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    if not CONFORMANCE.exists():
        pytest.fail(f"{CONFORMANCE} not found: make install (pip install -e ./clients)")
    # Every answer of every case is also held to the official BiPRO 2.6 XSDs when we have them.
    folder = official_dir()
    official = ["--official-xsd", str(folder)] if folder is not None else []
    return subprocess.run(
        [str(CONFORMANCE), "run", *official, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _snapshot(database_url: str) -> dict[str, dict[int, list[str]]]:
    """Every row of every table that belongs to a firm, by firm."""
    engine = create_engine(normalise_url(database_url))
    rows: dict[str, dict[int, list[str]]] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if "firm_id" not in table.columns:
                continue
            by_firm: dict[int, list[str]] = {}
            for row in conn.execute(select(table)).mappings():
                by_firm.setdefault(row["firm_id"], []).append(repr(sorted(row.items())))
            rows[table.name] = {firm: sorted(found) for firm, found in by_firm.items()}
    engine.dispose()
    return rows


def _firm_ids(database_url: str) -> dict[str, int]:
    engine = create_engine(normalise_url(database_url))
    with engine.connect() as conn:
        found = conn.execute(text("SELECT vermittlernummer, id FROM broker_firms")).all()
    engine.dispose()
    return {number: firm_id for number, firm_id in found}


def test_the_whole_suite_is_green_as_a_vendor_runs_it(served: Served, tmp_path: Path) -> None:
    """Console script, all options: certificate, signatures, lockout, token expiry; JSON."""
    _, sheet_path = served.fresh_sheet()
    before, contracts_before = _snapshot(served.database_url), _contracts(served.database_url)
    cert, key = served.firm_pki("T100001")
    report = tmp_path / "report.json"
    done = _run_cli(
        *("--endpoint", served.base_url, "--sheet", str(sheet_path)),
        *("--cert", cert, "--key", key, "--service-cert", served.service_cert),
        *("--allow-lockout", "--token-wait", TOKEN_WAIT, "--report", str(report)),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for case in CASES:
        assert case.name in done.stdout
    assert f"PASS {len(CASES)} FAIL 0 SKIP 0" in done.stdout
    data = json.loads(report.read_text())
    assert data["passed"] is True and data["run"]["login"] == "muster.bestand (T100001)"
    assert {c["name"]: c["result"] for c in data["cases"]} == {c.name: "PASS" for c in CASES}
    assert next(c for c in data["cases"] if c["name"] == "token_expiry")["seconds"] >= 5
    _only_the_own_test_firm_was_written(served, before, contracts_before)


def _contracts(database_url: str) -> dict[int, int]:
    """Contract id → customer id."""
    engine = create_engine(normalise_url(database_url))
    with engine.connect() as conn:
        found = {row[0]: row[1] for row in conn.execute(select(Contract.id, Contract.customer_id))}
    engine.dispose()
    return found


def _only_the_own_test_firm_was_written(
    served: Served, before: dict[str, dict[int, list[str]]], contracts_before: dict[int, int]
) -> None:
    after = _snapshot(served.database_url)
    own = _firm_ids(served.database_url)["T100001"]
    # Nothing of the other test firm or the real firm changed (users, post, offers, claims …).
    for table, rows in after.items():
        for firm_id in set(rows) | set(before[table]):
            if firm_id != own:
                assert rows.get(firm_id) == before[table].get(firm_id), (table, firm_id)
    # The run wrote into its own firm: an order, a claim, a DeepLink.
    for table in ("taa_offers", "taa_orders", "claims", "deeplink_tokens"):
        assert len(after[table].get(own, [])) > len(before[table].get(own, [])), table
    engine = create_engine(normalise_url(served.database_url))
    with engine.connect() as conn:
        own_customers = set(
            conn.scalars(
                select(ServicingRelationship.customer_id).where(
                    ServicingRelationship.firm_id == own
                )
            )
        )
        states = {row[0]: row[1] for row in conn.execute(select(User.login, User.state))}
    engine.dispose()
    new_contracts = {
        contract: customer
        for contract, customer in _contracts(served.database_url).items()
        if contract not in contracts_before
    }
    assert new_contracts and set(new_contracts.values()) <= own_customers
    # Locked: the sacrificial user of the own firm, nobody else.
    locked = {login for login, state in states.items() if state is not UserState.ACTIVE}
    assert locked == {"muster.sperrtest"}


def test_the_second_firm_passes_too(served: Served) -> None:
    """Roles swapped, programmatically: the other firm's admin and certificate, the objects
    of the first firm as the foreign ones (no waiting for the token here)."""
    sheet, _ = served.fresh_sheet()
    second = sheet["firms"][1]
    admin = next(u for u in second["users"] if u["admin"])
    cert, key = served.firm_pki(second["vermittlernummer"])
    ctx = context_from_sheet(
        served.base_url,
        sheet,
        login=admin["login"],
        allow_lockout=True,
        signing=Certificate(cert, key),
        service_cert=served.service_cert,
    )
    assert ctx.own_firm == "T200002" and ctx.other_firm == "T100001"
    assert ctx.lockout_user is not None and ctx.lockout_user.login == "beispiel.sperrtest"
    results = {r.name: r for r in run_suite(ctx)}
    assert not {n: r.observed for n, r in results.items() if r.result == "FAIL"}
    assert {n for n, r in results.items() if r.result == "SKIP"} == {"token_expiry"}
    assert "--token-wait" in results["token_expiry"].observed


def test_a_sheet_without_the_login_refuses_to_run(served: Served) -> None:
    done = _run_cli(
        *("--endpoint", served.base_url, "--sheet", str(served.directory / "sheet.json")),
        *("--login", "someone.else", "--password", "x"),
    )
    assert done.returncode == 2 and "--firm" in done.stderr


def _user(database_url: str, login: str) -> tuple[UserState, int]:
    engine = create_engine(normalise_url(database_url))
    with engine.connect() as conn:
        state, failed = conn.execute(
            select(User.state, User.failed_logins).where(User.login == login)
        ).one()
    engine.dispose()
    return state, failed


def test_a_wrong_password_stops_the_run_before_it_locks_the_account(served: Served) -> None:
    """One refused login, exit 2, no case run: the user is neither locked nor one attempt
    from it (with and without a sheet)."""
    _, sheet_path = served.fresh_sheet()
    assert _user(served.database_url, "muster.bestand") == (UserState.ACTIVE, 0)
    done = _run_cli(
        *("--endpoint", served.base_url, "--sheet", str(sheet_path)),
        *("--login", "muster.bestand", "--password", "wrong"),
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "login refused for muster.bestand (00960" in done.stderr
    assert "would lock the account" in done.stderr and "PASS" not in done.stdout
    assert _user(served.database_url, "muster.bestand") == (UserState.ACTIVE, 1)
    done = _run_cli(
        *("--endpoint", served.base_url, "--login", "muster.admin", "--password", "wrong")
    )
    assert done.returncode == 2 and "login refused for muster.admin" in done.stderr
    assert _user(served.database_url, "muster.admin") == (UserState.ACTIVE, 1)


def test_without_a_sheet_the_read_only_cases_run(served: Served, tmp_path: Path) -> None:
    """The command of the specification: endpoint, login, password, report; no sheet."""
    sheet, _ = served.fresh_sheet()
    user = next(u for u in sheet["firms"][0]["users"] if u["login"] == "muster.bestand")
    before = _snapshot(served.database_url)
    report = tmp_path / "report.json"
    done = _run_cli(
        *("--endpoint", served.base_url, "--login", user["login"]),
        *("--password", user["password"], "--report", str(report)),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = {c["name"]: c for c in json.loads(report.read_text())["cases"]}
    needing = {c.name for c in CASES if c.needs_sheet}
    assert {n for n, c in results.items() if c["observed"] == "needs --sheet"} == needing
    ran = {n for n, c in results.items() if c["result"] == "PASS"}
    unasked = {"x509_login", "signed_request", "tampered_signature", "token_expiry"}
    assert ran == set(results) - needing - unasked
    assert {"sts_login", "token_in_call", "doctype_rejected", "soap12_rejected"} <= ran
    after = _snapshot(served.database_url)
    for table in ("taa_offers", "claims", "deeplink_tokens"):
        assert after[table] == before[table], table  # nothing written


def test_the_run_logs_out_every_token_it_took(served: Served) -> None:
    """The run's own token (used by a case) and the case ``sts_login``'s token are cancelled at
    the end: no token of the login issued during the run is left open."""
    sheet, _ = served.fresh_sheet()
    engine = create_engine(normalise_url(served.database_url))
    user_id = select(User.id).where(User.login == "muster.bestand").scalar_subquery()
    with engine.connect() as conn:
        known = set(conn.scalars(select(SecurityToken.id).where(SecurityToken.user_id == user_id)))
    ctx = context_from_sheet(served.base_url, sheet)
    probe = Case("probe", "uses the run's token", lambda c: Outcome("e", c.token(), True))
    results = run_suite(ctx, [*select_cases(["sts_login"]), probe])
    assert [r.result for r in results] == ["PASS", "PASS"]
    with engine.connect() as conn:
        issued = conn.execute(
            select(SecurityToken.id, SecurityToken.revoked_at).where(
                SecurityToken.user_id == user_id
            )
        ).all()
    engine.dispose()
    new = {token_id: revoked for token_id, revoked in issued if token_id not in known}
    assert len(new) == 2 and all(revoked is not None for revoked in new.values())


# --- deliberately broken builds: the lockout off by one --------------------------------------


def _broken_server(served: Served, max_failed_logins: int) -> Any:
    return running_server(
        served.database_url,
        workers=1,
        BIPRO_VAR_DIR=str(served.var_dir),
        BIPRO_MAX_FAILED_LOGINS=str(max_failed_logins),
    )


def test_a_lockout_one_attempt_late_is_caught(served: Served, tmp_path: Path) -> None:
    """The server locks after 4 wrong entries; the kit is told our documented 3."""
    _, sheet_path = served.fresh_sheet()
    report = tmp_path / "report.html"
    with _broken_server(served, 4) as broken:
        done = _run_cli(
            *("--endpoint", broken, "--sheet", str(sheet_path), "--allow-lockout"),
            *("--report", str(report)),
        )
    assert done.returncode == 1, done.stdout + done.stderr
    failing = [line for line in done.stdout.splitlines() if line.rstrip().endswith("FAIL")]
    assert [line.split()[0] for line in failing] == ["lockout_threshold"]
    # skipped: no certificate (x509_login, signed_request, tampered_signature), no token wait
    assert f"PASS {len(CASES) - 5} FAIL 1 SKIP 4" in done.stdout
    page = report.read_text()
    assert "1 failing" in page and '<h3 id="lockout_threshold">' in page
    assert "not locked after 3 wrong entries" in page
    failure = page.split("Failures: request and response")[1]
    # the request/response pairs of the case, escaped, passwords masked
    assert "&lt;wsse:Username&gt;muster.sperrtest&lt;/wsse:Username&gt;" in failure
    assert "&gt;***&lt;/wsse:Password&gt;" in failure
    assert "00960" in failure and "SecurityContextToken" in failure
    # tokens (login answers, CancelTarget) show as structure only, their value masked
    identifiers = re.findall(r"Identifier&gt;(.*?)&lt;/", failure)
    assert identifiers and set(identifiers) == {"***"}
    assert "bipro:" not in failure
    for external in ("<script", "<link", "src=", "url(", "@import"):
        assert external not in page


def test_a_lockout_one_attempt_early_is_caught(served: Served) -> None:
    """The server locks after 2 wrong entries; the kit is told 3."""
    sheet, _ = served.fresh_sheet()
    with _broken_server(served, 2) as broken:
        ctx = context_from_sheet(broken, sheet, allow_lockout=True)
        (result,) = run_suite(ctx, select_cases(["lockout_threshold"]))
    assert result.result == "FAIL"
    assert "locked after 2 wrong entries: too early" in result.observed
    assert ctx.lockout_user is not None
    requests = [e.request for e in result.exchanges]
    assert any("***" in r for r in requests)
    assert not any(ctx.lockout_user.password in r for r in requests)
