"""Run the cases against an endpoint; build the :class:`Context` from a test-access sheet."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bipro_clients.conformance.cases import CASES, Case, CaseResult, Context, Exchange
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


def context_from_sheet(
    endpoint: str,
    sheet: dict[str, Any],
    login: str | None = None,
    password: str | None = None,
    firm: str | None = None,
    config: ClientConfig | None = None,
    allow_lockout: bool = False,
) -> Context:
    """The login's firm is the firm on the sheet listing the user (or ``firm``); the other
    test firm is the sheet's other firm. Without ``login`` the firm's first user with portfolio
    rights is used. Writes (one acknowledge) happen only when the login is on the sheet."""
    firms = sheet.get("firms", [])
    if len(firms) < 2:
        raise SheetError("the sheet must list two test-access firms")
    by_number = {str(f["vermittlernummer"]): f for f in firms}
    on_sheet = True
    if login is not None:
        owners = [f for f in firms if login in _ids(f.get("users", []), "login")]
        if owners:
            own = owners[0]
            if firm is not None and firm != own["vermittlernummer"]:
                raise SheetError(f"{login} belongs to {own['vermittlernummer']}, not {firm}")
        elif firm in by_number:
            own, on_sheet = by_number[firm], False
        else:
            raise SheetError(f"{login} is not on the sheet: name its firm with --firm")
        users = {u["login"]: u for u in own.get("users", [])}
        if login in users and not users[login].get("portfolio_rights"):
            raise SheetError(f"{login} has no portfolio rights: run with a portfolio user")
        if password is None:
            if login not in users:
                raise SheetError(f"no password for {login}: give --password")
            password = str(users[login]["password"])
    else:
        own = by_number[firm] if firm is not None else firms[0]
        portfolio_users = sorted(
            (u for u in own.get("users", []) if u.get("portfolio_rights")),
            key=lambda u: bool(u.get("admin")),
        )
        if not portfolio_users:
            raise SheetError(f"{own['vermittlernummer']}: no user with portfolio rights")
        login = str(portfolio_users[0]["login"])
        password = str(portfolio_users[0]["password"])
    if password is None:
        raise SheetError("no password")
    other = next(f for f in firms if f is not own)
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
        allow_lockout=allow_lockout,
        allow_writes=on_sheet,
    )


def _masked(exchanges: list[Exchange], secret: str) -> list[Exchange]:
    if not secret:
        return exchanges
    return [
        Exchange(e.url, e.request.replace(secret, "***"), e.status, e.response) for e in exchanges
    ]


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
    exchanges = _masked(list(ctx.recorder.exchanges), ctx.password) if result == "FAIL" else []
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
