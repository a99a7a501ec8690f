"""What a first assessment says: the rules it applies (with their AVB Valoren 2008 section),
the coverage verdict, and each finding as it goes out as a BiPRO ``Meldung``."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bipro_service.domain.status import Meldung, MeldungArt, MeldungID

# Money in the claim texts is the tariff's: re-exported for the claim modules.
from bipro_service.domain.tariff.money import CENT as CENT
from bipro_service.domain.tariff.money import cents as cents
from bipro_service.domain.tariff.money import eur as eur


class Rule(enum.StrEnum):
    """A rule of the first assessment; the value is the section it comes from and goes out as
    the ``Meldung``'s ``Identifikationsnummer``."""

    NOT_IN_FORCE = "AVB-5"
    TRANSPORT_KIND_NOT_AGREED = "AVB-4.1"
    NOT_A_NAMED_PERIL = "AVB-2.2"
    THEFT_PROOF = "AVB-2.2.5"
    WAR_EXCLUDED = "AVB-3.1.1"
    STRIKE_RIOT_EXCLUDED = "AVB-3.1.2"
    CONFISCATION_EXCLUDED = "AVB-3.1.3"
    CBRN_NUCLEAR_EXCLUDED = "AVB-3.1.4/3.1.5"
    INHERENT_NATURE_EXCLUDED = "AVB-3.3.1"
    PACKAGING_EXCLUDED = "AVB-3.3.2"
    LABELLING_EXCLUDED = "AVB-3.3.3"
    CARRIER_RULES_EXCLUDED = "AVB-3.3.4"
    CONSEQUENTIAL_EXCLUDED = "AVB-3.4"
    CLAUSE_INCLUDED = "AVB-3.2"
    WAR_CLAUSE_AIR_ONLY = "KRIEGSKLAUSEL-3"
    IMMEDIATE_NOTICE = "AVB-9.2.1.1"
    DOCUMENT_NEEDED = "AVB-9.2.1.3"
    POLICE_REPORT = "AVB-9.2.1.4"
    CANCELLATION_PROCEEDINGS = "AVB-9.2.1.5"
    INDEMNITY_ESTIMATE = "AVB-7"
    UNDER_INSURANCE = "AVB-7.5"
    LIMITATION = "AVB-14"


class Cover(enum.StrEnum):
    """Verdict of the first assessment on coverage (wire value ``Deckung``)."""

    COVERED = "gedeckt"
    TO_BE_CHECKED = "zu_pruefen"
    NOT_COVERED = "nicht_gedeckt"

    def worst(self, other: Cover) -> Cover:
        order = (Cover.COVERED, Cover.TO_BE_CHECKED, Cover.NOT_COVERED)
        return max(self, other, key=order.index)


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of the assessment; ``quelle`` names the request field it is about."""

    rule: Rule
    art: MeldungArt
    text: str
    quelle: str | None = None
    meldung_id: MeldungID = MeldungID.OTHER

    @property
    def meldung(self) -> Meldung:
        return Meldung(self.art, self.meldung_id, self.text, self.quelle, self.rule.value)


#: BiPRO publishes no MeldungIDs for claim assessments: 00001 (incomplete data) where
#: something is still missing, 99999 otherwise; the rule goes out as Identifikationsnummer.
MELDUNG_IDS = {
    Rule.POLICE_REPORT: MeldungID.INCOMPLETE_DATA,
    Rule.DOCUMENT_NEEDED: MeldungID.INCOMPLETE_DATA,
}


def warning(rule: Rule, text: str, quelle: str | None = None) -> Finding:
    return Finding(rule, MeldungArt.WARNUNG, text, quelle, MELDUNG_IDS.get(rule, MeldungID.OTHER))


def note(rule: Rule, text: str, quelle: str | None = None) -> Finding:
    return Finding(rule, MeldungArt.HINWEIS, text, quelle, MELDUNG_IDS.get(rule, MeldungID.OTHER))
