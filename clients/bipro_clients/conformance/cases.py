"""The conformance cases, in the order they run; each a small function of a :class:`Context`
returning an :class:`Outcome` (expected, observed, passed or skipped).

What the cases write, always as the sheet's login inside its own test-access firm (and only
when that login is on the sheet): ``acknowledge_semantics`` one shipment of the sheet,
``taa_quote_offer_order`` one offer and its order, ``claim_notify_idempotent`` one claim,
``deeplink_single_use`` one DeepLink; ``lockout_threshold`` (only with ``--allow-lockout``)
locks the sheet's sacrificial user. Everything else only reads.
"""

from __future__ import annotations

from bipro_clients.conformance import (
    cases_business,
    cases_input,
    cases_portfolio,
    cases_security,
    cases_sts,
)
from bipro_clients.conformance.context import (
    CASES,
    Case,
    CaseResult,
    Context,
    Credentials,
    Exchange,
    Outcome,
)
from bipro_clients.conformance.wire import fault_of

#: The order of the suite: cheap reads first; waiting (token expiry) last.
SUITE_ORDER = (cases_sts, cases_portfolio, cases_business, cases_input, cases_security)
_RANK = {module.__name__: rank for rank, module in enumerate(SUITE_ORDER)}
CASES.sort(key=lambda c: _RANK[c.run.__module__])  # stable: a module's own order stays

token_bits = cases_sts.token_bits

__all__ = [
    "CASES",
    "Case",
    "CaseResult",
    "Context",
    "Credentials",
    "Exchange",
    "Outcome",
    "fault_of",
    "token_bits",
]
