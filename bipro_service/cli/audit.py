"""``bipro-service audit`` (verify, purge, report) and ``customers block``."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from bipro_service.adapters.db.base import utcnow
from bipro_service.domain.status import BiproError
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer import audit_chain, audit_reports
from bipro_service.service_layer.customers import block_customer

FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)


def register(main: click.Group) -> None:
    main.add_command(audit)
    main.add_command(customers)


def _when(value: str) -> datetime:
    """ISO date or date-time; without offset it is UTC."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _render(rows: list[dict[str, Any]], columns: Sequence[str], fmt: str) -> str:
    def text(value: Any) -> str:
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if isinstance(value, dict):
            return json.dumps(value, sort_keys=True, ensure_ascii=False)
        return "" if value is None else str(value)

    if fmt == "json":
        return json.dumps(
            [
                {c: text(r[c]) if not isinstance(r[c], int | dict) else r[c] for c in columns}
                for r in rows
            ],
            indent=2,
            ensure_ascii=False,
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([[text(r[c]) for c in columns] for r in rows])
        return out.getvalue()
    cells = [[text(r[c]) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines)


@click.group()
def audit() -> None:
    """The audit trail: verification, retention purge, reports."""


@audit.command("verify")
@click.pass_context
def audit_verify(ctx: click.Context) -> None:
    """Check the hash chain; name the first altered, deleted or reordered record."""
    runtime = Runtime.from_settings(ctx.obj)
    with runtime.uow() as uow:
        result = audit_chain.verify_chain(uow)
    if result.problem is not None:
        click.echo(
            f"BROKEN at record {result.problem.seq} ({result.problem.kind}): "
            f"{result.problem.message}",
            err=True,
        )
        click.echo(f"{result.checked} records verified before it", err=True)
        sys.exit(1)
    click.echo(
        f"chain intact: {result.checked} records (seq {result.first_seq}..{result.last_seq})"
    )


@audit.command("purge")
@click.option(
    "--before", default=None, help="Purge records before this date (default: the retention cutoff)."
)
@click.pass_context
def audit_purge(ctx: click.Context, before: str | None) -> None:
    """Delete records past the retention period (six years after the end of their calendar year)."""
    settings = ctx.obj
    runtime = Runtime.from_settings(settings)
    try:
        with runtime.uow() as uow:
            result = audit_chain.purge(
                uow,
                utcnow(),
                years=settings.audit_retention_years,
                zone=settings.business_timezone,
                before=_when(before) if before else None,
            )
    except BiproError as error:
        click.echo(f"refused: {error.text}", err=True)
        sys.exit(1)
    click.echo(
        f"purged {result.deleted} records; chain now starts after seq {result.purged_through_seq}"
    )


@audit.command("report")
@click.option("--logged-in-at", "moment", default=None, help="Who was logged in at this time.")
@click.option("--user", default=None, help="Calls of this user key.")
@click.option("--firm", default=None, help="Calls of this firm (Vermittlernummer).")
@click.option("--contract", default=None, help="Accesses to this Versicherungsscheinnummer.")
@click.option("--customer", default=None, help="Accesses to this Partnernummer.")
@click.option("--from", "start", default=None, help="Period start (default: 30 days ago).")
@click.option("--to", "end", default=None, help="Period end, exclusive (default: now).")
@FORMAT
@click.pass_context
def audit_report(
    ctx: click.Context,
    moment: str | None,
    user: str | None,
    firm: str | None,
    contract: str | None,
    customer: str | None,
    start: str | None,
    end: str | None,
    fmt: str,
) -> None:
    """Who was logged in at a moment; calls of a user or firm; accesses to a contract/customer."""
    runtime = Runtime.from_settings(ctx.obj)
    with runtime.uow() as uow:
        if moment:
            rows = audit_reports.logged_in_at(uow, _when(moment), ctx.obj.token_idle_seconds)
            click.echo(_render(rows, audit_reports.SESSION_COLUMNS, fmt), nl=fmt != "csv")
            return
        until = _when(end) if end else utcnow()
        rows = audit_reports.calls(
            uow,
            start=_when(start) if start else until - timedelta(days=30),
            end=until,
            user=user,
            firm=firm,
            contract=contract,
            customer=customer,
        )
    click.echo(_render(rows, audit_reports.CALL_COLUMNS, fmt), nl=fmt != "csv")


@click.group()
def customers() -> None:
    """Customers (partners)."""


@customers.command("block")
@click.argument("partnernummer")
@click.option("--reason", required=True, help="Why (e.g. deletion request under a retention duty).")
@click.pass_context
def customers_block(ctx: click.Context, partnernummer: str, reason: str) -> None:
    """Block a customer instead of deleting them: gone from every answer, records kept."""
    runtime = Runtime.from_settings(ctx.obj)
    try:
        with runtime.uow() as uow:
            block_customer(uow, partnernummer, reason, utcnow())
    except BiproError as error:
        click.echo(f"error: {error.text}", err=True)
        sys.exit(1)
    click.echo(f"customer {partnernummer} blocked")
