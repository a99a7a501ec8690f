"""Transfer (430) and contract (502) cases: the own firm's objects are delivered, the other
test firm's are invisible, acknowledging works as documented, no portfolio rights no data.

Only ``acknowledge_semantics`` writes: it acknowledges one shipment the sheet lists for the
login's own test-access firm."""

from __future__ import annotations

from bipro_clients.conformance.context import Context, Outcome, case, skip
from bipro_clients.conformance.wire import (
    describe,
    describe_fault,
    each_refused,
    expect_bipro_fault,
    listed,
)
from bipro_clients.errors import BiproFault
from bipro_clients.sts import StsClient

#: Page size of ``list_contracts_scoped``: small, so that the cursor is really followed.
PAGE_SIZE = 2
#: Pages after which the listing is taken as endless.
MAX_PAGES = 2000


@case(
    "list_shipments_scoped",
    "listShipments lists own shipments, none of the other firm",
    needs_sheet=True,
)
def list_shipments_scoped(ctx: Context) -> Outcome:
    expected = f"some of {ctx.own_firm}'s sheet shipments, none of {ctx.other_firm}'s"
    shown = set(listed(ctx))
    foreign = shown & set(ctx.other_shipments)
    own = shown & set(ctx.own_shipments)
    observed = f"{len(shown)} listed, {len(own)} of the sheet's own, {len(foreign)} foreign"
    return Outcome(expected, observed, bool(own) and not foreign)


def _own_listed(ctx: Context) -> list[str]:
    """The own firm's sheet shipments that are listed, in the listing's order."""
    own = set(ctx.own_shipments)
    return [s for s in listed(ctx) if s in own]


@case("get_shipment_own", "getShipment of an own shipment: OK with files", needs_sheet=True)
def get_shipment_own(ctx: Context) -> Outcome:
    expected = "OK, the Lieferung with its ID and at least one file"
    candidates = _own_listed(ctx)
    if not candidates:
        return Outcome(expected, "no shipment of the sheet listed (all acknowledged?)", False)
    answer = ctx.transfer().get_shipment(candidates[0])
    lieferung = answer.payload
    passed = answer.ok and lieferung is not None and lieferung.id == candidates[0]
    passed = passed and bool(lieferung.files)
    files = len(lieferung.files) if lieferung is not None else 0
    return Outcome(expected, f"{describe(answer)}, {files} file(s)", passed)


@case(
    "get_shipment_other_firm",
    "getShipment of the other test firm's shipment: NOK 04003",
    needs_sheet=True,
)
def get_shipment_other_firm(ctx: Context) -> Outcome:
    if not ctx.other_shipments:
        return skip("NOK 04003", "the sheet lists no shipment of the other firm")
    transfer = ctx.transfer()
    return each_refused(
        ctx.other_shipments, transfer.get_shipment, "04003", lambda a: a.payload is None
    )


@case(
    "acknowledge_semantics",
    "acknowledgeShipment: OK; again OK/04002; then getShipment 04002",
    needs_sheet=True,
)
def acknowledge_semantics(ctx: Context) -> Outcome:
    expected = "ack OK; repeated ack OK or 04002; getShipment NOK 04002; no longer listed"
    if not ctx.allow_writes:
        return skip(expected, "writes not allowed for this login (not on the sheet)")
    candidates = _own_listed(ctx)
    if not candidates:
        return Outcome(expected, "no listed shipment of the sheet's test firm left", False)
    shipment = candidates[-1]
    transfer = ctx.transfer()
    first = transfer.acknowledge_shipment(shipment)
    second = transfer.acknowledge_shipment(shipment)
    fetched = transfer.get_shipment(shipment)
    still_listed = shipment in listed(ctx)
    passed = (
        first.ok
        and (second.ok or "04002" in second.meldung_ids)
        and not fetched.ok
        and "04002" in fetched.meldung_ids
        and not still_listed
    )
    observed = (
        f"ack {describe(first)}; again {describe(second)}; getShipment {describe(fetched)}"
        f"{'; still listed' if still_listed else ''}"
    )
    return Outcome(expected, observed, passed)


@case("get_data_own", "getData of an own contract: OK 01100", needs_sheet=True)
def get_data_own(ctx: Context) -> Outcome:
    if not ctx.own_contracts:
        return skip("OK 01100", "the sheet lists no contract of the firm")
    number = ctx.own_contracts[0]
    answer = ctx.vertrag().get_contract(number)
    contract = answer.payload
    passed = answer.ok and "01100" in answer.meldung_ids and contract is not None
    passed = passed and contract.Vertragsnummer.Versicherungsscheinnummer == number
    return Outcome(f"OK 01100 with {number}", describe(answer), passed)


@case(
    "get_data_other_firm",
    "getData of the other test firm's contracts: NOK 01101",
    needs_sheet=True,
)
def get_data_other_firm(ctx: Context) -> Outcome:
    if not ctx.other_contracts:
        return skip("NOK 01101", "the sheet lists no contract of the other firm")
    vertrag = ctx.vertrag()
    return each_refused(
        ctx.other_contracts, vertrag.get_contract, "01101", lambda a: a.payload is None
    )


@case(
    "list_contracts_scoped",
    "listContracts (our 502 extension): own contracts, none of the other firm, cursor to the end",
    needs_sheet=True,
)
def list_contracts_scoped(ctx: Context) -> Outcome:
    expected = (
        f"every contract of {ctx.own_firm} on the sheet, none of {ctx.other_firm}'s, "
        f"following NaechsterCursor (pages of {PAGE_SIZE}) to the end"
    )
    vertrag = ctx.vertrag()
    numbers: list[str] = []
    cursor: str | None = None
    for page in range(1, MAX_PAGES + 1):
        try:
            answer = vertrag.list_contracts(cursor=cursor, page_size=PAGE_SIZE)
        except BiproFault as fault:
            if page == 1 and fault.meldung_id == "00009":
                return skip(expected, f"the endpoint offers no listContracts ({fault.meldung_id})")
            return Outcome(expected, f"page {page}: {describe_fault(fault)}", False)
        if not answer.ok:
            return Outcome(expected, f"page {page}: {describe(answer)}", False)
        contracts, cursor = answer.payload
        numbers += [str(c.Vertragsnummer.Versicherungsscheinnummer) for c in contracts]
        if not cursor:
            break
    else:
        return Outcome(expected, f"still a NaechsterCursor after {MAX_PAGES} pages", False)
    missing = sorted(set(ctx.own_contracts) - set(numbers))
    foreign = sorted(set(ctx.other_contracts) & set(numbers))
    observed = f"{len(numbers)} listed in {page} page(s)"
    observed += f"; missing {', '.join(missing)}" if missing else ", every own sheet contract"
    observed += f"; foreign {', '.join(foreign)}" if foreign else ", none foreign"
    return Outcome(expected, observed, not missing and not foreign)


@case(
    "no_portfolio_rights",
    "A user without portfolio rights gets no contract: fault 99999 (Client)",
    needs_sheet=True,
)
def no_portfolio_rights(ctx: Context) -> Outcome:
    expected = (
        "getData of an own contract: fault 99999 with faultcode Client (no portfolio rights; "
        "an internal error, 99999 with Server, does not count), no contract data"
    )
    user = ctx.no_portfolio_user
    if user is None:
        return skip(expected, "the sheet lists no user of the firm without portfolio rights")
    if not ctx.own_contracts:
        return skip(expected, "the sheet lists no contract of the firm")
    sts = StsClient(ctx.base, ctx.config)
    token = sts.login(user.login, user.password)
    try:
        outcome = expect_bipro_fault(
            "99999",
            expected,
            lambda: ctx.vertrag(token).get_contract(ctx.own_contracts[0]),
            code="Client",
        )
    finally:
        sts.cancel(token)
    return Outcome(expected, f"{user.login}: {outcome.observed}", outcome.passed)
