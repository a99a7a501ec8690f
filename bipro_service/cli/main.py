"""Command line: database, contract, demo data, serving and administration."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.engine import display_url
from bipro_service.cli.startup import DatabaseErrors, check_database, check_database_url
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime


@click.group(cls=DatabaseErrors)
@click.pass_context
def main(ctx: click.Context) -> None:
    """bipro_service: the insurer's side of the BiPRO web services."""
    ctx.obj = Settings()
    check_database_url(ctx.obj)


# -- database ------------------------------------------------------------------------------


@main.group()
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
@click.argument("revision", default="head")
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Migrate the database to REVISION (default: head)."""
    from bipro_service.adapters.db import migrate

    migrate.upgrade(ctx.obj, revision)
    click.echo(f"database at {revision}")


@db.command("downgrade")
@click.argument("revision")
@click.pass_context
def db_downgrade(ctx: click.Context, revision: str) -> None:
    """Migrate the database down to REVISION (``base`` empties it)."""
    from bipro_service.adapters.db import migrate

    migrate.downgrade(ctx.obj, revision)
    click.echo(f"database at {revision}")


@db.command("check")
@click.pass_context
def db_check(ctx: click.Context) -> None:
    """Fail when the database is not at head or the models and migrations differ."""
    from bipro_service.adapters.db import migrate

    problem = migrate.check(ctx.obj)
    if problem:
        click.echo(f"drift: {problem}", err=True)
        sys.exit(1)
    click.echo("database matches the models")


# -- published contract --------------------------------------------------------------------


@main.group()
def contract() -> None:
    """The published WSDL and XSD files."""


def _mounted() -> list:  # type: ignore[type-arg]
    from bipro_service.entrypoints.soap.catalogue import SERVICES
    from bipro_service.entrypoints.soap.registry import mount

    return [mount(definition) for definition in SERVICES]


@contract.command("write")
@click.option("--wsdl-dir", type=click.Path(path_type=Path), default=Path("wsdl"))
@click.option("--schema-dir", type=click.Path(path_type=Path), default=Path("schemas"))
@click.pass_context
def contract_write(ctx: click.Context, wsdl_dir: Path, schema_dir: Path) -> None:
    """Write the WSDL and XSD of every service (addresses from BIPRO_PUBLIC_BASE_URL)."""
    from bipro_service.entrypoints.soap.contract import write_contract

    for path in write_contract(_mounted(), ctx.obj.public_base_url, wsdl_dir, schema_dir):
        click.echo(str(path))


# -- demo data -----------------------------------------------------------------------------


@main.command("demo-data")
@click.option("--json", "as_json", is_flag=True, help="Print the test-access sheet as JSON.")
@click.pass_context
def demo_data(ctx: click.Context, as_json: bool) -> None:
    """Load the demo/test-access data (idempotent) and print the test-access sheet."""
    from bipro_service.demo.loader import load_demo_data

    runtime = Runtime.from_settings(ctx.obj)
    sheet = load_demo_data(runtime, utcnow())
    if as_json:
        click.echo(json.dumps(sheet, indent=2, ensure_ascii=False))
        return
    for firm in sheet["firms"]:
        click.echo(f"{firm['vermittlernummer']}  {firm['name']}")
        for user in firm["users"]:
            rights = "portfolio" if user["portfolio_rights"] else "no portfolio"
            admin = ", admin" if user["admin"] else ""
            lockout = (
                ", lockout test: may be locked by bipro-conformance" if user["lockout_test"] else ""
            )
            click.echo(f"    {user['login']:<20} {user['password']:<24} ({rights}{admin}{lockout})")
        click.echo(
            f"    {len(firm['contracts'])} contracts, {len(firm['shipments'])} open shipments"
        )


# -- serving -------------------------------------------------------------------------------


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int) -> None:
    """Serve every BiPRO service with gunicorn (after checking the database)."""
    from bipro_service.cli.serve import serve as run

    settings: Settings = ctx.obj
    check_database(settings)
    click.echo(
        f"serving on http://{host}:{port}"
        f"  (catalogue: {settings.public_base_url}/bipro/services.json,"
        f" database: {display_url(settings.database_url)})"
    )
    run(settings, host, port, workers)


from bipro_service.cli import admin as _admin  # noqa: E402  (registers brokers/users)

_admin.register(main)

from bipro_service.cli import shipments as _shipments  # noqa: E402  (registers shipments)

_shipments.register(main)

from bipro_service.cli import audit as _audit  # noqa: E402  (registers audit/customers)

_audit.register(main)

from bipro_service.cli import pki as _pki  # noqa: E402  (registers pki/certs)

_pki.register(main)
