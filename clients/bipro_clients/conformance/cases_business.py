"""Happy paths of TAA (420), claims (503) and DeepLinks (440).

These write, always as the sheet's login in its own test-access firm and only when the login is
on the sheet: an offer and its order (a new test customer and contract, two letters in the
firm's post), one claim on the firm's first contract (one letter), two DeepLinks (one to a
contract, one to its customer). A DeepLink is opened only when it points to the endpoint's own
host (http/https)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bipro_clients.claims import Gegenstand, Schadenmeldung, new_idempotency_key
from bipro_clients.conformance.context import Context, Outcome, case, skip
from bipro_clients.conformance.wire import describe, each_refused
from bipro_clients.services import Answer, DeepLink
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


@case(
    "taa_quote_offer_order",
    "TAA: getQuote, getOffer, setOrder (twice), contract in 502",
    needs_sheet=True,
)
def taa_quote_offer_order(ctx: Context) -> Outcome:
    expected = (
        "getQuote OK 01005 with a premium; getOffer OK 00107 with a PDF; setOrder OK 00106 "
        "(TAA-POLICIERT); setOrder again OK 00106 (TAA-AUFTRAG-WIEDERHOLT) with the same "
        "contract; getData of it OK 01100"
    )
    if not ctx.allow_writes:
        return skip(expected, "writes not allowed for this login (not on the sheet)")
    taa = ctx.taa()
    quote = taa.get_quote(TARIFIERUNG)
    steps = [f"quote {describe(quote)}"]
    premium = quote.payload.gross if quote.ok and quote.payload is not None else None
    if not (quote.ok and "01005" in quote.meldung_ids and premium and premium > 0):
        return Outcome(expected, "; ".join(steps), False)
    begin = (_utc_today() + timedelta(days=1)).date()
    offered = taa.get_offer(TARIFIERUNG, APPLICANT, begin)
    offer = offered.payload
    steps.append(f"offer {describe(offered)}" + (f" {offer.number}" if offer else ""))
    if not (offered.ok and "00107" in offered.meldung_ids and offer and _pdf(offer.document)):
        return Outcome(expected, "; ".join(steps), False)
    ordered = taa.set_order(offer.number)
    again = taa.set_order(offer.number)
    first, second = ordered.payload, again.payload
    number = first.versicherungsscheinnummer if first else None
    steps += [f"order {describe(ordered)} {number or ''}".rstrip(), f"again {describe(again)}"]
    passed = ordered.ok and "00106/TAA-POLICIERT" in ordered.keys and number is not None
    passed = passed and again.ok and "00106/TAA-AUFTRAG-WIEDERHOLT" in again.keys
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


@case(
    "claim_notify_idempotent",
    "Claims: setNotification, the same VorgangsnummerVM again, other content, getData",
    needs_sheet=True,
)
def claim_notify_idempotent(ctx: Context) -> Outcome:
    expected = (
        "setNotification OK 00105 with a Schadennummer; same key and content: OK, the same "
        "Schadennummer; same key, other content: NOK 01011; getData of the claim OK 01100"
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
    if not (first.ok and number and "00105" in first.meldung_ids):
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
        and "01011" in other.meldung_ids
        and fetched.ok
        and "01100" in fetched.meldung_ids
        and fetched.payload is not None
        and fetched.payload.number == number
    )
    return Outcome(expected, "; ".join(steps), passed)


def _one_link(answer: Answer, ziel: str) -> tuple[DeepLink | None, str]:
    """The single link of an OK 01100 answer with ZielID ``ziel`` and what was seen."""
    links: list[DeepLink] = answer.payload or []
    shown = f"{describe(answer)}, {len(links)} link(s)"
    if not (answer.ok and "01100" in answer.meldung_ids and len(links) == 1):
        return None, shown
    link = links[0]
    shown = f"{describe(answer)}, ZielID {link.ziel_id}"
    return (link if link.ziel_id == ziel else None), shown


@case("deeplink_single_use", "DeepLinks: getLinks gives a link that opens once", needs_sheet=True)
def deeplink_single_use(ctx: Context) -> Outcome:
    expected = (
        "getLinks OK 01100 with one Link (ZielID 004, Vertrag) on the endpoint's host; "
        "GET it: 200; GET it again: 4xx (ours 410)"
    )
    if not ctx.allow_writes:
        return skip(expected, "writes not allowed for this login (not on the sheet)")
    if not ctx.own_contracts:
        return skip(expected, "the sheet lists no contract of the firm")
    link, shown = _one_link(ctx.navigation().get_links(contract=ctx.own_contracts[0]), "004")
    if link is None:
        return Outcome(expected, shown, False)
    outside = ctx.outside(link.url)
    if outside is not None:
        return Outcome(expected, f"{shown}; {outside}", False)
    first = ctx.get(link.url)
    second = ctx.get(link.url)
    observed = f"{shown}; GET {first}; again {second}"
    return Outcome(expected, observed, first == 200 and 400 <= second < 500)


@case(
    "deeplink_partner",
    "DeepLinks to a customer (Partnersuche): own customer a link, unknown customer NOK 01101",
    needs_sheet=True,
)
def deeplink_partner(ctx: Context) -> Outcome:
    expected = (
        "getLinks for the Partnernummer of an own contract (from getData): OK 01100 with one "
        "Link (ZielID 002, Partner) on the endpoint's host that opens (200); for an unknown "
        "Partnernummer and the sheet's customer the firm no longer serves: NOK 01101, no link"
    )
    if not ctx.allow_writes:
        return skip(expected, "writes not allowed for this login (not on the sheet)")
    if not ctx.own_contracts:
        return skip(expected, "the sheet lists no contract of the firm")
    contract = ctx.vertrag().get_contract(ctx.own_contracts[0])
    partners = getattr(contract.payload, "Partner", None) or []
    partner = getattr(partners[0], "Partnernummer", None) if partners else None
    if not (contract.ok and partner):
        return Outcome(expected, f"getData {describe(contract)}: no Partnernummer", False)
    navigation = ctx.navigation()
    link, shown = _one_link(navigation.get_links(partner=str(partner)), "002")
    if link is None:
        return Outcome(expected, f"{partner}: {shown}", False)
    outside = ctx.outside(link.url)
    if outside is not None:
        return Outcome(expected, f"{partner}: {shown}; {outside}", False)
    opened = ctx.get(link.url)
    foreign = ["KONF" + secrets.token_hex(6).upper(), *ctx.former_customers]
    refused = each_refused(
        foreign, lambda p: navigation.get_links(partner=p), "01101", lambda a: not a.payload
    )
    observed = f"{partner}: {shown}; GET {opened}; others: {refused.observed}"
    return Outcome(expected, observed, opened == 200 and refused.passed)


@case(
    "get_links_other_firm",
    "getLinks for the other test firm's contracts: NOK 01101",
    needs_sheet=True,
)
def get_links_other_firm(ctx: Context) -> Outcome:
    if not ctx.other_contracts:
        return skip("NOK 01101", "the sheet lists no contract of the other firm")
    navigation = ctx.navigation()
    outcome = each_refused(
        ctx.other_contracts,
        lambda number: navigation.get_links(contract=number),
        "01101",
        lambda a: not a.payload,
    )
    return Outcome("NOK 01101 for each, no link", outcome.observed, outcome.passed)
