"""Repositories: the queries the service layer needs, nothing more."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bipro_service.adapters.db.models import BrokerFirm, Contract, Customer, Shipment, User


class Repositories:
    """Query helpers bound to one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def firm_by_number(self, vermittlernummer: str) -> BrokerFirm | None:
        return self.session.scalar(
            select(BrokerFirm).where(BrokerFirm.vermittlernummer == vermittlernummer)
        )

    def user_by_login(self, login: str) -> User | None:
        return self.session.scalar(select(User).where(User.login == login))

    def customer_by_number(self, partnernummer: str) -> Customer | None:
        return self.session.scalar(select(Customer).where(Customer.partnernummer == partnernummer))

    def contract_by_number(self, versicherungsscheinnummer: str) -> Contract | None:
        return self.session.scalar(
            select(Contract).where(Contract.versicherungsscheinnummer == versicherungsscheinnummer)
        )

    def shipment_by_public_id(self, public_id: str) -> Shipment | None:
        return self.session.scalar(select(Shipment).where(Shipment.public_id == public_id))

    def add(self, obj: object) -> None:
        self.session.add(obj)
