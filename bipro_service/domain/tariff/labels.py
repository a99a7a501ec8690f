"""German labels of the tariff's codes, for Meldung texts and documents."""

from __future__ import annotations

from bipro_service.domain.tariff.model import DeclarationPeriod, Inclusion
from bipro_service.domain.valoren import Clause, PaymentMode

TRANSPORT_LABELS = {
    "post": "Post",
    "courier": "Kurier/Werttransporteur",
    "air_freight": "Luftfracht",
    "accompanied": "Begleittransport",
}
VALUABLES_LABELS = {
    "securities": "Effekten",
    "precious_metals": "Edelmetalle",
    "jewellery": "Schmuck",
    "cash": "Bargeld",
    "documents": "Dokumente",
    "other": "sonstige Valoren",
}
CLAUSE_LABELS = {
    Clause.WAR: "Kriegsklausel",
    Clause.STRIKE_RIOT: "Streik- und Aufruhrklausel",
    Clause.CONFISCATION: "Beschlagnahmeklausel",
}
INCLUSION_LABELS = {
    Inclusion.ACCRUED_INTEREST: ("Stückzinsen", "6.3.1"),
    Inclusion.PRICE_INCREASE: ("Kurssteigerungen", "6.3.2"),
    Inclusion.IMAGINARY_PROFIT: ("Imaginärer Gewinn", "6.3.3"),
    Inclusion.CUSTOMS_DUTIES: ("Zölle und öffentliche Abgaben", "6.3.4"),
}
PAYMENT_LABELS = {
    PaymentMode.ANNUAL: "jährlich",
    PaymentMode.SEMI_ANNUAL: "halbjährlich",
    PaymentMode.QUARTERLY: "vierteljährlich",
    PaymentMode.MONTHLY: "monatlich",
}
DECLARATION_PERIOD_LABELS = {
    DeclarationPeriod.MONTHLY: "monatlich",
    DeclarationPeriod.QUARTERLY: "vierteljährlich",
    DeclarationPeriod.SEMI_ANNUAL: "halbjährlich",
    DeclarationPeriod.ANNUAL: "jährlich",
}
#: The element of each AVB 6.3 item in ``Versicherungswert`` (also the ``Quelle`` of Meldungen).
INCLUSION_FIELDS = {
    Inclusion.ACCRUED_INTEREST: "Stueckzinsen",
    Inclusion.PRICE_INCREASE: "Kurssteigerung",
    Inclusion.IMAGINARY_PROFIT: "ImaginaererGewinn",
    Inclusion.CUSTOMS_DUTIES: "Zoelle",
}
