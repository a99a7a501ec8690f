"""Money arithmetic of the tariff: Decimal euros, rounded half-up to cents at defined points.

The rounding points are listed in docs/tariff.md ("Rounding"); nothing else rounds.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: Largest amount accepted in a request (below the 14,2 columns with room for premiums).
MAX_AMOUNT = Decimal("9999999999.99")


def cents(amount: Decimal) -> Decimal:
    """Round half-up to cents ("kaufmännisch")."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def per_mille(basis: Decimal, rate: Decimal) -> Decimal:
    """``basis`` × ``rate`` ‰, rounded half-up to cents."""
    return cents(basis * rate / 1000)


def share(basis: Decimal, fraction: Decimal) -> Decimal:
    """``basis`` × ``fraction`` (e.g. 0.05 for 5 %), rounded half-up to cents."""
    return cents(basis * fraction)


def is_cents(amount: Decimal) -> bool:
    """True for a finite amount with at most two decimal places."""
    return amount.is_finite() and amount == amount.quantize(CENT, rounding=ROUND_DOWN)


def split_instalments(total: Decimal, count: int) -> tuple[Decimal, ...]:
    """``count`` instalments that add up to ``total`` to the cent.

    The regular instalments are ``total / count`` cut to cents; the last one takes the
    remainder, so it is never smaller than the others (0 to ``count - 1`` cents more) and
    never negative — rounding half-up there could make a tiny last instalment negative.
    """
    if count < 1:
        raise ValueError("at least one instalment")
    if total < 0 or not is_cents(total):
        raise ValueError("a non-negative amount in cents")
    regular = (total / count).quantize(CENT, rounding=ROUND_DOWN)
    return (regular,) * (count - 1) + (total - regular * (count - 1),)


def eur(amount: Decimal) -> str:
    """German notation for texts and documents: ``1.234,56 EUR``."""
    text = f"{cents(amount):,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") + " EUR"


def percent(fraction: Decimal) -> str:
    """``0.05`` → ``5 %``, ``0.035`` → ``3,5 %`` (German notation)."""
    value = (fraction * 100).normalize()
    text = f"{value:f}".replace(".", ",")
    return f"{text} %"
