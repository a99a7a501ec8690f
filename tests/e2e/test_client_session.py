"""``TokenSource`` with the service clients against a real server whose tokens live 4 seconds:
renewal before expiry, one renewal after the service refused the token, certificate login
(signed and plain), logout."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from bipro_clients import (
    BiproFault,
    CertificateStsClient,
    SignedRequests,
    StsClient,
    Token,
    TokenSource,
    TransferClient,
)

from bipro_service.adapters.x509.pki import DevPki
from bipro_service.entrypoints.runtime import Runtime
from tests.conftest import fresh_settings
from tests.e2e.pki_world import firm_with_certificate
from tests.e2e.server import running_server
from tests.integration.accounts_helpers import PASSWORD

LIFETIME = 4

pytestmark = [pytest.mark.db, pytest.mark.e2e]


@dataclass(frozen=True)
class World:
    url: str
    pki: DevPki

    def signing(self) -> SignedRequests:
        firm = self.pki.firms["T100"]
        return SignedRequests(str(firm.key_path), str(firm.cert_path))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, database_template: str) -> Iterator[World]:
    """Firm T100 with user ``anna``, a registered certificate and one letter."""
    directory = tmp_path_factory.mktemp("session")
    settings = fresh_settings(database_template, directory)
    runtime = Runtime.from_settings(settings)
    pki = firm_with_certificate(settings, runtime)
    runtime.engine.dispose()
    with running_server(
        settings.database_url,
        workers=2,
        BIPRO_VAR_DIR=str(settings.var_dir),
        BIPRO_TOKEN_LIFETIME_SECONDS=str(LIFETIME),
    ) as url:
        yield World(url, pki)


def test_the_token_is_renewed_before_it_expires(world: World) -> None:
    tokens = TokenSource.password(world.url, "anna", PASSWORD, margin=timedelta(seconds=2))
    post = TransferClient(world.url, tokens)
    assert post.list_shipments().ok
    first = tokens.token()
    assert first.lifetime == timedelta(seconds=LIFETIME)
    time.sleep(2.2)  # inside the margin, 1.8 s before the first token's end
    assert post.list_shipments().ok
    assert tokens.logins == 2 and tokens.token() != first
    assert StsClient(world.url).validate(first)  # renewed before it expired, not after
    time.sleep(LIFETIME - 2.2 + 0.5)
    with pytest.raises(BiproFault) as fault:  # the old token really is gone by now
        TransferClient(world.url, first).list_shipments()
    assert fault.value.meldung_id == "00962"


def test_a_refused_token_is_renewed_once_and_the_call_repeated(world: World) -> None:
    tokens = TokenSource.password(world.url, "anna", PASSWORD)
    post = TransferClient(world.url, tokens)
    StsClient(world.url).cancel(tokens.token())  # e.g. logged out elsewhere
    answer = post.list_shipments()
    assert answer.ok and tokens.logins == 2


def test_renewal_is_tried_only_once(world: World) -> None:
    """A login that keeps handing out refused tokens: the second refusal reaches the caller."""
    sts = StsClient(world.url)

    def cancelled() -> Token:
        token = sts.login("anna", PASSWORD)
        sts.cancel(token)
        return token

    tokens = TokenSource(cancelled)
    with pytest.raises(BiproFault) as fault:
        TransferClient(world.url, tokens).list_shipments()
    assert fault.value.meldung_id == "00962" and tokens.logins == 2


def test_certificate_login_signed_with_renewal_and_logout(world: World) -> None:
    tokens = TokenSource.certificate(world.url, signing=world.signing())
    post = TransferClient(world.url, tokens, signing=world.signing())
    assert post.list_shipments().ok and post.list_shipments().ok
    first = tokens.token()
    assert tokens.logins == 1 and first.lifetime == timedelta(seconds=LIFETIME)
    assert tokens.renew() != first and post.list_shipments().ok
    token = tokens.token()
    tokens.close()
    assert not StsClient(world.url).validate(token)


def test_certificate_login_without_certificate_is_refused(world: World) -> None:
    with pytest.raises(BiproFault) as fault:
        CertificateStsClient(world.url).login()
    assert fault.value.meldung_id == "00905"


def test_a_wrong_password_costs_one_failed_login_however_often_it_is_used(world: World) -> None:
    """Five calls with a stale password: one login attempt, so the account (locked after three
    wrong entries) still logs in with the right one."""
    tokens = TokenSource.password(world.url, "anna", "not-the-password")
    post = TransferClient(world.url, tokens)
    for _ in range(5):
        with pytest.raises(BiproFault) as fault:
            post.list_shipments()
        assert fault.value.meldung_id == "00960"
    assert tokens.refusal is not None and tokens.logins == 0
    right = TokenSource.password(world.url, "anna", PASSWORD)
    assert TransferClient(world.url, right).list_shipments().ok
    right.close()


def test_certificate_logout_goes_to_the_certificate_sts(world: World) -> None:
    """``TokenSource.certificate`` with an explicit endpoint and a base URL where no password
    STS answers: the Cancel goes to the certificate STS that issued the token."""
    endpoint = world.url + "/bipro/STS/X509Login_2.6.1.1.0"
    tokens = TokenSource.certificate(
        "http://127.0.0.1:9", signing=world.signing(), endpoint=endpoint
    )
    token = tokens.token()
    assert StsClient(world.url).validate(token)
    tokens.close()
    assert not StsClient(world.url).validate(token)
