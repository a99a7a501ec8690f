"""Electronic broker post (Transfer service, BiPRO 430): list, fetch, acknowledge.

Every query runs in a unit of work scoped to the caller's firm (``adapters/db/scoping.py``):
another firm's shipment, or one about a customer the firm no longer serves, is "unknown ID".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import selectinload

from bipro_service.adapters.db.models import Contract, Customer, Shipment, ShipmentDocument
from bipro_service.domain.status import MeldungID, Outcome, fehler, hinweis
from bipro_service.service_layer.post import ID_LENGTH
from bipro_service.service_layer.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class DocumentView:
    filename: str
    content_type: str
    dokumentart_id: str | None
    sha256: str
    data: bytes

    @property
    def sha1(self) -> str:
        """The checksum the norm can carry (``ST_Pruefsummetyp``: MD5 or SHA1), from the bytes."""
        return hashlib.sha1(self.data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True, slots=True)
class ShipmentView:
    """A ``Lieferung`` with what the audit trail needs to know about it."""

    id: str
    created_at: datetime
    category: str
    available_until: datetime
    art: str | None
    only_data: bool
    periodic: bool
    sparte: str | None
    transfers: int
    partnernummer: str | None = None
    versicherungsscheinnummer: str | None = None
    acknowledged_at: datetime | None = None
    documents: list[DocumentView] = field(default_factory=list)


def _view(
    shipment: Shipment,
    refs: dict[int, tuple[str | None, str | None]],
    contents: dict[int, bytes] | None = None,
    *,
    has_files: bool | None = None,
) -> ShipmentView:
    """The view of ``shipment``, with its files when their ``contents`` (by id) are given;
    ``has_files`` instead of loading the documents when only their presence counts."""
    partner, contract = refs.get(shipment.id, (None, None))
    if has_files is None:
        has_files = bool(shipment.documents)
    return ShipmentView(
        id=shipment.public_id,
        created_at=shipment.created_at,
        category=shipment.category,
        available_until=shipment.available_until,
        art=shipment.art or None,  # "": no ArtDerLieferung applies
        only_data=shipment.only_data,
        periodic=shipment.periodic,
        sparte=shipment.sparte,
        transfers=1 if has_files else 0,
        partnernummer=partner,
        versicherungsscheinnummer=contract,
        acknowledged_at=shipment.acknowledged_at,
        documents=[
            DocumentView(d.filename, d.content_type, d.dokumentart_id, d.sha256, contents[d.id])
            for d in shipment.documents
        ]
        if contents is not None
        else [],
    )


def _references(
    uow: UnitOfWork, shipments: list[Shipment]
) -> dict[int, tuple[str | None, str | None]]:
    """Partner and contract numbers of the shipments (scoped like everything else)."""
    customer_ids = {s.customer_id for s in shipments if s.customer_id is not None}
    contract_ids = {s.contract_id for s in shipments if s.contract_id is not None}
    partners = dict(
        uow.session.execute(
            select(Customer.id, Customer.partnernummer).where(Customer.id.in_(customer_ids))
        ).all()
    )
    contracts = dict(
        uow.session.execute(
            select(Contract.id, Contract.versicherungsscheinnummer).where(
                Contract.id.in_(contract_ids)
            )
        ).all()
    )
    return {
        s.id: (
            partners.get(s.customer_id) if s.customer_id else None,
            contracts.get(s.contract_id) if s.contract_id else None,
        )
        for s in shipments
    }


def list_shipments(
    uow: UnitOfWork,
    now: datetime,
    category: str | None = None,
    *,
    acknowledged: bool = False,
) -> tuple[Outcome, list[ShipmentView]]:
    """Shipments of the caller's firm whose ``VerfuegbarBis`` has not passed.

    ``category`` (``KategorieDerLieferung``, 3, 6 or 9 digits) matches every category it is a
    prefix of. ``acknowledged`` is ``BestaetigeLieferungen``: the norm lists already
    acknowledged shipments only when it is true, and never when it is absent or false.
    """
    has_files = exists().where(ShipmentDocument.shipment_id == Shipment.id).label("has_files")
    query = (
        select(Shipment, has_files)
        .where(Shipment.available_until > now)
        .order_by(Shipment.created_at, Shipment.id)
    )
    if not acknowledged:
        query = query.where(Shipment.acknowledged_at.is_(None))
    if category is not None:
        # Digits only (ST_SuchGeVoArt, validated with the request): no LIKE wildcards.
        query = query.where(Shipment.category.startswith(category))
    # A listing names files, it does not carry them: whether there are any is enough.
    rows = uow.session.execute(query).all()
    shipments = [shipment for shipment, _ in rows]
    refs = _references(uow, shipments)  # two queries for the whole list, not per shipment
    views = [_view(shipment, refs, has_files=bool(files)) for shipment, files in rows]
    if not views:
        return Outcome(
            meldungen=[hinweis(MeldungID.NO_SHIPMENTS, "Keine Lieferungen vorhanden.")]
        ), []
    return Outcome(
        meldungen=[hinweis(MeldungID.TRANSFER_OK, f"{len(views)} Lieferung(en).")]
    ), views


def _find(uow: UnitOfWork, shipment_id: str) -> Shipment | None:
    """The shipment with its documents' metadata; the contents stay in the database."""
    query = (
        select(Shipment)
        .where(Shipment.public_id == shipment_id[:ID_LENGTH])
        .options(selectinload(Shipment.documents).defer(ShipmentDocument.data))
    )
    return uow.session.scalar(query)


def _contents(uow: UnitOfWork, shipment: Shipment) -> dict[int, bytes]:
    """The files of ``shipment`` by document id.

    Fetched apart from the metadata and without ``ORDER BY``: sorting rows that carry the
    contents would make SQLite copy every file several times into its sorter (about 5x the
    file size of native memory that Python never sees).
    """
    rows = uow.session.execute(
        select(ShipmentDocument.id, ShipmentDocument.data).where(
            ShipmentDocument.shipment_id == shipment.id
        )
    )
    return {document_id: data for document_id, data in rows}


def _unknown(shipment_id: str) -> Outcome:
    return Outcome(
        ok=False,
        meldungen=[
            fehler(
                MeldungID.UNKNOWN_ID, f"Unbekannte Lieferungs-ID {shipment_id[:ID_LENGTH]}.", "ID"
            )
        ],
    )


def get_shipment(
    uow: UnitOfWork, shipment_id: str, now: datetime
) -> tuple[Outcome, ShipmentView | None]:
    """One shipment with its files; 04003 unknown/not yours, 04002 acknowledged, 04006 expired."""
    shipment = _find(uow, shipment_id)
    if shipment is None:
        return _unknown(shipment_id), None
    if shipment.acknowledged_at is not None:
        return Outcome(
            ok=False,
            meldungen=[
                fehler(MeldungID.ALREADY_ACKNOWLEDGED, "Lieferung ist bereits quittiert.", "ID")
            ],
        ), None
    if shipment.available_until <= now:
        return Outcome(
            ok=False,
            meldungen=[
                fehler(MeldungID.AVAILABILITY_PASSED, "Lieferung ist nicht mehr verfügbar.", "ID")
            ],
        ), None
    view = _view(shipment, _references(uow, [shipment]), _contents(uow, shipment))
    return Outcome(meldungen=[hinweis(MeldungID.TRANSFER_OK, "Lieferung geliefert.")]), view


def acknowledge_shipment(
    uow: UnitOfWork, shipment_id: str, user_id: int | None, now: datetime
) -> tuple[Outcome, ShipmentView | None]:
    """Acknowledge receipt. Repeating it is harmless: OK with a 04002 notice."""
    shipment = _find(uow, shipment_id)
    if shipment is None:
        return _unknown(shipment_id), None
    view = _view(shipment, _references(uow, [shipment]))
    if shipment.acknowledged_at is not None:
        return Outcome(
            meldungen=[hinweis(MeldungID.ALREADY_ACKNOWLEDGED, "Lieferung war bereits quittiert.")]
        ), view
    if shipment.available_until <= now:
        return Outcome(
            ok=False,
            meldungen=[
                fehler(MeldungID.AVAILABILITY_PASSED, "Lieferung ist nicht mehr verfügbar.", "ID")
            ],
        ), view
    done = uow.session.execute(
        update(Shipment)
        .where(Shipment.id == shipment.id, Shipment.acknowledged_at.is_(None))
        .values(acknowledged_at=now, acknowledged_by_user_id=user_id)
    )
    if not done.rowcount:  # type: ignore[attr-defined]
        return Outcome(
            meldungen=[hinweis(MeldungID.ALREADY_ACKNOWLEDGED, "Lieferung war bereits quittiert.")]
        ), view
    return Outcome(meldungen=[hinweis(MeldungID.TRANSFER_OK, "Lieferung quittiert.")]), view
