"""Coverage of every peril × transport kind × clause combination, as the AVB Valoren 2008 say.

The expectations are written out from the AVB text, not from the code's vocabulary.
"""

from __future__ import annotations

from datetime import date

import pytest

from bipro_service.domain.claims.assessment import assess
from bipro_service.domain.claims.coverage import ContractTerms
from bipro_service.domain.claims.findings import Cover, Rule
from bipro_service.domain.valoren import Clause, Peril, TransportKind
from tests.unit.claim_factories import ALL_CLAUSE_SETS, NOTIFIED, notification, terms

#: AVB 2.2.1-2.2.6: the only perils of an accompanied transport.
ACCOMPANIED_NAMED = {
    "accident_of_conveyance",
    "building_collapse",
    "fire_explosion_natural",
    "escort_incapacity",
    "theft",
    "robbery",
}
#: AVB 3.1.1-3.1.3 and the clause that includes each (3.2).
BUY_BACK = {"war": "war", "strike_riot": "strike_riot", "confiscation": "confiscation"}
#: AVB 3.1.4/3.1.5, 3.3.1-3.3.4, 3.4: never covered.
NEVER = {
    "nuclear_cbrn": "AVB-3.1.4/3.1.5",
    "inherent_nature": "AVB-3.3.1",
    "bad_packaging": "AVB-3.3.2",
    "wrong_labelling": "AVB-3.3.3",
    "ignored_carrier_rules": "AVB-3.3.4",
    "delay_consequential": "AVB-3.4",
}
EXCLUSION_RULE = {"war": "AVB-3.1.1", "strike_riot": "AVB-3.1.2", "confiscation": "AVB-3.1.3"}


def expected(peril: str, kind: str, clauses: set[str]) -> tuple[str, set[str]]:
    """(verdict, rules that must be reported) per the AVB."""
    if peril in NEVER:
        return "nicht_gedeckt", {NEVER[peril]}
    if peril in BUY_BACK:
        if BUY_BACK[peril] not in clauses:
            return "nicht_gedeckt", {EXCLUSION_RULE[peril]}
        if peril == "war" and kind != "air_freight":
            # War clause 3.1/3.2: on board an aircraft only (6.2 post/courier, 3.9 accompanied).
            return "zu_pruefen", {"AVB-3.2", "KRIEGSKLAUSEL-3"}
        return "gedeckt", {"AVB-3.2"}
    if kind != "accompanied":
        return "gedeckt", set()  # AVB 2.1: all risks with the carrier
    if peril in ACCOMPANIED_NAMED:
        return "gedeckt", {"AVB-2.2.5"} if peril == "theft" else set()
    return "nicht_gedeckt", {"AVB-2.2"}


COVERAGE_RULES = {
    "AVB-2.2",
    "AVB-2.2.5",
    "AVB-3.2",
    "KRIEGSKLAUSEL-3",
    *NEVER.values(),
    *EXCLUSION_RULE.values(),
}


@pytest.mark.parametrize("clauses", ALL_CLAUSE_SETS, ids=lambda c: "+".join(sorted(c)) or "none")
@pytest.mark.parametrize("kind", list(TransportKind))
@pytest.mark.parametrize("peril", list(Peril))
def test_every_peril_kind_and_clause(
    peril: Peril, kind: TransportKind, clauses: frozenset[Clause]
) -> None:
    verdict, rules = expected(peril.value, kind.value, {c.value for c in clauses})
    result = assess(
        notification(peril=peril, transport_kind=kind, police_report="AZ 1"),
        terms(clauses=clauses),
        NOTIFIED,
    )
    assert result.cover.value == verdict
    assert {r.value for r in result.rules} & COVERAGE_RULES == rules
    if verdict == "nicht_gedeckt":
        assert result.estimate.total == 0
        assert result.rules[-1] is Rule.INDEMNITY_ESTIMATE
    else:
        assert result.estimate.total == result.estimate.indemnity > 0


@pytest.mark.parametrize(
    ("loss_date", "in_force"),
    [
        (date(2023, 12, 31), False),
        (date(2024, 1, 1), True),  # begin inclusive
        (date(2024, 12, 31), True),
        (date(2025, 1, 1), False),  # end exclusive
    ],
)
def test_contract_in_force_on_loss_date(loss_date: date, in_force: bool) -> None:
    result = assess(
        notification(loss_date=loss_date),
        terms(end=date(2025, 1, 1)),
        date(2025, 3, 1),
    )
    assert result.in_force is in_force
    assert (Rule.NOT_IN_FORCE in result.rules) is not in_force
    assert result.cover is (Cover.COVERED if in_force else Cover.NOT_COVERED)
    assert (result.estimate.total == 0) is not in_force


def test_open_ended_contract_in_force() -> None:
    assert assess(notification(), terms(end=None), NOTIFIED).in_force


def test_not_in_force_overrides_a_clause() -> None:
    result = assess(
        notification(peril=Peril.STRIKE_RIOT, loss_date=date(2023, 6, 1)),
        terms(clauses=frozenset({Clause.STRIKE_RIOT})),
        NOTIFIED,
    )
    assert result.cover is Cover.NOT_COVERED
    assert result.rules[:2] == [Rule.NOT_IN_FORCE, Rule.CLAUSE_INCLUDED]


@pytest.mark.parametrize("kind", list(TransportKind))
def test_transport_kind_not_agreed_is_checked(kind: TransportKind) -> None:
    agreed = frozenset(TransportKind) - {kind}
    result = assess(
        notification(transport_kind=kind, peril=Peril.FIRE_EXPLOSION_NATURAL),
        terms(transport_kinds=agreed),
        NOTIFIED,
    )
    assert result.cover is Cover.TO_BE_CHECKED
    assert Rule.TRANSPORT_KIND_NOT_AGREED in result.rules
    assert result.estimate.total > 0


def test_unrecorded_transport_kinds_are_not_checked() -> None:
    result = assess(notification(), terms(transport_kinds=frozenset()), NOTIFIED)
    assert result.cover is Cover.COVERED


@pytest.mark.parametrize(
    ("details", "kinds", "clauses"),
    [
        ({}, set(), set()),
        (
            {"transport_kinds": ["post", "teleport"], "clauses": {"war": True, "strike_riot": 0}},
            {TransportKind.POST},
            {Clause.WAR},
        ),
        ({"clauses": ["confiscation", "unknown"]}, set(), {Clause.CONFISCATION}),
        ({"clauses": []}, set(), set()),
    ],
)
def test_terms_from_contract_details(details: dict, kinds: set, clauses: set) -> None:  # type: ignore[type-arg]
    result = ContractTerms.from_contract(date(2024, 1, 1), None, terms().sum_insured, details)
    assert result.transport_kinds == kinds
    assert result.clauses == clauses
