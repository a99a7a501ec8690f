"""Portal pages (activation link, password change) through the real WSGI app, in process."""

from __future__ import annotations

import json
import logging
import re
import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.models import AuditRecord
from bipro_service.entrypoints.web.csrf import COOKIE_NAME, CsrfGuard, new_cookie_value
from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.service_layer import admin
from tests.support import STS_PATH, Answer, call, login_request

FORM = "application/x-www-form-urlencoded"
LOGIN = "mueller"
NEW_PASSWORD = "Sonnen-Blume-2024!"
OTHER_PASSWORD = "Wolken-Himmel-7391?"
WRONG_CREDENTIALS = "Benutzerkennung oder Passwort ungültig."
LINK_INVALID = "Dieser Aktivierungslink ist ungültig, abgelaufen oder wurde bereits verwendet."


# -- helpers ------------------------------------------------------------------------------------


def open_form(
    app: BiproApplication, path: str, query: str = "", cookie: str | None = None
) -> tuple[Answer, str, str]:
    """GET a form page; returns the answer, the CSRF cookie value and the form's CSRF token."""
    headers = {"Cookie": f"{COOKIE_NAME}={cookie}"} if cookie else {}
    answer = call(app, path, method="GET", query=query, headers=headers)
    assert answer.code == 200, answer.body
    set_cookie = answer.headers.get("Set-Cookie")
    if set_cookie:
        cookie = set_cookie.split(";", 1)[0].split("=", 1)[1]
    assert cookie
    match = re.search(r'name="csrf_token" value="([^"]+)"', answer.body.decode())
    assert match
    return answer, cookie, match.group(1)


def post_form(
    app: BiproApplication,
    path: str,
    fields: dict[str, str],
    cookie: str | None,
    headers: dict[str, str] | None = None,
) -> Answer:
    all_headers = {"Content-Type": FORM, **(headers or {})}
    if cookie:
        all_headers["Cookie"] = f"other=1; {COOKIE_NAME}={cookie}"
    return call(app, path, urlencode(fields).encode(), headers=all_headers)


def error_text(answer: Answer) -> str:
    match = re.search(r'<p class="error" role="alert">(.*?)</p>', answer.body.decode(), re.S)
    assert match, answer.body.decode()
    return match.group(1)


def sts_login(app: BiproApplication, login: str, password: str) -> Answer:
    return call(app, STS_PATH, login_request(login, password))


def activate(
    app: BiproApplication, secret: str, password: str, repeat: str | None = None
) -> Answer:
    _, cookie, token = open_form(app, "/portal/activate", urlencode({"token": secret}))
    fields = {
        "csrf_token": token,
        "token": secret,
        "password": password,
        "password_repeat": password if repeat is None else repeat,
    }
    return post_form(app, "/portal/activate", fields, cookie)


def change(
    app: BiproApplication, login: str, current: str, new: str, repeat: str | None = None
) -> Answer:
    _, cookie, token = open_form(app, "/portal/password")
    fields = {
        "csrf_token": token,
        "login": login,
        "current": current,
        "password": new,
        "password_repeat": new if repeat is None else repeat,
    }
    return post_form(app, "/portal/password", fields, cookie)


@pytest.fixture
def invited(app: BiproApplication) -> admin.NewUser:
    """A firm and an invited user (initial password, activation link)."""
    now = utcnow()
    with app.runtime.uow() as uow:
        admin.create_firm(uow, "P100", "Portal Makler GmbH", False, now)
    with app.runtime.uow() as uow:
        return admin.create_user(
            uow,
            admin.INSURER,
            "P100",
            LOGIN,
            "Max Müller",
            portfolio_rights=True,
            admin=False,
            now=now,
        )


@pytest.fixture
def active(app: BiproApplication, invited: admin.NewUser) -> admin.NewUser:
    """The user after activation with :data:`NEW_PASSWORD`."""
    with app.runtime.uow() as uow:
        admin.redeem_activation(
            uow, app.runtime.settings, invited.activation_secret, NEW_PASSWORD, utcnow()
        )
    return invited


# -- activation ---------------------------------------------------------------------------------


def test_activation_end_to_end(
    app: BiproApplication, invited: admin.NewUser, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    query = urlencode({"token": invited.activation_secret})
    form, cookie, token = open_form(app, "/portal/activate", query)
    assert form.headers["X-Frame-Options"] == "DENY"
    assert form.headers["Cache-Control"] == "no-store"
    assert form.headers["Referrer-Policy"] == "no-referrer"
    csp = form.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    set_cookie = form.headers["Set-Cookie"]
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/portal"):
        assert attribute in set_cookie
    assert LOGIN in form.body.decode()
    # The initial password is only good for setting a personal one (00966).
    assert sts_login(app, LOGIN, invited.initial_password).meldung_ids == ["00966"]

    fields = {
        "csrf_token": token,
        "token": invited.activation_secret,
        "password": NEW_PASSWORD,
        "password_repeat": NEW_PASSWORD,
    }
    done = post_form(app, "/portal/activate", fields, cookie)
    assert done.code == 303
    assert done.headers["Location"] == "/portal/activate/done"
    assert done.headers["Cache-Control"] == "no-store"
    page = call(app, "/portal/activate/done", method="GET")
    assert page.code == 200 and "Zugang aktiviert" in page.body.decode()

    assert sts_login(app, LOGIN, NEW_PASSWORD).code == 200
    assert sts_login(app, LOGIN, invited.initial_password).meldung_ids == ["00960"]

    # The link is spent: the form is refused, and so is a second POST of the old form.
    again = call(app, "/portal/activate", method="GET", query=query)
    assert again.code == 410 and LINK_INVALID in again.body.decode()
    replay = post_form(app, "/portal/activate", {**fields, "password": OTHER_PASSWORD}, cookie)
    assert replay.code == 410
    assert sts_login(app, LOGIN, NEW_PASSWORD).code == 200

    # Passwords appear neither in the log nor in the audit trail.
    with app.runtime.uow() as uow:
        records = uow.session.scalars(select(AuditRecord)).all()
        trail = json.dumps([[r.objects, r.detail, r.user_login] for r in records])
    for secret in (NEW_PASSWORD, OTHER_PASSWORD, invited.initial_password):
        assert secret not in caplog.text
        assert secret not in trail


def test_invalid_links_all_look_the_same(app: BiproApplication, invited: admin.NewUser) -> None:
    with app.runtime.uow() as uow:
        expired = admin.create_user(
            uow,
            admin.INSURER,
            "P100",
            "alt",
            "Alte Einladung",
            portfolio_rights=False,
            admin=False,
            now=utcnow() - timedelta(days=8),
        )
    with app.runtime.uow() as uow:
        locked = admin.create_user(
            uow,
            admin.INSURER,
            "P100",
            "zu",
            "Gesperrt",
            portfolio_rights=False,
            admin=False,
            now=utcnow(),
        )
    with app.runtime.uow() as uow:
        admin.lock(uow, admin.INSURER, "zu", utcnow())
    assert activate(app, invited.activation_secret, NEW_PASSWORD).code == 303
    bodies = set()
    secrets = [expired.activation_secret, invited.activation_secret, locked.activation_secret]
    for secret in [*secrets, "unbekannt", "x" * 500]:
        answer = call(app, "/portal/activate", method="GET", query=urlencode({"token": secret}))
        assert answer.code == 410
        assert LINK_INVALID in answer.body.decode()
        assert "Set-Cookie" not in answer.headers
        bodies.add(answer.body)
    assert len(bodies) == 1
    missing = call(app, "/portal/activate", method="GET")
    assert missing.code == 400 and LINK_INVALID in missing.body.decode()


def test_csrf_missing_or_wrong_is_refused(app: BiproApplication, invited: admin.NewUser) -> None:
    secret = invited.activation_secret
    _, cookie, token = open_form(app, "/portal/activate", urlencode({"token": secret}))
    _, _, password_token = open_form(app, "/portal/password", cookie=cookie)
    other_cookie = new_cookie_value()
    _, _, foreign_token = open_form(app, "/portal/password", cookie=other_cookie)
    stale = CsrfGuard(app.runtime.settings.secret_key).issue(
        cookie, "activate", int(time.time()) - 3601
    )
    issued, mac = token.split(".")
    tampered = f"{issued}.{'A' if mac[0] != 'A' else 'B'}{mac[1:]}"
    fields = {"token": secret, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD}
    attempts: list[tuple[dict[str, str], str | None, dict[str, str]]] = [
        (fields, cookie, {}),  # no token
        ({**fields, "csrf_token": token}, None, {}),  # no cookie
        ({**fields, "csrf_token": ""}, cookie, {}),
        ({**fields, "csrf_token": tampered}, cookie, {}),
        ({**fields, "csrf_token": foreign_token}, cookie, {}),  # another browser's token
        ({**fields, "csrf_token": password_token}, cookie, {}),  # another form's token
        ({**fields, "csrf_token": stale}, cookie, {}),  # older than an hour
        ({**fields, "csrf_token": token}, other_cookie, {}),
        ({**fields, "csrf_token": token}, cookie, {"Sec-Fetch-Site": "cross-site"}),
    ]
    for fields_sent, cookie_sent, headers in attempts:
        answer = post_form(app, "/portal/activate", fields_sent, cookie_sent, headers)
        assert answer.code == 403, (fields_sent, cookie_sent, headers)
        assert "Anfrage abgelehnt" in answer.body.decode()
        assert answer.headers["X-Frame-Options"] == "DENY"

    _, cookie, token = open_form(app, "/portal/password")
    change_fields = {"login": LOGIN, "current": invited.initial_password}
    change_fields |= {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD}
    assert post_form(app, "/portal/password", change_fields, cookie).code == 403

    # Every rejection is in the audit trail.
    with app.runtime.uow() as uow:
        rejected = uow.session.scalars(
            select(AuditRecord).where(AuditRecord.service == "Portal")
        ).all()
        seen = [(r.operation, r.outcome, (r.detail or "")[:6]) for r in rejected]
    expected = [("activate", "FAULT", "CSRF: ")] * len(attempts)
    assert seen == [*expected, ("changePassword", "FAULT", "CSRF: ")]

    # Nothing changed: still invited, the link still works.
    assert sts_login(app, LOGIN, invited.initial_password).meldung_ids == ["00966"]
    assert sts_login(app, LOGIN, NEW_PASSWORD).meldung_ids == ["00960"]
    assert activate(app, secret, NEW_PASSWORD).code == 303
    assert sts_login(app, LOGIN, NEW_PASSWORD).code == 200


def test_activation_shows_policy_violations(app: BiproApplication, invited: admin.NewUser) -> None:
    secret = invited.activation_secret
    short = activate(app, secret, "kurz")
    assert short.code == 400
    assert "Das Passwort muss mindestens 12 Zeichen lang sein." in error_text(short)
    with_login = activate(app, secret, f"Xy-{LOGIN}-2024-abc")
    assert "Das Passwort darf die Benutzerkennung nicht enthalten." in error_text(with_login)
    initial = activate(app, secret, invited.initial_password)
    assert "muss sich vom bisherigen unterscheiden" in error_text(initial)
    mismatch = activate(app, secret, NEW_PASSWORD, repeat=OTHER_PASSWORD)
    assert mismatch.code == 400
    assert error_text(mismatch) == "Die beiden neuen Passwörter stimmen nicht überein."
    # The form is shown again (with a fresh CSRF token), the link is still good.
    assert 'name="csrf_token"' in mismatch.body.decode()
    assert NEW_PASSWORD not in mismatch.body.decode()
    assert sts_login(app, LOGIN, invited.initial_password).meldung_ids == ["00966"]
    assert activate(app, secret, NEW_PASSWORD).code == 303


# -- password change ----------------------------------------------------------------------------


def test_change_password_flow(app: BiproApplication, invited: admin.NewUser) -> None:
    first = change(app, LOGIN, invited.initial_password, NEW_PASSWORD)
    assert first.code == 303
    assert first.headers["Location"] == "/portal/password/done"
    page = call(app, "/portal/password/done", method="GET")
    assert page.code == 200 and "Passwort geändert" in page.body.decode()
    assert sts_login(app, LOGIN, NEW_PASSWORD).code == 200
    assert sts_login(app, LOGIN, invited.initial_password).meldung_ids == ["00960"]

    assert change(app, LOGIN, NEW_PASSWORD, OTHER_PASSWORD).code == 303
    assert sts_login(app, LOGIN, NEW_PASSWORD).meldung_ids == ["00960"]
    assert sts_login(app, LOGIN, OTHER_PASSWORD).code == 200

    with app.runtime.uow() as uow:
        records = uow.session.scalars(
            select(AuditRecord).where(AuditRecord.service == "Portal")
        ).all()
        assert [(r.operation, r.outcome, r.user_login) for r in records] == [
            ("changePassword", "OK", LOGIN),
            ("changePassword", "OK", LOGIN),
        ]


def test_change_password_messages(app: BiproApplication, active: admin.NewUser) -> None:
    short = change(app, LOGIN, NEW_PASSWORD, "kurz")
    assert short.code == 400
    assert "Das Passwort muss mindestens 12 Zeichen lang sein." in error_text(short)
    same = change(app, LOGIN, NEW_PASSWORD, NEW_PASSWORD)
    assert "muss sich vom bisherigen unterscheiden" in error_text(same)
    mismatch = change(app, LOGIN, NEW_PASSWORD, OTHER_PASSWORD, repeat=OTHER_PASSWORD + "x")
    assert error_text(mismatch) == "Die beiden neuen Passwörter stimmen nicht überein."
    incomplete = change(app, LOGIN, "", OTHER_PASSWORD)
    assert error_text(incomplete) == "Bitte füllen Sie alle Felder aus."
    # The user key is shown again, escaped; passwords never are.
    assert f'value="{LOGIN}"' in short.body.decode()
    assert NEW_PASSWORD not in short.body.decode()
    # Policy violations after a correct current password do not count towards the lock.
    assert change(app, LOGIN, NEW_PASSWORD, "kurz").code == 400
    assert sts_login(app, LOGIN, NEW_PASSWORD).code == 200


def test_unknown_user_and_wrong_password_look_the_same(
    app: BiproApplication, active: admin.NewUser
) -> None:
    unknown = change(app, "niemand", NEW_PASSWORD, OTHER_PASSWORD)
    wrong = change(app, LOGIN, "Falsches-Passwort-1", OTHER_PASSWORD)
    assert unknown.code == wrong.code == 400
    assert error_text(unknown) == error_text(wrong) == WRONG_CREDENTIALS


def test_three_wrong_current_passwords_lock(app: BiproApplication, active: admin.NewUser) -> None:
    for _ in range(3):
        wrong = change(app, LOGIN, "Falsches-Passwort-1", OTHER_PASSWORD)
        assert error_text(wrong) == WRONG_CREDENTIALS
    locked = change(app, LOGIN, NEW_PASSWORD, OTHER_PASSWORD)
    assert locked.code == 403
    assert "Der Zugang ist gesperrt." in error_text(locked)
    assert sts_login(app, LOGIN, NEW_PASSWORD).meldung_ids == ["00964"]
    assert sts_login(app, LOGIN, OTHER_PASSWORD).meldung_ids == ["00964"]


def test_output_is_escaped(app: BiproApplication) -> None:
    evil = '<script>alert("x")</script>'
    answer = change(app, evil, "a", NEW_PASSWORD, repeat=OTHER_PASSWORD)
    body = answer.body.decode()
    assert "<script>" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


# -- request handling ---------------------------------------------------------------------------


def test_form_bodies_are_checked(app: BiproApplication, invited: admin.NewUser) -> None:
    _, cookie, token = open_form(app, "/portal/password")
    cookie_header = f"{COOKIE_NAME}={cookie}"
    fields = urlencode({"csrf_token": token, "login": LOGIN, "current": "x"}).encode()

    def post(body: bytes, **headers: str) -> Answer:
        all_headers = {"Content-Type": FORM, "Cookie": cookie_header}
        all_headers.update({k.replace("_", "-"): v for k, v in headers.items()})
        return call(app, "/portal/password", body, headers=all_headers)

    assert post(fields, Content_Type="application/json").code == 415
    assert post(fields, Content_Type="multipart/form-data; boundary=x").code == 415
    assert post(fields, Content_Type=FORM + "; charset=latin-1").code == 415
    assert post(fields + b"&pad=" + b"x" * 17_000).code == 413
    assert post(fields, Content_Length="").code == 411
    assert post(fields + b"&login=zweimal").code == 400
    assert post(fields + b"&x=%ff").code == 400
    assert post(fields, Content_Type=FORM + "; charset=UTF-8").code == 400  # fields incomplete


def test_routing_and_headers(app: BiproApplication) -> None:
    index = call(app, "/portal/", method="GET")
    assert index.code == 200 and "/portal/password" in index.body.decode()
    missing = call(app, "/portal/nichts", method="GET")
    assert missing.code == 404 and missing.headers["X-Frame-Options"] == "DENY"
    put = call(app, "/portal/password", method="PUT")
    assert put.code == 405 and put.headers["Allow"] == "GET, HEAD, POST"
    head = call(app, "/portal/password", method="HEAD")
    assert head.code == 200 and head.body == b"" and int(head.headers["Content-Length"]) > 0
    done = call(app, "/portal/activate/done", method="POST")
    assert done.code == 405
