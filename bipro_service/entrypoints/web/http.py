"""Small HTTP helpers of the portal: security headers, cookies, form bodies, responses."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from bipro_service.entrypoints.web.pages import STYLE_HASH

Environ = dict[str, Any]
StartResponse = Callable[..., Any]

MAX_FORM_BYTES = 16 * 1024
MAX_FORM_FIELDS = 16
FORM_TYPE = "application/x-www-form-urlencoded"

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    (
        "Content-Security-Policy",
        f"default-src 'none'; style-src '{STYLE_HASH}'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'",
    ),
    ("X-Frame-Options", "DENY"),
    ("Cache-Control", "no-store"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)


@dataclass
class Response:
    status: str
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str = "text/html; charset=utf-8"

    @property
    def code(self) -> int:
        return int(self.status.split()[0])


class RequestRejected(Exception):
    """The request cannot be processed at all (size, type, encoding)."""

    def __init__(self, status: str, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


def send(start_response: StartResponse, response: Response, head: bool = False) -> list[bytes]:
    headers = [
        ("Content-Type", response.content_type),
        ("Content-Length", str(len(response.body))),
        *SECURITY_HEADERS,
        *response.headers,
    ]
    start_response(response.status, headers)
    return [b""] if head else [response.body]


def cookie(environ: Environ, name: str) -> str | None:
    """The first value of cookie ``name`` (a tolerant parser: bad neighbours don't matter)."""
    for part in str(environ.get("HTTP_COOKIE", "")).split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value.strip().strip('"')
    return None


def set_cookie(name: str, value: str, secure: bool) -> tuple[str, str]:
    attributes = f"{name}={value}; Path=/portal; HttpOnly; SameSite=Strict"
    return ("Set-Cookie", attributes + ("; Secure" if secure else ""))


def query_value(environ: Environ, name: str) -> str | None:
    """The single value of query parameter ``name``; None when absent or given twice."""
    try:
        values = parse_qs(
            environ.get("QUERY_STRING", ""),
            keep_blank_values=True,
            max_num_fields=MAX_FORM_FIELDS,
            errors="strict",
        ).get(name, [])
    except (ValueError, UnicodeDecodeError):
        return None
    return values[0] if len(values) == 1 else None


def read_form(environ: Environ) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body of at most ``MAX_FORM_BYTES``.

    Every field may appear once; a repeated field, another content type, a missing or too large
    length, or bytes that are not UTF-8 reject the request.
    """
    mime, _, params = environ.get("CONTENT_TYPE", "").partition(";")
    if mime.strip().lower() != FORM_TYPE:
        raise RequestRejected("415 Unsupported Media Type", "Nicht unterstütztes Formular-Format.")
    charset = params.strip().lower()
    if charset and charset.replace(" ", "") not in ("charset=utf-8", 'charset="utf-8"'):
        raise RequestRejected("415 Unsupported Media Type", "Nur UTF-8 wird unterstützt.")
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        raise RequestRejected("411 Length Required", "Die Länge der Anfrage fehlt.") from None
    if length < 0 or length > MAX_FORM_BYTES:
        raise RequestRejected("413 Content Too Large", "Die Anfrage ist zu groß.")
    data = environ["wsgi.input"].read(length)
    if len(data) != length:
        raise RequestRejected("400 Bad Request", "Die Anfrage ist unvollständig.")
    try:
        parsed = parse_qs(
            data.decode("ascii"),
            keep_blank_values=True,
            max_num_fields=MAX_FORM_FIELDS,
            encoding="utf-8",
            errors="strict",
        )
    except (ValueError, UnicodeDecodeError):
        raise RequestRejected("400 Bad Request", "Das Formular ist fehlerhaft.") from None
    if any(len(values) != 1 for values in parsed.values()):
        raise RequestRejected("400 Bad Request", "Das Formular ist fehlerhaft.")
    return {key: values[0] for key, values in parsed.items()}


def from_trusted_proxy(environ: Environ, trusted_proxies: Collection[str]) -> bool:
    """The peer is one of ``BIPRO_TRUSTED_PROXIES``: only then are its forwarding headers
    (``X-Forwarded-For``, the TLS client certificate) believed."""
    return environ.get("REMOTE_ADDR") in trusted_proxies


def source_address(environ: Environ, trusted_proxies: Collection[str]) -> str | None:
    """The caller's address; ``X-Forwarded-For`` only from a trusted proxy."""
    forwarded = environ.get("HTTP_X_FORWARDED_FOR")
    if forwarded and from_trusted_proxy(environ, trusted_proxies):
        return str(forwarded.split(",")[-1].strip())[:64]
    return environ.get("REMOTE_ADDR")
