"""``bipro-conformance run --endpoint URL --sheet sheet.json [...]``"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bipro_clients.conformance.cases import Case, CaseResult
from bipro_clients.conformance.report import html_report, json_report, terminal_table
from bipro_clients.conformance.runner import context_from_sheet, load_sheet, run_suite
from bipro_clients.factory import ClientConfig


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bipro-conformance", description="Certify a BiPRO endpoint with a test access."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the conformance suite")
    run.add_argument("--endpoint", required=True, help="base URL, e.g. https://bipro.example.de")
    run.add_argument("--sheet", required=True, help="the test-access sheet (demo-data --json)")
    run.add_argument("--login", help="user key (default: a portfolio user of the first firm)")
    run.add_argument("--password", help="password (default: from the sheet)")
    run.add_argument("--firm", help="Vermittlernummer of the login's firm, if not on the sheet")
    run.add_argument("--report", help="write report.html or report.json")
    run.add_argument("--timeout", type=float, default=30.0, help="seconds per call")
    run.add_argument("--cacert", help="CA bundle to verify the server")
    run.add_argument("--insecure", action="store_true", help="no TLS verification (tests only)")
    run.add_argument("--cert", help="TLS client certificate (PEM)")
    run.add_argument("--key", help="key of the TLS client certificate (PEM)")
    run.add_argument(
        "--allow-lockout",
        action="store_true",
        help="test the wrong password with the real login (counts towards its lockout)",
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


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if bool(args.cert) != bool(args.key):
        print("bipro-conformance: give --cert and --key together", file=sys.stderr)
        return 2
    verify: bool | str = False if args.insecure else (args.cacert or True)
    config = ClientConfig(
        timeout=args.timeout,
        verify=verify,
        client_cert=(args.cert, args.key) if args.cert else None,
    )
    try:
        ctx = context_from_sheet(
            args.endpoint,
            load_sheet(args.sheet),
            args.login,
            args.password,
            args.firm,
            config,
            args.allow_lockout,
        )
    except (OSError, ValueError, KeyError) as error:
        print(f"bipro-conformance: {error}", file=sys.stderr)
        return 2
    print(
        f"Endpoint {ctx.endpoint} as {ctx.login} ({ctx.own_firm}); other test firm "
        f"{ctx.other_firm}",
        file=sys.stderr,
    )
    results = run_suite(ctx, progress=_progress)
    print(terminal_table(results))
    if args.report:
        path = Path(args.report)
        content = (
            json_report(ctx.endpoint, results)
            if path.suffix.lower() == ".json"
            else html_report(ctx.endpoint, results)
        )
        path.write_text(content, encoding="utf-8")
        print(f"report: {path}", file=sys.stderr)
    return 1 if any(r.result == "FAIL" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
