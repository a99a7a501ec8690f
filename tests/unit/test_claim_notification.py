"""Well-formedness of a notification and the canonical content hash of idempotency."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bipro_service.domain.claims.notification import (
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENTS,
    MAX_TOTAL_DOCUMENT_BYTES,
    Attachment,
    ClaimDataError,
    DocumentKind,
    check,
    content_hash,
    normalised,
)
from tests.unit.claim_factories import NOTIFIED, doc, item, notification

D = Decimal


def test_a_good_notification_passes() -> None:
    check(normalised(notification(documents=(doc(DocumentKind.INVOICE),))), NOTIFIED)


@pytest.mark.parametrize(
    ("changes", "quelle"),
    [
        ({"loss_date": date(2025, 3, 6)}, "Schadenmeldung/Schadendatum"),
        ({"loss_place": "   "}, "Schadenmeldung/Schadenort"),
        ({"description": ""}, "Schadenmeldung/Schadenbeschreibung"),
        ({"estimated_loss": D("-1")}, "Schadenmeldung/Schadenhoehe"),
        ({"estimated_loss": D("1.001")}, "Schadenmeldung/Schadenhoehe"),
        ({"insured_value": D("0")}, "Schadenmeldung/Versicherungswert"),
        ({"mitigation_costs": D("NaN")}, "Schadenmeldung/Schadenminderungskosten"),
        ({"items": ()}, "Schadenmeldung/Gegenstand"),
        ({"items": (item(), item(description=" "))}, "Schadenmeldung/Gegenstand[2]/Bezeichnung"),
        ({"items": (item(value="-5"),)}, "Schadenmeldung/Gegenstand[1]/Wert"),
        (
            {"documents": (doc(DocumentKind.OTHER, "../x.pdf"),)},
            "Schadenmeldung/Dokument[1]/Dateiname",
        ),
        (
            {"documents": (doc(DocumentKind.OTHER, "a\\b.pdf"),)},
            "Schadenmeldung/Dokument[1]/Dateiname",
        ),
        (
            {"documents": (doc(DocumentKind.OTHER, "a\nb.pdf"),)},
            "Schadenmeldung/Dokument[1]/Dateiname",
        ),
        ({"documents": (doc(DocumentKind.OTHER, data=b""),)}, "Schadenmeldung/Dokument[1]/Daten"),
        (
            {"documents": (Attachment("a.pdf", "not a type", DocumentKind.OTHER, b"x"),)},
            "Schadenmeldung/Dokument[1]/Dateityp",
        ),
        (
            {"documents": (doc(DocumentKind.OTHER, data=b"x" * (MAX_DOCUMENT_BYTES + 1)),)},
            "Schadenmeldung/Dokument[1]/Daten",
        ),
        (
            {"documents": tuple(doc(DocumentKind.OTHER) for _ in range(MAX_DOCUMENTS + 1))},
            "Schadenmeldung/Dokument",
        ),
        (
            {
                "documents": tuple(
                    doc(DocumentKind.OTHER, data=b"x" * MAX_DOCUMENT_BYTES)
                    for _ in range(MAX_TOTAL_DOCUMENT_BYTES // MAX_DOCUMENT_BYTES + 1)
                )
            },
            "Schadenmeldung/Dokument",
        ),
    ],
)
def test_malformed_notifications_are_refused(changes: dict, quelle: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ClaimDataError) as refused:
        check(normalised(notification(**changes)), NOTIFIED)
    assert refused.value.quelle == quelle
    assert refused.value.meldung.meldung_id.value == "00001"


def test_documents_at_the_limits_pass() -> None:
    largest = tuple(
        doc(DocumentKind.OTHER, f"{i}.pdf", b"x" * MAX_DOCUMENT_BYTES)
        for i in range(MAX_TOTAL_DOCUMENT_BYTES // MAX_DOCUMENT_BYTES)
    )
    check(normalised(notification(documents=largest)), NOTIFIED)


def test_hash_ignores_spelling_of_the_same_content() -> None:
    a = notification(estimated_loss=D("1500"), loss_place="Frankfurt am Main")
    b = notification(estimated_loss=D("1500.00"), loss_place="  Frankfurt am Main\n")
    assert content_hash(normalised(a)) == content_hash(normalised(b))
    # Unicode: "ä" precomposed and decomposed are the same text.
    c = notification(description="Sendung beschädigt.")
    d = notification(description="Sendung bescha\u0308digt.")
    assert content_hash(normalised(c)) == content_hash(normalised(d))


@pytest.mark.parametrize(
    "changes",
    [
        {"contract_number": "VAL-2"},
        {"loss_date": date(2025, 3, 2)},
        {"estimated_loss": D("1500.01")},
        {"mitigation_costs": D("1")},
        {"police_report": "AZ 1"},
        {"items": (item(), item())},
        {"items": (item(value="1499.99"),)},
        {"documents": (doc(DocumentKind.INVOICE),)},
        {"documents": (doc(DocumentKind.INVOICE, data=b"%PDF-1.4 other"),)},
        {"documents": (doc(DocumentKind.PHOTO, "invoice.pdf"),)},
    ],
)
def test_hash_sees_every_change(changes: dict) -> None:  # type: ignore[type-arg]
    base = normalised(notification())
    assert content_hash(base) != content_hash(normalised(replace(base, **changes)))


@given(text=st.text(min_size=1, max_size=50), amount=st.integers(0, 10**8))
def test_hash_is_deterministic(text: str, amount: int) -> None:
    n = notification(description=text, estimated_loss=D(amount) / 100)
    assert content_hash(normalised(n)) == content_hash(normalised(n))
    assert len(content_hash(normalised(n))) == 64
