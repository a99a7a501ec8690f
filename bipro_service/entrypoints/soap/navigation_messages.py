"""External navigation (BiPRO 440) message types as the field sends them.

Namespace ``http://www.bipro.net/namespace`` (prefix ``bipro``), ``Request Version="1.4.1.0"``
as an attribute and no ``BiPROVersion`` element (ehambuch/BiPROClient's 440 templates, their
default version 1.4.1.0). The official 2.6 schema set does not define 440; what it does define
is used as it defines it: the ``nac:Status`` of the answer (``nac:CT_Status``) and the
``ZielID`` codes (``dt:ST_ExtranetZielID``). docs/wire-format.md and docs/deeplinks.md.
"""

from __future__ import annotations

from spyne import Array, ComplexModel, Unicode, XmlAttribute

from bipro_service.entrypoints.soap.messages import CT_Response, optional, required
from bipro_service.namespaces import NAVIGATION

#: The 440 release the field clients send (BiPROClient's default) and we answer with.
VERSION_440 = "1.4.1.0"
#: ``dt:ST_ExtranetZielID``: 002 Stammdaten (a customer), 004 Verträge (a contract).
ZIEL_IDS = [f"{n:03d}" for n in range(1, 30)] + ["999"]


def _text() -> type:
    return optional(Unicode, max_len=100, type_name="ST_Text100")


class CT_Vertragsuche(ComplexModel):
    __namespace__ = NAVIGATION
    __type_name__ = "CT_Vertragsuche"
    _type_info = [
        (
            "Versicherungsscheinnummer",
            required(Unicode, max_len=30, type_name="ST_Text030"),
        )
    ]


class CT_Partnersuche(ComplexModel):
    """A customer by the insurer's partner number, or by name (and address) among the firm's."""

    __namespace__ = NAVIGATION
    __type_name__ = "CT_Partnersuche"
    _type_info = [
        ("PartnernummerVu", optional(Unicode, max_len=30, type_name="ST_Text030")),
        ("Name", _text()),
        ("Vorname", _text()),
        ("Strasse", _text()),
        ("Postleitzahl", _text()),
        ("Ort", _text()),
    ]


class CT_Extranetsuche(ComplexModel):
    """What the link should open: exactly one of a contract or a partner (customer)."""

    __namespace__ = NAVIGATION
    __type_name__ = "CT_Extranetsuche"
    _type_info = [
        ("Vertragsuche", optional(CT_Vertragsuche)),
        ("Partnersuche", optional(CT_Partnersuche)),
    ]


class CT_Link(ComplexModel):
    __namespace__ = NAVIGATION
    __type_name__ = "CT_Link"
    _type_info = [
        ("URL", required(Unicode)),
        ("ZielID", required(Unicode, values=ZIEL_IDS, type_name="ST_ExtranetZielID")),
        ("Beschreibung", optional(Unicode)),
    ]


class CT_Links(ComplexModel):
    __namespace__ = NAVIGATION
    __type_name__ = "CT_Links"
    _type_info = [("Link", Array(CT_Link, wrapped=False).customize(min_occurs=0, nillable=False))]


class CT_GetLinksRequest(ComplexModel):
    __namespace__ = NAVIGATION
    __type_name__ = "CT_GetLinksRequest"
    _type_info = [
        ("Version", XmlAttribute(Unicode)),
        ("Extranetsuche", required(CT_Extranetsuche)),
    ]


class CT_GetLinksResponse(CT_Response):
    """``nac:BiPROVersion`` (the release of the ``Status`` model, 2.6.1.1.0) and ``nac:Status``
    as in every BiPRO answer, then the links; ``Version`` echoes the 440 release."""

    __namespace__ = NAVIGATION
    __type_name__ = "CT_GetLinksResponse"
    _type_info = [
        ("Version", XmlAttribute(Unicode)),
        ("Links", optional(CT_Links)),
    ]
