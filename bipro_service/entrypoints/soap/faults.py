"""The one place where outcomes become BiPRO ``Status`` and errors become SOAP faults."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from lxml import etree
from spyne import Fault
from spyne.util.xml import get_object_as_xml

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.engine import database_problem, database_unavailable
from bipro_service.adapters.xml.envelope import finish, new_envelope
from bipro_service.domain.status import (
    BiproError,
    InternalError,
    Meldung,
    MeldungArt,
    MeldungID,
    ServiceUnavailable,
)
from bipro_service.entrypoints.soap.context import RequestContext
from bipro_service.entrypoints.soap.messages import BiproException, CT_Meldung, CT_Status
from bipro_service.entrypoints.soap.releases import finish_answer
from bipro_service.namespaces import SOAP11_ENV

log = logging.getLogger(__name__)
DATABASE_UNAVAILABLE = "database unavailable"
DONE = Meldung(MeldungArt.HINWEIS, MeldungID.OTHER, "Verarbeitung abgeschlossen.")


def zeitstempel(moment: datetime | None = None) -> str:
    """``YYYY-MM-DDThh:mm:ss`` in UTC, as BiPRO's ``Zeitstempel`` wants it."""
    return (moment or utcnow()).strftime("%Y-%m-%dT%H:%M:%S")


def make_status(
    rc: RequestContext, ok: bool = True, meldungen: Iterable[Meldung] = (), pending: bool = False
) -> CT_Status:
    """The full ``Status`` of an answer; also records the outcome for the audit trail."""
    items = list(meldungen)
    rc.answered(ok, items)
    if not items:
        # The norm wants at least one Meldung in every Status; services name their own codes,
        # this is only the floor.
        items = [DONE if ok else InternalError().meldung]
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
    env, body = new_envelope()
    fault = etree.SubElement(body, f"{{{SOAP11_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = f"soapenv:{error.faultcode}"
    etree.SubElement(fault, "faultstring").text = error.text
    detail = etree.SubElement(fault, "detail")
    detail.append(bipro_exception_element(error, rc))
    finish_answer(env, rc)  # BiPROVersion where a release-2.1 request had it
    return etree.tostring(finish(env), xml_declaration=True, encoding="UTF-8")


def unexpected_error(exc: BaseException, rc: RequestContext, where: str) -> BiproError:
    """Log an exception that is no :class:`BiproError` and record the fault it becomes.

    A database that cannot be reached is answered "temporarily unavailable" (``Server``,
    99999) and logged on one line; anything else is the generic internal error, logged with
    its traceback. Neither answer carries internal detail."""
    if database_unavailable(exc):
        log.error(
            "%s: %s (ProzessID %s): %s",
            where,
            DATABASE_UNAVAILABLE,
            rc.prozess_id,
            database_problem(exc),
        )
        unavailable = ServiceUnavailable()
        rc.failed(unavailable, detail=DATABASE_UNAVAILABLE)
        return unavailable
    log.error("%s (ProzessID %s)", where, rc.prozess_id, exc_info=exc)
    internal = InternalError()
    rc.failed(internal, detail=type(exc).__name__)
    return internal


def audit_not_written(exc: BaseException, rc: RequestContext) -> BiproError:
    """The fault answered instead when the request's audit record could not be written.

    No audit record, no answer (T IV.2e). The log line then is the only trace of the request:
    it carries what the record would have held."""
    entry = rc.audit_entry()
    unavailable = database_unavailable(exc)
    fault = ServiceUnavailable() if unavailable else InternalError()
    log.error(
        "audit record NOT written (ProzessID %s)%s: %s.%s at %s user=%s firm=%s consumer=%s "
        "source=%s request_sha256=%s objects=%s outcome=%s meldung=%s, answered with fault %s "
        "instead",
        rc.prozess_id,
        f", {DATABASE_UNAVAILABLE}: {database_problem(exc)}" if unavailable else "",
        entry.service,
        entry.operation,
        entry.occurred_at.isoformat(),
        entry.user_login,
        entry.vermittlernummer,
        entry.consumer_id,
        entry.source_address,
        entry.request_hash,
        entry.objects,
        entry.outcome,
        entry.meldung_id,
        fault.meldung_id.value,
        exc_info=None if unavailable else exc,
    )
    return fault
