"""Happy paths of TAA (420), claims (503) and DeepLinks (440).

These write, always as the sheet's login in its own test-access firm and only when the login is
on the sheet: an offer and its order (a new test customer and contract, two letters in the
firm's post), one claim on the firm's first contract (one letter), one DeepLink."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bipro_clients.claims import Gegenstand, Schadenmeldung, new_idempotency_key
from bipro_clients.conformance.context import Context, Outcome, case, skip
from bipro_clients.conformance.wire import describe
from bipro_clients.taa import Antragsteller, Tarifierung

#: A single courier transport of jewellery: priced by every Valoren tariff version.
TARIFIERUNG = Tarifierung(
    cover="single",
    transport_kind="courier",
    valuables_class="jewellery",
    base_value=Decimal("20000.00"),
    costs=Decimal("150.00"),
)
APPLICANT = Antragsteller(
    company_name="Konformitätstest GmbH (Testdaten)",
    street="Teststraße 1",
    postal_code="50667",
    city="Köln",
)


def _utc_today() -> datetime:
    return datetime.now(UTC)


def _pdf(data: bytes | None) -> bool:
    return bool(data) and bytes(data or b"").startswith(b"%PDF")


@case("taa_quote_offer_order", "TAA: getQuote, getOffer, setOrder (twice), contract in 502")
def taa_quote_offer_order(ctx: Context) -> Outcome:
    expected = (
        "getQuote OK 02000 with a premium; getOffer OK 02001 with a PDF; setOrder OK 02002; "
        "setOrder again OK 02003 with the same contract; getData of it OK 01100"
    )
    if not ctx.allow_writes:
        return skip(expected, "writes not allowed for this login (not on the sheet)")
    taa = ctx.taa()
    quote = taa.get_quote(TARIFIERUNG)
    steps = [f"quote {describe(quote)}"]
    premium = quote.payload.Gesamtbeitrag if quote.ok and quote.payload is not None else None
    if not (quote.ok and "02000" in quote.meldung_ids and premium and premium > 0):
        return Outcome(expected, "; ".join(steps), False)
    begin = (_utc_today() + timedelta(days=1)).date()
    offered = taa.get_offer(TARIFIERUNG, APPLICANT, begin)
    offer = offered.payload
    steps.append(f"offer {describe(offered)}" + (f" {offer.number}" if offer else ""))
    if not (offered.ok and "02001" in offered.meldung_ids and offer and _pdf(offer.document)):
        return Outcome(expected, "; ".join(steps), False)
    ordered = taa.set_order(offer.number)
    again = taa.set_order(offer.number)
    first, second = ordered.payload, again.payload
    number = first.versicherungsscheinnummer if first else None
    steps += [f"order {describe(ordered)} {number or ''}".rstrip(), f"again {describe(again)}"]
    passed = ordered.ok and "02002" in ordered.meldung_ids and number is not None
    passed = passed and again.ok and "02003" in again.meldung_ids
    passed = passed and second is not None and second.versicherungsscheinnummer == number
    if passed and number is not None:
        contract = ctx.vertrag().get_contract(number)
        steps.append(f"getData {describe(contract)}")
        passed = contract.ok and "01100" in contract.meldung_ids
    return Outcome(expected, "; ".join(steps), passed)


def _meldung(contract: str, description: str) -> Schadenmeldung:
    return Schadenmeldung(
        contract=contract,
        loss_date=(_utc_today() - timedelta(days=3)).date(),
        place="Köln (Konformitätstest)",
        transport_kind="courier",
        peril="theft",
        description=description,
        estimated_loss=Decimal("800.00"),
        insured_value=Decimal("1000.00"),
        items=[Gegenstand("Testring (Testdaten)", "jewellery", Decimal("800.00"), "lost")],
    )


@case("claim_notify_idempotent", "Claims: notifyClaim, the same key again, other content, getData")
def claim_notify_idempotent(ctx: Context) -> Outcome:
    expected = (
        "notifyClaim OK with a Schadennummer; same key and content: OK, the same Schadennummer; "
        "same key, other content: NOK 00001; getData of the claim OK 01100"
    )
    if not ctx.allow_writes:
        return skip(expected, "writes not allowed for this login (not on the sheet)")
    if not ctx.own_contracts:
        return skip(expected, "the sheet lists no contract of the firm")
    schaden = ctx.schaden()
    key = new_idempotency_key()
    meldung = _meldung(ctx.own_contracts[0], "Konformitätstest: Sendung nicht angekommen.")
    first = schaden.notify_claim(meldung, key)
    number = first.payload.number if first.payload else None
    steps = [f"notify {describe(first)} {number or ''}".rstrip()]
    if not (first.ok and number):
        return Outcome(expected, "; ".join(steps), False)
    repeated = schaden.notify_claim(meldung, key)
    other = schaden.notify_claim(_meldung(ctx.own_contracts[0], "Anderer Inhalt."), key)
    fetched = schaden.get_claim(number)
    repeated_number = repeated.payload.number if repeated.payload else None
    steps += [
        f"same key {describe(repeated)} {repeated_number or ''}".rstrip(),
        f"other content {describe(other)}",
        f"getData {describe(fetched)}",
    ]
    passed = (
        repeated.ok
        and repeated_number == number
        and not other.ok
        and "00001" in other.meldung_ids
        and fetched.ok
        and "01100" in fetched.meldung_ids
        and fetched.payload is not None
        and fetched.payload.number == number
    )
    return Outcome(expected, "; ".join(steps), passed)


@case("deeplink_single_use", "DeepLinks: getLinks gives a link that opens once")
def deeplink_single_use(ctx: Context) -> Outcome:
    expected = "getLinks OK 01100 with one Link; GET it: 200; GET it again: 4xx (ours 410)"
    if not ctx.allow_writes:
        return skip(expected, "writes not allowed for this login (not on the sheet)")
    if not ctx.own_contracts:
        return skip(expected, "the sheet lists no contract of the firm")
    answer = ctx.navigation().get_links(contract=ctx.own_contracts[0])
    links = answer.payload or []
    if not (answer.ok and "01100" in answer.meldung_ids and len(links) == 1):
        return Outcome(expected, f"{describe(answer)}, {len(links)} link(s)", False)
    first = ctx.get(links[0].url)
    second = ctx.get(links[0].url)
    observed = f"{describe(answer)}, ZielID {links[0].ziel_id}; GET {first}; again {second}"
    return Outcome(expected, observed, first == 200 and 400 <= second < 500)


@case("get_links_other_firm", "getLinks for the other test firm's contracts: NOK 01101")
def get_links_other_firm(ctx: Context) -> Outcome:
    if not ctx.other_contracts:
        return skip("NOK 01101", "the sheet lists no contract of the other firm")
    navigation = ctx.navigation()
    answers = {number: navigation.get_links(contract=number) for number in ctx.other_contracts}
    wrong = [
        f"{number}: {describe(a)}"
        for number, a in answers.items()
        if a.ok or a.meldung_ids != ["01101"] or a.payload
    ]
    observed = f"{len(answers)} tried" + (f"; {', '.join(wrong)}" if wrong else ", all NOK 01101")
    return Outcome("NOK 01101 for each, no link", observed, not wrong)
