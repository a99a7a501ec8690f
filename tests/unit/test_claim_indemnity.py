"""First indemnity estimate: AVB 7.1 (at most the value), 7.5 (under-insurance), 7.2 (costs)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bipro_service.domain.claims.assessment import assess
from bipro_service.domain.claims.findings import Rule, eur
from bipro_service.domain.claims.indemnity import estimate
from tests.unit.claim_factories import NOTIFIED, notification, terms

D = Decimal


@pytest.mark.parametrize(
    ("loss", "value", "sum_insured", "costs", "indemnity", "total"),
    [
        ("1500.00", "10000.00", "100000.00", "0", "1500.00", "1500.00"),
        ("10000.00", "100000.00", "50000.00", "0", "5000.00", "5000.00"),  # 7.5: half insured
        ("12000.00", "10000.00", "100000.00", "0", "10000.00", "10000.00"),  # 7.1: value caps
        ("1000.00", "1000.00", "1000.00", "500.00", "1000.00", "1500.00"),  # 7.2 beyond the sum
        ("1.00", "3.00", "1.00", "0", "0.33", "0.33"),
        ("2.00", "3.00", "1.00", "0", "0.67", "0.67"),
        ("0.01", "2.00", "1.00", "0", "0.01", "0.01"),  # 0.005 rounds half-up
        ("0.00", "10.00", "100.00", "25.00", "0.00", "25.00"),
    ],
)
def test_examples(
    loss: str, value: str, sum_insured: str, costs: str, indemnity: str, total: str
) -> None:
    result = estimate(D(loss), D(value), D(sum_insured), D(costs))
    assert result.indemnity == D(indemnity)
    assert result.total == D(total)
    assert result.under_insured is (D(sum_insured) < D(value))


def test_under_insurance_is_reported_with_its_ratio() -> None:
    result = assess(
        notification(estimated_loss=D("10000"), insured_value=D("100000")),
        terms(sum_insured=D("50000")),
        NOTIFIED,
    )
    assert result.estimate.ratio == D("0.5")
    under = next(f for f in result.findings if f.rule is Rule.UNDER_INSURANCE)
    assert "im Verhältnis 0,5000" in under.text and "7.5" in under.text
    final = result.findings[-1]
    assert final.rule is Rule.INDEMNITY_ESTIMATE and eur(D("5000")) in final.text


def test_costs_are_part_of_the_estimate() -> None:
    result = assess(notification(mitigation_costs=D("350.50")), terms(), NOTIFIED)
    assert result.estimate.costs == D("350.50")
    assert result.estimate.total == D("1850.50")
    assert "7.2" in result.findings[-1].text


def test_eur_formatting() -> None:
    assert eur(D("1234567.5")) == "1.234.567,50 EUR"
    assert eur(D("0")) == "0,00 EUR"


amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
positive = st.decimals(min_value=D("0.01"), max_value=10**9, places=2, allow_nan=False)


@given(loss=amounts, value=positive, sum_insured=positive, costs=amounts)
def test_estimate_properties(loss: D, value: D, sum_insured: D, costs: D) -> None:
    result = estimate(loss, value, sum_insured, costs)
    assert D(0) <= result.indemnity <= min(loss, value, sum_insured)
    assert result.costs == costs and result.total == result.indemnity + costs
    factor = min(D(1), sum_insured / value)
    exact = min(loss, value) * factor
    assert result.indemnity == exact.quantize(D("0.01"), rounding=ROUND_HALF_UP)
    if sum_insured >= value:
        assert result.indemnity == min(loss, value) and not result.under_insured


@given(loss=amounts, more=amounts, value=positive, sum_insured=positive)
def test_estimate_grows_with_the_loss(loss: D, more: D, value: D, sum_insured: D) -> None:
    low = estimate(loss, value, sum_insured, D(0)).indemnity
    high = estimate(loss + more, value, sum_insured, D(0)).indemnity
    assert low <= high
