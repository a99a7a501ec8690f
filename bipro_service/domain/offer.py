"""Offer and application periods of the Valoren insurance (customer information).

- An offer, with the premium it names, is valid for three months after it was handed out
  ("Gültigkeit der zur Verfügung gestellten Informationen").
- The applicant may withdraw the contract declaration within 14 days in text form
  ("Widerrufsrecht"); the period runs from the day the policy and the information are
  delivered, which for an order through the TAA service is the day of the order.
"""

from __future__ import annotations

import calendar
import secrets
from datetime import date, timedelta

OFFER_VALIDITY_MONTHS = 3
WITHDRAWAL_DAYS = 14
#: How far ahead an offer's start of cover may lie (our rule: a year, not in the documents).
LATEST_BEGIN_DAYS = 366

_OFFER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day where it has no such day
    (BGB § 188(3): 30 November + 3 months = 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def offer_valid_until(handed_out: date) -> date:
    """Last day (inclusive) on which an offer handed out on ``handed_out`` can be ordered."""
    return add_months(handed_out, OFFER_VALIDITY_MONTHS)


def is_expired(valid_until: date, today: date) -> bool:
    return today > valid_until


def withdrawal_until(delivered: date) -> date:
    """Last day of the 14-day withdrawal period that starts the day after delivery."""
    return delivered + timedelta(days=WITHDRAWAL_DAYS)


def new_offer_number() -> str:
    """``ANG-`` and 10 random characters: unguessable, short enough to read out."""
    return "ANG-" + "".join(secrets.choice(_OFFER_ALPHABET) for _ in range(10))


def policy_number(offer_id: int) -> str:
    """The Versicherungsscheinnummer of the contract ordered from offer ``offer_id``.

    Derived from the offer so that a repeated order can only ever name the same contract
    (the column is unique); the ``A`` keeps it apart from numbers of other origins.
    """
    return f"VAL-A{offer_id:08d}"


def partner_number(offer_id: int) -> str:
    """The Partnernummer of a customer created by the order of offer ``offer_id``."""
    return f"PA{offer_id:08d}"
