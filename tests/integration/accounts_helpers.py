"""Creating firms and users for tests through the service layer."""

from __future__ import annotations

from bipro_service.adapters.db.base import utcnow
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.service_layer import admin
from tests.support import STS_PATH, call, login_request

PASSWORD = "Richtig-Langes-Passwort-1"


def make_firm(runtime: Runtime, number: str = "T100", test_access: bool = True) -> None:
    with runtime.uow() as uow:
        admin.create_firm(uow, number, f"Firma {number}", test_access, utcnow())


def make_user(
    runtime: Runtime,
    login: str,
    firm: str = "T100",
    *,
    active: bool = True,
    portfolio_rights: bool = True,
    is_admin: bool = False,
) -> admin.NewUser:
    """A user; ``active`` users have the personal password :data:`PASSWORD`."""
    with runtime.uow() as uow:
        new = admin.create_user(
            uow,
            admin.INSURER,
            firm,
            login,
            login.title(),
            portfolio_rights=portfolio_rights,
            admin=is_admin,
            now=utcnow(),
        )
    if active:
        with runtime.uow() as uow:
            admin.redeem_activation(
                uow, runtime.settings, new.activation_secret, PASSWORD, utcnow()
            )
    return new


def token(app: BiproApplication, login: str, password: str = PASSWORD) -> str:
    """Log in through the password STS in process; the token identifier."""
    answer = call(app, STS_PATH, login_request(login, password))
    value = answer.text(".//wsc:Identifier")
    assert value, answer.body
    return value
