"""The one place where outcomes become BiPRO ``Status`` and errors become SOAP faults."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from lxml import etree
from spyne import Fault
from spyne.util.xml import get_object_as_xml

from bipro_service.adapters.db.base import utcnow
from bipro_service.domain.status import BiproError, Meldung
from bipro_service.entrypoints.soap.context import RequestContext
from bipro_service.entrypoints.soap.messages import BiproException, CT_Meldung, CT_Status
from bipro_service.namespaces import NACHRICHTEN, SOAP11_ENV


def zeitstempel(moment: datetime | None = None) -> str:
    """``YYYY-MM-DDThh:mm:ss`` in UTC, as BiPRO's ``Zeitstempel`` wants it."""
    return (moment or utcnow()).strftime("%Y-%m-%dT%H:%M:%S")


def make_status(
    rc: RequestContext, ok: bool = True, meldungen: Iterable[Meldung] = (), pending: bool = False
) -> CT_Status:
    """The full ``Status`` of an answer; also records the outcome for the audit trail."""
    items = list(meldungen)
    rc.answered(ok, items)
    return CT_Status(
        ProzessID=rc.prozess_id,
        Zeitstempel=zeitstempel(),
        StatusID="OK" if ok else "NOK",
        Schwebe=pending,
        Meldung=[_meldung(m) for m in items],
    )


def _meldung(m: Meldung) -> CT_Meldung:
    return CT_Meldung(
        ArtID=m.art.value,
        MeldungID=m.meldung_id.value,
        Text=m.text,
        Quelle=m.quelle,
        Identifikationsnummer=m.identifikationsnummer,
    )


def bipro_exception_element(error: BiproError, rc: RequestContext) -> etree._Element:
    """``nachr:BiproException`` with ``BiPROVersion`` and a NOK ``Status``."""
    status = CT_Status(
        ProzessID=rc.prozess_id,
        Zeitstempel=zeitstempel(),
        StatusID="NOK",
        Schwebe=False,
        Meldung=[_meldung(error.meldung)],
    )
    exc = BiproException(BiPROVersion=rc.bipro_version, Status=status)
    element: etree._Element = get_object_as_xml(exc, BiproException, "BiproException")
    return element


def to_spyne_fault(error: BiproError, rc: RequestContext) -> Fault:
    """The Spyne fault for an error raised inside a service method."""
    return Fault(
        faultcode=error.faultcode,
        faultstring=error.text,
        detail=bipro_exception_element(error, rc),
    )


def fault_envelope(error: BiproError, rc: RequestContext) -> bytes:
    """A complete SOAP 1.1 fault envelope, for errors found before Spyne dispatch."""
    env = etree.Element(
        f"{{{SOAP11_ENV}}}Envelope", nsmap={"soap": SOAP11_ENV, "nachr": NACHRICHTEN}
    )
    body = etree.SubElement(env, f"{{{SOAP11_ENV}}}Body")
    fault = etree.SubElement(body, f"{{{SOAP11_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = f"soap:{error.faultcode}"
    etree.SubElement(fault, "faultstring").text = error.text
    detail = etree.SubElement(fault, "detail")
    detail.append(bipro_exception_element(error, rc))
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")
