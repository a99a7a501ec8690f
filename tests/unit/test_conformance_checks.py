"""The conformance kit's checks themselves: masking of secrets, strict fault expectations,
links kept on the endpoint, refused logins stopping the run, tokens logged out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bipro_clients import Answer, BiproFault, Token, TokenSource
from bipro_clients.conformance import (
    Case,
    CaseResult,
    LoginRefused,
    Outcome,
    check_login,
    context_from_sheet,
    context_without_sheet,
    html_report,
    run_suite,
)
from bipro_clients.conformance.cases_sts import lifetime_problems
from bipro_clients.conformance.runner import run_case
from bipro_clients.conformance.wire import each_refused, expect_bipro_fault, expect_fault
from bipro_clients.errors import Meldung

from tests.unit.conformance_helpers import sample_sheet

SECURITY = (
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"'
    ' xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"'
    ' xmlns:wsc="http://schemas.xmlsoap.org/ws/2005/02/sc"'
    ' xmlns:wst="http://schemas.xmlsoap.org/ws/2005/02/trust"><s:Header><wsse:Security>'
    "<wsse:UsernameToken><wsse:Username>u</wsse:Username>"
    '<wsse:Password Type="PasswordText">p&amp;&lt;w&gt;</wsse:Password></wsse:UsernameToken>'
    "<wsc:SecurityContextToken><wsc:Identifier>bipro:header-token</wsc:Identifier>"
    "</wsc:SecurityContextToken><wsse:BinarySecurityToken>CERT</wsse:BinarySecurityToken>"
    "</wsse:Security></s:Header><s:Body><wst:RequestSecurityToken><wst:CancelTarget>"
    "<wsc:SecurityContextToken><wsc:Identifier>bipro:cancel-token</wsc:Identifier>"
    "</wsc:SecurityContextToken></wst:CancelTarget><x>echo p&amp;&lt;w&gt;</x>"
    "</wst:RequestSecurityToken></s:Body></s:Envelope>"
)


def test_passwords_and_tokens_are_masked_in_the_report_escaped_or_not() -> None:
    sheet = sample_sheet()
    for firm in sheet["firms"]:
        for user in firm["users"]:
            user["password"] = f"pw-{user['password']}-pw"
    sheet["firms"][0]["users"][1]["password"] = "p&<w>"
    ctx = context_from_sheet("http://x", sheet)
    answer = SECURITY.replace("bipro:cancel-token", "bipro:issued-token")

    def run(context: Any) -> Outcome:
        context.recorder.add("http://x/sts", SECURITY, 500, answer)
        context.recorder.add("http://x/raw", "<w:Identifier>bipro:raw</w:Identifier> cut", 0, "")
        return Outcome("e", "o", False)

    (first, second) = run_case(ctx, Case("probe", "t", run)).exchanges
    page = html_report("http://x", [CaseResult("probe", "t", "e", "o", "FAIL", 0.1, [first])])
    for text in (first.request, first.response, second.request, page):
        for secret in ("header-token", "cancel-token", "issued-token", "bipro:raw", "p&amp;&lt;w"):
            assert secret not in text
    assert first.request.count(">***</wsse:Password>") == 1
    assert first.request.count(">***</wsc:Identifier>") == 2  # header and CancelTarget
    assert "<x>echo ***</x>" in first.request  # the escaped password elsewhere, too
    assert ">CERT</wsse:BinarySecurityToken>" in first.request  # a certificate is public
    assert "SecurityContextToken" in page and "***" in page
    assert second.request == "<w:Identifier>***</w:Identifier> cut"


class _Posting:
    """A stand-in Context whose raw POST answers with a fixed fault."""

    def __init__(self, code: str, meldung_id: str) -> None:
        self.answer = (
            '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>'
            f"<faultcode>s:{code}</faultcode><faultstring>x</faultstring><detail>"
            '<n:BiproException xmlns:n="http://www.bipro.net/namespace/nachrichten"><n:Status>'
            f"<n:MeldungID>{meldung_id}</n:MeldungID></n:Status></n:BiproException></detail>"
            "</s:Fault></s:Body></s:Envelope>"
        )

    def post_raw(self, path: str, body: bytes) -> tuple[int, str]:
        return 500, self.answer


@pytest.mark.parametrize(
    ("code", "meldung_id", "expected_id", "expected_code", "passed"),
    [
        ("Client", "00001", "00001", "Client", True),
        ("Client", "00962", "00001", "Client", False),  # refused for the token, not the content
        ("Server", "00001", "00001", "Client", False),
        ("VersionMismatch", "00001", None, "VersionMismatch", True),
        ("VersionMismatch", "00905", None, "VersionMismatch", False),  # an auth fault
        ("Client", "00001", None, "VersionMismatch", False),
    ],
)
def test_expect_fault_needs_the_meldung_id_and_faultcode_and_never_takes_an_auth_fault(
    code: str, meldung_id: str, expected_id: str | None, expected_code: str, passed: bool
) -> None:
    ctx: Any = _Posting(code, meldung_id)
    outcome = expect_fault(ctx, b"<x/>", expected_id, "e", code=expected_code)
    assert outcome.passed is passed
    assert f"fault {meldung_id}, faultcode {code}" in outcome.observed


def test_no_portfolio_rights_needs_a_client_fault_an_internal_error_does_not_count() -> None:
    def raising(code: str) -> Any:
        def call() -> None:
            raise BiproFault(code, "x", "p", [Meldung("Fehler", "99999", "x")])

        return call

    assert expect_bipro_fault("99999", "e", raising("soap:Client"), code="Client").passed
    internal = expect_bipro_fault("99999", "e", raising("soap:Server"), code="Client")
    assert not internal.passed and "faultcode Server" in internal.observed


def test_each_refused_names_every_object_answered_otherwise() -> None:
    answers = {
        "a": Answer(False, "p", [Meldung("Fehler", "01101", "")]),
        "b": Answer(True, "p", [Meldung("Hinweis", "01100", "")], payload=["link"]),
        "c": Answer(False, "p", [Meldung("Fehler", "01101", "")], payload=["link"]),
    }
    outcome = each_refused(answers, answers.__getitem__, "01101", lambda a: not a.payload)
    assert not outcome.passed and outcome.observed == "3 tried; b: OK 01100, c: NOK 01101"
    assert each_refused(["a"], answers.__getitem__, "01101", lambda a: True).passed


def test_lifetimes_are_compared_as_times_not_strings() -> None:
    assert lifetime_problems("2026-11-21T15:39:47Z", "2026-11-21T15:39:48Z") == []
    # as strings "47.5Z" < "47Z" ('.' sorts before 'Z'): as times Created is after Expires
    later = lifetime_problems("2026-11-21T15:39:47.5Z", "2026-11-21T15:39:47Z")
    assert later == ["Expires not after Created"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://bipro.example.de:8443/portal/deeplink?t=1", None),
        ("http://BIPRO.example.de/p", None),
        ("https://evil.example/p", "host 'evil.example'"),
        ("file:///etc/passwd", "scheme 'file'"),
        ("javascript:alert(1)", "scheme 'javascript'"),
        ("//bipro.example.de/p", "scheme 'none'"),
    ],
)
def test_only_links_to_the_endpoints_own_host_are_opened(url: str, reason: str | None) -> None:
    ctx = context_without_sheet("https://bipro.example.de", "u", "p")
    refused = ctx.outside(url)
    if reason is None:
        assert refused is None
    else:
        assert refused is not None and "link points outside the endpoint" in refused
        assert reason in refused
        with pytest.raises(ValueError, match="outside the endpoint"):
            ctx.get(url)
        assert ctx.recorder.exchanges == []  # nothing was fetched


def test_a_refused_login_stops_the_run_before_any_case_and_is_not_repeated() -> None:
    attempts: list[str] = []

    def login() -> Token:
        attempts.append("login")
        raise BiproFault("soap:Client", "falsch", "p", [Meldung("Fehler", "00960", "x")])

    ctx = context_from_sheet("http://x", sample_sheet())
    ctx._tokens = TokenSource(login)
    ran: list[str] = []

    def run(context: Any) -> Outcome:
        ran.append("ran")
        return Outcome("e", "o", True)

    probe = Case("probe", "t", run)
    with pytest.raises(LoginRefused, match=r"00960.*would lock the account"):
        run_suite(ctx, [probe, probe])
    with pytest.raises(LoginRefused):
        check_login(ctx)
    assert attempts == ["login"] and ran == []


def test_the_run_logs_its_token_out_at_the_end() -> None:
    issued = datetime(2030, 1, 1, tzinfo=UTC)
    cancelled: list[Token] = []
    token = Token("bipro:t", issued, issued + timedelta(minutes=5))
    ctx = context_from_sheet("http://x", sample_sheet())
    ctx._tokens = TokenSource(lambda: token, logout=cancelled.append)
    probe = Case("probe", "t", lambda c: Outcome("e", c.token(), True))
    (result,) = run_suite(ctx, [probe])
    assert result.observed == "bipro:t" and cancelled == [token]


def test_the_certificate_case_logs_out_at_the_certificate_sts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bipro_clients.conformance import cases_security
    from bipro_clients.factory import ClientConfig

    issued = datetime(2030, 1, 1, tzinfo=UTC)
    token = Token("bipro:x509", issued, issued + timedelta(minutes=5))
    calls: list[tuple[str, Any]] = []

    class CertificateSts:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def login(self) -> Token:
            calls.append(("login", None))
            return token

        def cancel(self, cancelled: Token) -> None:
            calls.append(("certificate cancel", cancelled))

    class PasswordSts:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def cancel(self, cancelled: Token) -> None:
            calls.append(("password cancel", cancelled))

    monkeypatch.setattr(cases_security, "CertificateStsClient", CertificateSts)
    monkeypatch.setattr(cases_security, "StsClient", PasswordSts)
    monkeypatch.setattr(cases_security, "_scoping", lambda ctx, token, signing: ("seen", True))
    config = ClientConfig(client_cert=("c.pem", "k.pem"))
    ctx = context_from_sheet("http://x", sample_sheet(), config=config)
    outcome = cases_security.x509_login(ctx)
    assert outcome.passed
    assert calls == [("login", None), ("certificate cancel", token)]
