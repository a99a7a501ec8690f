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
        ({"loss_date": date(2025, 3, 6)}, "Schadenmeldung/Ereignis/Schadendatum"),
        ({"loss_place": "   "}, "Schadenmeldung/Ereignis/Schadenanschrift/Schadenort"),
        ({"description": ""}, "Schadenmeldung/Ereignis/Schadenhergang/Beschreibung"),
        ({"estimated_loss": D("-1")}, "Schadenmeldung/Ereignis/Schaden/Schadenhoehe"),
        ({"estimated_loss": D("1.001")}, "Schadenmeldung/Ereignis/Schaden/Schadenhoehe"),
        ({"insured_value": D("0")}, "Schadenmeldung/Ereignis/Schaden/Schadenhoehe"),
        ({"mitigation_costs": D("NaN")}, "Schadenmeldung/Ereignis/Schaden/Schadenhoehe"),
        ({"items": ()}, "Schadenmeldung/Ereignis/Schaden/Schadenobjekt"),
        (
            {"items": (item(), item(description=" "))},
            "Schadenmeldung/Ereignis/Schaden/Schadenobjekt[2]/Bezeichnung",
        ),
        (
            {"items": (item(value="-5"),)},
            "Schadenmeldung/Ereignis/Schaden/Schadenobjekt[1]/Schadenhoehe",
        ),
        (
            {"documents": (doc(DocumentKind.OTHER, "../x.pdf"),)},
            "Schadenmeldung/Datei[1]/Dateiname",
        ),
        (
            {"documents": (doc(DocumentKind.OTHER, "a\\b.pdf"),)},
            "Schadenmeldung/Datei[1]/Dateiname",
        ),
        (
            {"documents": (doc(DocumentKind.OTHER, "a\nb.pdf"),)},
            "Schadenmeldung/Datei[1]/Dateiname",
        ),
        ({"documents": (doc(DocumentKind.OTHER, data=b""),)}, "Schadenmeldung/Datei[1]/Daten"),
        (
            {"documents": (Attachment("a.pdf", "not a type", DocumentKind.OTHER, b"x"),)},
            "Schadenmeldung/Datei[1]/Daten/@xmime:contentType",
        ),
        (
            {"documents": (doc(DocumentKind.OTHER, data=b"x" * (MAX_DOCUMENT_BYTES + 1)),)},
            "Schadenmeldung/Datei[1]/Daten",
        ),
        (
            {"documents": tuple(doc(DocumentKind.OTHER) for _ in range(MAX_DOCUMENTS + 1))},
            "Schadenmeldung/Datei",
        ),
        (
            {
                "documents": tuple(
                    doc(DocumentKind.OTHER, data=b"x" * MAX_DOCUMENT_BYTES)
                    for _ in range(MAX_TOTAL_DOCUMENT_BYTES // MAX_DOCUMENT_BYTES + 1)
                )
            },
            "Schadenmeldung/Datei",
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
