"""Transfer (430) and contract (502) cases: the own firm's objects are delivered, the other
test firm's are invisible, acknowledging works as documented, no portfolio rights no data.

Only ``acknowledge_semantics`` writes: it acknowledges one shipment the sheet lists for the
login's own test-access firm."""

from __future__ import annotations

from bipro_clients.conformance.context import Context, Outcome, case, skip
from bipro_clients.conformance.wire import describe, expect_bipro_fault, listed
from bipro_clients.sts import StsClient


@case("list_shipments_scoped", "listShipments lists own shipments, none of the other firm")
def list_shipments_scoped(ctx: Context) -> Outcome:
    expected = f"some of {ctx.own_firm}'s sheet shipments, none of {ctx.other_firm}'s"
    shown = set(listed(ctx))
    foreign = shown & set(ctx.other_shipments)
    own = shown & set(ctx.own_shipments)
    observed = f"{len(shown)} listed, {len(own)} of the sheet's own, {len(foreign)} foreign"
    return Outcome(expected, observed, bool(own) and not foreign)


@case("get_shipment_own", "getShipment of an own shipment: OK with files")
def get_shipment_own(ctx: Context) -> Outcome:
    expected = "OK, the Lieferung with its ID and at least one file"
    candidates = [s for s in listed(ctx) if s in set(ctx.own_shipments)]
    if not candidates:
        return Outcome(expected, "no shipment of the sheet listed (all acknowledged?)", False)
    answer = ctx.transfer().get_shipment(candidates[0])
    lieferung = answer.payload
    passed = answer.ok and lieferung is not None and lieferung.id == candidates[0]
    passed = passed and bool(lieferung.files)
    files = len(lieferung.files) if lieferung is not None else 0
    return Outcome(expected, f"{describe(answer)}, {files} file(s)", passed)


@case("get_shipment_other_firm", "getShipment of the other test firm's shipment: NOK 04003")
def get_shipment_other_firm(ctx: Context) -> Outcome:
    if not ctx.other_shipments:
        return skip("NOK 04003", "the sheet lists no shipment of the other firm")
    transfer = ctx.transfer()
    answers = [transfer.get_shipment(s) for s in ctx.other_shipments]
    wrong = [describe(a) for a in answers if a.ok or a.meldung_ids != ["04003"]]
    observed = f"{len(answers)} tried" + (f"; {', '.join(wrong)}" if wrong else ", all NOK 04003")
    return Outcome("NOK 04003 for each", observed, not wrong)


@case("acknowledge_semantics", "acknowledgeShipment: OK; again OK/04002; then getShipment 04002")
def acknowledge_semantics(ctx: Context) -> Outcome:
    expected = "ack OK; repeated ack OK or 04002; getShipment NOK 04002; no longer listed"
    if not ctx.allow_writes:
        return skip(expected, "writes not allowed for this login (not on the sheet)")
    candidates = [s for s in listed(ctx) if s in set(ctx.own_shipments)]
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


@case("get_data_own", "getData of an own contract: OK 01100")
def get_data_own(ctx: Context) -> Outcome:
    if not ctx.own_contracts:
        return skip("OK 01100", "the sheet lists no contract of the firm")
    number = ctx.own_contracts[0]
    answer = ctx.vertrag().get_contract(number)
    contract = answer.payload
    passed = answer.ok and "01100" in answer.meldung_ids and contract is not None
    passed = passed and contract.Versicherungsscheinnummer == number
    return Outcome(f"OK 01100 with {number}", describe(answer), passed)


@case("get_data_other_firm", "getData of the other test firm's contracts: NOK 01101")
def get_data_other_firm(ctx: Context) -> Outcome:
    if not ctx.other_contracts:
        return skip("NOK 01101", "the sheet lists no contract of the other firm")
    vertrag = ctx.vertrag()
    answers = {number: vertrag.get_contract(number) for number in ctx.other_contracts}
    wrong = [
        f"{number}: {describe(a)}"
        for number, a in answers.items()
        if a.ok or a.meldung_ids != ["01101"] or a.payload is not None
    ]
    observed = f"{len(answers)} tried" + (f"; {', '.join(wrong)}" if wrong else ", all NOK 01101")
    return Outcome("NOK 01101 for each", observed, not wrong)


@case("no_portfolio_rights", "A user without portfolio rights gets no contract: fault 99999")
def no_portfolio_rights(ctx: Context) -> Outcome:
    expected = "getData of an own contract: fault 99999 (no portfolio rights), no contract data"
    user = ctx.no_portfolio_user
    if user is None:
        return skip(expected, "the sheet lists no user of the firm without portfolio rights")
    if not ctx.own_contracts:
        return skip(expected, "the sheet lists no contract of the firm")
    sts = StsClient(ctx.base, ctx.config)
    token = sts.login(user.login, user.password)
    outcome = expect_bipro_fault(
        "99999", expected, lambda: ctx.vertrag(token).get_contract(ctx.own_contracts[0])
    )
    sts.cancel(token)
    return Outcome(expected, f"{user.login}: {outcome.observed}", outcome.passed)
