"""Build zeep clients from the committed WSDL files (never fetched over the network)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import zeep
from requests.adapters import HTTPAdapter
from zeep.transports import Transport

#: The published contract shipped inside the package (a copy of the repository's ``wsdl/``,
#: kept equal by ``make contract`` and a test); BIPRO_WSDL_DIR overrides it.
DEFAULT_WSDL_DIR = Path(__file__).resolve().parent / "wsdl"
#: The XSDs of each service (``schemas/<service>/*.xsd``), for validating messages yourself.
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"


@dataclass(frozen=True)
class ClientConfig:
    """How to reach an endpoint."""

    timeout: float = 30.0
    """Seconds for connecting and for each operation."""
    verify: bool | str = True
    """TLS server verification: True, False (tests only) or a CA bundle path."""
    client_cert: tuple[str, str] | None = None
    """TLS client certificate and key (PEM paths), for certificate logins behind mutual TLS."""
    wsdl_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("BIPRO_WSDL_DIR", DEFAULT_WSDL_DIR))
    )
    """Folder of the WSDL files (default: the copy shipped in the package)."""


class _PinnedVerify(HTTPAdapter):
    """Always verifies TLS with the configured CA bundle, whatever the environment says."""

    def __init__(self, verify: bool | str) -> None:
        super().__init__()
        self._verify = verify

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs["verify"] = self._verify
        return super().send(request, *args, **kwargs)


def wsdl_path(name: str, config: ClientConfig | None = None) -> Path:
    """``STS_UserPasswordLogin_2.6.1.1.0`` → the WSDL file shipped with the package."""
    path = (config or ClientConfig()).wsdl_dir / f"{name}.wsdl"
    if not path.is_file():
        raise FileNotFoundError(f"no committed WSDL {path}")
    return path


def make_session(config: ClientConfig | None = None) -> requests.Session:
    """The HTTP session of every client: TLS verified as ``config`` says (pinned: the
    environment's CA bundle variables cannot override it), the client certificate attached."""
    config = config or ClientConfig()
    session = requests.Session()
    session.verify = config.verify
    # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override session.verify: pin it.
    session.mount("https://", _PinnedVerify(config.verify))
    if config.client_cert:
        session.cert = config.client_cert
    return session


def make_client(
    wsdl_name: str,
    endpoint: str,
    config: ClientConfig | None = None,
    *,
    wsse: Any = None,
    plugins: list[Any] | None = None,
) -> tuple[zeep.Client, Any]:
    """A zeep client for a committed WSDL and its service proxy bound to ``endpoint``.

    ``wsse`` is zeep's hook for WS-Security (UsernameToken, the token header, signing).
    """
    config = config or ClientConfig()
    transport = Transport(
        session=make_session(config), timeout=config.timeout, operation_timeout=config.timeout
    )
    settings = zeep.Settings(
        strict=True,
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
        xml_huge_tree=False,
    )
    client = zeep.Client(
        str(wsdl_path(wsdl_name, config)),
        transport=transport,
        settings=settings,
        wsse=wsse,
        plugins=plugins or [],
    )
    binding = next(iter(client.wsdl.bindings))
    return client, client.create_service(binding, endpoint)
