"""Portal pages under ``/portal/``: activation link and password change (T II.1, I.5b), and the
DeepLink targets (BiPRO 440, ``service_layer/deeplinks.py``).

No JavaScript, no session: each form carries a CSRF token (``csrf.py``), every answer the
strict security headers of ``http.py``. A successful POST redirects (303) to a confirmation
page, so reloading it never resubmits a password. Passwords are never logged or audited.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.models import UserState
from bipro_service.adapters.passwords import new_secret
from bipro_service.domain.status import (
    AccountLocked,
    BiproError,
    InvalidCredentials,
    InvalidToken,
    PolicyViolation,
)
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.entrypoints.web import pages
from bipro_service.entrypoints.web.csrf import (
    COOKIE_NAME,
    FIELD_NAME,
    CsrfGuard,
    new_cookie_value,
    valid_cookie_value,
)
from bipro_service.entrypoints.web.http import (
    Environ,
    RequestRejected,
    Response,
    StartResponse,
    cookie,
    query_value,
    read_form,
    send,
    set_cookie,
    source_address,
)
from bipro_service.service_layer import deeplinks
from bipro_service.service_layer.accounts import change_password
from bipro_service.service_layer.admin import activation_user, redeem_activation
from bipro_service.service_layer.audit import AuditEntry, write_audit
from bipro_service.service_layer.deeplink_views import ContractView, CustomerView

log = logging.getLogger(__name__)

MAX_LOGIN = 64
MAX_TOKEN = 128

LINK_INVALID = (
    "Dieser Aktivierungslink ist ungültig, abgelaufen oder wurde bereits verwendet. "
    "Einen neuen Link erhalten Sie von Ihrem Makleradministrator oder vom Versicherer."
)
DEEPLINK_INVALID = (
    "Dieser Link ist ungültig, abgelaufen oder wurde bereits verwendet. Ein DeepLink ist nur "
    "kurz gültig und nur einmal verwendbar: Bitte öffnen Sie den Vertrag oder Kunden erneut aus "
    "Ihrer Maklersoftware."
)
"""The one refusal text of every DeepLink problem (forged, expired, used, no longer served)."""
MISMATCH = "Die beiden neuen Passwörter stimmen nicht überein."
INCOMPLETE = "Bitte füllen Sie alle Felder aus."

Handler = Callable[[Environ], Response]
OPERATIONS = {"activate": "activate", "password": "changePassword"}
"""Audit operation of each form."""


class Portal:
    """WSGI handler for every path below ``/portal/``."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.csrf = CsrfGuard(runtime.settings.secret_key)
        self.min_length = runtime.settings.password_min_length
        self.routes: dict[str, dict[str, Handler]] = {
            "/portal/": {"GET": self._index},
            "/portal/activate": {"GET": self._activate_form, "POST": self._activate},
            "/portal/activate/done": {"GET": self._activate_done},
            "/portal/password": {"GET": self._password_form, "POST": self._change_password},
            "/portal/password/done": {"GET": self._password_done},
            deeplinks.PATH: {"GET": self._deeplink},
        }

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        handlers = self.routes.get(environ.get("PATH_INFO", ""))
        head = method == "HEAD"
        if handlers is None:
            response = _page("404 Not Found", "Seite nicht gefunden", "Diese Seite gibt es nicht.")
        elif (handler := handlers.get("GET" if head else method)) is None:
            allowed = ", ".join(sorted({*handlers, "HEAD"}))
            response = _page("405 Method Not Allowed", "Nicht erlaubt", "Methode nicht erlaubt.")
            response.headers.append(("Allow", allowed))
        else:
            try:
                response = handler(environ)
            except RequestRejected as rejected:
                response = _page(rejected.status, "Anfrage abgelehnt", rejected.text)
            except Exception:
                log.exception("portal request failed (%s %s)", method, environ.get("PATH_INFO"))
                response = _page(
                    "500 Internal Server Error",
                    "Interner Fehler",
                    "Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später erneut.",
                )
        return send(start_response, response, head=head)

    # -- helpers ------------------------------------------------------------------------------

    def _base(self, environ: Environ) -> str:
        return str(environ.get("SCRIPT_NAME", "")) + "/portal"

    def _csrf_token(self, environ: Environ, form: str) -> tuple[str, list[tuple[str, str]]]:
        """A token for ``form``, reusing the browser's CSRF cookie or setting a new one."""
        value = cookie(environ, COOKIE_NAME)
        headers: list[tuple[str, str]] = []
        if not valid_cookie_value(value):
            value = new_cookie_value()
            secure = environ.get("wsgi.url_scheme") == "https"
            headers.append(set_cookie(COOKIE_NAME, value, secure))
        assert value is not None
        return self.csrf.issue(value, form, int(time.time())), headers

    def _checked_form(self, environ: Environ, form: str) -> dict[str, str] | Response:
        """The POSTed fields, or the 403 page when the CSRF check fails."""
        fields = read_form(environ)
        if environ.get("HTTP_SEC_FETCH_SITE", "").lower() == "cross-site":
            problem: str | None = "cross-site request"
        else:
            problem = self.csrf.check(
                fields.get(FIELD_NAME), cookie(environ, COOKIE_NAME), form, int(time.time())
            )
        if problem is None:
            return fields
        log.warning("portal: CSRF check failed on %s: %s", form, problem)
        self._audit(environ, OPERATIONS[form], "FAULT", detail=f"CSRF: {problem}")
        return _page(
            "403 Forbidden",
            "Anfrage abgelehnt",
            "Das Formular ist abgelaufen oder wurde nicht von dieser Seite gesendet. "
            "Bitte öffnen Sie das Formular (oder Ihren Aktivierungslink) erneut und "
            "versuchen Sie es noch einmal.",
            link=(self._base(environ) + "/", "Zur Übersicht"),
        )

    def _audit(
        self,
        environ: Environ,
        operation: str,
        outcome: str,
        login: str | None = None,
        error: BiproError | None = None,
        detail: str | None = None,
    ) -> None:
        """One audit record per portal POST (never with a password); failures only logged."""
        try:
            write_audit(
                self.runtime.session_factory,
                AuditEntry(
                    occurred_at=utcnow(),
                    prozess_id=new_secret(12),
                    service="Portal",
                    operation=operation,
                    outcome=outcome,
                    duration_ms=0,
                    user_login=login[:MAX_LOGIN] if login else None,
                    auth_method="password" if operation == "changePassword" else "activation",
                    meldung_id=error.meldung_id.value if error else None,
                    source_address=source_address(environ, self.runtime.settings.trusted_proxies),
                    detail=detail or (type(error).__name__ if error else None),
                ),
            )
        except Exception:
            log.exception("portal: audit record could not be written")

    def _redirect(self, environ: Environ, path: str) -> Response:
        return Response("303 See Other", headers=[("Location", self._base(environ) + path)])

    # -- pages --------------------------------------------------------------------------------

    def _index(self, environ: Environ) -> Response:
        return Response("200 OK", pages.index(self._base(environ)))

    def _activate_form(self, environ: Environ) -> Response:
        token = query_value(environ, "token")
        if not token:
            return _page("400 Bad Request", "Link unvollständig", LINK_INVALID)
        return self._activation_page(environ, token, None, "200 OK")

    def _activation_page(
        self, environ: Environ, token: str, error: str | None, status: str
    ) -> Response:
        login = self._link_owner(token)
        if login is None:
            return _page("410 Gone", "Link ungültig", LINK_INVALID)
        csrf, headers = self._csrf_token(environ, "activate")
        body = pages.activation_form(
            self._base(environ), login, token, csrf, self.min_length, error
        )
        return Response(status, body, headers)

    def _link_owner(self, token: str) -> str | None:
        if len(token) > MAX_TOKEN:
            return None
        with self.runtime.uow() as uow:
            user = activation_user(uow, token, utcnow())
            # The same states redeem_activation accepts: a locked user's link shows no form.
            if user is None or user.state not in (UserState.INVITED, UserState.ACTIVE):
                return None
            return user.login

    def _activate(self, environ: Environ) -> Response:
        fields = self._checked_form(environ, "activate")
        if isinstance(fields, Response):
            return fields
        token = fields.get("token", "")
        password = fields.get("password", "")
        if not token or len(token) > MAX_TOKEN:
            self._audit(environ, "activate", "FAULT", error=InvalidToken())
            return _page("410 Gone", "Link ungültig", LINK_INVALID)
        if not password or password != fields.get("password_repeat"):
            return self._activation_page(
                environ, token, MISMATCH if password else INCOMPLETE, "400 Bad Request"
            )
        try:
            with self.runtime.uow() as uow:
                redeem_activation(uow, self.runtime.settings, token, password, utcnow())
        except InvalidToken as error:
            self._audit(environ, "activate", "FAULT", error=error)
            return _page("410 Gone", "Link ungültig", LINK_INVALID)
        except PolicyViolation as error:
            self._audit(environ, "activate", "NOK", error=error)
            return self._activation_page(environ, token, error.text, "400 Bad Request")
        # The success itself is audited by the service layer, in the same transaction.
        return self._redirect(environ, "/activate/done")

    def _activate_done(self, environ: Environ) -> Response:
        return _page(
            "200 OK",
            "Zugang aktiviert",
            "Ihr persönliches Passwort ist gesetzt. Melden Sie sich ab jetzt mit Ihrer "
            "Benutzerkennung und diesem Passwort an. Der Aktivierungslink und das "
            "Initialpasswort sind nicht mehr gültig.",
            kind="success",
        )

    def _password_form(self, environ: Environ) -> Response:
        return self._password_page(environ, "", None, "200 OK")

    def _password_page(
        self, environ: Environ, login: str, error: str | None, status: str
    ) -> Response:
        csrf, headers = self._csrf_token(environ, "password")
        body = pages.password_form(self._base(environ), login, csrf, self.min_length, error)
        return Response(status, body, headers)

    def _change_password(self, environ: Environ) -> Response:
        fields = self._checked_form(environ, "password")
        if isinstance(fields, Response):
            return fields
        login = fields.get("login", "").strip()
        current = fields.get("current", "")
        password = fields.get("password", "")
        if not (login and current and password):
            return self._password_page(environ, login, INCOMPLETE, "400 Bad Request")
        if password != fields.get("password_repeat"):
            return self._password_page(environ, login, MISMATCH, "400 Bad Request")
        try:
            with self.runtime.uow() as uow:
                change_password(uow, self.runtime.settings, login, current, password, utcnow())
        except (InvalidCredentials, PolicyViolation) as error:
            outcome = "NOK" if isinstance(error, PolicyViolation) else "FAULT"
            self._audit(environ, "changePassword", outcome, login, error)
            return self._password_page(environ, login, error.text, "400 Bad Request")
        except AccountLocked as error:
            self._audit(environ, "changePassword", "FAULT", login, error)
            return self._password_page(environ, login, error.text, "403 Forbidden")
        self._audit(environ, "changePassword", "OK", login)
        return self._redirect(environ, "/password/done")

    def _password_done(self, environ: Environ) -> Response:
        return _page(
            "200 OK",
            "Passwort geändert",
            "Ihr neues Passwort gilt ab sofort. Bestehende Anmeldungen wurden beendet; "
            "melden Sie sich mit dem neuen Passwort neu an.",
            kind="success",
        )

    def _deeplink(self, environ: Environ) -> Response:
        """Follow a DeepLink: claim it, show the contract or customer, audit the jump."""
        if environ.get("REQUEST_METHOD") == "HEAD":
            # A HEAD (link preview, probe) must not use up a single-use link.
            response = _page("405 Method Not Allowed", "Nicht erlaubt", "Methode nicht erlaubt.")
            response.headers.append(("Allow", "GET"))
            return response
        runtime = self.runtime
        jump = deeplinks.follow(
            runtime.session_factory,
            runtime.settings,
            query_value(environ, deeplinks.QUERY_PARAMETER),
            now=utcnow(),
            today=runtime.business_day(),
            source_address=source_address(environ, runtime.settings.trusted_proxies),
        )
        if isinstance(jump.view, ContractView):
            response = Response("200 OK", pages.deeplink_contract(jump.view))
        elif isinstance(jump.view, CustomerView):
            response = Response("200 OK", pages.deeplink_customer(jump.view))
        else:
            log.info("portal: DeepLink refused: %s", jump.reason)
            response = _page("410 Gone", "Link ungültig", DEEPLINK_INVALID)
        response.headers.append(("X-Robots-Tag", "noindex, nofollow"))
        return response


def _page(
    status: str,
    title: str,
    text: str,
    *,
    kind: str = "error",
    link: tuple[str, str] | None = None,
) -> Response:
    return Response(status, pages.message(title, text, kind=kind, link=link))
