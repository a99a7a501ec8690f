"""External navigation (BiPRO 440) message types, namespace ``…/namespace/navigation``."""

from __future__ import annotations

from spyne import Array, ComplexModel, Unicode

from bipro_service.entrypoints.soap.messages import CT_Request, CT_Response, optional, required
from bipro_service.namespaces import NAVIGATION


class CT_Vertragsuche(ComplexModel):
    __namespace__ = NAVIGATION
    __type_name__ = "CT_Vertragsuche"
    _type_info = [
        (
            "Versicherungsscheinnummer",
            required(Unicode, max_len=30, type_name="ST_VSNR", __namespace__=NAVIGATION),
        )
    ]


class CT_Partnersuche(ComplexModel):
    __namespace__ = NAVIGATION
    __type_name__ = "CT_Partnersuche"
    _type_info = [
        (
            "Partnernummer",
            required(Unicode, max_len=20, type_name="ST_Partnernummer", __namespace__=NAVIGATION),
        )
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
        ("ZielID", required(Unicode)),
        ("Beschreibung", optional(Unicode)),
    ]


class CT_Links(ComplexModel):
    __namespace__ = NAVIGATION
    __type_name__ = "CT_Links"
    _type_info = [("Link", Array(CT_Link, wrapped=False).customize(min_occurs=0, nillable=False))]


class CT_GetLinksRequest(CT_Request):
    __namespace__ = NAVIGATION
    __type_name__ = "CT_GetLinksRequest"
    _type_info = [("Extranetsuche", required(CT_Extranetsuche))]


class CT_GetLinksResponse(CT_Response):
    __namespace__ = NAVIGATION
    __type_name__ = "CT_GetLinksResponse"
    _type_info = [("Links", optional(CT_Links))]
