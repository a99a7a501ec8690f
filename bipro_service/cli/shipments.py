"""``bipro-service shipments``: post documents to a broker firm's electronic post."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bipro_service.adapters.db.base import utcnow
from bipro_service.domain.status import BiproError
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer.post import DEFAULT_AVAILABLE_DAYS, PostedFile, post_shipment


def register(main: click.Group) -> None:
    main.add_command(shipments)


@click.group()
def shipments() -> None:
    """Electronic broker post (Transfer service 430)."""


@shipments.command("add")
@click.option("--firm", "vermittlernummer", required=True, metavar="VERMITTLERNUMMER")
@click.option("--category", required=True, metavar="CODE", help="9-digit Kategorie.")
@click.option(
    "--file",
    "paths",
    required=True,
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file of the shipment; repeat for several.",
)
@click.option("--customer", "partnernummer", default=None, metavar="PARTNERNUMMER")
@click.option("--contract", "vsnr", default=None, metavar="VSNR")
@click.option(
    "--art",
    default=None,
    help="ArtDerLieferung (ST_ArtDerLieferung, e.g. 1001); documents carry none.",
)
@click.option(
    "--available-days", default=DEFAULT_AVAILABLE_DAYS, show_default=True, type=click.IntRange(1)
)
@click.pass_context
def shipments_add(
    ctx: click.Context,
    vermittlernummer: str,
    category: str,
    paths: tuple[Path, ...],
    partnernummer: str | None,
    vsnr: str | None,
    art: str,
    available_days: int,
) -> None:
    """Post a shipment with one or more files to a broker firm."""
    files = [PostedFile(path.name, path.read_bytes()) for path in paths]
    runtime = Runtime.from_settings(ctx.obj)
    try:
        with runtime.uow() as uow:
            shipment = post_shipment(
                uow,
                vermittlernummer=vermittlernummer,
                category=category,
                files=files,
                now=utcnow(),
                business_day=runtime.business_day(),
                customer_partnernummer=partnernummer,
                contract_number=vsnr,
                art=art,
                available_days=available_days,
            )
            public_id, until, is_test = (
                shipment.public_id,
                shipment.available_until,
                shipment.is_test,
            )
            uow.commit()
    except BiproError as error:
        click.echo(f"error: {error.text}", err=True)
        sys.exit(1)
    finally:
        runtime.engine.dispose()
    test = " (Testdaten)" if is_test else ""
    click.echo(f"shipment {public_id} posted to {vermittlernummer}{test}")
    click.echo(f"{len(files)} file(s), available until {until:%Y-%m-%d %H:%M} UTC")
