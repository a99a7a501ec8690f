"""A claim notification as the broker sends it (BiPRO 503), its checks and its content hash.

The notification is stored whenever it is well-formed and names a contract of the caller's
firm; what the AVB say about it is the assessment's business (``assessment.py``).
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bipro_service.domain.filenames import is_safe_filename
from bipro_service.domain.status import BiproError, MeldungID
from bipro_service.domain.tariff.money import cents, is_cents
from bipro_service.domain.valoren import Peril, TransportKind, ValuablesClass

MAX_DOCUMENTS = 20
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
#: Base64 of this is ~20 MiB, below the 25 MiB request limit (``Settings.max_body_bytes``).
MAX_TOTAL_DOCUMENT_BYTES = 15 * 1024 * 1024
_CONTENT_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\Z")
_HASH_VERSION = "claim-v1"


class ItemDamage(enum.StrEnum):
    """What happened to an item: AVB 7.1.1 (lost, destroyed) or 7.1.2/7.1.3 (damaged)."""

    LOST = "lost"
    DESTROYED = "destroyed"
    DAMAGED = "damaged"


class DocumentKind(enum.StrEnum):
    """Kinds of attached documents; the first five are the evidence of AVB 9.2.1.3."""

    CARRIER_CERTIFICATE = "carrier_certificate"
    TRANSPORT_PAPERS = "transport_papers"
    INVOICE = "invoice"
    LOSS_CALCULATION = "loss_calculation"
    ASSIGNMENT_DECLARATION = "assignment_declaration"
    POLICE_CERTIFICATE = "police_certificate"  # AVB 9.2.1.4
    PHOTO = "photo"
    OTHER = "other"


class ClaimDataError(BiproError):
    """A notification that is not well-formed; nothing is stored."""

    meldung_id = MeldungID.INCOMPLETE_DATA


@dataclass(frozen=True, slots=True)
class AffectedItem:
    """One affected item of the list (Gegenstand)."""

    description: str
    valuables_class: ValuablesClass
    value: Decimal
    damage: ItemDamage


@dataclass(frozen=True, slots=True)
class Attachment:
    """One attached document (Dokument)."""

    filename: str
    content_type: str
    kind: DocumentKind
    data: bytes = field(repr=False)
    _sha256: str = field(default="", init=False, repr=False, compare=False)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of ``data``, computed on first use: the content hash and the stored
        document both need it, and the raw attachment before normalisation never does."""
        if not self._sha256:
            object.__setattr__(self, "_sha256", hashlib.sha256(self.data).hexdigest())
        return self._sha256


@dataclass(frozen=True, slots=True)
class ClaimNotification:
    """The content of one claim notification (Schadenmeldung)."""

    contract_number: str
    loss_date: date
    loss_place: str
    transport_kind: TransportKind
    peril: Peril
    description: str
    estimated_loss: Decimal
    insured_value: Decimal
    """Value (AVB 6) of the valuables of the affected transport: the basis of AVB 7.5."""
    items: tuple[AffectedItem, ...]
    mitigation_costs: Decimal = Decimal(0)
    """Costs of AVB 7.2: securing, reloading, averting or minimising the loss, assessment."""
    police_report: str | None = None
    documents: tuple[Attachment, ...] = ()

    @property
    def document_kinds(self) -> frozenset[DocumentKind]:
        return frozenset(d.kind for d in self.documents)


def _text(value: str | None) -> str:
    return unicodedata.normalize("NFC", value or "").strip()


def normalised(n: ClaimNotification) -> ClaimNotification:
    """The notification with its texts trimmed (NFC): what is checked and stored."""
    return ClaimNotification(
        contract_number=_text(n.contract_number),
        loss_date=n.loss_date,
        loss_place=_text(n.loss_place),
        transport_kind=n.transport_kind,
        peril=n.peril,
        description=_text(n.description),
        estimated_loss=n.estimated_loss,
        insured_value=n.insured_value,
        items=tuple(
            AffectedItem(_text(i.description), i.valuables_class, i.value, i.damage)
            for i in n.items
        ),
        mitigation_costs=n.mitigation_costs,
        police_report=_text(n.police_report) or None,
        documents=tuple(
            Attachment(_text(d.filename), _text(d.content_type).lower(), d.kind, d.data)
            for d in n.documents
        ),
    )


def check(n: ClaimNotification, today: date) -> None:
    """Raise :class:`ClaimDataError` naming the first field that is not well-formed."""
    if not n.contract_number:
        raise ClaimDataError(
            "Versicherungsscheinnummer fehlt.",
            quelle=_q(
                f"{_S}/SchadenfallLeistungsfall/Vertrag/Vertragsnummer/Versicherungsscheinnummer"
            ),
        )
    if n.loss_date > today:
        raise ClaimDataError(
            "Das Schadendatum liegt in der Zukunft.", quelle=_q("Ereignis/Schadendatum")
        )
    for name, path, value in (
        ("Schadenort", "Ereignis/Schadenanschrift/Schadenort", n.loss_place),
        ("Schadenbeschreibung", "Ereignis/Schadenhergang/Beschreibung", n.description),
    ):
        if not value:
            raise ClaimDataError(f"{name} fehlt.", quelle=_q(path))
    _amount(n.estimated_loss, "Schadenhöhe", f"{_S}/Schadenhoehe")
    _amount(n.mitigation_costs, "Schadenminderungskosten", f"{_S}/Schadenhoehe")
    if _amount(n.insured_value, "Versicherungswert", f"{_S}/Schadenhoehe") == 0:
        raise ClaimDataError(
            "Der Versicherungswert muss größer als 0 sein.", quelle=_q(f"{_S}/Schadenhoehe")
        )
    if not n.items:
        raise ClaimDataError(
            "Mindestens ein betroffener Gegenstand ist anzugeben.", quelle=_q(f"{_S}/Schadenobjekt")
        )
    for position, item in enumerate(n.items, start=1):
        if not item.description:
            raise ClaimDataError(
                "Bezeichnung fehlt.", quelle=_q(f"{_S}/Schadenobjekt[{position}]/Bezeichnung")
            )
        _amount(item.value, "Wert", f"{_S}/Schadenobjekt[{position}]/Schadenhoehe")
    _check_documents(n.documents)


def _check_documents(documents: Sequence[Attachment]) -> None:
    if len(documents) > MAX_DOCUMENTS:
        raise ClaimDataError(f"Höchstens {MAX_DOCUMENTS} Dokumente je Meldung.", quelle=_q("Datei"))
    total = 0
    for position, doc in enumerate(documents, start=1):
        where = f"Datei[{position}]"
        name = doc.filename
        # Stored and shown under this name: no paths, no control characters.
        if not is_safe_filename(name):
            raise ClaimDataError(
                f"Ungültiger Dateiname {name[:200]!r}.", quelle=_q(f"{where}/Dateiname")
            )
        if not _CONTENT_TYPE.match(doc.content_type):
            raise ClaimDataError(
                "Ungültiger Dateityp.", quelle=_q(f"{where}/Daten/@xmime:contentType")
            )
        if not doc.data:
            raise ClaimDataError(f"Das Dokument {name} ist leer.", quelle=_q(f"{where}/Daten"))
        if len(doc.data) > MAX_DOCUMENT_BYTES:
            raise ClaimDataError(
                f"Das Dokument {name} ist größer als {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB.",
                quelle=_q(f"{where}/Daten"),
            )
        total += len(doc.data)
    if total > MAX_TOTAL_DOCUMENT_BYTES:
        raise ClaimDataError(
            f"Die Dokumente sind zusammen größer als "
            f"{MAX_TOTAL_DOCUMENT_BYTES // (1024 * 1024)} MiB.",
            quelle=_q("Datei"),
        )


def _amount(value: Decimal, name: str, path: str) -> Decimal:
    if not value.is_finite() or value < 0 or not is_cents(value):
        raise ClaimDataError(
            f"{name}: ein Betrag ab 0 mit höchstens zwei Nachkommastellen.", quelle=_q(path)
        )
    return value


#: ``Quelle`` paths are the official request elements (``sch:Schadenmeldung`` below ``Request``).
_S = "Ereignis/Schaden"


def _q(field_path: str) -> str:
    return f"Schadenmeldung/{field_path}"


def content_hash(n: ClaimNotification) -> str:
    """SHA-256 over the canonical content of a normalised notification: equal notifications
    (whatever their XML spelling, e.g. ``100`` and ``100.00``) have equal hashes."""
    canonical = {
        "contract": n.contract_number,
        "loss_date": n.loss_date.isoformat(),
        "loss_place": n.loss_place,
        "transport_kind": n.transport_kind.value,
        "peril": n.peril.value,
        "description": n.description,
        "estimated_loss": str(cents(n.estimated_loss)),
        "insured_value": str(cents(n.insured_value)),
        "mitigation_costs": str(cents(n.mitigation_costs)),
        "police_report": n.police_report,
        "items": [
            [i.description, i.valuables_class.value, str(cents(i.value)), i.damage.value]
            for i in n.items
        ],
        "documents": [[d.filename, d.content_type, d.kind.value, d.sha256] for d in n.documents],
    }
    text = json.dumps(
        [_HASH_VERSION, canonical], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode()).hexdigest()
