"""The first assessment of a claim notification under the AVB Valoren 2008: pure, no I/O.

It is computed once, when the notification arrives, and stored with the claim; a repeated
submission and the claim information (``getData``) answer with the stored assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bipro_service.domain.claims import coverage, indemnity, obligations
from bipro_service.domain.claims.coverage import ContractTerms
from bipro_service.domain.claims.findings import Cover, Finding, Rule
from bipro_service.domain.claims.indemnity import Estimate
from bipro_service.domain.claims.notification import ClaimNotification, DocumentKind
from bipro_service.domain.status import Meldung, MeldungArt, MeldungID


@dataclass(frozen=True, slots=True)
class Assessment:
    """Verdict, flags, estimate and the findings in the order they are reported."""

    cover: Cover
    in_force: bool
    immediate_notice: bool
    limitation_notice: bool
    estimate: Estimate
    missing_documents: tuple[DocumentKind, ...]
    findings: tuple[Finding, ...]

    @property
    def rules(self) -> list[Rule]:
        return [f.rule for f in self.findings]

    @property
    def meldungen(self) -> list[Meldung]:
        return [f.meldung for f in self.findings]

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe form for storage (amounts as strings)."""
        return {
            "cover": self.cover.value,
            "in_force": self.in_force,
            "immediate_notice": self.immediate_notice,
            "limitation_notice": self.limitation_notice,
            "indemnity": str(self.estimate.indemnity),
            "costs": str(self.estimate.costs),
            "ratio": None if self.estimate.ratio is None else str(self.estimate.ratio),
            "missing_documents": [k.value for k in self.missing_documents],
            "findings": [
                [f.rule.value, f.art.value, f.meldung_id.value, f.text, f.quelle]
                for f in self.findings
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Assessment:
        ratio = data.get("ratio")
        return cls(
            cover=Cover(data["cover"]),
            in_force=bool(data["in_force"]),
            immediate_notice=bool(data["immediate_notice"]),
            limitation_notice=bool(data["limitation_notice"]),
            estimate=Estimate(
                Decimal(data["indemnity"]),
                Decimal(data["costs"]),
                None if ratio is None else Decimal(ratio),
            ),
            missing_documents=tuple(DocumentKind(k) for k in data["missing_documents"]),
            findings=tuple(
                Finding(Rule(rule), MeldungArt(art), text, quelle, MeldungID(meldung_id))
                for rule, art, meldung_id, text, quelle in data["findings"]
            ),
        )


def assess(n: ClaimNotification, terms: ContractTerms, notified_on: date) -> Assessment:
    """Assess a well-formed notification against the contract's terms on ``notified_on``."""
    contract_verdict, contract_findings = coverage.contract_cover(
        terms, n.loss_date, n.transport_kind
    )
    peril_verdict, peril_findings = coverage.peril_cover(n.peril, n.transport_kind, terms.clauses)
    cover = contract_verdict.worst(peril_verdict)
    covered = cover is not Cover.NOT_COVERED
    result = (
        indemnity.estimate(n.estimated_loss, n.insured_value, terms.sum_insured, n.mitigation_costs)
        if covered
        else indemnity.NOTHING
    )
    limitation = obligations.limitation(n, notified_on)
    immediate = obligations.immediate_notice(n)
    findings = [
        *contract_findings,
        *peril_findings,
        *limitation,
        *immediate,
        *obligations.police_report(n),
        *obligations.cancellation_proceedings(n),
        *obligations.documents(n),
        *indemnity.finding(result, n.estimated_loss, n.insured_value, terms.sum_insured, covered),
    ]
    return Assessment(
        cover=cover,
        in_force=terms.in_force(n.loss_date),
        immediate_notice=bool(immediate),
        limitation_notice=bool(limitation),
        estimate=result,
        missing_documents=obligations.missing_documents(n),
        findings=tuple(findings),
    )
