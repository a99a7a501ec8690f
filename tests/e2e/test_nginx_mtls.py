"""Real nginx terminating TLS with client certificates in front of a real gunicorn."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from bipro_clients import ClientConfig, StsClient, TransferClient
from bipro_clients.errors import BiproFault

from bipro_service.adapters.x509.pki import DevPki
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from tests.e2e.pki_world import firm_with_certificate
from tests.e2e.server import free_port, running_server
from tests.support import envelope, rst

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "docs" / "deployment" / "nginx.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class Deployment:
    url: str
    pki: DevPki


def _wait_for_port(port: int, process: subprocess.Popen[bytes], deadline_s: float = 15) -> None:
    import socket

    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None and not Path(f"/proc/{process.pid}").exists():
            pass
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nginx not listening on {port}")


@pytest.fixture
def deployment(settings: Settings, runtime: Runtime, tmp_path: Path) -> Iterator[Deployment]:
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed: run `make system-deps` (Debian package nginx-light)")
    pki = firm_with_certificate(settings, runtime)
    run_dir = tmp_path / "nginx"
    run_dir.mkdir()
    port = free_port()
    env = {"BIPRO_VAR_DIR": str(settings.var_dir), "BIPRO_TRUSTED_PROXIES": '["127.0.0.1"]'}
    with running_server(settings.database_url, workers=1, **env) as upstream:
        config = TEMPLATE.read_text().format(
            user_directive="user root;" if os.geteuid() == 0 else "",
            run_dir=run_dir,
            upstream=upstream.removeprefix("http://"),
            listen=f"127.0.0.1:{port}",
            server_cert=pki.server.cert_path,
            server_key=pki.server.key_path,
            client_ca=pki.ca_path,
            client_crl=pki.crl_path,
        )
        conf = run_dir / "nginx.conf"
        conf.write_text(config)
        process = subprocess.Popen(
            [NGINX, "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.PIPE
        )
        try:
            _wait_for_port(port, process)
            yield Deployment(f"https://127.0.0.1:{port}", pki)
        finally:
            process.terminate()
            process.wait(timeout=10)


def _tls(deployment: Deployment, with_client_cert: bool) -> ClientConfig:
    firm = deployment.pki.firms["T100"]
    cert = (str(firm.cert_path), str(firm.key_path)) if with_client_cert else None
    return ClientConfig(verify=str(deployment.pki.ca_path), client_cert=cert)


def test_certificate_login_over_mutual_tls(deployment: Deployment) -> None:
    config = _tls(deployment, with_client_cert=True)
    token = StsClient(
        deployment.url, config, endpoint=deployment.url + "/bipro/STS/X509Login_2.6.1.1.0"
    ).login("", "")
    answer = TransferClient(deployment.url, token, config).list_shipments()
    assert answer.ok and len(answer.payload) == 1


def test_certificate_login_without_client_certificate(deployment: Deployment) -> None:
    config = _tls(deployment, with_client_cert=False)
    with pytest.raises(BiproFault) as fault:
        StsClient(
            deployment.url, config, endpoint=deployment.url + "/bipro/STS/X509Login_2.6.1.1.0"
        ).login("", "")
    assert fault.value.meldung_id == "00905"


def test_forged_client_certificate_header_is_overwritten(deployment: Deployment) -> None:
    from urllib.parse import quote

    pem = quote(deployment.pki.firms["T100"].pem.decode())
    answer = requests.post(
        deployment.url + "/bipro/STS/X509Login_2.6.1.1.0",
        data=envelope(rst()),
        headers={"Content-Type": "text/xml", "X-SSL-Client-Cert": pem},
        verify=str(deployment.pki.ca_path),
        timeout=30,
    )
    assert answer.status_code == 500 and "00905" in answer.text


def test_certificate_only_transfer_call_over_mutual_tls(deployment: Deployment) -> None:
    """As ATLAS calls with a firm certificate: no STS, an empty SOAP header, TLS alone."""
    from bipro_service.namespaces import TRANSFER
    from tests.support import request_body

    firm = deployment.pki.firms["T100"]
    body = (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
        "<soapenv:Header/><soapenv:Body>"
        + request_body(TRANSFER, "listShipments")
        + "</soapenv:Body></soapenv:Envelope>"
    ).encode()
    url = deployment.url + "/bipro/TransferService_2.6.1.1.0"
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
    answer = requests.post(
        url,
        data=body,
        headers=headers,
        cert=(str(firm.cert_path), str(firm.key_path)),
        verify=str(deployment.pki.ca_path),
        timeout=30,
    )
    assert answer.status_code == 200, answer.text[:600]
    assert "<nac:StatusID>OK</nac:StatusID>" in answer.text and "Lieferung>" in answer.text
    # Without the client certificate the same call needs a token.
    bare = requests.post(
        url, data=body, headers=headers, verify=str(deployment.pki.ca_path), timeout=30
    )
    assert bare.status_code == 500 and "00905" in bare.text
