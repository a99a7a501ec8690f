"""``bipro-conformance run --endpoint URL [--sheet sheet.json | --login … --password …] [...]``
and ``bipro-conformance cases`` (docs/conformance.md)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from lxml import etree

from bipro_clients.conformance.cases import CASES, Case, CaseResult
from bipro_clients.conformance.context import DEFAULT_LOCKOUT_THRESHOLD, Certificate, Context
from bipro_clients.conformance.official_xsd import load
from bipro_clients.conformance.report import html_report, json_report, terminal_table
from bipro_clients.conformance.runner import (
    SheetError,
    context_from_sheet,
    context_without_sheet,
    load_sheet,
    run_suite,
    select_cases,
)
from bipro_clients.errors import BiproFault
from bipro_clients.factory import ClientConfig

REPORT_SUFFIXES = (".html", ".htm", ".json")


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
    run.add_argument(
        "--sheet",
        help="the test-access sheet (demo-data --json); without it only the cases that need "
        "no sheet run (read only), with --login and --password",
    )
    run.add_argument("--login", help="user key (default: a portfolio user of the first firm)")
    run.add_argument("--password", help="password of --login (default: from the sheet)")
    run.add_argument(
        "--firm",
        help="Vermittlernummer of the login's firm (needed for a login not on the sheet); "
        "the run is then read only",
    )
    run.add_argument("--report", help="also write report.html or report.json")
    run.add_argument("--only", help="comma-separated case names (default: all)")
    run.add_argument(
        "--official-xsd",
        metavar="DIR",
        help="folder of the official BiPRO XSDs (bipro-*.xsd): every answer must validate",
    )
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


def _report_path(report: str | None) -> Path | None:
    if report is None:
        return None
    path = Path(report)
    if path.suffix.lower() not in REPORT_SUFFIXES:
        raise ValueError(f"--report {report}: name a .html or .json file")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValueError(f"--report {report}: no such directory {folder}")
    if not os.access(folder, os.W_OK) or path.is_dir():
        raise ValueError(f"--report {report}: cannot write there")
    return path


def _context(args: argparse.Namespace, config: ClientConfig) -> Context:
    if args.sheet is None:
        if not (args.login and args.password):
            raise SheetError("without --sheet give --login and --password")
        if args.allow_lockout or args.lockout_login:
            raise SheetError("--allow-lockout needs --sheet (the sacrificial user is on it)")
        return context_without_sheet(
            args.endpoint,
            args.login,
            args.password,
            args.firm,
            config,
            token_wait=args.token_wait,
            signing=_signing(args),
            service_cert=args.service_cert,
        )
    return context_from_sheet(
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
    if args.password is not None and args.login is None:
        return _fail("--password without --login: name the user it belongs to")
    verify: bool | str = False if args.insecure else (args.cacert or True)
    config = ClientConfig(
        timeout=args.timeout,
        verify=verify,
        client_cert=(args.tls_cert, args.tls_key) if args.tls_cert else None,
    )
    try:
        cases = select_cases(args.only.split(",") if args.only is not None else None)
        report = _report_path(args.report)
        ctx = _context(args, config)
        if args.official_xsd:
            ctx.official = load(args.official_xsd)
    except (OSError, ValueError, etree.XMLSchemaParseError) as error:
        return _fail(str(error))
    print(
        f"Endpoint {ctx.endpoint} as {ctx.login} ({ctx.own_firm}); other test firm "
        f"{ctx.other_firm}",
        file=sys.stderr,
    )
    try:
        results = run_suite(ctx, cases, progress=_progress)
    except SheetError as error:  # LoginRefused: no case ran
        return _fail(str(error))
    except (BiproFault, OSError, ValueError) as error:
        return _fail(f"cannot log in as {ctx.login}: {error}")
    print(terminal_table(results))
    if report is not None:
        content = (
            json_report(ctx.endpoint, results, ctx)
            if report.suffix.lower() == ".json"
            else html_report(ctx.endpoint, results, ctx)
        )
        report.write_text(content, encoding="utf-8")
        print(f"report: {report}", file=sys.stderr)
    return 1 if any(r.result == "FAIL" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
