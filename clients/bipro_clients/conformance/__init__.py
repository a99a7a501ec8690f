"""Conformance kit: certify any BiPRO endpoint against the test-access sheet in one command.

``bipro-conformance run --endpoint URL --sheet sheet.json`` (see ``docs/conformance.md``);
programmatically :func:`run_suite` with a :class:`Context`.
"""

from bipro_clients.conformance.cases import CASES, Case, CaseResult, Context, Exchange, Outcome
from bipro_clients.conformance.report import html_report, json_report, terminal_table
from bipro_clients.conformance.runner import SheetError, context_from_sheet, run_suite

__all__ = [
    "CASES",
    "Case",
    "CaseResult",
    "Context",
    "Exchange",
    "Outcome",
    "SheetError",
    "context_from_sheet",
    "html_report",
    "json_report",
    "run_suite",
    "terminal_table",
]
