"""Our schemas of the shapes the official 2.6 set lacks (440 as the field sends it, our
``listContracts`` extension) make the validator check what the official types define inside."""

from __future__ import annotations

from bipro_clients.conformance.official_xsd import FIELD_DIR

from bipro_service.namespaces import ERWEITERUNG, NACHRICHTEN, NAVIGATION, SOAP11_ENV
from tests.official import require_schemas


def _envelope(body: str) -> bytes:
    return (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP11_ENV}"><soapenv:Body>{body}'
        "</soapenv:Body></soapenv:Envelope>"
    ).encode()


STATUS = (
    "<nac:Status><nac:ProzessID>p1</nac:ProzessID><nac:Zeitstempel>2026-01-02T03:04:05"
    "</nac:Zeitstempel><nac:StatusID>OK</nac:StatusID><nac:Schwebe>false</nac:Schwebe>"
    "<nac:Meldung><nac:ArtID>Hinweis</nac:ArtID><nac:MeldungID>01100</nac:MeldungID>"
    "</nac:Meldung></nac:Status>"
)


def _links(status: str, ziel: str) -> bytes:
    return _envelope(
        f'<bipro:getLinksResponse xmlns:bipro="{NAVIGATION}" xmlns:nac="{NACHRICHTEN}">'
        '<bipro:Response Version="1.4.1.0"><nac:BiPROVersion>2.6.1.1.0</nac:BiPROVersion>'
        f"{status}<bipro:Links><bipro:Link><bipro:URL>https://x/</bipro:URL>"
        f"<bipro:ZielID>{ziel}</bipro:ZielID></bipro:Link></bipro:Links></bipro:Response>"
        "</bipro:getLinksResponse>"
    )


def test_the_field_schemas_are_ours_and_shipped() -> None:
    assert sorted(p.name for p in FIELD_DIR.glob("*.xsd")) == [
        "bipro-440-navigation.xsd",
        "bipro-service-erweiterung.xsd",
    ]


def test_440_answer_checked_with_official_status_and_zielid() -> None:
    schemas = require_schemas()
    assert schemas.errors(_links(STATUS, "004")) == []
    broken = schemas.errors(
        _links("<nac:Status><nac:StatusID>OK</nac:StatusID></nac:Status>", "Vertrag")
    )
    assert any("StatusID" in e for e in broken) and any("ZielID" in e for e in broken)


def test_extension_answer_checked_with_official_status() -> None:
    schemas = require_schemas()
    answer = (
        f'<ext:listContractsResponse xmlns:ext="{ERWEITERUNG}" xmlns:nac="{NACHRICHTEN}">'
        "<ext:Response><nac:BiPROVersion>2.6.1.1.0</nac:BiPROVersion>{status}"
        "<ext:NaechsterCursor>c</ext:NaechsterCursor></ext:Response></ext:listContractsResponse>"
    )
    assert schemas.errors(_envelope(answer.format(status=STATUS))) == []
    assert schemas.errors(_envelope(answer.format(status="<nac:Status/>")))
