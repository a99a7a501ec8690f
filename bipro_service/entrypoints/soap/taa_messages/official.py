"""The official BiPRO 2.6 building blocks the 420 messages use, each in its namespace.

Only the elements we read or write are modelled, in the official order; everything left out is
optional in the official schemas. Abstract official types are written with a concrete official
subtype (``xsi:type``): ``pm:Produkt`` as ``kom:CT_SUHVersicherung``, ``allg:Gegenstand`` as
``sachen:CT_Transport``, ``tar:Partner`` as ``par:CT_Person`` / ``par:CT_JuristischePerson``.
How the Valoren data sit in them: docs/wire-format.md (420).
"""

from __future__ import annotations

from spyne import Boolean, ByteArray, ComplexModel, Decimal, Unicode

from bipro_service.entrypoints.soap.messages import datum_type, optional, required
from bipro_service.namespaces import (
    ALLGEMEIN,
    KOMPOSIT,
    PARTNER,
    PRODUKTMODELL,
    SACHEN,
    VERSICHERUNG_PRODUKTMODELL,
)


def many(model: type, *, min_occurs: int = 0) -> type:
    """A repeated element (``maxOccurs="unbounded"``)."""
    return model.customize(min_occurs=min_occurs, max_occurs="unbounded", nillable=False)  # type: ignore[attr-defined, no-any-return]


def text(length: int, *, mandatory: bool = False) -> type:
    """``ST_TextNNN``: a string of at most ``length`` characters."""
    wrap = required if mandatory else optional
    return wrap(Unicode, max_len=length)


#: ``ST_Betrag``: two decimals, twelve digits.
BETRAG: dict[str, object] = {"fraction_digits": 2, "total_digits": 12}
#: ``ST_Waehrungsschluessel`` as we use it.
WAEHRUNG = optional(Unicode, values=["EUR"])


def codes(values: list[str], *, mandatory: bool = False) -> type:
    wrap = required if mandatory else optional
    return wrap(Unicode, values=values)


# --- allgemein -------------------------------------------------------------------------------


class CT_Betrag(ComplexModel):
    """``allg:CT_Betrag`` (``CT_Geldwert``): amount and currency."""

    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Betrag"
    _type_info = [("Betrag", optional(Decimal, **BETRAG)), ("Waehrung", WAEHRUNG)]


class CT_Steuer(ComplexModel):
    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Steuer"
    _type_info = [
        ("ArtID", codes(["1", "2", "3"])),  # 1 = Versicherungsteuer
        ("Satz", optional(Decimal)),
        ("Betrag", optional(CT_Betrag)),
    ]


DATUMZEIT = r"\d{4}\-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-6][0-9]"


class CT_Zeitraum(ComplexModel):
    """``allg:CT_Zeitraum``; ``Beginn`` is ``ST_DatumZeit`` (``YYYY-MM-DDThh:mm``)."""

    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Zeitraum"
    _type_info = [
        ("Beginn", optional(Unicode, pattern=DATUMZEIT)),
    ]


class CT_Pruefsumme(ComplexModel):
    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Pruefsumme"
    _type_info = [
        ("Typ", codes(["MD5", "SHA1"], mandatory=True)),
        ("Wert", required(Unicode, min_len=1, max_len=255)),
    ]


class CT_Datei(ComplexModel):
    """``allg:CT_Datei``: a PDF of the offer or the policy."""

    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Datei"
    _type_info = [
        ("Dateiname", text(255)),
        ("Dateityp", codes(["Dokument", "Nettodaten"])),
        ("Daten", optional(ByteArray)),
        ("Komprimierungstyp", codes(["ZIP", "KEINE"], mandatory=True)),
        ("Kurzbeschreibung", text(255)),
        ("Pruefsumme", optional(CT_Pruefsumme)),
    ]


class CT_Vertragsnummer(ComplexModel):
    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Vertragsnummer"
    _type_info = [("Versicherungsscheinnummer", text(20))]


class CT_Gegenstand(ComplexModel):
    """``allg:CT_Gegenstand`` (abstract in the norm: always sent as ``sachen:CT_Transport``)."""

    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Gegenstand"
    _type_info = [
        ("GegenstandID", required(Unicode, min_len=1)),
        ("Beschreibung", text(255)),
    ]


class CT_Transport(CT_Gegenstand):
    """``sachen:CT_Transport``: the transport of the valuables (docs/wire-format.md, 420)."""

    __namespace__ = SACHEN
    __type_name__ = "CT_Transport"
    _type_info = [
        ("TransportmittelSchluessel", codes(["08", "10", "12", "99"])),
        ("Transportmittel", codes(["post", "courier", "air_freight", "accompanied"])),
        ("Route", codes(["inland", "grenzueberschreitend"])),
        (
            "Warenbezeichnung",
            codes(["securities", "precious_metals", "jewellery", "cash", "documents", "other"]),
        ),
    ]


# --- partner ---------------------------------------------------------------------------------


class CT_Adresse(ComplexModel):
    """``allg:CT_Adresse`` (abstract in the norm: sent as ``par:CT_Partneranschrift``)."""

    __namespace__ = ALLGEMEIN
    __type_name__ = "CT_Adresse"
    _type_info = [
        ("Strasse", text(50)),
        ("Postleitzahl", text(10)),
        ("Ort", text(50)),
    ]


class CT_Partneranschrift(CT_Adresse):
    __namespace__ = PARTNER
    __type_name__ = "CT_Partneranschrift"
    _type_info: list[tuple[str, type]] = []


class CT_Kommunikationsverbindung(ComplexModel):
    __namespace__ = PARTNER
    __type_name__ = "CT_Kommunikationsverbindung"
    _type_info = [
        ("ArtID", codes(["50", "51", "52"], mandatory=True)),  # E-Mail
        ("Kommunikationsadresse", text(60)),
    ]


class CT_Partner(ComplexModel):
    """``par:CT_Partner`` (abstract: :class:`CT_Person` or :class:`CT_JuristischePerson`)."""

    __namespace__ = PARTNER
    __type_name__ = "CT_Partner"
    _type_info = [
        ("Name", text(50)),
        ("Partnernummer", text(30)),
        ("PartnerID", optional(Unicode, min_len=1)),
        ("Anschrift", many(CT_Partneranschrift)),
        ("Kommunikationsverbindung", many(CT_Kommunikationsverbindung)),
    ]


class CT_Person(CT_Partner):
    __namespace__ = PARTNER
    __type_name__ = "CT_Person"
    _type_info = [("Vorname", text(50)), ("Geburtsdatum", datum_type(mandatory=False))]


class CT_JuristischePerson(CT_Partner):
    __namespace__ = PARTNER
    __type_name__ = "CT_JuristischePerson"
    _type_info: list[tuple[str, type]] = []


class CT_Vertragspartner(ComplexModel):
    """``par:CT_Vertragspartner``: the role, pointing at a ``Partner`` by ``PartnerID``."""

    __namespace__ = PARTNER
    __type_name__ = "CT_Vertragspartner"
    _type_info = [("PartnerID", required(Unicode, min_len=1))]


# --- produktmodell ---------------------------------------------------------------------------

#: ``ST_Zahlungsweise``: 1 jährlich, 2 halbjährlich, 4 vierteljährlich, 6 einmalig, 8 monatlich.
ZAHLUNGSWEISE = ["1", "2", "4", "6", "8"]
#: ``ST_Werteinheit``: 11 Promille, 20 Währung (``Waehrung`` then says which).
WERTEINHEIT = ["10", "11", "20"]


class CT_Kondition(ComplexModel):
    """``pm:CT_Kondition``: our named amounts (``Bezeichnung`` = code, docs/wire-format.md)."""

    __namespace__ = PRODUKTMODELL
    __type_name__ = "CT_Kondition"
    _type_info = [
        ("Wert", optional(Decimal)),
        ("Werteinheit", codes(WERTEINHEIT)),
        ("Grund", text(1000)),
        ("Waehrung", WAEHRUNG),
        ("Bezeichnung", text(255)),
    ]


class CT_Beitrag(ComplexModel):
    """``pm:CT_Beitrag``; ``ArtID`` is written with ``xsi:type="dt:STE_BeitragBasis"``."""

    __namespace__ = PRODUKTMODELL
    __type_name__ = "CT_Beitrag"
    _type_info = [
        # dt:STE_BeitragBasis: 01 incl. tax, 02 net incl. instalment surcharge, 16 base, 19 minimum
        ("ArtID", optional(Unicode, values=["01", "02", "16", "19"], type_name="STE_BeitragBasis")),
        ("Betrag", optional(CT_Betrag)),
        ("Zahlungsweise", codes(ZAHLUNGSWEISE)),
        ("Prozentsatz", optional(Decimal, ge=0)),
        ("Steuer", many(CT_Steuer)),
    ]


class CT_Produktbaustein(ComplexModel):
    """``pm:CT_Produktbaustein`` (abstract), the fields common to sales product and product."""

    __namespace__ = PRODUKTMODELL
    __type_name__ = "CT_Produktbaustein"
    _type_info = [
        ("Bezeichnung", text(255)),
        ("GewuenschteZahlungsweise", codes(ZAHLUNGSWEISE)),
        ("Kurzbeschreibung", text(1000)),
        ("Kondition", many(CT_Kondition)),
        ("Beitrag", many(CT_Beitrag)),
        ("Versicherungsdauer", optional(CT_Zeitraum)),
    ]


class CT_Produkt(CT_Produktbaustein):
    """``pm:CT_Produkt``; we send and expect ``kom:CT_SUHVersicherung``."""

    __namespace__ = PRODUKTMODELL
    __type_name__ = "CT_Produkt"
    _type_info = [("Sparte", codes(["190", "193"])), ("Kennung", text(30))]


class CT_VersicherungssummeOderLeistung(ComplexModel):
    __namespace__ = VERSICHERUNG_PRODUKTMODELL
    __type_name__ = "CT_VersicherungssummeOderLeistung"
    _type_info = [
        ("Wert", optional(Decimal)),
        ("Werteinheit", codes(["20"])),
        ("Waehrung", WAEHRUNG),
    ]


class CT_Klausel(ComplexModel):
    __namespace__ = VERSICHERUNG_PRODUKTMODELL
    __type_name__ = "CT_Klausel"
    _type_info = [
        ("ArtID", codes(["war", "strike_riot", "confiscation"], mandatory=True)),
        ("Klauseltext", text(1000)),
    ]


class CT_VersicherungsProdukt(CT_Produkt):
    """``vs-pm:CT_Produkt``: sum insured and clauses."""

    __namespace__ = VERSICHERUNG_PRODUKTMODELL
    __type_name__ = "CT_Produkt"
    _type_info = [
        ("VersicherungssummeOderLeistung", many(CT_VersicherungssummeOderLeistung)),
        ("Klausel", CT_Klausel.customize(min_occurs=0, max_occurs=3, nillable=False)),
    ]


class CT_SUHVersicherung(CT_VersicherungsProdukt):
    """``kom:CT_SUHVersicherung``: the Valoren product; open cover = ``Meldeverfahren``."""

    __namespace__ = KOMPOSIT
    __type_name__ = "CT_SUHVersicherung"
    _type_info = [
        ("Meldeverfahren", optional(Boolean)),
        # ST_Meldeturnus: 01 before each transport, 03 monthly, 04 quarterly, 05 half-yearly,
        # 06 yearly.
        ("Meldeturnus", codes(["01", "03", "04", "05", "06"])),
    ]


class CT_Verkaufsprodukt(CT_Produktbaustein):
    __namespace__ = PRODUKTMODELL
    __type_name__ = "CT_Verkaufsprodukt"
    _type_info = [("Kennung", text(255)), ("Produkt", many(CT_Produkt, min_occurs=1))]
