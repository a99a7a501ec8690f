"""``bipro-conformance run --endpoint URL --sheet sheet.json [...]`` and ``bipro-conformance
cases`` (docs/conformance.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bipro_clients.conformance.cases import CASES, Case, CaseResult
from bipro_clients.conformance.context import DEFAULT_LOCKOUT_THRESHOLD, Certificate
from bipro_clients.conformance.report import html_report, json_report, terminal_table
from bipro_clients.conformance.runner import (
    context_from_sheet,
    load_sheet,
    run_suite,
    select_cases,
)
from bipro_clients.factory import ClientConfig


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bipro-conformance", description="Certify a BiPRO endpoint with a test access."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("cases", help="list the cases of the suite")
    run = commands.add_parser(
        "run",
        help="run the conformance suite",
        description="Run the suite; exit 0 all passed (or skipped), 1 a case failed, "
        "2 the sheet or the options do not allow a safe run.",
    )
    run.add_argument("--endpoint", required=True, help="base URL, e.g. https://bipro.example.de")
    run.add_argument("--sheet", required=True, help="the test-access sheet (demo-data --json)")
    run.add_argument("--login", help="user key (default: a portfolio user of the first firm)")
    run.add_argument("--password", help="password (default: from the sheet)")
    run.add_argument("--firm", help="Vermittlernummer of the login's firm, if not on the sheet")
    run.add_argument("--report", help="also write report.html or report.json")
    run.add_argument("--only", help="comma-separated case names (default: all)")
    run.add_argument("--timeout", type=float, default=30.0, help="seconds per call (30)")
    tls = run.add_argument_group("TLS")
    tls.add_argument("--cacert", help="CA bundle to verify the server")
    tls.add_argument("--insecure", action="store_true", help="no TLS verification (tests only)")
    tls.add_argument("--tls-cert", help="TLS client certificate (PEM), for mutual TLS")
    tls.add_argument("--tls-key", help="key of the TLS client certificate (PEM)")
    signing = run.add_argument_group("certificate login and WS-Security signatures")
    signing.add_argument("--cert", help="the firm's signing certificate (PEM)")
    signing.add_argument("--key", help="its private key (PEM, unencrypted)")
    signing.add_argument("--service-cert", help="the service's certificate: verify signed answers")
    risky = run.add_argument_group("cases that lock a user or wait")
    risky.add_argument(
        "--allow-lockout",
        action="store_true",
        help="run the lockout case: it locks the sheet's sacrificial user (lockout_test)",
    )
    risky.add_argument("--lockout-login", help="the sacrificial user (a user of the sheet)")
    risky.add_argument(
        "--lockout-threshold",
        type=int,
        default=DEFAULT_LOCKOUT_THRESHOLD,
        help=f"wrong entries that lock an account (default {DEFAULT_LOCKOUT_THRESHOLD})",
    )
    risky.add_argument(
        "--token-wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait up to this long for a token to expire (default 0: expiry case skipped)",
    )
    return parser


def _progress(index: int, total: int, case: Case, result: CaseResult | None) -> None:
    """A progress bar on a terminal; one line per finished case otherwise."""
    if not sys.stderr.isatty():
        if result is not None:
            sys.stderr.write(f"{index:>2}/{total} {case.name} {result.result}\n")
        return
    done = index - (result is None)
    bar = "#" * (20 * done // total) + "." * (20 - 20 * done // total)
    state = result.result if result else "..."
    sys.stderr.write(f"\r[{bar}] {index:>2}/{total} {case.name:<28} {state:<4}")
    if index == total and result is not None:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _fail(message: str) -> int:
    print(f"bipro-conformance: {message}", file=sys.stderr)
    return 2


def _signing(args: argparse.Namespace) -> Certificate | None:
    if not args.cert:
        return None
    import importlib.util

    if importlib.util.find_spec("xmlsec") is None:
        raise ValueError("--cert needs xmlsec: pip install 'bipro-clients[signing]'")
    for path in (args.cert, args.key):
        if not Path(path).is_file():
            raise ValueError(f"{path}: no such file")
    return Certificate(cert_file=args.cert, key_file=args.key)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "cases":
        for case in CASES:
            print(f"{case.name:<28} {case.title}")
        return 0
    if bool(args.cert) != bool(args.key):
        return _fail("give --cert and --key together")
    if bool(args.tls_cert) != bool(args.tls_key):
        return _fail("give --tls-cert and --tls-key together")
    verify: bool | str = False if args.insecure else (args.cacert or True)
    config = ClientConfig(
        timeout=args.timeout,
        verify=verify,
        client_cert=(args.tls_cert, args.tls_key) if args.tls_cert else None,
    )
    try:
        cases = select_cases(args.only.split(",") if args.only else None)
        ctx = context_from_sheet(
            args.endpoint,
            load_sheet(args.sheet),
            args.login,
            args.password,
            args.firm,
            config,
            args.allow_lockout,
            lockout_login=args.lockout_login,
            lockout_threshold=args.lockout_threshold,
            token_wait=args.token_wait,
            signing=_signing(args),
            service_cert=args.service_cert,
        )
    except (OSError, ValueError, KeyError) as error:
        return _fail(str(error))
    print(
        f"Endpoint {ctx.endpoint} as {ctx.login} ({ctx.own_firm}); other test firm "
        f"{ctx.other_firm}",
        file=sys.stderr,
    )
    results = run_suite(ctx, cases, progress=_progress)
    print(terminal_table(results))
    if args.report:
        path = Path(args.report)
        content = (
            json_report(ctx.endpoint, results, ctx)
            if path.suffix.lower() == ".json"
            else html_report(ctx.endpoint, results, ctx)
        )
        path.write_text(content, encoding="utf-8")
        print(f"report: {path}", file=sys.stderr)
    return 1 if any(r.result == "FAIL" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
