"""German labels of the claim vocabulary, for Meldung texts and the acknowledgement letter."""

from __future__ import annotations

from bipro_service.domain.claims.notification import DocumentKind, ItemDamage
from bipro_service.domain.tariff.labels import CLAUSE_LABELS
from bipro_service.domain.valoren import Peril, TransportKind, ValuablesClass

TRANSPORT_KIND = {
    TransportKind.POST: "Versendung per Post",
    TransportKind.COURIER: "Versendung per Kurier/Werttransport",
    TransportKind.AIR_FREIGHT: "Versendung per Luftfracht",
    TransportKind.ACCOMPANIED: "Begleittransport",
}
PERIL = {
    Peril.ACCIDENT_OF_CONVEYANCE: "Unfall des Transportmittels",
    Peril.BUILDING_COLLAPSE: "Einsturz von Lagergebäuden",
    Peril.FIRE_EXPLOSION_NATURAL: "Brand, Blitzschlag, Explosion, Naturkatastrophe, Flugkörper",
    Peril.ESCORT_INCAPACITY: "Tod, Erkrankung oder Unfall der Begleitperson",
    Peril.THEFT: "Diebstahl",
    Peril.ROBBERY: "Raub",
    Peril.WAR: "Krieg, Bürgerkrieg, kriegsähnliche Ereignisse",
    Peril.STRIKE_RIOT: "Streik, Aufruhr, Terror, politische Gewalt",
    Peril.CONFISCATION: "Beschlagnahme, Eingriffe von Hoher Hand",
    Peril.NUCLEAR_CBRN: "Kernenergie, Strahlung, CBRN-Waffen",
    Peril.INHERENT_NATURE: "natürliche Beschaffenheit",
    Peril.BAD_PACKAGING: "mangelhafte Verpackung",
    Peril.WRONG_LABELLING: "fehlende oder falsche Aufschrift",
    Peril.IGNORED_CARRIER_RULES: "Nichtbeachtung von Beförderungsbestimmungen",
    Peril.DELAY_CONSEQUENTIAL: "Verzögerung, mittelbarer Schaden",
    Peril.OTHER: "sonstiges Ereignis",
}
CLAUSE = CLAUSE_LABELS
VALUABLES = {
    ValuablesClass.SECURITIES: "Effekten",
    ValuablesClass.PRECIOUS_METALS: "Edelmetalle",
    ValuablesClass.JEWELLERY: "Schmuck",
    ValuablesClass.CASH: "Bargeld",
    ValuablesClass.DOCUMENTS: "Urkunden",
    ValuablesClass.OTHER: "sonstige Valoren",
}
DAMAGE = {
    ItemDamage.LOST: "abhanden gekommen",
    ItemDamage.DESTROYED: "zerstört",
    ItemDamage.DAMAGED: "beschädigt",
}
DOCUMENT = {
    DocumentKind.CARRIER_CERTIFICATE: "Bescheinigung des Beförderungsunternehmens "
    "über den Tatbestand",
    DocumentKind.TRANSPORT_PAPERS: "Beförderungspapiere",
    DocumentKind.INVOICE: "Faktura",
    DocumentKind.LOSS_CALCULATION: "Berechnung des Gesamtschadens",
    DocumentKind.ASSIGNMENT_DECLARATION: "Abtretungserklärung des aus dem Beförderungsvertrag "
    "Berechtigten",
    DocumentKind.POLICE_CERTIFICATE: "Bescheinigung der Polizeidienststelle über die Anzeige "
    "mit Liste der abhanden gekommenen Valoren",
    DocumentKind.PHOTO: "Foto",
    DocumentKind.OTHER: "sonstiges Dokument",
}
