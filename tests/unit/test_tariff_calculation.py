"""The calculation rules one by one: lines, minimum, clauses, payment modes, tax, acceptance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bipro_service.domain.status import MeldungArt, TaaFinding
from bipro_service.domain.tariff import Assessment, LineKind, calculate
from bipro_service.domain.tariff.snapshot import (
    quote_from_dict,
    quote_to_dict,
    request_from_dict,
    request_to_dict,
)
from tests.unit.tariff_helpers import TARIFF, request_of

SINGLE: dict[str, Any] = {
    "cover": "single",
    "transport_kind": "courier",
    "valuables_class": "securities",
    "base": "100000.00",
}
OPEN: dict[str, Any] = {
    **SINGLE,
    "cover": "open",
    "annual_turnover": "1000000.00",
    "declaration": "summary",
    "declaration_period": "quarterly",
}


def run(**changes: Any) -> Assessment:
    base = OPEN if changes.get("cover") == "open" else SINGLE
    return calculate(TARIFF, request_of({**base, **changes}))


def ids(assessment: Assessment) -> list[str]:
    return [m.identifikationsnummer or m.meldung_id.value for m in assessment.meldungen]


def amounts(assessment: Assessment, kind: LineKind) -> list[Decimal]:
    assert assessment.quote is not None
    return [line.amount for line in assessment.quote.lines if line.kind is kind]


def test_insured_value_adds_all_components() -> None:
    quote = run(
        base="100000.00",
        costs="500.00",
        accrued_interest="1000.00",
        price_increase="2000.00",
        imaginary_profit="10000.00",
        customs_duties="300.00",
    ).quote
    assert quote is not None
    assert quote.insured_value == Decimal("113800.00") == quote.sum_insured


def test_base_premium_rounds_half_up() -> None:
    # accompanied securities 1.00 ‰: 12,345.00 → 12.345 → 12.35 (banker's rounding: 12.34)
    assert amounts(run(transport_kind="accompanied", base="12345.00"), LineKind.BASE) == [
        Decimal("12.35")
    ]


def test_minimum_premium_is_topped_up_as_its_own_line() -> None:
    assessment = run(base="1000.00")  # 1,000.00 × 0.90 ‰ = 0.90
    assert amounts(assessment, LineKind.BASE) == [Decimal("0.90")]
    assert amounts(assessment, LineKind.MINIMUM) == [Decimal("24.10")]
    assert assessment.quote is not None and assessment.quote.net == Decimal("25.00")
    assert amounts(run(base="100000.00"), LineKind.MINIMUM) == []  # 90.00 ≥ 25.00


def test_open_cover_minimum_is_annual() -> None:
    assessment = run(cover="open", annual_turnover="100000.00")  # 90.00 < 500.00
    assert amounts(assessment, LineKind.MINIMUM) == [Decimal("410.00")]


def test_clauses_only_where_requested() -> None:
    assert amounts(run(), LineKind.CLAUSE) == []
    quote = run(clauses=["confiscation", "war"]).quote
    assert quote is not None
    assert [line.code for line in quote.lines if line.kind is LineKind.CLAUSE] == [
        "war",
        "confiscation",
    ]
    assert amounts(run(clauses=["strike_riot"]), LineKind.CLAUSE) == [Decimal("15.00")]


def test_clause_basis_is_the_turnover_for_open_cover() -> None:
    assert amounts(run(cover="open", clauses=["war"]), LineKind.CLAUSE) == [Decimal("250.00")]


@pytest.mark.parametrize(
    ("mode", "surcharge", "count"),
    [("annual", None, 1), ("semi_annual", "27.00", 2), ("quarterly", "45.00", 4)],
)
def test_instalment_surcharges(mode: str, surcharge: str | None, count: int) -> None:
    assessment = run(cover="open", payment_mode=mode)  # net 900.00
    assert amounts(assessment, LineKind.INSTALMENT) == ([Decimal(surcharge)] if surcharge else [])
    assert assessment.quote is not None and len(assessment.quote.instalments) == count
    assert ids(assessment) == ["TAA-HINWEIS"]


def test_monthly_with_sepa_mandate() -> None:
    assessment = run(cover="open", payment_mode="monthly", sepa_mandate=True)
    assert amounts(assessment, LineKind.INSTALMENT) == [Decimal("63.00")]
    assert assessment.quote is not None and len(assessment.quote.instalments) == 12


def test_monthly_without_sepa_mandate_is_quarterly_with_a_notice() -> None:
    assessment = run(cover="open", payment_mode="monthly")
    assert assessment.quote is not None
    assert assessment.quote.payment_mode.value == "quarterly"
    assert amounts(assessment, LineKind.INSTALMENT) == [Decimal("45.00")]
    notice = next(
        m
        for m in assessment.meldungen
        if m.identifikationsnummer == TaaFinding.PAYMENT_MODE_CHANGED
    )
    assert notice.art is MeldungArt.HINWEIS and "SEPA" in notice.text and "5 %" in notice.text


@pytest.mark.parametrize(
    "changes",
    [
        {"payment_mode": "monthly"},
        {"cover": "open", "declaration": "individual", "payment_mode": "semi_annual"},
    ],
)
def test_no_instalments_for_single_transports_and_individual_declaration(
    changes: dict[str, Any],
) -> None:
    assessment = run(**changes)
    assert assessment.quote is not None
    assert assessment.quote.payment_mode.value == "annual"
    assert assessment.quote.instalments == (assessment.quote.gross,)
    assert "TAA-ZAHLWEISE-GEAENDERT" in ids(assessment)
    assert not assessment.quote.advance_premium


def test_summary_declaration_is_an_advance_premium() -> None:
    quote = run(cover="open").quote
    assert quote is not None and quote.advance_premium and quote.basis == Decimal("1000000.00")


def test_insurance_tax_and_cross_border_exemption() -> None:
    assert amounts(run(), LineKind.TAX) == [Decimal("17.10")]  # 90.00 × 19 %
    exempt = run(cross_border=True)
    assert amounts(exempt, LineKind.TAX) == [Decimal("0.00")]
    assert any("§ 4 Abs. 1 Nr. 10 VersStG" in m.text for m in exempt.meldungen)


def test_maximum_per_transport_kind() -> None:
    assert run(transport_kind="post", base="25000.00").ok  # at the maximum
    refused = run(transport_kind="post", base="25000.01")
    assert not refused.ok and ids(refused) == ["TAA-HOECHSTSUMME"]
    assert "25.000,00 EUR" in refused.meldungen[0].text
    assert not run(cover="open", transport_kind="post", base="30000.00").ok
    # the sum counts, not the value: an under-insured shipment within the maximum is accepted
    assert run(transport_kind="post", base="30000.00", sum_insured="25000.00").ok


def test_imaginary_profit_at_most_ten_percent_of_the_sum() -> None:
    assert run(base="90000.00", imaginary_profit="10000.00").ok  # 10,000 = 10 % of 100,000
    refused = run(base="90000.00", imaginary_profit="10000.01")
    assert ids(refused) == ["TAA-IMAGINAERER-GEWINN"] and "AVB 6.3.3" in refused.meldungen[0].text
    # the cap is on the sum insured (AVB 6.3.3), not on the value: 9,000 > 10 % of 80,000
    assert ids(run(base="90000.00", imaginary_profit="9000.00", sum_insured="80000.00")) == [
        "TAA-IMAGINAERER-GEWINN"
    ]


def test_not_offered_combinations_and_inclusions() -> None:
    assert ids(run(transport_kind="post", valuables_class="cash", base="1000.00")) == [
        "TAA-NICHT-ANGEBOTEN"
    ]
    refused = run(valuables_class="jewellery", accrued_interest="100.00")
    assert ids(refused) == ["TAA-NICHT-ANGEBOTEN"] and "AVB 6.3.1" in refused.meldungen[0].text
    assert run(valuables_class="jewellery", accrued_interest="0.00").ok  # 0 = not agreed


def test_all_errors_are_reported_together() -> None:
    refused = run(
        transport_kind="post", valuables_class="cash", base="90000.00", imaginary_profit="20000.00"
    )
    assert sorted(ids(refused)) == [
        "TAA-HOECHSTSUMME",
        "TAA-IMAGINAERER-GEWINN",
        "TAA-NICHT-ANGEBOTEN",
    ]
    assert refused.quote is None


def test_under_insurance_warning_quantifies() -> None:
    assessment = run(base="100000.00", sum_insured="80000.00")
    assert assessment.ok
    (warning,) = assessment.meldungen
    assert (
        warning.art is MeldungArt.WARNUNG
        and warning.identifikationsnummer == TaaFinding.UNDER_INSURANCE
    )
    for part in ("80.000,00 EUR", "20.000,00 EUR", "20 %", "100.000,00 EUR", "80 %", "AVB 7.5"):
        assert part in warning.text


def test_over_insurance_is_a_notice() -> None:
    assessment = run(base="100000.00", sum_insured="120000.00")
    assert [m.art for m in assessment.meldungen] == [MeldungArt.HINWEIS]
    assert "AVB 6.1, 7.1" in assessment.meldungen[0].text


@pytest.mark.parametrize(
    ("changes", "quelle"),
    [
        ({"base": "-1.00"}, "Versicherungswert/Grundwert"),
        ({"base": "1.001"}, "Versicherungswert/Grundwert"),
        ({"base": "0.00"}, "Versicherungswert/Grundwert"),
        ({"costs": "10000000000.00"}, "Versicherungswert/Kosten"),
        ({"sum_insured": "0.00"}, "Versicherungssumme"),
        ({"cover": "open", "annual_turnover": "0.00"}, "LaufendeVersicherung/Jahresumsatz"),
        ({"cover": "open", "declaration_period": None}, "LaufendeVersicherung/Anmeldezeitraum"),
        ({"annual_turnover": "5.00", "declaration": "summary"}, "LaufendeVersicherung"),
    ],
)
def test_input_errors(changes: dict[str, Any], quelle: str) -> None:
    assessment = run(**changes)
    assert not assessment.ok
    assert [(m.meldung_id.value, m.quelle) for m in assessment.meldungen] == [("00001", quelle)]


def test_open_cover_needs_its_terms() -> None:
    request = request_of({**SINGLE, "cover": "open"})
    assert [m.quelle for m in calculate(TARIFF, request).meldungen] == ["LaufendeVersicherung"]


def test_snapshots_round_trip() -> None:
    request = request_of({**OPEN, "clauses": ["war"], "imaginary_profit": "100.00"})
    assert request_from_dict(request_to_dict(request)) == request
    quote = calculate(TARIFF, request).quote
    assert quote is not None
    assert quote_from_dict(quote_to_dict(quote)) == quote
