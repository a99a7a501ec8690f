"""Conformance kit: certify any BiPRO endpoint against the test-access sheet in one command.

``bipro-conformance run --endpoint URL --sheet sheet.json`` (see ``docs/conformance.md``);
programmatically :func:`run_suite` with a :class:`Context` from :func:`context_from_sheet` (or
:func:`context_without_sheet`: read-only cases only).
"""

from bipro_clients.conformance.cases import CASES, Case, CaseResult, Context, Exchange, Outcome
from bipro_clients.conformance.context import Certificate, Credentials
from bipro_clients.conformance.report import html_report, json_report, terminal_table
from bipro_clients.conformance.runner import (
    LoginRefused,
    SheetError,
    check_login,
    context_from_sheet,
    context_without_sheet,
    run_suite,
    select_cases,
)

__all__ = [
    "CASES",
    "Case",
    "CaseResult",
    "Certificate",
    "Context",
    "Credentials",
    "Exchange",
    "LoginRefused",
    "Outcome",
    "SheetError",
    "check_login",
    "context_from_sheet",
    "context_without_sheet",
    "html_report",
    "json_report",
    "run_suite",
    "select_cases",
    "terminal_table",
]
