"""Test helpers: an in-process WSGI caller and SOAP message builders."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from bipro_clients.conformance.official_xsd import inline_xop, split_multipart
from lxml import etree

from bipro_service.namespaces import (
    ALLGEMEIN,
    NACHRICHTEN,
    PASSWORD_TEXT,
    REQUEST_ISSUE,
    SCT_TOKEN_TYPE,
    SOAP11_ENV,
    WSC,
    WSSE,
    WST,
)
from tests.official import assert_official

STS_PATH = "/bipro/STS/UserPasswordLogin_2.6.1.1.0"
NS = {"soap": SOAP11_ENV, "nachr": NACHRICHTEN, "wst": WST, "wsc": WSC, "wsse": WSSE}


@dataclass
class Answer:
    status: str
    headers: dict[str, str]
    body: bytes

    @property
    def code(self) -> int:
        return int(self.status.split()[0])

    @property
    def is_mtom(self) -> bool:
        return self.headers.get("Content-Type", "").lower().startswith("multipart/related")

    @property
    def xml(self) -> etree._Element:
        """The SOAP envelope; of an MTOM answer with every ``xop:Include`` resolved (the XOP
        infoset, as a client's MTOM decoder hands it on)."""
        huge = etree.XMLParser(huge_tree=True)
        if not self.is_mtom:
            return etree.fromstring(self.body, huge)
        root, parts = split_multipart(self.headers["Content-Type"], self.body)
        return inline_xop(etree.fromstring(root, huge), parts)

    def find(self, path: str) -> etree._Element | None:
        return self.xml.find(path, NS)

    def text(self, path: str) -> str | None:
        return self.xml.findtext(path, namespaces=NS)

    @property
    def meldung_ids(self) -> list[str]:
        return [e.text or "" for e in self.xml.iterfind(".//nachr:Meldung/nachr:MeldungID", NS)]

    @property
    def is_fault(self) -> bool:
        return self.find("soap:Body/soap:Fault") is not None


def call(
    app: Any,
    path: str,
    body: bytes = b"",
    *,
    method: str = "POST",
    query: str = "",
    headers: dict[str, str] | None = None,
    remote: str = "127.0.0.1",
    check_official: bool = True,
) -> Answer:
    """Call the WSGI app in process; a SOAP answer must validate against the official XSDs."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": remote,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "text/xml; charset=utf-8",
    }
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
        else:
            environ["HTTP_" + key] = value
    captured: dict[str, Any] = {}

    def start_response(
        status: str, response_headers: list[tuple[str, str]], exc_info: Any = None
    ) -> None:
        captured["status"] = status
        captured["headers"] = dict(response_headers)

    data = b"".join(app(environ, start_response))
    answer = Answer(captured["status"], captured["headers"], data)
    if method == "POST" and path.startswith("/bipro/") and check_official:
        # Every SOAP answer a test sees is held to the official BiPRO 2.6 XSDs.
        checked = data
        if release_21_request(body):
            # The one documented difference of an answer to a release-2.1 request: BiPROVersion
            # echoed in allgemein (docs/wire-format.md, "Releases and URLs").
            # (A fault raised before the request's shape is read — e.g. a SOAPAction naming
            # another operation — keeps nac:BiPROVersion.)
            assert b"<nac:BiPROVersion>" not in data or answer.code != 200, data[:2000]
            nac = f'<nac:BiPROVersion xmlns:nac="{NACHRICHTEN}">'.encode()
            checked = data.replace(b"<all:BiPROVersion>", nac).replace(
                b"</all:BiPROVersion>", b"</nac:BiPROVersion>"
            )
        assert_official(answer.headers.get("Content-Type", ""), checked)
    return answer


def release_21_request(body: bytes) -> bool:
    """The request carries BiPROVersion in ``allgemein`` (release 2.1)."""
    if ALLGEMEIN.encode() not in body:
        return False
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        return False
    return root.find(f".//{{{ALLGEMEIN}}}BiPROVersion") is not None


def envelope(body: str, header: str = "", prefix: str = "soapenv") -> bytes:
    return (
        f'<{prefix}:Envelope xmlns:{prefix}="{SOAP11_ENV}">'
        f"<{prefix}:Header>{header}</{prefix}:Header>"
        f"<{prefix}:Body>{body}</{prefix}:Body></{prefix}:Envelope>"
    ).encode()


def request_body(namespace: str, operation: str, inner: str = "", prefix: str = "t") -> str:
    """A BiPRO 2.6.1.1.0 request ``<prefix:operation>`` (``n:`` for the Nachrichten namespace)."""
    p = prefix
    return (
        f'<{p}:{operation} xmlns:{p}="{namespace}" xmlns:n="{NACHRICHTEN}"><{p}:Request>'
        f"<n:BiPROVersion>2.6.1.1.0</n:BiPROVersion>{inner}</{p}:Request></{p}:{operation}>"
    )


def username_header(login: str, password: str) -> str:
    return (
        f'<wsse:Security xmlns:wsse="{WSSE}"><wsse:UsernameToken>'
        f"<wsse:Username>{login}</wsse:Username>"
        f'<wsse:Password Type="{PASSWORD_TEXT}">{password}</wsse:Password>'
        "</wsse:UsernameToken></wsse:Security>"
    )


def token_header(identifier: str) -> str:
    return (
        f'<wsse:Security xmlns:wsse="{WSSE}"><wsc:SecurityContextToken xmlns:wsc="{WSC}">'
        f"<wsc:Identifier>{identifier}</wsc:Identifier></wsc:SecurityContextToken></wsse:Security>"
    )


def rst(request_type: str = REQUEST_ISSUE, extra: str = "", version: str | None = None) -> str:
    version_xml = (
        f'<nachr:BiPROVersion xmlns:nachr="{NACHRICHTEN}">{version}</nachr:BiPROVersion>'
        if version
        else ""
    )
    return (
        f'<wst:RequestSecurityToken xmlns:wst="{WST}">'
        f"<wst:TokenType>{SCT_TOKEN_TYPE}</wst:TokenType>"
        f"<wst:RequestType>{request_type}</wst:RequestType>{version_xml}{extra}"
        "</wst:RequestSecurityToken>"
    )


def login_request(login: str, password: str, version: str | None = "2.6.1.1.0") -> bytes:
    return envelope(rst(version=version), username_header(login, password))
