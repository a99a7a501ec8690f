"""Invariants of the tariff calculation under random inputs (hypothesis)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bipro_service.domain.status import MeldungArt, TaaFinding
from bipro_service.domain.tariff import CoverKind, Inclusion, LineKind, calculate
from bipro_service.domain.tariff.money import split_instalments
from bipro_service.domain.tariff.snapshot import quote_from_dict, quote_to_dict
from bipro_service.domain.valoren import Clause, PaymentMode, TransportKind, ValuablesClass
from tests.unit.tariff_helpers import TARIFF, request_of
from tests.unit.tariff_reference import reference

CENT = Decimal("0.01")


def cents(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Amounts in cents between ``low`` and ``high`` euros."""
    return st.integers(low * 100, high * 100).map(lambda c: Decimal(c) / 100)


@st.composite
def inputs(draw: st.DrawFn, *, acceptable: bool = False) -> dict[str, Any]:
    """Random calculation inputs; ``acceptable``: only ones the tariff insures."""
    kind = draw(st.sampled_from(list(TransportKind)))
    classes = [c for c in ValuablesClass if not acceptable or TARIFF.rate(kind, c) is not None]
    valuables = draw(st.sampled_from(classes))
    limit = int(TARIFF.maxima[kind]) if acceptable else 6_000_000
    data: dict[str, Any] = {
        "cover": draw(st.sampled_from(["single", "open"])),
        "transport_kind": kind.value,
        "valuables_class": valuables.value,
        "base": draw(cents(1, limit // 2)),
        "costs": draw(cents(0, limit // 20)),
        "clauses": draw(st.sets(st.sampled_from([c.value for c in Clause]))),
        "payment_mode": draw(st.sampled_from([m.value for m in PaymentMode])),
        "sepa_mandate": draw(st.booleans()),
        "cross_border": draw(st.booleans()),
    }
    for item in Inclusion:
        allowed = valuables in TARIFF.inclusion_classes[item]
        if (allowed or not acceptable) and draw(st.booleans()):
            data[item.value] = draw(cents(0, limit // 40))
    if draw(st.booleans()):
        data["sum_insured"] = draw(cents(1, limit))
    if data["cover"] == "open":
        data["annual_turnover"] = draw(cents(1, 50_000_000))
        data["declaration"] = draw(st.sampled_from(["individual", "summary"]))
        data["declaration_period"] = draw(st.sampled_from(["monthly", "quarterly", "annual"]))
    return data


def _expected_errors(data: dict[str, Any]) -> set[str]:
    request = request_of(data)
    kind, valuables = request.transport_kind, request.valuables_class
    errors = set()
    if TARIFF.rate(kind, valuables) is None:
        errors.add("TAA-NICHT-ANGEBOTEN")
    for item, amount in request.value.inclusions.items():
        if amount > 0 and valuables not in TARIFF.inclusion_classes[item]:
            errors.add("TAA-NICHT-ANGEBOTEN")
    if request.effective_sum > TARIFF.maxima[kind]:
        errors.add("TAA-HOECHSTSUMME")
    if request.value.inclusion(Inclusion.IMAGINARY_PROFIT) > request.effective_sum / 10:
        errors.add("TAA-IMAGINAERER-GEWINN")
    return errors


@settings(max_examples=400, deadline=None)
@given(inputs())
def test_refused_exactly_when_a_rule_is_broken(data: dict[str, Any]) -> None:
    assessment = calculate(TARIFF, request_of(data))
    errors = {
        m.identifikationsnummer or m.meldung_id.value
        for m in assessment.meldungen
        if m.art is MeldungArt.FEHLER
    }
    assert errors == _expected_errors(data)
    assert assessment.ok == (not errors)
    assert (assessment.quote is None) == bool(errors)


@settings(max_examples=400, deadline=None)
@given(inputs(acceptable=True))
def test_every_line_and_total_agrees_with_the_reference(data: dict[str, Any]) -> None:
    assessment = calculate(TARIFF, request_of(data))
    if assessment.quote is None:  # maxima / imaginary profit refusals are tested above
        return
    quote = assessment.quote
    expected = reference(data)
    assert quote.gross == expected["gross premium"]
    assert quote.net == expected["net premium"]
    assert quote.tax == expected["insurance tax"]
    assert list(quote.instalments) == [
        expected[f"instalment {n}"] for n in range(1, len(quote.instalments) + 1)
    ]


@settings(max_examples=400, deadline=None)
@given(inputs(acceptable=True))
def test_invariants_of_an_accepted_quote(data: dict[str, Any]) -> None:
    request = request_of(data)
    assessment = calculate(TARIFF, request)
    quote = assessment.quote
    if quote is None:
        return
    # every amount is in cents and never negative
    for line in quote.lines:
        assert line.amount >= 0 and line.amount == line.amount.quantize(CENT)
    # the totals are exact sums of the lines
    assert quote.gross == sum((line.amount for line in quote.lines), Decimal(0))
    assert quote.gross == quote.net + quote.instalment_surcharge + quote.tax
    # instalments add up to the gross premium to the cent; the last takes the remainder
    assert sum(quote.instalments, Decimal(0)) == quote.gross
    assert len(quote.instalments) == quote.payment_mode.instalments
    *regular, last = quote.instalments
    assert all(amount == quote.instalments[0] for amount in regular)
    assert 0 <= last - quote.instalments[0] < Decimal(len(quote.instalments)) * CENT
    # the minimum premium holds
    single = quote.cover is CoverKind.SINGLE
    assert quote.net >= (TARIFF.minimum_single if single else TARIFF.minimum_annual)
    # the base line is the rate applied to the basis, rounded half-up
    rate = TARIFF.rate(request.transport_kind, request.valuables_class)
    assert rate is not None
    base = next(line for line in quote.lines if line.kind is LineKind.BASE)
    assert base.amount == (quote.basis * rate / 1000).quantize(CENT, rounding=ROUND_HALF_UP)
    # a clause line exactly for every requested clause
    assert {line.code for line in quote.lines if line.kind is LineKind.CLAUSE} == set(
        data["clauses"]
    )
    # under-insurance is warned about exactly when the sum is below the value
    warned = any(
        m.identifikationsnummer == TaaFinding.UNDER_INSURANCE for m in assessment.meldungen
    )
    assert warned == (quote.sum_insured < quote.insured_value)
    # the stored form of an offer gives the same quote back
    assert quote_from_dict(quote_to_dict(quote)) == quote


@settings(max_examples=200, deadline=None)
@given(inputs(acceptable=True), st.sampled_from(["monthly", "quarterly", "semi_annual", "annual"]))
def test_payment_mode_applied(data: dict[str, Any], wanted: str) -> None:
    data = {**data, "payment_mode": wanted}
    assessment = calculate(TARIFF, request_of(data))
    if assessment.quote is None:
        return
    applied = assessment.quote.payment_mode.value
    if data["cover"] == "single" or data.get("declaration") == "individual":
        assert applied == "annual"
    elif wanted == "monthly" and not data["sepa_mandate"]:
        assert applied == "quarterly"
    else:
        assert applied == wanted
    changed = any(
        m.identifikationsnummer == TaaFinding.PAYMENT_MODE_CHANGED for m in assessment.meldungen
    )
    assert changed == (applied != wanted)


@settings(max_examples=200, deadline=None)
@given(inputs(acceptable=True), cents(1, 100_000))
def test_a_higher_sum_never_costs_less(data: dict[str, Any], more: Decimal) -> None:
    data = {**data, "cover": "single"}
    data.pop("annual_turnover", None)
    lower = calculate(TARIFF, request_of(data)).quote
    if lower is None:
        return
    higher = calculate(TARIFF, request_of({**data, "sum_insured": lower.sum_insured + more})).quote
    if higher is not None:
        assert higher.gross >= lower.gross


@given(st.integers(0, 10**12).map(lambda c: Decimal(c) / 100), st.sampled_from([1, 2, 4, 12]))
def test_split_instalments(total: Decimal, count: int) -> None:
    parts = split_instalments(total, count)
    assert len(parts) == count and sum(parts, Decimal(0)) == total
    assert all(part >= 0 and part == part.quantize(CENT) for part in parts)
    assert 0 <= parts[-1] - parts[0] < count * CENT
