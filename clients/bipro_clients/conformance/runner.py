"""Run the cases against an endpoint; build the :class:`Context` from a test-access sheet."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bipro_clients.conformance.cases import CASES, Case, CaseResult, Context
from bipro_clients.conformance.context import (
    DEFAULT_LOCKOUT_THRESHOLD,
    Certificate,
    Credentials,
)
from bipro_clients.conformance.official_xsd import OfficialSchemas, answer_errors
from bipro_clients.conformance.recorder import Exchange
from bipro_clients.errors import BiproFault
from bipro_clients.factory import ClientConfig
from bipro_clients.session import is_login_refusal

Progress = Callable[[int, int, Case, CaseResult | None], None]


class SheetError(ValueError):
    """The sheet or the login does not allow a safe run."""


class LoginRefused(SheetError):
    """The STS refused the run's login: running the cases would only add failed logins."""

    def __init__(self, login: str, fault: BiproFault) -> None:
        super().__init__(
            f"login refused for {login} ({fault.meldung_id}: {fault.message}); not running, "
            "it would lock the account"
        )
        self.fault = fault


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


def _former_customers(firm: dict[str, Any]) -> list[str]:
    changed = firm.get("changed_customer") or {}
    if changed.get("role") == "previous" and changed.get("partnernummer"):
        return [str(changed["partnernummer"])]
    return []


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
    read_only: bool = False,
) -> Context:
    """The login's firm is the firm on the sheet listing the user (or ``firm``); the other
    test firm is the sheet's other firm. Without ``login`` the firm's first user with portfolio
    rights is used. Writes happen only when the login is on the sheet and neither ``firm`` nor
    ``read_only`` is given; ``allow_lockout`` lets the lockout case lock the firm's sacrificial
    user (``lockout_test`` on the sheet, or ``lockout_login``), never the login itself."""
    firms = sheet.get("firms", [])
    if len(firms) < 2:
        raise SheetError("the sheet must list two test-access firms")
    for entry in firms:
        if entry.get("test_access") is not True:
            raise SheetError(
                f"{entry.get('vermittlernummer')} is not marked as test access "
                '("test_access": true): not on a sheet'
            )
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
        if password is not None:
            raise SheetError("--password without --login: name the user it belongs to")
        if firm is not None and firm not in by_number:
            raise SheetError(f"{firm} is not a firm of the sheet")
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
    read_only = read_only or firm is not None
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
        allow_writes=on_sheet and not read_only,
        former_customers=_former_customers(own),
        no_portfolio_user=_credentials(without_rights),
        lockout_user=_lockout_user(own, login, lockout_login) if allow_lockout else None,
        lockout_threshold=lockout_threshold,
        token_wait=token_wait,
        signing=signing,
        service_cert=service_cert,
    )


def context_without_sheet(
    endpoint: str,
    login: str,
    password: str,
    firm: str | None = None,
    config: ClientConfig | None = None,
    *,
    token_wait: float = 0.0,
    signing: Certificate | None = None,
    service_cert: str | None = None,
) -> Context:
    """A read-only run without a sheet: login, token, status, fault and rejected-input cases;
    the cases that need the sheet's objects or users are skipped ("needs --sheet")."""
    return Context(
        endpoint=endpoint,
        login=login,
        password=password,
        own_firm=firm or "firm not named",
        own_contracts=[],
        own_shipments=[],
        other_firm="none (no sheet)",
        other_contracts=[],
        other_shipments=[],
        config=config or ClientConfig(),
        allow_writes=False,
        token_wait=token_wait,
        signing=signing,
        service_cert=service_cert,
        has_sheet=False,
    )


def check_login(ctx: Context) -> None:
    """Log in once before any case; raise :class:`LoginRefused` when the STS refuses."""
    try:
        ctx.tokens.token()
    except BiproFault as fault:
        if is_login_refusal(fault):
            raise LoginRefused(ctx.login, fault) from None
        raise


def run_case(ctx: Context, case: Case) -> CaseResult:
    ctx.recorder.clear()
    started = time.monotonic()
    if case.needs_sheet and not ctx.has_sheet:
        return CaseResult(case.name, case.title, case.title, "needs --sheet", "SKIP", 0.0)
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
    if ctx.official is not None and result != "SKIP":
        violations = official_violations(ctx.official, ctx.recorder.exchanges)
        if violations:
            observed = f"{observed}; answer not valid against the official XSDs: {violations[0]}"
            result = "FAIL"
    exchanges = []
    if result == "FAIL":
        exchanges = [e.masked(ctx.secrets) for e in ctx.recorder.exchanges]
    return CaseResult(
        case.name,
        case.title,
        expected,
        observed,
        result,
        round(time.monotonic() - started, 3),
        exchanges,
    )


def official_violations(schemas: OfficialSchemas, exchanges: Iterable[Exchange]) -> list[str]:
    """``<url>: <first error>`` for every recorded answer that leaves the official schemas."""
    found = []
    for exchange in exchanges:
        # SOAP answers only: a DeepLink's GET opens a portal page (HTML), no BiPRO message.
        if not exchange.response or exchange.method != "POST":
            continue
        errors = answer_errors(schemas, exchange.response.encode("utf-8"))
        if errors:
            found.append(f"{exchange.url}: {errors[0]}"[:400])
    return found


def run_suite(
    ctx: Context, cases: list[Case] | None = None, progress: Progress | None = None
) -> list[CaseResult]:
    """Log in once (:class:`LoginRefused` when the STS refuses: no case runs, no further
    failed login), then run ``cases`` (all by default) in order; ``progress`` is told before and
    after each. The run's token is logged out at the end."""
    selected = CASES if cases is None else cases
    results = []
    try:
        check_login(ctx)
        for index, case in enumerate(selected, 1):
            if progress:
                progress(index, len(selected), case, None)
            result = run_case(ctx, case)
            results.append(result)
            if progress:
                progress(index, len(selected), case, result)
    finally:
        # Not logged out (server gone …): the token ends with its lifetime; the results stand.
        with contextlib.suppress(BiproFault, OSError):
            ctx.close()
    return results


def select_cases(names: Iterable[str] | None) -> list[Case]:
    """The suite's cases named in ``names`` (in suite order); all for None."""
    if names is None:
        return list(CASES)
    wanted = {name.strip() for name in names if name.strip()}
    if not wanted:
        raise SheetError("--only names no case")
    unknown = wanted - {c.name for c in CASES}
    if unknown:
        raise SheetError(f"unknown case(s): {', '.join(sorted(unknown))}")
    return [c for c in CASES if c.name in wanted]
