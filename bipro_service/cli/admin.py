"""``bipro-service brokers`` and ``users``: administration by the insurer or a firm's admin."""

from __future__ import annotations

import sys
from typing import Any

import click
from sqlalchemy import select

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.models import BrokerFirm, User
from bipro_service.domain.status import BiproError
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer import admin
from bipro_service.service_layer.admin import INSURER, Actor

AS_ADMIN = click.option(
    "--as-admin",
    "as_admin",
    metavar="LOGIN",
    default=None,
    help="Act as this firm administrator (only the own firm's users); default: the insurer.",
)


def _runtime(ctx: click.Context) -> Runtime:
    return Runtime.from_settings(ctx.obj)


def _actor(runtime: Runtime, login: str | None) -> Actor:
    if login is None:
        return INSURER
    with runtime.uow() as uow:
        return admin.actor_for_admin(uow, login)


def _run(ctx: click.Context, action: Any) -> Any:
    try:
        return action(_runtime(ctx))
    except BiproError as error:
        click.echo(f"error: {error.text}", err=True)
        sys.exit(1)


def _activation_url(ctx: click.Context, secret: str) -> str:
    return f"{ctx.obj.public_base_url}/portal/activate?token={secret}"


def register(main: click.Group) -> None:
    main.add_command(brokers)
    main.add_command(users)


@click.group()
def brokers() -> None:
    """Broker firms (Vertragspartner)."""


@brokers.command("add")
@click.argument("vermittlernummer")
@click.argument("name")
@click.option(
    "--test-access", is_flag=True, help="A software vendor's test access (test data only)."
)
@click.pass_context
def brokers_add(ctx: click.Context, vermittlernummer: str, name: str, test_access: bool) -> None:
    """Register a broker firm."""

    def action(runtime: Runtime) -> None:
        with runtime.uow() as uow:
            admin.create_firm(uow, vermittlernummer, name, test_access, utcnow())

    _run(ctx, action)
    click.echo(f"firm {vermittlernummer} registered")


@brokers.command("list")
@click.pass_context
def brokers_list(ctx: click.Context) -> None:
    """List broker firms."""
    runtime = _runtime(ctx)
    with runtime.uow() as uow:
        for firm in uow.session.scalars(select(BrokerFirm).order_by(BrokerFirm.vermittlernummer)):
            state = "active" if firm.is_active else f"ended {firm.agency_ended_at:%Y-%m-%d %H:%M}"
            kind = "test access" if firm.is_test_access else "production"
            click.echo(f"{firm.vermittlernummer:<12} {firm.name:<40} {kind:<12} {state}")


@brokers.command("delivery")
@click.argument("vermittlernummer")
@click.argument("delivery", type=click.Choice(admin.DOCUMENT_DELIVERIES))
@click.pass_context
def brokers_delivery(ctx: click.Context, vermittlernummer: str, delivery: str) -> None:
    """How getShipment sends the firm's documents: mtom (XOP parts, default) or inline base64."""

    def action(runtime: Runtime) -> None:
        with runtime.uow() as uow:
            admin.set_document_delivery(uow, vermittlernummer, delivery, utcnow())
        click.echo(f"{vermittlernummer}: documents as {delivery}")

    _run(ctx, action)


@brokers.command("end-agency")
@click.argument("vermittlernummer")
@click.pass_context
def brokers_end(ctx: click.Context, vermittlernummer: str) -> None:
    """End a firm's agency agreement: all its users and tokens stop at once."""

    def action(runtime: Runtime) -> None:
        with runtime.uow() as uow:
            admin.end_agency(uow, vermittlernummer, utcnow())

    _run(ctx, action)
    click.echo(f"agency agreement of {vermittlernummer} ended; all tokens revoked")


@click.group()
def users() -> None:
    """Users of broker firms."""


@users.command("add")
@click.argument("vermittlernummer")
@click.argument("login")
@click.option("--name", "display_name", default=None, help="Display name (default: the login).")
@click.option("--portfolio-rights/--no-portfolio-rights", default=False)
@click.option("--admin/--no-admin", "is_admin", default=False, help="Makleradministrator.")
@AS_ADMIN
@click.pass_context
def users_add(
    ctx: click.Context,
    vermittlernummer: str,
    login: str,
    display_name: str | None,
    portfolio_rights: bool,
    is_admin: bool,
    as_admin: str | None,
) -> None:
    """Enable a user; prints the initial password and the activation link (deliver out of band)."""

    def action(runtime: Runtime) -> admin.NewUser:
        actor = _actor(runtime, as_admin)
        with runtime.uow() as uow:
            return admin.create_user(
                uow,
                actor,
                vermittlernummer,
                login,
                display_name or login,
                portfolio_rights=portfolio_rights,
                admin=is_admin,
                now=utcnow(),
            )

    new = _run(ctx, action)
    click.echo(f"user {new.login} enabled")
    click.echo(f"initial password: {new.initial_password}")
    click.echo(f"activation link:  {_activation_url(ctx, new.activation_secret)}")


@users.command("list")
@click.option("--firm", "vermittlernummer", default=None)
@click.pass_context
def users_list(ctx: click.Context, vermittlernummer: str | None) -> None:
    """List users with their state."""
    runtime = _runtime(ctx)
    with runtime.uow() as uow:
        query = (
            select(User, BrokerFirm)
            .join(BrokerFirm)
            .order_by(BrokerFirm.vermittlernummer, User.login)
        )
        if vermittlernummer:
            query = query.where(BrokerFirm.vermittlernummer == vermittlernummer)
        for user, firm in uow.session.execute(query):
            flags = ("portfolio " if user.portfolio_rights else "") + (
                "admin" if user.is_admin else ""
            )
            click.echo(
                f"{firm.vermittlernummer:<12} {user.login:<24} {user.state.value:<8} {flags}"
            )


def _simple(name: str, verb: str, fn: Any) -> None:
    @users.command(name)
    @click.argument("login")
    @AS_ADMIN
    @click.pass_context
    def command(ctx: click.Context, login: str, as_admin: str | None) -> None:
        def action(runtime: Runtime) -> None:
            actor = _actor(runtime, as_admin)
            with runtime.uow() as uow:
                fn(uow, actor, login, utcnow())

        _run(ctx, action)
        click.echo(f"user {login} {verb}")

    command.__doc__ = f"{verb.capitalize()} a user (insurer, or --as-admin for the own firm)."


_simple("unlock", "unlocked", admin.unlock_user)
_simple("lock", "locked", admin.lock)
_simple("revoke", "revoked", admin.revoke_user)


@users.command("reset-password")
@click.argument("login")
@AS_ADMIN
@click.pass_context
def users_reset(ctx: click.Context, login: str, as_admin: str | None) -> None:
    """Give a user a new initial password and activation link (e.g. re-enable a revoked user)."""

    def action(runtime: Runtime) -> admin.NewUser:
        actor = _actor(runtime, as_admin)
        with runtime.uow() as uow:
            return admin.reset_initial_password(uow, actor, login, utcnow())

    new = _run(ctx, action)
    click.echo(f"initial password: {new.initial_password}")
    click.echo(f"activation link:  {_activation_url(ctx, new.activation_secret)}")
