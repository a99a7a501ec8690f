"""Offer validity (three months), withdrawal period (14 days), numbers, money notation."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from bipro_service.domain import offer
from bipro_service.domain.tariff.money import eur, is_cents, percent, split_instalments


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 3, date(2026, 4, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # no 30 February: the month's last day
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # leap year
        (date(2026, 12, 31), 1, date(2027, 1, 31)),
        (date(2026, 10, 31), 14, date(2027, 12, 31)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert offer.add_months(day, months) == expected


def test_an_offer_is_valid_three_months_inclusive() -> None:
    until = offer.offer_valid_until(date(2026, 11, 21))
    assert until == date(2027, 2, 21)
    assert not offer.is_expired(until, date(2027, 2, 21))
    assert offer.is_expired(until, date(2027, 2, 22))


def test_withdrawal_period_is_fourteen_days() -> None:
    assert offer.withdrawal_until(date(2026, 11, 21)) == date(2026, 12, 5)


def test_numbers() -> None:
    numbers = {offer.new_offer_number() for _ in range(200)}
    assert len(numbers) == 200
    assert all(re.fullmatch(r"ANG-[A-HJ-NP-Z2-9]{10}", n) for n in numbers)
    assert offer.policy_number(42) == "VAL-A00000042"
    assert offer.partner_number(42) == "PA00000042"
    assert len(offer.policy_number(99_999_999)) <= 30


def test_money_notation() -> None:
    assert eur(Decimal("1234567.5")) == "1.234.567,50 EUR"
    assert eur(Decimal("0.005")) == "0,01 EUR"
    assert percent(Decimal("0.05")) == "5 %"
    assert percent(Decimal("0.0244")) == "2,44 %"
    assert is_cents(Decimal("1.10")) and is_cents(Decimal("7"))
    assert not is_cents(Decimal("1.101")) and not is_cents(Decimal("NaN"))


def test_split_instalments_refuses_nonsense() -> None:
    assert split_instalments(Decimal("0.05"), 12) == (Decimal("0.00"),) * 11 + (Decimal("0.05"),)
    with pytest.raises(ValueError):
        split_instalments(Decimal("-1.00"), 4)
    with pytest.raises(ValueError):
        split_instalments(Decimal("1.001"), 4)
    with pytest.raises(ValueError):
        split_instalments(Decimal("1.00"), 0)
