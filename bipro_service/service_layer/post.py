"""Posting shipments to the electronic broker post (insurer side of Transfer service 430)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePath

from sqlalchemy.orm import Session

from bipro_service.adapters.db.models import (
    Contract,
    Customer,
    ServicingRelationship,
    Shipment,
    ShipmentDocument,
)
from bipro_service.adapters.db.scoping import served_customers
from bipro_service.domain.filenames import is_safe_filename
from bipro_service.domain.status import BiproError, MeldungID
from bipro_service.service_layer.unit_of_work import UnitOfWork

#: First three digits of the 9-digit business-event codes (Kategorie, BiPRO's GeVo catalogue
#: ``ST_KatalogGeVoArt``) of each range we post.
CATEGORY_RANGES = {
    "100": "Antrag",
    "110": "Partner",
    "120": "Vertragsänderung",
    "130": "Sonstiges zum Vertrag / Vermittlerwechsel",
    "140": "Inkasso",
    "150": "Schaden und Leistung",
    "160": "Kündigung / Storno",
    "180": "Beschwerde",
    "210": "Abrechnung",
}
#: Codes accepted only in full, with their official names.
SPECIAL_CATEGORIES = {
    "899001000": "Schriftwechsel",
    "999010010": "GDV-VU-Vermittler - Gesamtbestand",
    "999010020": "GDV-VU-Vermittler - Änderungen",
}
#: Categories whose shipments hold data files only (EnthaeltNurDaten).
DATA_CATEGORIES = frozenset({"999010010", "999010020"})

DEFAULT_AVAILABLE_DAYS = 90
#: ``ST_LieferungID`` allows 1 to 25 characters: 25 hex digits (100 random bits).
ID_LENGTH = 25
#: ``ST_ArtDerLieferung``: the use cases of norms 430.4/430.5; other shipments have none.
ART_DER_LIEFERUNG = frozenset(
    [
        "1001",
        "1002",
        "1003",
        "1004",
        "1005",
        "1006",
        "1103",
        "1104",
        "1105",
        "1203",
        "1204",
        "1205",
        "1303",
        "1304",
        "1305",
        "2001",
        "2002",
        "2101",
        "2102",
        "2104",
        "2105",
        "2106",
        "2304",
        "2305",
        "2401",
        "2402",
        "2403",
        "2404",
    ]
)

# A fixed table rather than ``mimetypes``: that one reads the host's /etc/mime.types.
_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".gdv": "text/plain",
    ".csv": "text/csv",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".zip": "application/zip",
}
_MAX_FILENAME = 200  # ShipmentDocument.filename


class PostError(BiproError):
    """A shipment that cannot be posted as given."""

    meldung_id = MeldungID.INCOMPLETE_DATA


@dataclass(frozen=True, slots=True)
class PostedFile:
    """One file of a shipment; ``content_type`` None: derived from the file name."""

    filename: str
    data: bytes
    content_type: str | None = None
    dokumentart_id: str | None = None


def is_valid_category(code: str) -> bool:
    """True for a 9-digit code in one of the known ranges, or one of the special codes."""
    if len(code) != 9 or not code.isascii() or not code.isdigit():
        return False
    return code in SPECIAL_CATEGORIES or code[:3] in CATEGORY_RANGES


def new_shipment_id() -> str:
    """A fresh ``Lieferung`` ID: unguessable, and short enough for ``ST_LieferungID``."""
    return secrets.token_hex(13)[:ID_LENGTH]


def content_type_for(filename: str) -> str:
    """The MIME type of a file, by its extension (``application/octet-stream`` if unknown)."""
    return _CONTENT_TYPES.get(PurePath(filename).suffix.lower(), "application/octet-stream")


def post_shipment(
    uow: UnitOfWork,
    *,
    vermittlernummer: str,
    category: str,
    files: Sequence[PostedFile],
    now: datetime,
    business_day: date,
    customer_partnernummer: str | None = None,
    contract_number: str | None = None,
    art: str | None = None,
    available_days: int = DEFAULT_AVAILABLE_DAYS,
    is_test: bool = False,
) -> Shipment:
    """Add a shipment for the firm to ``uow``'s session; the caller commits.

    It never commits, so a service that posts a document does so in the same transaction as
    its business write. A customer must be served by the firm on ``business_day`` (the
    insurer's local date of ``now``); a test access's shipments, and those about test data,
    are test data.
    """
    _check_category(category)
    _check_files(files)
    if art is not None and art not in ART_DER_LIEFERUNG:
        raise PostError(f"Unbekannte ArtDerLieferung {art!r}.", quelle="ArtDerLieferung")
    if available_days <= 0:
        raise PostError("Die Verfügbarkeit muss mindestens einen Tag betragen.")
    firm = uow.repos.firm_by_number(vermittlernummer)
    if firm is None:
        raise PostError(f"Unbekannte Vermittlernummer {vermittlernummer}.", quelle="Vermittler")
    if not firm.is_active:
        raise PostError(f"Die Vereinbarung mit {vermittlernummer} ist beendet.")
    customer, contract = _subject(uow, customer_partnernummer, contract_number)
    if customer is not None and not serves(uow.session, firm.id, customer.id, business_day):
        raise PostError(
            f"Kunde {customer.partnernummer} wird nicht von {vermittlernummer} betreut.",
            quelle="Partnernummer",
        )
    if customer is not None and customer.blocked_at is not None:
        # Blocked instead of deleted (retention, V CoC Art. 24(4)): no further processing.
        raise PostError(f"Kunde {customer.partnernummer} ist gesperrt.", quelle="Partnernummer")
    about_test_data = (customer is not None and customer.is_test) or (
        contract is not None and contract.is_test
    )
    if firm.is_test_access and customer is not None and not about_test_data:
        # A test access never sees real customer data (T I.3a, IV.2a).
        raise PostError("Ein Testzugang erhält keine echten Kunden- oder Vertragsdaten.")
    shipment = Shipment(
        public_id=new_shipment_id(),
        firm_id=firm.id,
        customer_id=customer.id if customer else None,
        contract_id=contract.id if contract else None,
        category=category,
        art=art or "",  # no ArtDerLieferung: omitted on the wire
        only_data=category in DATA_CATEGORIES,
        periodic=False,
        created_at=now,
        available_until=now + timedelta(days=available_days),
        is_test=is_test or firm.is_test_access or about_test_data,
        documents=[_document(position, file) for position, file in enumerate(files, start=1)],
    )
    uow.session.add(shipment)
    uow.session.flush()
    return shipment


def serves(session: Session, firm_id: int, customer_id: int, day: date) -> bool:
    """Whether the firm is the customer's servicing broker on ``day``."""
    query = served_customers(firm_id, day).where(ServicingRelationship.customer_id == customer_id)
    return session.scalar(query.limit(1)) is not None


def _check_category(category: str) -> None:
    if not is_valid_category(category):
        raise PostError(f"Unbekannte Kategorie {category!r}.", quelle="Kategorie")


def _check_files(files: Sequence[PostedFile]) -> None:
    if not files:
        raise PostError("Eine Lieferung braucht mindestens eine Datei.")
    for file in files:
        name = file.filename
        # MVPs save files under this name: no paths, no control characters.
        if not is_safe_filename(name, _MAX_FILENAME):
            raise PostError(f"Ungültiger Dateiname {name!r}.", quelle="Dateiname")
        if not file.data:
            raise PostError(f"Die Datei {name} ist leer.", quelle="Daten")


def _subject(
    uow: UnitOfWork, partnernummer: str | None, contract_number: str | None
) -> tuple[Customer | None, Contract | None]:
    customer = contract = None
    if partnernummer is not None:
        customer = uow.repos.customer_by_number(partnernummer)
        if customer is None:
            raise PostError(f"Unbekannte Partnernummer {partnernummer}.", quelle="Partnernummer")
    if contract_number is not None:
        contract = uow.repos.contract_by_number(contract_number)
        if contract is None:
            raise PostError(
                f"Unbekannte Versicherungsscheinnummer {contract_number}.",
                quelle="Versicherungsscheinnummer",
            )
        if customer is not None and contract.customer_id != customer.id:
            raise PostError(
                f"Vertrag {contract_number} gehört nicht zu Kunde {partnernummer}.",
                quelle="Versicherungsscheinnummer",
            )
        customer = contract.customer
    return customer, contract


def _document(position: int, file: PostedFile) -> ShipmentDocument:
    return ShipmentDocument(
        position=position,
        filename=file.filename,
        content_type=file.content_type or content_type_for(file.filename),
        dokumentart_id=file.dokumentart_id,
        size=len(file.data),
        sha256=hashlib.sha256(file.data).hexdigest(),
        data=file.data,
    )
