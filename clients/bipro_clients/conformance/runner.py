"""Run the cases against an endpoint; build the :class:`Context` from a test-access sheet."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bipro_clients.conformance.cases import CASES, Case, CaseResult, Context, Exchange
from bipro_clients.conformance.context import (
    DEFAULT_LOCKOUT_THRESHOLD,
    Certificate,
    Credentials,
)
from bipro_clients.errors import BiproFault
from bipro_clients.factory import ClientConfig

Progress = Callable[[int, int, Case, CaseResult | None], None]


class SheetError(ValueError):
    """The sheet or the login does not allow a safe run."""


def load_sheet(path: str | Path) -> dict[str, Any]:
    sheet = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(sheet, dict) or not isinstance(sheet.get("firms"), list):
        raise SheetError(f"{path}: not a test-access sheet (no 'firms' list)")
    return sheet


def _ids(entries: Iterable[dict[str, Any]], key: str) -> list[str]:
    return [str(entry[key]) for entry in entries]


def _user(firm: dict[str, Any], login: str) -> dict[str, Any] | None:
    return next((u for u in firm.get("users", []) if u.get("login") == login), None)


def _credentials(user: dict[str, Any] | None) -> Credentials | None:
    return Credentials(str(user["login"]), str(user["password"])) if user else None


def _lockout_user(own: dict[str, Any], login: str, lockout_login: str | None) -> Credentials:
    """The sacrificial user: ``lockout_login`` or the firm's user marked ``lockout_test``."""
    number = own["vermittlernummer"]
    if lockout_login is not None:
        user = _user(own, lockout_login)
        if user is None:
            raise SheetError(f"{lockout_login} is not a user of {number} on the sheet")
    else:
        user = next((u for u in own.get("users", []) if u.get("lockout_test")), None)
        if user is None:
            raise SheetError(
                f"--allow-lockout: the sheet marks no user of {number} as lockout_test; "
                "name one with --lockout-login"
            )
    if user["login"] == login:
        raise SheetError("the lockout user must not be the login the suite runs with")
    credentials = _credentials(user)
    assert credentials is not None
    return credentials


def context_from_sheet(
    endpoint: str,
    sheet: dict[str, Any],
    login: str | None = None,
    password: str | None = None,
    firm: str | None = None,
    config: ClientConfig | None = None,
    allow_lockout: bool = False,
    *,
    lockout_login: str | None = None,
    lockout_threshold: int = DEFAULT_LOCKOUT_THRESHOLD,
    token_wait: float = 0.0,
    signing: Certificate | None = None,
    service_cert: str | None = None,
) -> Context:
    """The login's firm is the firm on the sheet listing the user (or ``firm``); the other
    test firm is the sheet's other firm. Without ``login`` the firm's first user with portfolio
    rights is used. Writes happen only when the login is on the sheet; ``allow_lockout`` lets
    the lockout case lock the firm's sacrificial user (``lockout_test`` on the sheet, or
    ``lockout_login``), never the login itself."""
    firms = sheet.get("firms", [])
    if len(firms) < 2:
        raise SheetError("the sheet must list two test-access firms")
    for entry in firms:
        if entry.get("test_access") is False:
            raise SheetError(f"{entry['vermittlernummer']} is no test access: not on a sheet")
    if lockout_threshold < 1:
        raise SheetError("the lockout threshold must be at least 1")
    by_number = {str(f["vermittlernummer"]): f for f in firms}
    on_sheet = True
    if login is not None:
        owners = [f for f in firms if _user(f, login) is not None]
        if owners:
            own = owners[0]
            if firm is not None and firm != own["vermittlernummer"]:
                raise SheetError(f"{login} belongs to {own['vermittlernummer']}, not {firm}")
        elif firm in by_number:
            own, on_sheet = by_number[firm], False
        else:
            raise SheetError(f"{login} is not on the sheet: name its firm with --firm")
        user = _user(own, login)
        if user is not None and not user.get("portfolio_rights"):
            raise SheetError(f"{login} has no portfolio rights: run with a portfolio user")
        if user is not None and user.get("lockout_test"):
            raise SheetError(f"{login} is the sheet's lockout user: run with another user")
        if password is None:
            if user is None:
                raise SheetError(f"no password for {login}: give --password")
            password = str(user["password"])
    else:
        own = by_number[firm] if firm is not None else firms[0]
        portfolio_users = sorted(
            (
                u
                for u in own.get("users", [])
                if u.get("portfolio_rights") and not u.get("lockout_test")
            ),
            key=lambda u: bool(u.get("admin")),
        )
        if not portfolio_users:
            raise SheetError(f"{own['vermittlernummer']}: no user with portfolio rights")
        login = str(portfolio_users[0]["login"])
        password = str(portfolio_users[0]["password"])
    if password is None:
        raise SheetError("no password")
    other = next(f for f in firms if f is not own)
    without_rights = next(
        (
            u
            for u in own.get("users", [])
            if not u.get("portfolio_rights") and not u.get("lockout_test") and u["login"] != login
        ),
        None,
    )
    return Context(
        endpoint=endpoint,
        login=login,
        password=password,
        own_firm=str(own["vermittlernummer"]),
        own_contracts=_ids(own.get("contracts", []), "versicherungsscheinnummer"),
        own_shipments=_ids(own.get("shipments", []), "id"),
        other_firm=str(other["vermittlernummer"]),
        other_contracts=_ids(other.get("contracts", []), "versicherungsscheinnummer"),
        other_shipments=_ids(other.get("shipments", []), "id"),
        config=config or ClientConfig(),
        allow_writes=on_sheet,
        no_portfolio_user=_credentials(without_rights),
        lockout_user=_lockout_user(own, login, lockout_login) if allow_lockout else None,
        lockout_threshold=lockout_threshold,
        token_wait=token_wait,
        signing=signing,
        service_cert=service_cert,
    )


def _masked(exchanges: list[Exchange], secrets: list[str]) -> list[Exchange]:
    masked = []
    for e in exchanges:
        request = e.request
        for secret in secrets:
            if secret:
                request = request.replace(secret, "***")
        masked.append(Exchange(e.url, request, e.status, e.response, e.method))
    return masked


def run_case(ctx: Context, case: Case) -> CaseResult:
    ctx.recorder.clear()
    started = time.monotonic()
    with ctx.recorder.attached():
        try:
            outcome = case.run(ctx)
            expected, observed = outcome.expected, outcome.observed
            result = "SKIP" if outcome.skipped else ("PASS" if outcome.passed else "FAIL")
        except BiproFault as fault:
            expected, observed, result = case.title, f"unexpected fault {fault}", "FAIL"
        except Exception as error:
            expected, observed = case.title, f"error {type(error).__name__}: {error}"
            result = "FAIL"
    exchanges = _masked(list(ctx.recorder.exchanges), ctx.secrets) if result == "FAIL" else []
    return CaseResult(
        case.name,
        case.title,
        expected,
        observed,
        result,
        round(time.monotonic() - started, 3),
        exchanges,
    )


def run_suite(
    ctx: Context, cases: list[Case] | None = None, progress: Progress | None = None
) -> list[CaseResult]:
    """Run ``cases`` (all by default) in order; ``progress`` is told before and after each."""
    selected = CASES if cases is None else cases
    results = []
    for index, case in enumerate(selected, 1):
        if progress:
            progress(index, len(selected), case, None)
        result = run_case(ctx, case)
        results.append(result)
        if progress:
            progress(index, len(selected), case, result)
    return results


def select_cases(names: Iterable[str] | None) -> list[Case]:
    """The suite's cases named in ``names`` (in suite order); all for None."""
    if names is None:
        return list(CASES)
    wanted = {name.strip() for name in names if name.strip()}
    unknown = wanted - {c.name for c in CASES}
    if unknown:
        raise SheetError(f"unknown case(s): {', '.join(sorted(unknown))}")
    return [c for c in CASES if c.name in wanted]
