"""Obligations after a loss (AVB 9.2.1.1, 9.2.1.3-9.2.1.5) and the limitation notice (14)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bipro_service.domain.claims.assessment import Assessment, assess
from bipro_service.domain.claims.findings import Rule
from bipro_service.domain.claims.notification import DocumentKind, ItemDamage
from bipro_service.domain.status import MeldungArt, MeldungID
from bipro_service.domain.valoren import Peril, TransportKind, ValuablesClass
from tests.unit.claim_factories import NOTIFIED, doc, item, notification, terms

CARRIER_DOCS = [
    DocumentKind.CARRIER_CERTIFICATE,
    DocumentKind.TRANSPORT_PAPERS,
    DocumentKind.INVOICE,
    DocumentKind.LOSS_CALCULATION,
    DocumentKind.ASSIGNMENT_DECLARATION,
]


@pytest.mark.parametrize(
    ("loss", "flagged"),
    [("0.00", False), ("2000.00", False), ("2000.01", True), ("250000.00", True)],
)
def test_immediate_notice_over_2000(loss: str, flagged: bool) -> None:
    result = assess(notification(estimated_loss=Decimal(loss)), terms(), NOTIFIED)
    assert result.immediate_notice is flagged
    assert (Rule.IMMEDIATE_NOTICE in result.rules) is flagged


def test_immediate_notice_also_when_not_covered() -> None:
    # The duty to notify does not depend on the insurer's view of coverage.
    result = assess(
        notification(peril=Peril.NUCLEAR_CBRN, estimated_loss=Decimal("5000")), terms(), NOTIFIED
    )
    assert result.immediate_notice and result.estimate.total == 0


@pytest.mark.parametrize("police", [None, "AZ 4711/25"])
@pytest.mark.parametrize("kind", list(TransportKind))
@pytest.mark.parametrize("peril", list(Peril))
def test_police_report(peril: Peril, kind: TransportKind, police: str | None) -> None:
    required = kind is TransportKind.ACCOMPANIED and peril in (Peril.THEFT, Peril.ROBBERY)
    result = assess(
        notification(peril=peril, transport_kind=kind, police_report=police), terms(), NOTIFIED
    )
    warnings = [
        f for f in result.findings if f.rule is Rule.POLICE_REPORT and f.art is MeldungArt.WARNUNG
    ]
    assert bool(warnings) is (required and police is None)
    if warnings:
        assert warnings[0].meldung_id is MeldungID.INCOMPLETE_DATA
        assert warnings[0].quelle == "Schadenmeldung/Ereignis/Polizeibericht/Tagebuchnummer"
    assert (DocumentKind.POLICE_CERTIFICATE in result.missing_documents) is required


@pytest.mark.parametrize("kind", [k for k in TransportKind if k.by_carrier])
def test_carrier_evidence_still_needed(kind: TransportKind) -> None:
    result = assess(notification(transport_kind=kind, documents=()), terms(), NOTIFIED)
    assert list(result.missing_documents) == CARRIER_DOCS
    needed = [f for f in result.findings if f.rule is Rule.DOCUMENT_NEEDED]
    assert len(needed) == 5 and all(f.art is MeldungArt.HINWEIS for f in needed)


def test_attached_evidence_is_not_asked_for_again() -> None:
    attached = (doc(DocumentKind.INVOICE), doc(DocumentKind.TRANSPORT_PAPERS))
    result = assess(notification(documents=attached), terms(), NOTIFIED)
    assert list(result.missing_documents) == [
        DocumentKind.CARRIER_CERTIFICATE,
        DocumentKind.LOSS_CALCULATION,
        DocumentKind.ASSIGNMENT_DECLARATION,
    ]
    complete = tuple(doc(kind) for kind in CARRIER_DOCS)
    result = assess(notification(documents=complete), terms(), NOTIFIED)
    assert result.missing_documents == () and Rule.DOCUMENT_NEEDED not in result.rules


@pytest.mark.parametrize(
    ("peril", "docs"),
    [
        (Peril.FIRE_EXPLOSION_NATURAL, [DocumentKind.INVOICE, DocumentKind.LOSS_CALCULATION]),
        (
            Peril.ROBBERY,
            [DocumentKind.INVOICE, DocumentKind.LOSS_CALCULATION, DocumentKind.POLICE_CERTIFICATE],
        ),
    ],
)
def test_accompanied_evidence(peril: Peril, docs: list[DocumentKind]) -> None:
    result = assess(
        notification(transport_kind=TransportKind.ACCOMPANIED, peril=peril, documents=()),
        terms(),
        NOTIFIED,
    )
    assert list(result.missing_documents) == docs


@pytest.mark.parametrize("damage", list(ItemDamage))
@pytest.mark.parametrize("cls", list(ValuablesClass))
def test_lost_securities_need_cancellation_proceedings(
    cls: ValuablesClass, damage: ItemDamage
) -> None:
    papers = cls in (ValuablesClass.SECURITIES, ValuablesClass.DOCUMENTS)
    result = assess(notification(items=(item(cls=cls, damage=damage), item())), terms(), NOTIFIED)
    assert (Rule.CANCELLATION_PROCEEDINGS in result.rules) is (papers and damage is ItemDamage.LOST)


@pytest.mark.parametrize(
    ("loss_date", "notified", "notice"),
    [
        (date(2021, 6, 30), date(2024, 12, 31), False),  # last day of the third year after 2021
        (date(2021, 6, 30), date(2025, 1, 1), True),
        (date(2021, 1, 1), date(2025, 1, 1), True),
        (date(2021, 12, 31), date(2024, 12, 31), False),
        (date(2025, 3, 1), date(2025, 3, 5), False),
    ],
)
def test_limitation_notice(loss_date: date, notified: date, notice: bool) -> None:
    result = assess(notification(loss_date=loss_date), terms(begin=date(2020, 1, 1)), notified)
    assert result.limitation_notice is notice
    assert (Rule.LIMITATION in result.rules) is notice


def test_every_finding_cites_its_section() -> None:
    result: Assessment = assess(
        notification(
            transport_kind=TransportKind.ACCOMPANIED,
            peril=Peril.THEFT,
            estimated_loss=Decimal("9000"),
            insured_value=Decimal("9000"),
            items=(item(cls=ValuablesClass.SECURITIES, damage=ItemDamage.LOST),),
            documents=(),
            loss_date=date(2020, 5, 1),
        ),
        terms(begin=date(2020, 1, 1), sum_insured=Decimal("4500")),
        NOTIFIED,
    )
    for finding in result.findings:
        assert "Ziffer" in finding.text
        assert finding.meldung.identifikationsnummer == finding.rule.value
    assert set(result.rules) >= {
        Rule.THEFT_PROOF,
        Rule.LIMITATION,
        Rule.IMMEDIATE_NOTICE,
        Rule.POLICE_REPORT,
        Rule.CANCELLATION_PROCEEDINGS,
        Rule.DOCUMENT_NEEDED,
        Rule.UNDER_INSURANCE,
        Rule.INDEMNITY_ESTIMATE,
    }
    assert Assessment.from_json(result.to_json()) == result
