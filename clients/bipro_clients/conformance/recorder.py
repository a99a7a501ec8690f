"""Capture the HTTP request/response pairs of a case (zeep's transport log and raw posts) and
mask their secrets before they go into a report."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from xml.sax.saxutils import escape

from lxml import etree

from bipro_clients.namespaces import WSC, WSSE

ZEEP_TRANSPORT_LOGGER = "zeep.transports"
MASK = "***"
#: Elements whose text is a secret: passwords and security context tokens (in the header, in
#: a login's answer, in Validate/CancelTarget). Certificates (BinarySecurityToken) are public.
SECRET_ELEMENTS = (f"{{{WSSE}}}Password", f"{{{WSC}}}Identifier")
_SECRET_TEXT = re.compile(r"(<(?:[\w.-]+:)?(?:Password|Identifier)\b[^>]*>)[^<]*(<)")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def parse_xml(text: str) -> etree._Element | None:
    """``text`` as XML, or None (no DTDs, entities or network, whatever arrives)."""
    try:
        return etree.fromstring(text.encode(), _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


def mask(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with the content of every password and token element replaced by ``***`` (by
    the XML tree; by pattern when it is no XML), then every one of ``secrets`` masked as is and
    in its XML-escaped forms."""
    root = parse_xml(text) if text.lstrip().startswith("<") else None
    if root is not None:
        for element in root.iter(*SECRET_ELEMENTS):
            element.text = MASK
        text = etree.tostring(root, encoding="unicode")
    else:
        text = _SECRET_TEXT.sub(rf"\g<1>{MASK}\g<2>", text)
    for secret in secrets:
        if not secret:
            continue
        forms = {
            secret,
            escape(secret),
            escape(secret, {'"': "&quot;", "'": "&apos;"}),
            escape(secret, {'"': "&#34;", "'": "&#39;"}),
        }
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, MASK)
    return text


@dataclass
class Exchange:
    """One HTTP round trip as sent and received."""

    url: str
    request: str
    status: int | None = None
    response: str = ""
    method: str = "POST"

    def masked(self, secrets: Iterable[str] = ()) -> Exchange:
        """A copy with passwords, tokens and ``secrets`` masked (URL, request, response)."""
        secrets = list(secrets)
        return Exchange(
            mask(self.url, secrets),
            mask(self.request, secrets),
            self.status,
            mask(self.response, secrets),
            self.method,
        )


class Recorder(logging.Handler):
    """Collects exchanges; zeep logs every POST and its answer at DEBUG on ``zeep.transports``."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.exchanges: list[Exchange] = []

    def clear(self) -> None:
        self.exchanges = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        if record.msg.startswith("HTTP Post to") and len(args) == 2:
            self.exchanges.append(Exchange(str(args[0]), _text(args[1])))
        elif record.msg.startswith("HTTP Response from") and len(args) == 3:
            if self.exchanges and self.exchanges[-1].status is None:
                self.exchanges[-1].status = int(str(args[1]))
                self.exchanges[-1].response = _text(args[2])
            else:
                self.exchanges.append(Exchange(str(args[0]), "", int(str(args[1])), _text(args[2])))

    def add(self, url: str, request: str, status: int, response: str, method: str = "POST") -> None:
        self.exchanges.append(Exchange(url, request, status, response, method))

    @contextmanager
    def attached(self) -> Iterator[Recorder]:
        logger = logging.getLogger(ZEEP_TRANSPORT_LOGGER)
        level, propagate = logger.level, logger.propagate
        logger.addHandler(self)
        logger.setLevel(logging.DEBUG)
        logger.propagate = False  # keep the messages (with passwords) out of other handlers
        try:
            yield self
        finally:
            logger.removeHandler(self)
            logger.setLevel(level)
            logger.propagate = propagate


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)
