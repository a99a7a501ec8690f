"""SOAP calls of the TAA service (BiPRO 420) for in-process tests, in the official shapes of
``…/versicherung/tarifierung`` (docs/wire-format.md, 420)."""

from __future__ import annotations

import base64
import re
from datetime import date
from typing import Any

from lxml import etree

from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.namespaces import (
    ALLGEMEIN,
    GEVO,
    KOMPOSIT,
    PARTNER,
    PRODUKTMODELL,
    SACHEN,
    TAA,
    VERSICHERUNG_PRODUKTMODELL,
    XSI,
)
from tests.integration.portfolio_calls import get_data, transfer
from tests.support import Answer, call, envelope, request_body, token_header

TAA_PATH = "/bipro/TAAService_2.6.1.1.0"
T = TAA
#: The prefixes of the answers (``namespaces.PREFIXES``), for ``taa_text`` paths.
NS = {
    "tar": TAA,
    "gevo": GEVO,
    "allg": ALLGEMEIN,
    "par": PARTNER,
    "pm": PRODUKTMODELL,
    "vspm": VERSICHERUNG_PRODUKTMODELL,
    "kom": KOMPOSIT,
    "sachen": SACHEN,
    "xsi": XSI,
}
#: Namespace declarations of a request, as a client generated from the official schemas
#: writes them (its own prefixes).
DECLARE = (
    f'xmlns:gevo="{GEVO}" xmlns:allg="{ALLGEMEIN}" xmlns:partner="{PARTNER}" '
    f'xmlns:pm="{PRODUKTMODELL}" xmlns:vs-pm="{VERSICHERUNG_PRODUKTMODELL}" '
    f'xmlns:kom="{KOMPOSIT}" xmlns:sachen="{SACHEN}" xmlns:xsi="{XSI}"'
)

#: Example A of docs/tariff.md: a single courier transport of jewellery, 474.22 EUR.
EXAMPLE_A: dict[str, Any] = {
    "Deckungsform": "single",
    "Transportart": "courier",
    "Wertsachenart": "jewellery",
    "Grundwert": "180000.00",
    "Kosten": "1250.00",
    "ImaginaererGewinn": "18000.00",
    "Klausel": ["war", "strike_riot"],
}
NEW_APPLICANT: dict[str, Any] = {
    "Firmenname": "Juwelier Muster GmbH",
    "Anschrift": {"Strasse": "Königsallee 1", "Postleitzahl": "40212", "Ort": "Düsseldorf"},
}
_VALUE = ("Grundwert", "Kosten", "Stueckzinsen", "Kurssteigerung", "ImaginaererGewinn", "Zoelle")
PAYMENT = {"annual": "1", "semi_annual": "2", "quarterly": "4", "monthly": "8"}
TURNUS = {"monthly": "03", "quarterly": "04", "semi_annual": "05", "annual": "06"}
KEY = {"post": "10", "courier": "12", "air_freight": "08", "accompanied": "12"}


def _kondition(name: str, value: Any) -> str:
    return (
        f"<pm:Kondition><pm:Wert>{value}</pm:Wert><pm:Werteinheit>20</pm:Werteinheit>"
        f"<pm:Waehrung>EUR</pm:Waehrung><pm:Bezeichnung>{name}</pm:Bezeichnung></pm:Kondition>"
    )


def verkaufsprodukt(fields: dict[str, Any], begin: date | None = None) -> str:
    """``tar:Verkaufsprodukt`` with the product as ``kom:CT_SUHVersicherung``."""
    inner = "<pm:Bezeichnung>Valorenversicherung</pm:Bezeichnung>"
    if "Zahlweise" in fields:
        wish = PAYMENT.get(fields["Zahlweise"], fields["Zahlweise"])
        inner += f"<pm:GewuenschteZahlungsweise>{wish}</pm:GewuenschteZahlungsweise>"
    inner += "".join(_kondition(k, fields[k]) for k in _VALUE if k in fields)
    if "Jahresumsatz" in fields:
        inner += _kondition("Jahresumsatz", fields["Jahresumsatz"])
    if begin is not None:
        inner += (
            f"<pm:Versicherungsdauer><allg:Beginn>{begin.isoformat()}T00:00</allg:Beginn>"
            "</pm:Versicherungsdauer>"
        )
    inner += "<pm:Sparte>193</pm:Sparte>"
    if "Versicherungssumme" in fields:
        inner += (
            "<vs-pm:VersicherungssummeOderLeistung>"
            f"<vs-pm:Wert>{fields['Versicherungssumme']}</vs-pm:Wert>"
            "<vs-pm:Werteinheit>20</vs-pm:Werteinheit><vs-pm:Waehrung>EUR</vs-pm:Waehrung>"
            "</vs-pm:VersicherungssummeOderLeistung>"
        )
    for clause in fields.get("Klausel", []):
        inner += f"<vs-pm:Klausel><vs-pm:ArtID>{clause}</vs-pm:ArtID></vs-pm:Klausel>"
    if fields.get("Deckungsform") == "open":
        inner += "<kom:Meldeverfahren>true</kom:Meldeverfahren>"
    declaration = fields.get("Anmeldeverfahren")
    if declaration == "individual":
        inner += "<kom:Meldeturnus>01</kom:Meldeturnus>"
    elif declaration == "summary" and fields.get("Anmeldezeitraum"):
        inner += f"<kom:Meldeturnus>{TURNUS[fields['Anmeldezeitraum']]}</kom:Meldeturnus>"
    return (
        f'<t:Verkaufsprodukt><pm:Produkt xsi:type="kom:CT_SUHVersicherung">{inner}'
        "</pm:Produkt></t:Verkaufsprodukt>"
    )


def gegenstand(fields: dict[str, Any]) -> str:
    kind = fields["Transportart"]
    route = "grenzueberschreitend" if fields.get("Grenzueberschreitend") else "inland"
    return (
        '<t:Gegenstand xsi:type="sachen:CT_Transport">'
        "<allg:GegenstandID>1</allg:GegenstandID>"
        f"<sachen:TransportmittelSchluessel>{KEY.get(kind, '99')}"
        "</sachen:TransportmittelSchluessel>"
        f"<sachen:Transportmittel>{kind}</sachen:Transportmittel>"
        f"<sachen:Route>{route}</sachen:Route>"
        f"<sachen:Warenbezeichnung>{fields['Wertsachenart']}</sachen:Warenbezeichnung>"
        "</t:Gegenstand>"
    )


def partner(applicant: dict[str, Any]) -> str:
    """``tar:Partner`` (+ ``tar:Versicherungsnehmer``) from the flat applicant fields."""
    person = "Firmenname" not in applicant and "Name" in applicant
    kind = "CT_Person" if person else "CT_JuristischePerson"
    inner = ""
    name = applicant.get("Name") if person else applicant.get("Firmenname")
    if name:
        inner += f"<partner:Name>{name}</partner:Name>"
    if "Partnernummer" in applicant:
        inner += f"<partner:Partnernummer>{applicant['Partnernummer']}</partner:Partnernummer>"
    inner += "<partner:PartnerID>VN</partner:PartnerID>"
    address = applicant.get("Anschrift")
    if address:
        inner += (
            "<partner:Anschrift><allg:Strasse>{Strasse}</allg:Strasse>"
            "<allg:Postleitzahl>{Postleitzahl}</allg:Postleitzahl><allg:Ort>{Ort}</allg:Ort>"
            "</partner:Anschrift>"
        ).format(**address)
    if applicant.get("Email"):
        inner += (
            "<partner:Kommunikationsverbindung><partner:ArtID>50</partner:ArtID>"
            f"<partner:Kommunikationsadresse>{applicant['Email']}</partner:Kommunikationsadresse>"
            "</partner:Kommunikationsverbindung>"
        )
    if person and applicant.get("Vorname"):
        inner += f"<partner:Vorname>{applicant['Vorname']}</partner:Vorname>"
    if person and applicant.get("Geburtsdatum"):
        inner += f"<partner:Geburtsdatum>{applicant['Geburtsdatum']}</partner:Geburtsdatum>"
    return (
        f'<t:Partner xsi:type="partner:{kind}">{inner}</t:Partner>'
        "<t:Versicherungsnehmer><partner:PartnerID>VN</partner:PartnerID></t:Versicherungsnehmer>"
    )


def process(
    element: str,
    fields: dict[str, Any],
    *,
    applicant: dict[str, Any] | None = None,
    begin: date | None = None,
    number: str | None = None,
) -> str:
    """``tar:Tarifierung`` / ``tar:Angebot`` / ``tar:Antrag`` in the official order."""
    inner = f"<gevo:Vorgangsnummer>{number}</gevo:Vorgangsnummer>" if number else ""
    if fields.get("SEPALastschriftmandat"):
        inner += "<t:Zahlungsart>1</t:Zahlungsart>"
    if applicant is not None:
        inner += partner(applicant)
    inner += verkaufsprodukt(fields, begin) + gegenstand(fields)
    return f"<t:{element} {DECLARE}>{inner}</t:{element}>"


def tarifierung(fields: dict[str, Any]) -> str:
    return process("Tarifierung", fields)


def _call(app: BiproApplication, tok: str, operation: str, inner: str) -> Answer:
    return call(app, TAA_PATH, envelope(request_body(T, operation, inner), token_header(tok)))


def get_quote(app: BiproApplication, tok: str, **changes: Any) -> Answer:
    return _call(app, tok, "getQuote", tarifierung({**EXAMPLE_A, **changes}))


def get_offer(
    app: BiproApplication,
    tok: str,
    *,
    applicant: dict[str, Any] | None = None,
    begin: date | None = None,
    **changes: Any,
) -> Answer:
    inner = process(
        "Angebot",
        {**EXAMPLE_A, **changes},
        applicant=applicant if applicant is not None else NEW_APPLICANT,
        begin=begin or app.runtime.business_day(),
    )
    return _call(app, tok, "getOffer", inner)


def set_order(app: BiproApplication, tok: str, number: str) -> Answer:
    """``setOrder`` with the offer's number as ``Antrag/gevo:Vorgangsnummer`` (the product is
    mandatory in the norm; the stored offer decides, not what is repeated here)."""
    return _call(app, tok, "setOrder", process("Antrag", EXAMPLE_A, number=number))


def find(answer: Answer, path: str) -> etree._Element | None:
    found = answer.xml.xpath(".//" + path, namespaces=NS)
    return found[0] if found else None


def taa_text(answer: Answer, path: str) -> str | None:
    """Text at ``path`` (prefixes of :data:`NS`, e.g. ``tar:Angebot/gevo:Vorgangsnummer``)."""
    found = answer.xml.xpath(".//" + path, namespaces=NS)
    if not found:
        return None
    item = found[0]
    return item if isinstance(item, str) else item.text


def offer_number(answer: Answer) -> str:
    number = taa_text(answer, "tar:Angebot/gevo:Vorgangsnummer")
    assert number, answer.body
    return number


def shipment_of(answer: Answer) -> str | None:
    """The ID of the post shipment named in the offer's / order's first Meldung."""
    match = re.search(r"Lieferung (\S+?)\.", answer.text(".//nachr:Meldung/nachr:Text") or "")
    return match.group(1) if match else None


def kondition(answer: Answer, name: str) -> str | None:
    """The ``pm:Wert`` of the product's ``pm:Kondition`` named ``name``."""
    return taa_text(answer, f"pm:Produkt/pm:Kondition[pm:Bezeichnung='{name}']/pm:Wert")


def beitrag(answer: Answer, art: str) -> str | None:
    """The amount of the product's ``pm:Beitrag`` of ``ArtID`` ``art`` (01 gross, 02 net …)."""
    return taa_text(answer, f"pm:Produkt/pm:Beitrag[pm:ArtID='{art}']/pm:Betrag/allg:Betrag")


def lines(answer: Answer) -> list[tuple[str, str]]:
    """The calculation lines (``Kondition`` ``<kind>:<code>``) with their amounts."""
    found = answer.xml.xpath(".//pm:Produkt/pm:Kondition", namespaces=NS)
    return [
        (
            k.findtext(f"{{{PRODUKTMODELL}}}Bezeichnung") or "",
            k.findtext(f"{{{PRODUKTMODELL}}}Wert") or "",
        )
        for k in found
        if ":" in (k.findtext(f"{{{PRODUKTMODELL}}}Bezeichnung") or "")
        and not (k.findtext(f"{{{PRODUKTMODELL}}}Bezeichnung") or "").startswith("Rate:")
    ]


def rates(answer: Answer) -> list[str]:
    found = answer.xml.xpath(
        ".//pm:Produkt/pm:Kondition[starts-with(pm:Bezeichnung, 'Rate:')]/pm:Wert", namespaces=NS
    )
    return [e.text for e in found]


def document(answer: Answer, path: str) -> bytes:
    data = taa_text(answer, f"{path}/gevo:Datei/allg:Daten")
    assert data, answer.body
    return base64.b64decode(data)


def get_contract(app: BiproApplication, tok: str, number: str) -> Answer:
    return get_data(app, tok, number)


def posted(app: BiproApplication, shipment_id: str) -> tuple[str, str, int | None, int | None]:
    """Category, document SHA-256, customer and contract id of a post shipment (read from the
    database: the Transfer service's wire shape is tested in its own tests)."""
    from sqlalchemy import select

    from bipro_service.adapters.db.models import Shipment

    with app.runtime.uow() as uow:
        shipment = uow.session.scalars(
            select(Shipment).where(Shipment.public_id == shipment_id)
        ).one()
        return (
            shipment.category,
            shipment.documents[0].sha256,
            shipment.customer_id,
            shipment.contract_id,
        )


def get_shipment(app: BiproApplication, tok: str, shipment_id: str) -> Answer:
    return transfer(app, tok, "getShipment", f"<t:ID>{shipment_id}</t:ID>")


def findings(answer: Answer) -> list[str]:
    """Each Meldung as ``MeldungID`` or, for a TAA finding, ``MeldungID/Identifikationsnummer``
    (several findings share an official code, docs/status-codes.md)."""
    result = []
    for meldung in answer.xml.iterfind(".//{*}Status/{*}Meldung"):
        code = meldung.findtext("{*}MeldungID") or ""
        key = meldung.findtext("{*}Identifikationsnummer")
        result.append(f"{code}/{key}" if key else code)
    return result


def meldung(answer: Answer, key: str) -> etree._Element:
    """The Meldung with ``Identifikationsnummer`` ``key``."""
    for found in answer.xml.iterfind(".//{*}Status/{*}Meldung"):
        if found.findtext("{*}Identifikationsnummer") == key:
            return found
    raise AssertionError(f"no Meldung {key}: {answer.body!r}")


CALCULATED = "01005/TAA-BERECHNET"
OFFER_CREATED = "00107/TAA-ANGEBOT-ERSTELLT"
ORDER_ACCEPTED = "00106/TAA-POLICIERT"
ORDER_REPEATED = "00106/TAA-AUFTRAG-WIEDERHOLT"
MAXIMUM = "01015/TAA-HOECHSTSUMME"
IMAGINARY_PROFIT = "01000/TAA-IMAGINAERER-GEWINN"
NOT_OFFERED = "01015/TAA-NICHT-ANGEBOTEN"
UNDER_INSURANCE = "00101/TAA-UNTERVERSICHERUNG"
PAYMENT_CHANGED = "00102/TAA-ZAHLWEISE-GEAENDERT"
NOTICE = "00101/TAA-HINWEIS"
START_MOVED = "00102/TAA-BEGINN-VERSCHOBEN"
OFFER_EXPIRED = "01000/TAA-ANGEBOT-ABGELAUFEN"
OFFER_ORDERED = "01000/TAA-ANGEBOT-BEANTRAGT"
