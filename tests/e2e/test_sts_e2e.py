"""STS against a real gunicorn server with two workers, through the zeep client."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from bipro_clients import BiproFault, StsClient
from lxml import etree
from sqlalchemy import select, update

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.models import AuditRecord, SecurityToken, User, UserState
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.namespaces import NACHRICHTEN
from tests.e2e.server import running_server
from tests.integration.accounts_helpers import PASSWORD, make_firm, make_user
from tests.support import STS_PATH, login_request


@pytest.fixture
def server(settings: Settings, runtime: Runtime) -> Iterator[str]:
    make_firm(runtime)
    make_user(runtime, "anna")
    with running_server(settings.database_url, workers=2) as url:
        yield url


def test_login_validate_cancel_with_zeep(server: str) -> None:
    client = StsClient(server)
    token = client.login("anna", PASSWORD)
    assert token.expires - token.created == timedelta(seconds=Settings().token_lifetime_seconds)
    assert token.created.utcoffset() == timedelta(0)
    assert client.validate(token)
    client.cancel(token)
    assert not client.validate(token)
    with pytest.raises(BiproFault) as fault:
        client.login("anna", "falsches-passwort")
    assert fault.value.meldung_id == "00960"


def test_parallel_wrong_passwords_lock_exactly_once(server: str, runtime: Runtime) -> None:
    live = StsClient(server).login("anna", PASSWORD)

    def attempt(i: int) -> str | None:
        answer = requests.post(
            server + STS_PATH,
            data=login_request("anna", f"falsch-{i:02d}-passwort"),
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
            timeout=30,
        )
        assert answer.status_code == 500
        return etree.fromstring(answer.content).findtext(f".//{{{NACHRICHTEN}}}MeldungID")

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(attempt, range(10)))
    assert set(codes) <= {"00960", "00964"} and codes.count("00960") >= 3
    with runtime.uow() as uow:
        user = uow.session.scalar(select(User).where(User.login == "anna"))
        assert user is not None and user.state is UserState.LOCKED
        lockers = uow.session.scalars(
            select(AuditRecord).where(AuditRecord.detail == "account locked by this attempt")
        ).all()
        assert len(lockers) == 1
    with pytest.raises(BiproFault) as fault:
        StsClient(server).login("anna", PASSWORD)
    assert fault.value.meldung_id == "00964"
    assert not StsClient(server).validate(live)


def test_lock_survives_server_restart(settings: Settings, runtime: Runtime) -> None:
    make_firm(runtime)
    make_user(runtime, "anna")
    with running_server(settings.database_url, workers=1) as url:
        token = StsClient(url).login("anna", PASSWORD)
        for _ in range(3):
            with pytest.raises(BiproFault):
                StsClient(url).login("anna", "falsch-falsch-falsch")
    with running_server(settings.database_url, workers=1) as url:
        with pytest.raises(BiproFault) as fault:
            StsClient(url).login("anna", PASSWORD)
        assert fault.value.meldung_id == "00964"
        assert not StsClient(url).validate(token)


def test_idle_token_expires(server: str, runtime: Runtime) -> None:
    client = StsClient(server)
    token = client.login("anna", PASSWORD)
    with runtime.uow() as uow:
        uow.session.execute(
            update(SecurityToken).values(
                last_used_at=utcnow() - timedelta(seconds=Settings().token_idle_seconds)
            )
        )
        uow.commit()
    assert not client.validate(token)
