"""Security Token Service (BiPRO 410) and the account lifecycle, through the real WSGI app."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.models import AuditRecord, SecurityToken, User, UserState
from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.namespaces import REQUEST_CANCEL, REQUEST_VALIDATE, STATUS_INVALID, STATUS_VALID
from bipro_service.service_layer import admin
from bipro_service.service_layer.admin import INSURER
from tests.integration.accounts_helpers import PASSWORD, make_firm, make_user
from tests.support import (
    STS_PATH,
    Answer,
    call,
    envelope,
    login_request,
    rst,
    token_header,
    username_header,
)


def login(app: BiproApplication, user: str, password: str = PASSWORD, **kw: str | None) -> Answer:
    return call(app, STS_PATH, login_request(user, password, **kw))  # type: ignore[arg-type]


def identifier_of(answer: Answer) -> str:
    assert answer.code == 200, answer.body
    value = answer.text(".//wst:RequestedSecurityToken/wsc:SecurityContextToken/wsc:Identifier")
    assert value
    return value


def validate(app: BiproApplication, identifier: str) -> str | None:
    answer = call(app, STS_PATH, envelope(rst(REQUEST_VALIDATE), token_header(identifier)))
    assert answer.code == 200, answer.body
    return answer.text(".//wst:Status/wst:Code")


@pytest.fixture
def anna(app: BiproApplication) -> str:
    make_firm(app.runtime)
    make_user(app.runtime, "anna")
    return "anna"


def test_issue_returns_random_token_with_utc_lifetime(app: BiproApplication, anna: str) -> None:
    first = login(app, anna)
    identifier = identifier_of(first)
    assert identifier.startswith("bipro:") and len(identifier) >= len("bipro:") + 43  # 256 bit
    created = first.text(".//wst:Lifetime/{*}Created")
    expires = first.text(".//wst:Lifetime/{*}Expires")
    assert created and expires and created.endswith("Z") and expires.endswith("Z")
    assert identifier_of(login(app, anna)) != identifier
    with app.runtime.uow() as uow:
        stored = uow.session.scalars(select(SecurityToken.token_hash)).all()
    assert identifier not in stored and all(len(h) == 64 for h in stored)


def test_login_with_and_without_version_and_legacy_namespace(
    app: BiproApplication, anna: str
) -> None:
    identifier_of(login(app, anna, version=None))
    identifier_of(login(app, anna, version="2.7.0.1.0"))
    legacy = login_request(anna, PASSWORD, version=None).replace(
        b"</wst:RequestType>",
        b'</wst:RequestType><a:BiPROVersion xmlns:a="http://www.bipro.net/namespace/allgemein">'
        b"2.1.0.1.0</a:BiPROVersion>",
    )
    identifier_of(call(app, STS_PATH, legacy))


def test_validate_and_cancel(app: BiproApplication, anna: str) -> None:
    identifier = identifier_of(login(app, anna))
    assert validate(app, identifier) == STATUS_VALID
    cancel = call(
        app,
        STS_PATH,
        envelope(
            rst(
                REQUEST_CANCEL,
                extra='<wst:CancelTarget><wsc:SecurityContextToken xmlns:wsc="http://schemas.xmlsoap.org/ws/2005/02/sc">'
                f"<wsc:Identifier>{identifier}</wsc:Identifier></wsc:SecurityContextToken></wst:CancelTarget>",
            )
        ),
    )
    assert cancel.code == 200 and cancel.find(".//wst:RequestedTokenCancelled") is not None
    assert validate(app, identifier) == STATUS_INVALID


def test_expired_and_idle_tokens_are_invalid(app: BiproApplication, anna: str) -> None:
    expired = identifier_of(login(app, anna))
    idle = identifier_of(login(app, anna))
    now = utcnow()
    with app.runtime.uow() as uow:
        tokens = uow.session.scalars(select(SecurityToken).order_by(SecurityToken.id)).all()
        tokens[0].expires_at = now - timedelta(seconds=1)
        tokens[1].last_used_at = now - timedelta(
            seconds=app.runtime.settings.token_idle_seconds + 1
        )
        uow.commit()
    assert validate(app, expired) == STATUS_INVALID
    assert validate(app, idle) == STATUS_INVALID


def test_unknown_user_and_wrong_password_answer_alike(app: BiproApplication, anna: str) -> None:
    unknown = login(app, "nobody", "whatever-password")
    wrong = login(app, anna, "falsches-passwort")
    assert unknown.code == wrong.code == 500
    assert unknown.meldung_ids == wrong.meldung_ids == ["00960"]
    assert unknown.text(".//faultstring") == wrong.text(".//faultstring")


def test_three_wrong_passwords_lock_and_kill_tokens(app: BiproApplication, anna: str) -> None:
    live = identifier_of(login(app, anna))
    for _ in range(2):
        assert login(app, anna, "falsch-falsch").meldung_ids == ["00960"]
    # Success resets the counter.
    identifier_of(login(app, anna))
    for _ in range(3):
        assert login(app, anna, "falsch-falsch").meldung_ids == ["00960"]
    assert login(app, anna).meldung_ids == ["00964"]  # also with the right password
    assert validate(app, live) == STATUS_INVALID
    with app.runtime.uow() as uow:
        admin.unlock_user(uow, INSURER, anna, utcnow())
    identifier_of(login(app, anna))


def test_lock_survives_a_restart(settings: object, app: BiproApplication, anna: str) -> None:
    for _ in range(3):
        login(app, anna, "falsch-falsch")
    from bipro_service.entrypoints.wsgi import create_app

    restarted = create_app(app.runtime.settings)
    assert login(restarted, anna).meldung_ids == ["00964"]
    restarted.runtime.engine.dispose()


def test_initial_password_only_sets_a_new_one(app: BiproApplication) -> None:
    make_firm(app.runtime)
    new = make_user(app.runtime, "bert", active=False)
    assert login(app, "bert", new.initial_password).meldung_ids == ["00966"]
    with app.runtime.uow() as uow:
        admin.redeem_activation(
            uow, app.runtime.settings, new.activation_secret, PASSWORD, utcnow()
        )
    identifier_of(login(app, "bert"))
    assert login(app, "bert", new.initial_password).meldung_ids == ["00960"]


def test_revoked_user_and_ended_firm_are_refused(app: BiproApplication, anna: str) -> None:
    make_user(app.runtime, "carl")
    carl_token = identifier_of(login(app, "carl"))
    anna_token = identifier_of(login(app, anna))
    with app.runtime.uow() as uow:
        admin.revoke_user(uow, INSURER, "carl", utcnow())
    assert login(app, "carl").meldung_ids == ["00964"]
    assert validate(app, carl_token) == STATUS_INVALID
    assert validate(app, anna_token) == STATUS_VALID
    with app.runtime.uow() as uow:
        admin.end_agency(uow, "T100", utcnow())
    assert login(app, anna).meldung_ids == ["00964"]
    assert validate(app, anna_token) == STATUS_INVALID


def test_firm_admin_cannot_touch_another_firm(app: BiproApplication) -> None:
    make_firm(app.runtime, "T100")
    make_firm(app.runtime, "T200")
    make_user(app.runtime, "chef", "T100", is_admin=True)
    make_user(app.runtime, "fremd", "T200")
    make_user(app.runtime, "eigen", "T100")
    with app.runtime.uow() as uow:
        actor = admin.actor_for_admin(uow, "chef")
    with app.runtime.uow() as uow, pytest.raises(admin.AdminError):
        admin.revoke_user(uow, actor, "fremd", utcnow())
    with app.runtime.uow() as uow:
        admin.revoke_user(uow, actor, "eigen", utcnow())
    with app.runtime.uow() as uow:
        states = {
            login: state for login, state in uow.session.execute(select(User.login, User.state))
        }
    assert states["fremd"] is UserState.ACTIVE and states["eigen"] is UserState.REVOKED


def test_every_login_attempt_is_audited_without_password(app: BiproApplication, anna: str) -> None:
    login(app, anna)
    login(app, anna, "Geheim-Falsch-123")
    login(app, "nobody", "Geheim-Unbekannt-123")
    with app.runtime.uow() as uow:
        records = uow.session.scalars(select(AuditRecord).order_by(AuditRecord.id)).all()
        total = uow.session.scalar(select(func.count()).select_from(AuditRecord))
        dump = " ".join(str(vars(r)) for r in records)
        uow.session.expunge_all()
    logins = [r for r in records if r.operation == "RequestSecurityToken"]
    assert [(r.user_login, r.outcome, r.meldung_id) for r in logins] == [
        ("anna", "OK", None),
        ("anna", "FAULT", "00960"),
        ("nobody", "FAULT", "00960"),
    ]
    assert logins[0].vermittlernummer == "T100" and logins[2].vermittlernummer is None
    assert all(r.source_address == "127.0.0.1" and r.auth_method == "password" for r in logins)
    assert total == len(records)
    assert PASSWORD not in dump and "Geheim-Falsch-123" not in dump


def test_wrong_token_type_and_request_type(app: BiproApplication, anna: str) -> None:
    body = rst().replace("http://schemas.xmlsoap.org/ws/2005/02/sc/sct", "urn:other")
    answer = call(app, STS_PATH, envelope(body, username_header(anna, PASSWORD)))
    assert answer.meldung_ids == ["00910"]
    answer = call(app, STS_PATH, envelope(rst("urn:renew")))
    assert answer.meldung_ids == ["00911"]


def test_issue_without_security_header(app: BiproApplication, anna: str) -> None:
    assert call(app, STS_PATH, envelope(rst())).meldung_ids == ["00905"]


def test_lock_revokes_tokens_in_database(app: BiproApplication, anna: str) -> None:
    identifier_of(login(app, anna))
    with app.runtime.uow() as uow:
        uow.session.execute(update(User).values(failed_logins=2))
        uow.commit()
    login(app, anna, "falsch-falsch")
    with app.runtime.uow() as uow:
        open_tokens = uow.session.scalar(
            select(func.count())
            .select_from(SecurityToken)
            .where(SecurityToken.revoked_at.is_(None))
        )
    assert open_tokens == 0


def test_password_change_voids_open_activation_links(app: BiproApplication) -> None:
    from bipro_service.domain.status import InvalidToken
    from bipro_service.service_layer.accounts import change_password

    make_firm(app.runtime)
    new = make_user(app.runtime, "dora", active=False)
    with app.runtime.uow() as uow:
        change_password(uow, app.runtime.settings, "dora", new.initial_password, PASSWORD, utcnow())
    with app.runtime.uow() as uow, pytest.raises(InvalidToken):
        admin.redeem_activation(
            uow, app.runtime.settings, new.activation_secret, "Ganz-Anderes-Pw-99", utcnow()
        )
    identifier_of(login(app, "dora"))


def test_activation_refused_after_agency_ended(app: BiproApplication) -> None:
    from bipro_service.domain.status import InvalidToken

    make_firm(app.runtime)
    new = make_user(app.runtime, "emil", active=False)
    with app.runtime.uow() as uow:
        admin.end_agency(uow, "T100", utcnow())
    with app.runtime.uow() as uow, pytest.raises(InvalidToken):
        admin.redeem_activation(
            uow, app.runtime.settings, new.activation_secret, PASSWORD, utcnow()
        )


def _with_nonce(user: str, nonce: str, created: str | None) -> bytes:
    created_xml = (
        f'<wsu:Created xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/'
        f'oasis-200401-wss-wssecurity-utility-1.0.xsd">{created}</wsu:Created>'
        if created
        else ""
    )
    header = username_header(user, PASSWORD).replace(
        "</wsse:UsernameToken>",
        f"<wsse:Nonce>{nonce}</wsse:Nonce>{created_xml}</wsse:UsernameToken>",
    )
    return envelope(rst(), header)


def test_username_token_nonce_is_good_once(app: BiproApplication, anna: str) -> None:
    now = utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    identifier_of(call(app, STS_PATH, _with_nonce(anna, "bm9uY2UtMQ==", now)))
    replayed = call(app, STS_PATH, _with_nonce(anna, "bm9uY2UtMQ==", now))
    assert replayed.meldung_ids == ["00960"]
    identifier_of(call(app, STS_PATH, _with_nonce(anna, "bm9uY2UtMg==", now)))
    with app.runtime.uow() as uow:
        record = uow.session.scalar(
            select(AuditRecord)
            .where(AuditRecord.meldung_id == "00960")
            .order_by(AuditRecord.seq.desc())
        )
        user = uow.session.scalar(select(User).where(User.login == anna))
        assert record is not None and record.detail == "UsernameToken nonce used before"
        assert user is not None and user.failed_logins == 0  # a replay is no password guess


def test_username_token_created_outside_window(app: BiproApplication, anna: str) -> None:
    stale = (utcnow() - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert call(app, STS_PATH, _with_nonce(anna, "bm9uY2UtMw==", stale)).meldung_ids == ["00960"]


def test_ws_addressing_reply_to_is_never_called(app: BiproApplication, anna: str) -> None:
    """The answer goes back on the HTTP connection; a ReplyTo address is never contacted."""
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.3)
        port = listener.getsockname()[1]
        wsa = "http://www.w3.org/2005/08/addressing"
        header = (
            f'<wsa:ReplyTo xmlns:wsa="{wsa}" soapenv:mustUnderstand="1">'
            f"<wsa:Address>http://127.0.0.1:{port}/steal</wsa:Address></wsa:ReplyTo>"
            f'<wsa:MessageID xmlns:wsa="{wsa}">urn:uuid:1</wsa:MessageID>'
            + username_header(anna, PASSWORD)
        )
        answer = call(app, STS_PATH, envelope(rst(), header))
        identifier_of(answer)
        with pytest.raises(TimeoutError):
            listener.accept()
