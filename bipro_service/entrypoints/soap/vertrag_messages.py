"""Contract information (BiPRO 502) message types: ``getData`` as in the official
``bipro-prozesse-vertrag-2.6.0.xsd`` (namespace ``…/prozesse/vertrag``), and our
``listContracts`` extension in a namespace of its own (``namespaces.ERWEITERUNG``)."""

from __future__ import annotations

from spyne import ComplexModel, Integer, Unicode

from bipro_service.entrypoints.soap.messages import (
    CT_Request,
    CT_Response,
    datum_type,
    many,
    optional,
    required,
    utc_datetime,
    zeitstempel_type,
)
from bipro_service.entrypoints.soap.vertrag_objects import (
    CT_Unternehmen,
    CT_Vertrag,
    CT_Vertragsnummer,
)
from bipro_service.namespaces import DATENTYPEN, ERWEITERUNG, GEVO, VERTRAG

INFORMATIONSARTEN = ["01", "02", "03", "04", "05", "06"]


class CT_Geschaeftsvorgang(ComplexModel):
    """``gevo:CT_Geschaeftsvorgang`` (abstract base of ``Vertragsauskunft``): its simple parts."""

    __namespace__ = GEVO
    __type_name__ = "CT_Geschaeftsvorgang"
    _type_info = [
        ("Vorgangsnummer", optional(Unicode)),
        ("VorgangsnummerVM", optional(Unicode)),
        ("Erstelldatum", zeitstempel_type(mandatory=False)),
        ("Freitext", optional(Unicode, max_len=1000, type_name="ST_Text1000")),
        ("ArtID", optional(Unicode)),
    ]


class CT_Vertragsauskunft(CT_Geschaeftsvorgang):
    """The question (``Vertragsnummer``, ``GueltigAm``, ``Unternehmen``, ``Informationsart``)
    and, in the answer, the ``Vertrag``."""

    __namespace__ = VERTRAG
    __type_name__ = "CT_Vertragsauskunft"
    _type_info = [
        ("GueltigAm", datum_type(mandatory=False)),
        ("Vertragsnummer", required(CT_Vertragsnummer)),
        ("Vertrag", optional(CT_Vertrag)),
        ("Unternehmen", optional(CT_Unternehmen)),
        (
            "Informationsart",
            many(
                Unicode(
                    values=INFORMATIONSARTEN,
                    type_name="ST_Informationsart",
                    __namespace__=DATENTYPEN,
                )
            ),
        ),
    ]


class CT_VertragsauskunftRequest(CT_Request):
    __namespace__ = VERTRAG
    __type_name__ = "CT_VertragsauskunftRequest"
    _type_info = [("Vertragsauskunft", required(CT_Vertragsauskunft))]


class CT_VertragsauskunftResponse(CT_Response):
    __namespace__ = VERTRAG
    __type_name__ = "CT_VertragsauskunftResponse"
    _type_info = [("Vertragsauskunft", required(CT_Vertragsauskunft))]


class CT_ListContractsRequest(CT_Request):
    """Our extension for MVP synchronisation (docs/portfolio.md), namespace ``ext``."""

    __namespace__ = ERWEITERUNG
    __type_name__ = "CT_ListContractsRequest"
    _type_info = [
        ("GeaendertSeit", utc_datetime(mandatory=False)),
        (
            "Cursor",
            optional(Unicode, max_len=200, type_name="ST_Cursor", __namespace__=ERWEITERUNG),
        ),
        ("Seitengroesse", optional(Integer)),
    ]


class CT_ListContractsResponse(CT_Response):
    """``nac:BiPROVersion``, ``nac:Status``, then official ``vtrg:CT_Vertrag`` objects."""

    __namespace__ = ERWEITERUNG
    __type_name__ = "CT_ListContractsResponse"
    _type_info = [("Vertrag", many(CT_Vertrag)), ("NaechsterCursor", optional(Unicode))]
