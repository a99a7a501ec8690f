"""The common BiPRO message model (release 2.6/2.7): Request, Response, Status, Meldung."""

from __future__ import annotations

from typing import Any

from spyne import Boolean, ComplexModel, DateTime, Unicode
from spyne.interface.xml_schema import XmlSchema
from spyne.model.complex import Array

from bipro_service.namespaces import DATENTYPEN, NACHRICHTEN, XMIME

VERSION_PATTERN = r"\d{1,3}(\.\d{1,3}){4}"
#: ``ST_Zeitstempel``: no fraction, no offset (we write UTC, docs/wire-format.md).
ZEITSTEMPEL_PATTERN = r"\d{4}\-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-6][0-9]:[0-6][0-9]"
DATUM_PATTERN = r"\d{4}\-[0-1][0-9]-[0-3][0-9]"


def required(model: type, **kwargs: object) -> type:
    """A mandatory, non-nillable element; named restrictions (``ST_…``) live in ``datentypen``,
    as in the official schemas."""
    return _element(model, 1, kwargs)


def optional(model: type, **kwargs: object) -> type:
    """An optional, non-nillable element."""
    return _element(model, 0, kwargs)


def _element(model: type, min_occurs: int, kwargs: dict[str, object]) -> type:
    if "type_name" in kwargs:
        kwargs.setdefault("__namespace__", DATENTYPEN)
    return model.customize(min_occurs=min_occurs, nillable=False, **kwargs)  # type: ignore[attr-defined, no-any-return]


def many(model: type, least: int = 0, most: int | str = "unbounded") -> type:
    """A repeated element, unwrapped (``minOccurs=least maxOccurs=most``)."""
    return Array(model, wrapped=False).customize(  # type: ignore[no-any-return]
        min_occurs=least, max_occurs=most, nillable=False
    )


def text(length: int, mandatory: bool = False) -> type:
    """A ``dt:ST_TextNNN`` (the official restriction names, in ``datentypen``)."""
    wrap = required if mandatory else optional
    return wrap(Unicode, max_len=length, type_name=f"ST_Text{length:03d}")


def bipro_version(*, mandatory: bool = True) -> type:
    """The ``BiPROVersion`` element type (``ST_BiPROVersion``)."""
    wrap = required if mandatory else optional
    return wrap(Unicode, pattern=VERSION_PATTERN, max_len=19, type_name="ST_Version")


def zeitstempel_type(*, mandatory: bool = True) -> type:
    """``ST_Zeitstempel`` (``YYYY-MM-DDThh:mm:ss``), written from a string we format."""
    wrap = required if mandatory else optional
    return wrap(Unicode, pattern=ZEITSTEMPEL_PATTERN, type_name="ST_Zeitstempel")


def datum_type(*, mandatory: bool = True) -> type:
    """``ST_Datum`` (``YYYY-MM-DD``), written from a string we format."""
    wrap = required if mandatory else optional
    return wrap(Unicode, pattern=DATUM_PATTERN, type_name="ST_Datum")


class CT_Meldung(ComplexModel):
    __namespace__ = NACHRICHTEN
    __type_name__ = "CT_Meldung"
    _type_info = [
        (
            "ArtID",
            required(Unicode, values=["Fehler", "Warnung", "Hinweis"], type_name="ST_Meldungsart"),
        ),
        ("MeldungID", required(Unicode, pattern=r"\d{5}", type_name="ST_Meldung")),
        ("Text", optional(Unicode)),
        ("Quelle", optional(Unicode)),
        ("Identifikationsnummer", optional(Unicode)),
    ]


class CT_Status(ComplexModel):
    __namespace__ = NACHRICHTEN
    __type_name__ = "CT_Status"
    _type_info = [
        ("ProzessID", required(Unicode, max_len=255, type_name="ST_ProzessID")),
        ("Zeitstempel", zeitstempel_type()),
        ("StatusID", required(Unicode, values=["OK", "NOK"], type_name="ST_Status")),
        ("Gueltigkeitsende", zeitstempel_type(mandatory=False)),
        ("Schwebe", required(Boolean)),
        # The norm: at least one Meldung in every Status.
        ("Meldung", Array(CT_Meldung, wrapped=False).customize(min_occurs=1, nillable=False)),
    ]


class CT_Request(ComplexModel):
    """Base of every BiPRO request: ``BiPROVersion`` and the caller's ``ConsumerID``."""

    __namespace__ = NACHRICHTEN
    __type_name__ = "CT_Request"
    _type_info = [
        ("BiPROVersion", bipro_version()),
        ("ConsumerID", optional(Unicode, max_len=50, type_name="ST_Text050")),
    ]


class CT_Response(ComplexModel):
    """Base of every BiPRO response: ``BiPROVersion`` and ``Status``."""

    __namespace__ = NACHRICHTEN
    __type_name__ = "CT_Response"
    _type_info = [
        ("BiPROVersion", bipro_version()),
        ("Status", required(CT_Status)),
    ]


class BiproException(ComplexModel):
    """Detail of every technical SOAP fault (``wsdl:fault name="BiproException"``)."""

    __namespace__ = NACHRICHTEN
    __type_name__ = "BiproException"
    _type_info = [
        ("BiPROVersion", bipro_version()),
        ("Status", required(CT_Status)),
    ]


def utc_datetime(*, mandatory: bool = True) -> type:
    """``xs:dateTime`` written as UTC with ``Z`` and no fractions (clients trip over offsets)."""
    wrap = required if mandatory else optional
    return wrap(DateTime, dt_format="%Y-%m-%dT%H:%M:%SZ")


def qualify_xmime_attributes() -> None:
    """``xmime:contentType`` is a qualified attribute; Spyne writes local attributes
    unqualified, so our ``xmime`` schema gets ``attributeFormDefault="qualified"`` (requests
    carrying ``allg:Daten xmime:contentType=…`` validate against our published schema)."""
    original = XmlSchema.get_schema_node
    if getattr(XmlSchema, "_bipro_xmime_qualified", False):
        return

    def get_schema_node(self: Any, pref: str) -> Any:
        schema = original(self, pref)
        if schema.get("targetNamespace") == XMIME:
            schema.set("attributeFormDefault", "qualified")
        return schema

    setattr(XmlSchema, "get_schema_node", get_schema_node)  # noqa: B010 (mypy: method-assign)
    setattr(XmlSchema, "_bipro_xmime_qualified", True)  # noqa: B010


qualify_xmime_attributes()
