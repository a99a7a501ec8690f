"""Vocabulary of the Valoren insurance (AVB Valoren 2008): transports, valuables, clauses,
perils and payment modes. Codes are stable wire/storage values; labels are German."""

from __future__ import annotations

import enum


class TransportKind(enum.StrEnum):
    """AVB 1.1: shipments through a carrier (1.1.1) or accompanied transports (1.1.2)."""

    POST = "post"
    COURIER = "courier"  # courier / valuables carrier
    AIR_FREIGHT = "air_freight"
    ACCOMPANIED = "accompanied"

    @property
    def by_carrier(self) -> bool:
        """With a carrier: all risks in its custody (AVB 2.1); accompanied: named perils (2.2)."""
        return self is not TransportKind.ACCOMPANIED


class ValuablesClass(enum.StrEnum):
    SECURITIES = "securities"  # Effekten
    PRECIOUS_METALS = "precious_metals"
    JEWELLERY = "jewellery"
    CASH = "cash"
    DOCUMENTS = "documents"
    OTHER = "other"


class Clause(enum.StrEnum):
    """Buy-back clauses for the exclusions of AVB 3.1 (only when requested and confirmed)."""

    WAR = "war"
    STRIKE_RIOT = "strike_riot"
    CONFISCATION = "confiscation"


class PaymentMode(enum.StrEnum):
    """Customer information: instalment surcharges apply to all but annual payment."""

    ANNUAL = "annual"
    SEMI_ANNUAL = "semi_annual"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"

    @property
    def instalments(self) -> int:
        return {"annual": 1, "semi_annual": 2, "quarterly": 4, "monthly": 12}[self.value]


class Peril(enum.StrEnum):
    """Events of a loss; the accompanied-transport perils are those of AVB 2.2.1 to 2.2.6."""

    ACCIDENT_OF_CONVEYANCE = "accident_of_conveyance"  # 2.2.1
    BUILDING_COLLAPSE = "building_collapse"  # 2.2.2
    FIRE_EXPLOSION_NATURAL = "fire_explosion_natural"  # 2.2.3 incl. lightning, aircraft
    ESCORT_INCAPACITY = "escort_incapacity"  # 2.2.4 death, illness, accident of the escort
    THEFT = "theft"  # 2.2.5 (mere disappearance is no proof)
    ROBBERY = "robbery"  # 2.2.6
    WAR = "war"  # 3.1.1, buy-back: war clause
    STRIKE_RIOT = "strike_riot"  # 3.1.2, buy-back: strike-and-riot clause
    CONFISCATION = "confiscation"  # 3.1.3, buy-back: confiscation clause
    NUCLEAR_CBRN = "nuclear_cbrn"  # 3.1.4/3.1.5, never covered
    INHERENT_NATURE = "inherent_nature"  # 3.3.1
    BAD_PACKAGING = "bad_packaging"  # 3.3.2
    WRONG_LABELLING = "wrong_labelling"  # 3.3.3
    IGNORED_CARRIER_RULES = "ignored_carrier_rules"  # 3.3.4
    DELAY_CONSEQUENTIAL = "delay_consequential"  # 3.4
    OTHER = "other"


#: AVB 2.2: what is covered on an accompanied transport.
ACCOMPANIED_PERILS = frozenset(
    {
        Peril.ACCIDENT_OF_CONVEYANCE,
        Peril.BUILDING_COLLAPSE,
        Peril.FIRE_EXPLOSION_NATURAL,
        Peril.ESCORT_INCAPACITY,
        Peril.THEFT,
        Peril.ROBBERY,
    }
)
#: AVB 3.1: excluded unless the clause was bought.
CLAUSE_FOR_PERIL = {
    Peril.WAR: Clause.WAR,
    Peril.STRIKE_RIOT: Clause.STRIKE_RIOT,
    Peril.CONFISCATION: Clause.CONFISCATION,
}
#: AVB 3.1.4/3.1.5, 3.3, 3.4: never covered.
ALWAYS_EXCLUDED = frozenset(
    {
        Peril.NUCLEAR_CBRN,
        Peril.INHERENT_NATURE,
        Peril.BAD_PACKAGING,
        Peril.WRONG_LABELLING,
        Peril.IGNORED_CARRIER_RULES,
        Peril.DELAY_CONSEQUENTIAL,
    }
)
