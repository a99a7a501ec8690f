"""Is the event covered? Contract in force (AVB 5), transport kind agreed (4.1), the perils of
a carrier shipment (2.1) or an accompanied transport (2.2), exclusions (3) and clauses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bipro_service.domain.claims import labels
from bipro_service.domain.claims.findings import Cover, Finding, Rule, note, warning
from bipro_service.domain.valoren import (
    ACCOMPANIED_PERILS,
    ALWAYS_EXCLUDED,
    CLAUSE_FOR_PERIL,
    Clause,
    Peril,
    TransportKind,
)

_PERIL = "Schadenmeldung/Ereignis/Schaden/SchadenfallLeistungsfall/Beschreibung"
_KINDS = frozenset(k.value for k in TransportKind)
_CLAUSES = frozenset(c.value for c in Clause)

#: AVB 3.1.1-3.1.3: excluded unless the clause was bought (3.2).
_CLAUSE_RULE = {
    Peril.WAR: Rule.WAR_EXCLUDED,
    Peril.STRIKE_RIOT: Rule.STRIKE_RIOT_EXCLUDED,
    Peril.CONFISCATION: Rule.CONFISCATION_EXCLUDED,
}
#: AVB 3.1.4/3.1.5, 3.3 and 3.4: excluded, and no clause buys them back.
_NEVER_RULE = {
    Peril.NUCLEAR_CBRN: Rule.CBRN_NUCLEAR_EXCLUDED,
    Peril.INHERENT_NATURE: Rule.INHERENT_NATURE_EXCLUDED,
    Peril.BAD_PACKAGING: Rule.PACKAGING_EXCLUDED,
    Peril.WRONG_LABELLING: Rule.LABELLING_EXCLUDED,
    Peril.IGNORED_CARRIER_RULES: Rule.CARRIER_RULES_EXCLUDED,
    Peril.DELAY_CONSEQUENTIAL: Rule.CONSEQUENTIAL_EXCLUDED,
}
_NEVER_TEXT = {
    Peril.NUCLEAR_CBRN: "Gefahren der Kernenergie, ionisierender Strahlung und chemischer, "
    "biologischer, biochemischer oder elektromagnetischer Waffen sind ausgeschlossen "
    "(AVB Valoren 2008 Ziffer 3.1.4/3.1.5).",
    Peril.INHERENT_NATURE: "Schäden durch natürliche Beschaffenheit sind ausgeschlossen "
    "(AVB Valoren 2008 Ziffer 3.3.1).",
    Peril.BAD_PACKAGING: "Schäden durch fehlende oder mangelhafte beanspruchungsgerechte "
    "Verpackung sind ausgeschlossen (AVB Valoren 2008 Ziffer 3.3.2).",
    Peril.WRONG_LABELLING: "Schäden durch fehlende, ungenügende oder falsche Aufschrift sind "
    "ausgeschlossen (AVB Valoren 2008 Ziffer 3.3.3).",
    Peril.IGNORED_CARRIER_RULES: "Schäden durch Nichtbeachtung der Bestimmungen von "
    "Beförderungsunternehmen oder behördlicher Vorschriften sind ausgeschlossen "
    "(AVB Valoren 2008 Ziffer 3.3.4).",
    Peril.DELAY_CONSEQUENTIAL: "Mittelbare Schäden aller Art, einschließlich der Verzögerung "
    "des Transports, werden nicht ersetzt (AVB Valoren 2008 Ziffer 3.4).",
}


@dataclass(frozen=True, slots=True)
class ContractTerms:
    """What the assessment needs of a contract."""

    begin: date
    end: date | None
    """First day no longer insured (exclusive), like servicing relationships."""
    sum_insured: Decimal
    transport_kinds: frozenset[TransportKind] = frozenset()
    """Agreed transport kinds; empty: not recorded, not checked."""
    clauses: frozenset[Clause] = frozenset()

    def in_force(self, day: date) -> bool:
        return self.begin <= day and (self.end is None or day < self.end)

    @classmethod
    def from_contract(
        cls, begin: date, end: date | None, sum_insured: Decimal, details: Mapping[str, Any] | None
    ) -> ContractTerms:
        """From a contract's ``details`` JSON; ``clauses`` may be ``{name: bool}`` or a list."""
        details = details or {}
        raw = details.get("clauses") or {}
        bought: Iterable[Any] = (
            [name for name, on in raw.items() if on] if isinstance(raw, Mapping) else raw
        )
        return cls(
            begin=begin,
            end=end,
            sum_insured=sum_insured,
            transport_kinds=frozenset(
                TransportKind(k) for k in details.get("transport_kinds") or [] if k in _KINDS
            ),
            clauses=frozenset(Clause(c) for c in bought if c in _CLAUSES),
        )


def contract_cover(
    terms: ContractTerms, loss_date: date, kind: TransportKind
) -> tuple[Cover, list[Finding]]:
    """AVB 5 (the contract must be in force on the loss date) and AVB 4.1 (agreed transport)."""
    cover, findings = Cover.COVERED, []
    if not terms.in_force(loss_date):
        cover = Cover.NOT_COVERED
        findings.append(
            warning(
                Rule.NOT_IN_FORCE,
                f"Der Vertrag bestand am Schadentag {loss_date:%d.%m.%Y} nicht; "
                "Versicherungsschutz besteht nur für Transporte während der Vertragsdauer "
                "(AVB Valoren 2008 Ziffer 5).",
                "Schadenmeldung/Ereignis/Schadendatum",
            )
        )
    if terms.transport_kinds and kind not in terms.transport_kinds:
        cover = cover.worst(Cover.TO_BE_CHECKED)
        exception = (
            "An- und Abtransporte zum oder vom Beförderungsunternehmen (Ziffer 1.2) und die Fälle "
            "der Ziffer 4.2"
            if kind is TransportKind.ACCOMPANIED
            else "die Fälle der Ziffer 4.2"
        )
        findings.append(
            warning(
                Rule.TRANSPORT_KIND_NOT_AGREED,
                f"{labels.TRANSPORT_KIND[kind]} ist im Vertrag nicht vereinbart; versichert sind "
                f"nur Transporte in der vereinbarten Art (AVB Valoren 2008 Ziffer 4.1), außerdem "
                f"{exception}. Wird geprüft.",
                "Schadenmeldung/Gegenstand/Transportmittel",
            )
        )
    return cover, findings


def peril_cover(
    peril: Peril, kind: TransportKind, clauses: frozenset[Clause]
) -> tuple[Cover, list[Finding]]:
    """Whether the event is an insured peril for this transport kind under these clauses."""
    if peril in ALWAYS_EXCLUDED:
        return Cover.NOT_COVERED, [warning(_NEVER_RULE[peril], _NEVER_TEXT[peril], _PERIL)]
    clause = CLAUSE_FOR_PERIL.get(peril)
    if clause is not None:
        return _clause_cover(peril, clause, kind, clauses)
    if kind.by_carrier:
        return Cover.COVERED, []  # AVB 2.1: all risks while with the carrier
    if peril in ACCOMPANIED_PERILS:
        if peril is Peril.THEFT:
            return Cover.COVERED, [
                note(
                    Rule.THEFT_PROOF,
                    "Diebstahl ist nicht schon dann bewiesen, wenn Valoren aus unbekannter "
                    "Ursache abhanden gekommen sind (AVB Valoren 2008 Ziffer 2.2.5).",
                    _PERIL,
                )
            ]
        return Cover.COVERED, []
    return Cover.NOT_COVERED, [
        warning(
            Rule.NOT_A_NAMED_PERIL,
            f"{labels.PERIL[peril]}: bei Begleittransporten sind nur Unfall des Transportmittels, "
            "Einsturz von Lagergebäuden, Brand/Explosion/Naturkatastrophen, Ausfall der "
            "Begleitperson, Diebstahl und Raub versichert (AVB Valoren 2008 Ziffer 2.2).",
            _PERIL,
        )
    ]


def _clause_cover(
    peril: Peril, clause: Clause, kind: TransportKind, clauses: frozenset[Clause]
) -> tuple[Cover, list[Finding]]:
    name = labels.CLAUSE[clause]
    if clause not in clauses:
        return Cover.NOT_COVERED, [
            warning(
                _CLAUSE_RULE[peril],
                f"{labels.PERIL[peril]} ist ausgeschlossen (AVB Valoren 2008 Ziffer "
                f"{_CLAUSE_RULE[peril].value.removeprefix('AVB-')}); die {name} ist im Vertrag "
                "nicht vereinbart (Ziffer 3.2).",
                _PERIL,
            )
        ]
    included = note(
        Rule.CLAUSE_INCLUDED,
        f"{labels.PERIL[peril]} ist durch die vereinbarte {name} mitversichert "
        "(AVB Valoren 2008 Ziffer 3.2).",
        _PERIL,
    )
    if peril is Peril.WAR and kind is not TransportKind.AIR_FREIGHT:
        # War clause 3.1/3.2: only while on board an aircraft; post and courier 6.2,
        # accompanied transports by aircraft 3.9.
        return Cover.TO_BE_CHECKED, [
            included,
            warning(
                Rule.WAR_CLAUSE_AIR_ONLY,
                "Die Kriegsklausel deckt nur Lufttransporte: vom Einladen in das Luftfahrzeug bis "
                "zum Ausladen (Kriegsklausel Ziffer 3.1/3.2), bei Post- und Kuriersendungen im "
                "Lufttransport (Ziffer 6), bei Begleittransporten mit Luftfahrzeugen (Ziffer 3.9). "
                "Wird geprüft.",
                "Schadenmeldung/Gegenstand/Transportmittel",
            ),
        ]
    return Cover.COVERED, [included]
