"""SOAP calls of the TAA service (BiPRO 420) for in-process tests."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from bipro_service.entrypoints.wsgi import BiproApplication
from tests.integration.portfolio_calls import get_data, transfer
from tests.support import Answer, call, envelope, request_body, token_header

TAA_PATH = "/bipro/TAAService_2.6.1.1.0"
T = "http://www.bipro.net/namespace/taa"

#: Example A of docs/tariff.md: a single courier transport of jewellery, 474.22 EUR.
EXAMPLE_A: dict[str, Any] = {
    "Deckungsform": "single",
    "Transportart": "courier",
    "Wertsachenart": "jewellery",
    "Grundwert": "180000.00",
    "Kosten": "1250.00",
    "ImaginaererGewinn": "18000.00",
    "Klausel": ["war", "strike_riot"],
}
NEW_APPLICANT: dict[str, Any] = {
    "Firmenname": "Juwelier Muster GmbH",
    "Anschrift": {"Strasse": "Königsallee 1", "Postleitzahl": "40212", "Ort": "Düsseldorf"},
}
_VALUE = ("Grundwert", "Kosten", "Stueckzinsen", "Kurssteigerung", "ImaginaererGewinn", "Zoelle")
_OPEN = ("Jahresumsatz", "Anmeldeverfahren", "Anmeldezeitraum")


def _el(name: str, value: Any) -> str:
    if isinstance(value, dict):
        return f"<t:{name}>{''.join(_el(k, v) for k, v in value.items())}</t:{name}>"
    if isinstance(value, list):
        return "".join(_el(name, item) for item in value)
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<t:{name}>{value}</t:{name}>"


def tarifierung(fields: dict[str, Any]) -> str:
    """``Tarifierung`` in schema order from flat fields (value and open-cover parts inline)."""
    value = {k: fields[k] for k in _VALUE if k in fields}
    terms = {k: fields[k] for k in _OPEN if k in fields}
    inner = _el("Deckungsform", fields["Deckungsform"]) + _el(
        "Transportart", fields["Transportart"]
    )
    inner += _el("Wertsachenart", fields["Wertsachenart"]) + _el("Versicherungswert", value)
    if "Versicherungssumme" in fields:
        inner += _el("Versicherungssumme", fields["Versicherungssumme"])
    if terms:
        inner += _el("LaufendeVersicherung", terms)
    for name in ("Klausel", "Zahlweise", "SEPALastschriftmandat", "Grenzueberschreitend"):
        if name in fields:
            inner += _el(name, fields[name])
    return f"<t:Tarifierung>{inner}</t:Tarifierung>"


def _call(app: BiproApplication, tok: str, operation: str, inner: str) -> Answer:
    return call(app, TAA_PATH, envelope(request_body(T, operation, inner), token_header(tok)))


def get_quote(app: BiproApplication, tok: str, **changes: Any) -> Answer:
    return _call(app, tok, "getQuote", tarifierung({**EXAMPLE_A, **changes}))


def get_offer(
    app: BiproApplication,
    tok: str,
    *,
    applicant: dict[str, Any] | None = None,
    begin: date | None = None,
    **changes: Any,
) -> Answer:
    inner = tarifierung({**EXAMPLE_A, **changes})
    inner += _el("Antragsteller", applicant if applicant is not None else NEW_APPLICANT)
    inner += _el("Versicherungsbeginn", (begin or app.runtime.business_day()).isoformat())
    return _call(app, tok, "getOffer", inner)


def set_order(app: BiproApplication, tok: str, number: str) -> Answer:
    return _call(app, tok, "setOrder", _el("Angebotsnummer", number))


def offer_number(answer: Answer) -> str:
    number = answer.xml.findtext(f".//{{{T}}}Angebot/{{{T}}}Angebotsnummer")
    assert number, answer.body
    return number


def taa_text(answer: Answer, path: str) -> str | None:
    """Text at ``path`` written with ``t:`` for the TAA namespace."""
    return answer.xml.findtext(".//" + path.replace("t:", f"{{{T}}}"))


def document(answer: Answer, path: str) -> bytes:
    data = taa_text(answer, f"{path}/t:Dokument/t:Daten")
    assert data, answer.body
    return base64.b64decode(data)


def get_contract(app: BiproApplication, tok: str, number: str) -> Answer:
    return get_data(app, tok, number)


def get_shipment(app: BiproApplication, tok: str, shipment_id: str) -> Answer:
    return transfer(app, tok, "getShipment", f"<t:ID>{shipment_id}</t:ID>")
