"""The ``bipro-service`` command line through click's runner: database check, firms and users,
demo data, audit verification, reports and purge, blocking customers."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from click.testing import CliRunner, Result
from sqlalchemy import select, text

from bipro_service.adapters.db.audit_models import AuditRecord
from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.models import User, UserState
from bipro_service.cli.main import main
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.service_layer import admin
from bipro_service.service_layer.audit_reports import CALL_COLUMNS
from tests.conftest import PG_URL
from tests.integration.accounts_helpers import PASSWORD, make_firm, make_user
from tests.integration.portfolio_helpers import make_customer
from tests.support import STS_PATH, call, login_request

ACTIVATION = re.compile(r"^activation link:\s+(\S+/portal/activate\?token=(\S+))$", re.M)
INITIAL = re.compile(r"^initial password: (\S+)$", re.M)


def cli(settings: Settings, *args: str) -> Result:
    environment = {
        "BIPRO_DATABASE_URL": settings.database_url,
        "BIPRO_VAR_DIR": str(settings.var_dir),
    }
    return CliRunner().invoke(main, list(args), env=environment)


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def refused(result: Result) -> str:
    """A handled refusal: exit 1 with a message on stderr (no traceback)."""
    assert result.exit_code == 1, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    return result.stderr


def _user(runtime: Runtime, login: str) -> User | None:
    with runtime.uow() as uow:
        user = uow.session.scalar(select(User).where(User.login == login))
        if user is not None:
            uow.session.expunge(user)
        return user


# -- database ------------------------------------------------------------------------------


def test_db_check_passes_on_a_migrated_database(settings: Settings) -> None:
    assert "database matches the models" in ok(cli(settings, "db", "check"))


# -- firms and users -----------------------------------------------------------------------


def test_brokers_and_users_are_added_and_listed(settings: Settings, runtime: Runtime) -> None:
    assert "firm V100 registered" in ok(
        cli(settings, "brokers", "add", "V100", "Firma Hundert", "--test-access")
    )
    assert "schon vergeben" in refused(cli(settings, "brokers", "add", "V100", "Nochmal"))
    brokers = ok(cli(settings, "brokers", "list"))
    assert re.search(r"^V100\s+Firma Hundert\s+test access\s+active$", brokers, re.M), brokers

    out = ok(
        cli(settings, "users", "add", "V100", "anna", "--name", "Anna A", "--portfolio-rights")
    )
    assert "user anna enabled" in out
    initial, link = INITIAL.search(out), ACTIVATION.search(out)
    assert initial is not None and link is not None, out
    assert link.group(1).startswith(f"{settings.public_base_url}/portal/activate?token=")
    assert initial.group(1) not in link.group(1)
    ok(cli(settings, "users", "add", "V100", "bert"))

    listed = ok(cli(settings, "users", "list"))
    assert re.search(r"^V100\s+anna\s+invited\s+portfolio\s*$", listed, re.M), listed
    assert re.search(r"^V100\s+bert\s+invited\s*$", listed, re.M), listed

    # The printed link is the real one: it activates the user.
    with runtime.uow() as uow:
        assert admin.redeem_activation(uow, settings, link.group(2), PASSWORD, utcnow()) == "anna"
    listed = ok(cli(settings, "users", "list", "--firm", "V100"))
    assert re.search(r"^V100\s+anna\s+active\s+portfolio\s*$", listed, re.M), listed


def test_unlock_of_a_user_who_is_not_locked_is_an_error(
    settings: Settings, runtime: Runtime
) -> None:
    make_firm(runtime, "V100")
    make_user(runtime, "anna", "V100")
    assert "error: anna ist nicht gesperrt" in refused(cli(settings, "users", "unlock", "anna"))
    assert "user anna locked" in ok(cli(settings, "users", "lock", "anna"))
    user = _user(runtime, "anna")
    assert user is not None and user.state is UserState.LOCKED
    assert "user anna unlocked" in ok(cli(settings, "users", "unlock", "anna"))
    user = _user(runtime, "anna")
    assert user is not None and user.state is UserState.ACTIVE
    assert "error:" in refused(cli(settings, "users", "unlock", "nobody"))


def test_as_admin_is_refused_for_a_user_who_is_no_admin(
    settings: Settings, runtime: Runtime
) -> None:
    make_firm(runtime, "V100")
    make_user(runtime, "anna", "V100")
    make_user(runtime, "chefin", "V100", is_admin=True)
    make_user(runtime, "bert", "V100")
    err = refused(cli(settings, "users", "add", "V100", "neu", "--as-admin", "anna"))
    assert "anna ist kein aktiver Makleradministrator" in err
    assert _user(runtime, "neu") is None
    refused(cli(settings, "users", "lock", "bert", "--as-admin", "anna"))
    bert = _user(runtime, "bert")
    assert bert is not None and bert.state is UserState.ACTIVE
    # The firm's real administrator may.
    assert "user neu enabled" in ok(
        cli(settings, "users", "add", "V100", "neu", "--as-admin", "chefin")
    )
    assert _user(runtime, "neu") is not None


# -- demo data -----------------------------------------------------------------------------


def _demo(settings: Settings) -> dict[str, Any]:
    sheet = json.loads(ok(cli(settings, "demo-data", "--json")))
    assert isinstance(sheet, dict)
    return sheet


def _shape(sheet: dict[str, Any]) -> list[tuple[str, list[str], list[str], list[str]]]:
    return [
        (
            firm["vermittlernummer"],
            [c["versicherungsscheinnummer"] for c in firm["contracts"]],
            [s["id"] for s in firm["shipments"]],
            [u["login"] for u in firm["users"]],
        )
        for firm in sheet["firms"]
    ]


def test_demo_data_prints_the_sheet_as_json_and_is_idempotent(settings: Settings) -> None:
    first = _demo(settings)
    assert [f["vermittlernummer"] for f in first["firms"]] == ["T100001", "T200002"]
    assert all(f["contracts"] and f["shipments"] and f["users"] for f in first["firms"])
    second = _demo(settings)
    assert _shape(second) == _shape(first)
    old, new = (
        {u["login"]: u["password"] for f in s["firms"] for u in f["users"]} for s in (first, second)
    )
    assert len(old) == 8 and old.keys() == new.keys()
    assert all(old[login] != new[login] for login in old)  # a re-run renews the passwords
    readable = ok(cli(settings, "demo-data"))
    assert "T100001  Muster Makler GmbH" in readable and "muster.bestand" in readable


# -- audit ---------------------------------------------------------------------------------


def _bypass_triggers(conn: Any) -> None:
    """What an attacker with database access could do."""
    if PG_URL:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        conn.execute(text("DROP TRIGGER IF EXISTS audit_records_no_update"))


def test_audit_verify_passes_and_names_a_tampered_record(
    settings: Settings, runtime: Runtime
) -> None:
    make_firm(runtime, "V100")
    for login in ("anna", "bert", "carl"):
        make_user(runtime, login, "V100")
    out = ok(cli(settings, "audit", "verify"))
    assert "chain intact" in out
    with runtime.uow() as uow:
        seqs = list(uow.session.scalars(select(AuditRecord.seq).order_by(AuditRecord.seq)))
    assert len(seqs) >= 4
    assert f"chain intact: {len(seqs)} records" in out
    target = seqs[len(seqs) // 2]
    with runtime.engine.begin() as conn:
        _bypass_triggers(conn)
        conn.execute(
            text("UPDATE audit_records SET user_login = 'mallory' WHERE seq = :s"), {"s": target}
        )
    err = refused(cli(settings, "audit", "verify"))
    assert f"BROKEN at record {target} (altered)" in err
    assert "chain intact" not in err


def _login(app: BiproApplication, login: str, password: str) -> None:
    call(app, STS_PATH, login_request(login, password))


def test_audit_report_of_a_user_as_json_and_csv(settings: Settings, app: BiproApplication) -> None:
    make_firm(app.runtime, "V100")
    make_user(app.runtime, "anna", "V100")
    make_user(app.runtime, "bert", "V100")
    _login(app, "anna", PASSWORD)
    _login(app, "anna", "falsches-passwort")
    _login(app, "bert", PASSWORD)

    rows = json.loads(ok(cli(settings, "audit", "report", "--user", "anna", "--format", "json")))
    assert [(r["user_login"], r["operation"], r["outcome"]) for r in rows] == [
        ("anna", "RequestSecurityToken", "OK"),
        ("anna", "RequestSecurityToken", "FAULT"),
    ]
    assert all(set(r) == set(CALL_COLUMNS) and r["vermittlernummer"] == "V100" for r in rows)
    assert rows[0]["seq"] < rows[1]["seq"]

    out = ok(cli(settings, "audit", "report", "--user", "anna", "--format", "csv"))
    table = [row for row in csv.reader(io.StringIO(out)) if row]  # echo adds a blank line
    assert table[0] == list(CALL_COLUMNS)
    assert [row[table[0].index("seq")] for row in table[1:]] == [str(r["seq"]) for r in rows]
    nobody = json.loads(
        ok(cli(settings, "audit", "report", "--user", "nobody", "--format", "json"))
    )
    assert nobody == []


def test_audit_purge_beyond_the_retention_period_is_refused(
    settings: Settings, runtime: Runtime
) -> None:
    make_firm(runtime, "V100")
    with runtime.uow() as uow:
        before = len(list(uow.session.scalars(select(AuditRecord.seq))))
    assert "refused" in refused(cli(settings, "audit", "purge", "--before", "2099-01-01"))
    with runtime.uow() as uow:
        assert len(list(uow.session.scalars(select(AuditRecord.seq)))) == before
    assert "chain intact" in ok(cli(settings, "audit", "verify"))


# -- customers -----------------------------------------------------------------------------


def test_customers_block_once(settings: Settings, runtime: Runtime) -> None:
    make_firm(runtime, "V100")
    make_customer(runtime, "K1", "V100", contract="VAL-1")
    assert "customer K1 blocked" in ok(cli(settings, "customers", "block", "K1", "--reason", "x"))
    with runtime.uow() as uow:
        customer = uow.repos.customer_by_number("K1")
        assert customer is not None and customer.blocked_at is not None
        blocks = list(
            uow.session.scalars(
                select(AuditRecord.objects).where(AuditRecord.operation == "blockCustomer")
            )
        )
    assert blocks == [{"customer": ["K1"], "reason": ["x"]}]
    assert "bereits gesperrt" in refused(cli(settings, "customers", "block", "K1", "--reason", "x"))
    assert "Unbekannte Partnernummer" in refused(
        cli(settings, "customers", "block", "K9", "--reason", "x")
    )
