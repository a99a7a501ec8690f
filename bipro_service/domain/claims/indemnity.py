"""First indemnity estimate: the loss up to the insured value (AVB 7.1), reduced for
under-insurance (7.5), plus the costs of 7.2 on top of the sum insured."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bipro_service.domain.claims.findings import Finding, Rule, note
from bipro_service.domain.tariff.money import ZERO, cents, eur


@dataclass(frozen=True, slots=True)
class Estimate:
    """The estimate in EUR; ``ratio`` is sum insured / insured value when under-insured."""

    indemnity: Decimal
    costs: Decimal
    ratio: Decimal | None = None

    @property
    def total(self) -> Decimal:
        return self.indemnity + self.costs

    @property
    def under_insured(self) -> bool:
        return self.ratio is not None


NOTHING = Estimate(ZERO, ZERO)


def estimate(
    loss: Decimal, insured_value: Decimal, sum_insured: Decimal, costs: Decimal
) -> Estimate:
    """The estimate for a covered loss.

    AVB 7.1: at most the insured value. AVB 7.5: if the sum insured is below the insured
    value, only sum/value of the loss. AVB 7.2: costs of securing, averting, minimising and
    assessing are paid in addition, even beyond the sum insured.
    """
    if insured_value <= 0:
        raise ValueError("insured value must be positive")
    base = min(loss, insured_value)
    ratio = None
    if sum_insured < insured_value:
        ratio = sum_insured / insured_value
        base = base * sum_insured / insured_value
    return Estimate(cents(min(base, sum_insured)), cents(costs), ratio)


def finding(
    result: Estimate, loss: Decimal, insured_value: Decimal, sum_insured: Decimal, covered: bool
) -> list[Finding]:
    """The estimate as findings: the amount (AVB 7) and, if so, the under-insurance (7.5)."""
    if not covered:
        return [
            note(
                Rule.INDEMNITY_ESTIMATE,
                "Nach erster Prüfung ist keine Entschädigung zu erwarten (siehe die vorstehenden "
                "Meldungen); die endgültige Entscheidung folgt nach Prüfung.",
                "Schadenmeldung/Ereignis/Schaden/Schadenhoehe",
            )
        ]
    findings = []
    if result.ratio is not None:
        ratio = f"{result.ratio:.4f}".replace(".", ",")
        findings.append(
            note(
                Rule.UNDER_INSURANCE,
                f"Unterversicherung: Versicherungssumme {eur(sum_insured)} unter dem "
                f"Versicherungswert {eur(insured_value)}; entschädigt wird im Verhältnis "
                f"{ratio} (AVB Valoren 2008 Ziffer 7.5).",
                "Schadenmeldung/Ereignis/Schaden/Schadenhoehe",
            )
        )
    reduced = ", gekürzt nach Ziffer 7.5" if result.ratio is not None else ""
    costs = f", zuzüglich Kosten nach Ziffer 7.2 von {eur(result.costs)}" if result.costs else ""
    findings.append(
        note(
            Rule.INDEMNITY_ESTIMATE,
            f"Erste Schätzung der Entschädigung: {eur(result.total)} (Entschädigung "
            f"{eur(result.indemnity)} für einen Schaden von {eur(loss)}, höchstens bis zum "
            f"Versicherungswert nach Ziffer 7.1{reduced}{costs}). Unverbindlich; gezahlt wird "
            "nach endgültiger Feststellung (AVB Valoren 2008 Ziffer 7.7).",
            "Schadenmeldung/Ereignis/Schaden/Schadenhoehe",
        )
    )
    return findings
