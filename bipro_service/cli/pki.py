"""``bipro-service pki`` (development PKI) and ``certs`` (firm certificates, insurer only)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.models import BrokerFirm
from bipro_service.adapters.x509.errors import CertificateRejected
from bipro_service.adapters.x509.pki import init_dev_pki
from bipro_service.adapters.x509.trust import TrustStore, fingerprint
from bipro_service.config import Settings
from bipro_service.domain.status import BiproError
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer import certificates
from bipro_service.service_layer.admin import INSURER


def register(main: click.Group) -> None:
    main.add_command(pki)
    main.add_command(certs)


def _run(ctx: click.Context, action: Any) -> Any:
    runtime = Runtime.from_settings(ctx.obj)
    try:
        return action(runtime)
    except CertificateRejected as error:
        # The operator sees the reason; brokers only ever see ``error.text``.
        click.echo(f"error: {error.text} ({error.detail})", err=True)
        sys.exit(1)
    except BiproError as error:
        click.echo(f"error: {error.text}", err=True)
        sys.exit(1)
    finally:
        runtime.engine.dispose()


@click.group()
def pki() -> None:
    """Development PKI under BIPRO_VAR_DIR/pki (never for production)."""


@pki.command("init")
@click.pass_context
def pki_init(ctx: click.Context) -> None:
    """Create the dev CA, server, signing and firm certificates; register the firms' ones.

    Idempotent: existing usable files are kept and only missing certificates are issued.
    """
    settings: Settings = ctx.obj

    def action(runtime: Runtime) -> None:
        with runtime.uow() as uow:
            firms = [
                (firm.vermittlernummer, firm.name)
                for firm in uow.session.scalars(
                    select(BrokerFirm)
                    .where(BrokerFirm.agency_ended_at.is_(None))
                    .order_by(BrokerFirm.vermittlernummer)
                )
            ]
        now = utcnow()
        made = init_dev_pki(settings.var_dir, firms, now)
        click.echo(f"CA certificate:      {made.ca_path}")
        click.echo(f"CRL:                 {made.crl_path}")
        click.echo(f"server certificate:  {made.server.cert_path}  key {made.server.key_path}")
        click.echo(f"signing certificate: {made.signing.cert_path}  key {made.signing.key_path}")
        trust = TrustStore.from_settings(settings)
        for number, issued in made.firms.items():
            digest = fingerprint(issued.certificate)
            with runtime.uow() as uow:
                known = {c.fingerprint for c in certificates.list_certificates(uow, number)}
                if digest in known:
                    state = "registered before"
                else:
                    certificates.register_certificate(uow, trust, INSURER, number, issued.pem, now)
                    state = "registered"
            click.echo(f"firm {number}: {issued.cert_path}  key {issued.key_path}")
            click.echo(f"    sha256 {digest}  ({state})")

    _run(ctx, action)


@click.group()
def certs() -> None:
    """Certificates that log in as a broker firm (T II.4), by SHA-256 fingerprint."""


@certs.command("add")
@click.argument("vermittlernummer")
@click.argument("pemfile", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def certs_add(ctx: click.Context, vermittlernummer: str, pemfile: Path) -> None:
    """Register the certificate in PEMFILE (PEM or DER) for the firm VERMITTLERNUMMER."""

    def action(runtime: Runtime) -> certificates.CertificateInfo:
        trust = TrustStore.from_settings(runtime.settings)
        with runtime.uow() as uow:
            return certificates.register_certificate(
                uow, trust, INSURER, vermittlernummer, pemfile.read_bytes(), utcnow()
            )

    info = _run(ctx, action)
    click.echo(f"certificate {info.fingerprint} registered for {info.vermittlernummer}")
    click.echo(f"    {info.subject}  valid until {info.not_after:%Y-%m-%d}")


@certs.command("list")
@click.option("--firm", "vermittlernummer", default=None, metavar="VERMITTLERNUMMER")
@click.option("--all", "include_removed", is_flag=True, help="Also removed certificates.")
@click.pass_context
def certs_list(ctx: click.Context, vermittlernummer: str | None, include_removed: bool) -> None:
    """List registered certificates."""

    def action(runtime: Runtime) -> list[certificates.CertificateInfo]:
        with runtime.uow() as uow:
            return certificates.list_certificates(
                uow, vermittlernummer, include_removed=include_removed
            )

    for info in _run(ctx, action):
        removed = f"  removed {info.revoked_at:%Y-%m-%d %H:%M}" if info.revoked_at else ""
        click.echo(
            f"{info.vermittlernummer:<12} {info.fingerprint}  "
            f"until {info.not_after:%Y-%m-%d}  {info.subject}{removed}"
        )


@certs.command("remove")
@click.argument("fingerprint_text", metavar="FINGERPRINT")
@click.pass_context
def certs_remove(ctx: click.Context, fingerprint_text: str) -> None:
    """Stop the certificate with this SHA-256 FINGERPRINT from logging in."""

    def action(runtime: Runtime) -> certificates.CertificateInfo:
        with runtime.uow() as uow:
            return certificates.unregister_certificate(uow, INSURER, fingerprint_text, utcnow())

    info = _run(ctx, action)
    click.echo(f"certificate {info.fingerprint} of {info.vermittlernummer} removed")
