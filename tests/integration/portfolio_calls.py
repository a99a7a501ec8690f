"""SOAP calls of the transfer (BiPRO 430) and contract (BiPRO 502) services for in-process tests."""

from __future__ import annotations

from bipro_service.entrypoints.wsgi import BiproApplication
from tests.support import Answer, call, envelope, request_body, token_header

TRANSFER_PATH = "/bipro/TransferService_2.6.1.1.0"
VERTRAG_PATH = "/bipro/VertragService_2.6.1.1.0"
T = "http://www.bipro.net/namespace/transfer"
V = "http://www.bipro.net/namespace/prozesse/vertrag"
"""502 process namespace (``getData``)."""
VO = "http://www.bipro.net/namespace/vertrag"
"""``vtrg:CT_Vertrag`` and its elements."""
A = "http://www.bipro.net/namespace/allgemein"
X = "urn:bipro-service:erweiterung"
"""Our ``listContracts`` extension."""


def transfer(
    app: BiproApplication, tok: str, operation: str, inner: str = "", **headers: str
) -> Answer:
    body = request_body(T, operation, inner)
    return call(app, TRANSFER_PATH, envelope(body, token_header(tok)), headers=headers)


def ids(answer: Answer) -> list[str]:
    return [e.text or "" for e in answer.xml.iterfind(f".//{{{T}}}Lieferung/{{{T}}}ID")]


def get_data(app: BiproApplication, tok: str, number: str, extra: str = "") -> Answer:
    """``getData`` as the official schema has it: ``allg:Versicherungsscheinnummer``;
    ``extra`` follows ``Vertragsnummer`` (``Unternehmen``, ``Informationsart``)."""
    inner = (
        f'<v:Vertragsauskunft xmlns:a="{A}"><v:Vertragsnummer><a:Versicherungsscheinnummer>'
        f"{number}</a:Versicherungsscheinnummer></v:Vertragsnummer>{extra}</v:Vertragsauskunft>"
    )
    return call(
        app, VERTRAG_PATH, envelope(request_body(V, "getData", inner, "v"), token_header(tok))
    )


def list_contracts(app: BiproApplication, tok: str, inner: str = "") -> Answer:
    body = request_body(X, "listContracts", inner, "x")
    return call(app, VERTRAG_PATH, envelope(body, token_header(tok)))
