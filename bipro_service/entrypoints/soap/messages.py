"""The common BiPRO message model (release 2.6/2.7): Request, Response, Status, Meldung."""

from __future__ import annotations

from spyne import Boolean, ComplexModel, DateTime, Unicode
from spyne.model.complex import Array

from bipro_service.namespaces import NACHRICHTEN

VERSION_PATTERN = r"\d{1,3}(\.\d{1,3}){4}"


def required(model: type, **kwargs: object) -> type:
    """A mandatory, non-nillable element; named restrictions live in ``nachrichten``."""
    return _element(model, 1, kwargs)


def optional(model: type, **kwargs: object) -> type:
    """An optional, non-nillable element."""
    return _element(model, 0, kwargs)


def _element(model: type, min_occurs: int, kwargs: dict[str, object]) -> type:
    if "type_name" in kwargs:
        kwargs.setdefault("__namespace__", NACHRICHTEN)
    return model.customize(min_occurs=min_occurs, nillable=False, **kwargs)  # type: ignore[attr-defined, no-any-return]


def bipro_version(*, mandatory: bool = True) -> type:
    """The ``BiPROVersion`` element type (``ST_BiPROVersion``)."""
    wrap = required if mandatory else optional
    return wrap(Unicode, pattern=VERSION_PATTERN, max_len=19, type_name="ST_BiPROVersion")


class CT_Meldung(ComplexModel):
    __namespace__ = NACHRICHTEN
    __type_name__ = "CT_Meldung"
    _type_info = [
        ("ArtID", required(Unicode, values=["Fehler", "Warnung", "Hinweis"], type_name="ST_ArtID")),
        ("MeldungID", required(Unicode, pattern=r"\d{5}", type_name="ST_MeldungID")),
        ("Text", optional(Unicode)),
        ("Quelle", optional(Unicode)),
        ("Identifikationsnummer", optional(Unicode)),
    ]


class CT_Status(ComplexModel):
    __namespace__ = NACHRICHTEN
    __type_name__ = "CT_Status"
    _type_info = [
        ("ProzessID", required(Unicode)),
        ("Zeitstempel", required(Unicode)),
        ("StatusID", required(Unicode, values=["OK", "NOK"], type_name="ST_StatusID")),
        ("Gueltigkeitsende", optional(Unicode)),
        ("Schwebe", required(Boolean)),
        ("Meldung", Array(CT_Meldung, wrapped=False).customize(min_occurs=0, nillable=False)),
    ]


class CT_Request(ComplexModel):
    """Base of every BiPRO request: ``BiPROVersion`` and the caller's ``ConsumerID``."""

    __namespace__ = NACHRICHTEN
    __type_name__ = "CT_Request"
    _type_info = [
        ("BiPROVersion", bipro_version()),
        ("ConsumerID", optional(Unicode, max_len=100, type_name="ST_ConsumerID")),
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
