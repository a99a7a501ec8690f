"""Baselines served by gunicorn like the real service.

``raw_app``: the floor of Python + HTTP + XML: read the body, parse it with lxml, answer a
small SOAP envelope. ``spyne_app``: a bare Spyne SOAP 1.1 application with one ``echo``
operation, i.e. what the framework alone costs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from lxml import etree
from spyne import Application, ServiceBase, Unicode, rpc
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
ECHO_NS = "urn:bench:echo"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def raw_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    data = environ["wsgi.input"].read(length)
    root = etree.fromstring(data, _PARSER)
    body = root.find(f"{{{SOAP11_ENV}}}Body")
    first = body[0] if body is not None and len(body) else None
    name = etree.QName(first).localname if first is not None else "empty"
    answer = (
        f'<s:Envelope xmlns:s="{SOAP11_ENV}"><s:Body>'
        f'<e:echoResponse xmlns:e="{ECHO_NS}"><e:echoResult>{name}</e:echoResult>'
        "</e:echoResponse></s:Body></s:Envelope>"
    ).encode()
    start_response(
        "200 OK",
        [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(answer)))],
    )
    return [answer]


class EchoService(ServiceBase):  # type: ignore[misc]
    @rpc(Unicode, _returns=Unicode)  # type: ignore[untyped-decorator]
    def echo(ctx: Any, s: str) -> str:
        return s


logging.getLogger("spyne").setLevel(logging.CRITICAL)
spyne_app = WsgiApplication(
    Application(
        [EchoService],
        tns=ECHO_NS,
        name="Echo",
        in_protocol=Soap11(validator="lxml"),
        out_protocol=Soap11(),
    )
)


def echo_body(text: str = "hallo") -> bytes:
    """The request both echo apps are driven with."""
    return (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP11_ENV}"><soapenv:Header/><soapenv:Body>'
        f'<e:echo xmlns:e="{ECHO_NS}"><e:s>{text}</e:s></e:echo>'
        "</soapenv:Body></soapenv:Envelope>"
    ).encode()
