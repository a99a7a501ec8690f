"""The conformance kit's pieces without a server: sheet handling, token bits, reports."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from bipro_clients.conformance import (
    CASES,
    Case,
    CaseResult,
    Credentials,
    Exchange,
    Outcome,
    SheetError,
    context_from_sheet,
    context_without_sheet,
    html_report,
    json_report,
    select_cases,
    terminal_table,
)
from bipro_clients.conformance.cases import fault_of, token_bits
from bipro_clients.conformance.cli import main
from bipro_clients.conformance.recorder import Recorder
from bipro_clients.conformance.runner import run_case

from tests.unit.conformance_helpers import make_case, sample_sheet


def test_the_default_login_is_a_portfolio_user_of_the_first_firm() -> None:
    ctx = context_from_sheet("http://x", sample_sheet())
    assert (ctx.login, ctx.password, ctx.own_firm, ctx.other_firm) == (
        "one.bestand",
        "b",
        "T1",
        "T2",
    )
    assert ctx.other_contracts == ["VAL-T2"] and ctx.own_shipments == ["s-T1"]
    assert ctx.allow_writes
    assert ctx.no_portfolio_user == Credentials("one.tarif", "c")
    assert ctx.lockout_user is None  # only when asked


def test_a_login_of_the_second_firm_swaps_the_roles() -> None:
    ctx = context_from_sheet("http://x", sample_sheet(), login="two.admin")
    assert (ctx.own_firm, ctx.other_firm, ctx.password) == ("T2", "T1", "a")


def test_unsafe_runs_are_refused() -> None:
    with pytest.raises(SheetError, match="--firm"):
        context_from_sheet("http://x", sample_sheet(), login="stranger", password="p")
    with pytest.raises(SheetError, match="portfolio"):
        context_from_sheet("http://x", sample_sheet(), login="one.tarif")
    with pytest.raises(SheetError, match="two"):
        context_from_sheet("http://x", {"firms": sample_sheet()["firms"][:1]})
    with pytest.raises(SheetError, match="belongs to T1"):
        context_from_sheet("http://x", sample_sheet(), login="one.admin", firm="T2")


def test_a_login_off_the_sheet_never_writes() -> None:
    ctx = context_from_sheet("http://x", sample_sheet(), login="stranger", password="p", firm="T2")
    assert ctx.own_firm == "T2" and not ctx.allow_writes


@pytest.mark.parametrize(
    ("identifier", "bits"),
    [
        ("bipro:" + "ab" * 32, 256),
        ("urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e", 122),
        ("bipro:" + "Qz" * 21 + "Q", 258),
        ("1234", 16),
        ("bipro:ä ö", 0),
    ],
)
def test_token_bits(identifier: str, bits: int) -> None:
    assert token_bits(identifier) == bits


def test_fault_of_reads_the_meldung_id() -> None:
    fault = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>'
        "<faultcode>s:Client</faultcode><faultstring>x</faultstring><detail>"
        '<n:BiproException xmlns:n="http://www.bipro.net/namespace/nachrichten"><n:Status>'
        "<n:MeldungID>00905</n:MeldungID></n:Status></n:BiproException></detail>"
        "</s:Fault></s:Body></s:Envelope>"
    )
    assert fault_of(500, fault) == "fault 00905 (HTTP 500)"
    assert fault_of(200, "<a/>") is None
    assert fault_of(502, "Bad gateway") is None


def test_the_recorder_pairs_zeep_transport_log_records() -> None:
    recorder = Recorder()
    logger = logging.getLogger("zeep.transports")
    with recorder.attached():
        logger.debug("HTTP Post to %s:\n%s", "http://x/a", "<req/>")
        logger.debug("HTTP Response from %s (status: %d):\n%s", "http://x/a", 500, b"<resp/>")
    logger.debug("HTTP Post to %s:\n%s", "http://x/b", "<not recorded/>")
    assert [(e.url, e.request, e.status, e.response) for e in recorder.exchanges] == [
        ("http://x/a", "<req/>", 500, "<resp/>")
    ]


def _results() -> list[CaseResult]:
    exchange = Exchange("http://x/sts", "<a><b>x & y</b></a>", 500, "<script>alert(1)</script>")
    return [
        CaseResult("ok_case", "fine", "OK", "OK 04000", "PASS", 0.1),
        CaseResult("bad_case", "broken <b>", "fault 00960", "fault 00964", "FAIL", 0.2, [exchange]),
        CaseResult("skipped", "n/a", "NOK 01101", "nothing on the sheet", "SKIP", 0.0),
    ]


def test_html_report_escapes_and_is_self_contained() -> None:
    page = html_report("http://x", _results())
    assert "Exchange 1: POST http://x/sts → HTTP 500" in page
    assert "1 failing: PASS 1, FAIL 1, SKIP 1" in page
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "x &amp; y" in page and "broken &lt;b&gt;" in page
    assert '<a href="#bad_case">' in page and '<h3 id="bad_case">' in page
    for external in ("<link", "src=", "url(", "@import"):
        assert external not in page


def test_json_report_and_table() -> None:
    data = json.loads(json_report("http://x", _results()))
    assert data["passed"] is False and data["summary"] == {"PASS": 1, "FAIL": 1, "SKIP": 1}
    assert data["cases"][1]["exchanges"][0]["status"] == 500
    table = terminal_table(_results(), width=100)
    assert table.splitlines()[-1] == "PASS 1 FAIL 1 SKIP 1"
    (row,) = [line for line in table.splitlines() if line.startswith("bad_case")]
    assert row.rstrip().endswith("FAIL")


def test_the_lockout_user_is_the_own_firms_sacrificial_user_and_only_when_asked() -> None:
    ctx = context_from_sheet("http://x", sample_sheet(), allow_lockout=True)
    assert ctx.lockout_user == Credentials("one.sperrtest", "d") and ctx.lockout_threshold == 3
    other = context_from_sheet("http://x", sample_sheet(), login="two.admin", allow_lockout=True)
    assert other.lockout_user == Credentials("two.sperrtest", "d")
    named = context_from_sheet(
        "http://x",
        sample_sheet(),
        allow_lockout=True,
        lockout_login="one.admin",
        lockout_threshold=5,
    )
    assert named.lockout_user == Credentials("one.admin", "a") and named.lockout_threshold == 5


def test_no_lockout_of_anyone_off_the_sheet_or_of_the_login() -> None:
    sheet = sample_sheet()
    for firm in sheet["firms"]:
        firm["users"] = [u for u in firm["users"] if not u.get("lockout_test")]
    with pytest.raises(SheetError, match="lockout_test"):
        context_from_sheet("http://x", sheet, allow_lockout=True)
    assert context_from_sheet("http://x", sheet).lockout_user is None
    with pytest.raises(SheetError, match="not a user of T1"):
        context_from_sheet(
            "http://x", sample_sheet(), allow_lockout=True, lockout_login="two.admin"
        )
    with pytest.raises(SheetError, match="must not be the login"):
        context_from_sheet(
            "http://x",
            sample_sheet(),
            login="one.admin",
            allow_lockout=True,
            lockout_login="one.admin",
        )
    with pytest.raises(SheetError, match="at least 1"):
        context_from_sheet("http://x", sample_sheet(), lockout_threshold=0)


@pytest.mark.parametrize("flag", [False, None, "yes"])
def test_a_firm_not_marked_as_test_access_is_refused(flag: object) -> None:
    sheet = sample_sheet()
    if flag is None:
        del sheet["firms"][1]["test_access"]  # a sheet without the key is no test access
    else:
        sheet["firms"][1]["test_access"] = flag
    with pytest.raises(SheetError, match="T2 is not marked as test access"):
        context_from_sheet("http://x", sheet)


def test_the_suite_order_and_selection() -> None:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
    assert names[0] == "sts_login" and names[-2:] == ["lockout_threshold", "token_expiry"]
    chosen = select_cases(["token_expiry", " sts_login"])
    assert [c.name for c in chosen] == ["sts_login", "token_expiry"]
    with pytest.raises(SheetError, match="nonsense"):
        select_cases(["sts_login", "nonsense"])


def test_run_case_masks_every_password_of_a_failure() -> None:
    sheet = sample_sheet()
    for firm in sheet["firms"]:
        for user in firm["users"]:
            user["password"] = f"pw-{user['password']}-pw"
    ctx = context_from_sheet("http://x", sheet, allow_lockout=True)
    failed = run_case(ctx, make_case(Outcome("e", "o", False)))
    assert failed.result == "FAIL" and len(failed.exchanges) == 3
    assert [e.request for e in failed.exchanges] == ["<Password>***</Password>"] * 3
    get = Exchange("http://x/portal/deeplink?t=1", "", 410, "<p>weg</p>", "GET")
    page = html_report("http://x", [CaseResult("link", "t", "e", "o", "FAIL", 0.1, [get])])
    assert "Exchange 1: GET http://x/portal/deeplink?t=1 → HTTP 410" in page
    broken = run_case(ctx, make_case(RuntimeError("boom")))
    assert broken.result == "FAIL" and broken.observed == "error RuntimeError: boom"
    assert run_case(ctx, make_case(Outcome("e", "o", True))).exchanges == []
    assert run_case(ctx, make_case(Outcome("e", "n/a", True, True))).result == "SKIP"


def test_the_report_names_the_run_without_secrets() -> None:
    ctx = context_from_sheet("http://x", sample_sheet(), allow_lockout=True, token_wait=12)
    page = html_report("http://x", _results(), ctx)
    assert "one.bestand (T1)" in page and "one.sperrtest, threshold 3" in page
    assert "12 s" in page and ">b<" not in page
    data = json.loads(json_report("http://x", _results(), ctx))
    assert data["run"]["other test firm"] == "T2" and data["run"]["signing certificate"] == "none"


def test_the_command_line_refuses_unsafe_or_incomplete_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "sheet.json"
    sheet.write_text(json.dumps(sample_sheet()))
    base = ["run", "--endpoint", "http://127.0.0.1:9", "--sheet", str(sheet)]
    for extra, message in (
        (["--cert", "c.pem"], "--cert and --key"),
        (["--tls-key", "k.pem"], "--tls-cert and --tls-key"),
        (["--only", "nonsense"], "unknown case"),
        (["--cert", "missing.pem", "--key", "missing.key"], "missing.pem: no such file"),
        (["--allow-lockout", "--lockout-login", "two.admin"], "not a user of T1"),
        (["--only", ","], "--only names no case"),
        (["--password", "p"], "--password without --login"),
        (["--firm", "T999"], "T999 is not a firm of the sheet"),
        (["--report", str(tmp_path / "report.txt")], "name a .html or .json file"),
        (["--report", str(tmp_path / "missing" / "r.json")], "no such directory"),
    ):
        assert main(base + extra) == 2, extra
        assert message in capsys.readouterr().err
    no_sheet = ["run", "--endpoint", "http://127.0.0.1:9"]
    for extra, message in (
        ([], "without --sheet give --login and --password"),
        (["--login", "x"], "without --sheet give --login and --password"),
        (["--login", "x", "--password", "p", "--allow-lockout"], "--allow-lockout needs --sheet"),
    ):
        assert main(no_sheet + extra) == 2, extra
        assert message in capsys.readouterr().err
    # nothing listens on port 9: the one login before the cases fails, exit 2, no report
    report = tmp_path / "r.json"
    assert main([*no_sheet, "--login", "x", "--password", "p", "--report", str(report)]) == 2
    assert "cannot log in as x" in capsys.readouterr().err and not report.exists()
    assert main(["cases"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed] == [c.name for c in CASES]


def test_firm_makes_a_run_read_only_and_the_context_hides_the_password() -> None:
    assert context_from_sheet("http://x", sample_sheet(), login="one.admin").allow_writes
    ctx = context_from_sheet("http://x", sample_sheet(), login="one.admin", firm="T1")
    assert ctx.own_firm == "T1" and not ctx.allow_writes
    assert not context_from_sheet("http://x", sample_sheet(), firm="T2").allow_writes
    assert "'a'" not in repr(ctx) and "password" not in repr(ctx)


def _sheet_with_change() -> dict[str, Any]:
    sheet = sample_sheet()
    sheet["firms"][0]["changed_customer"] = {"partnernummer": "DEMO6", "role": "previous"}
    sheet["firms"][1]["changed_customer"] = {"partnernummer": "DEMO6", "role": "current"}
    return sheet


def test_former_customers_come_from_the_sheet_for_the_previous_firm_only() -> None:
    assert context_from_sheet("http://x", _sheet_with_change()).former_customers == ["DEMO6"]
    two = context_from_sheet("http://x", _sheet_with_change(), login="two.admin")
    assert two.former_customers == []


def test_without_a_sheet_the_cases_needing_one_are_skipped_unrun() -> None:
    ctx = context_without_sheet("http://x", "someone", "secret", "T9")
    assert not ctx.allow_writes and not ctx.has_sheet and ctx.own_firm == "T9"
    ran: list[str] = []

    def run(context: Any) -> Outcome:
        ran.append("yes")
        return Outcome("e", "o", True)

    skipped = run_case(ctx, Case("needs", "needs the sheet", run, needs_sheet=True))
    assert (skipped.result, skipped.observed, ran) == ("SKIP", "needs --sheet", [])
    assert run_case(ctx, Case("free", "no sheet needed", run)).result == "PASS" and ran
    needing = {c.name for c in CASES if c.needs_sheet}
    assert {"list_shipments_scoped", "acknowledge_semantics", "lockout_threshold"} <= needing
    assert not {"sts_login", "token_in_call", "doctype_rejected", "x509_login"} & needing
