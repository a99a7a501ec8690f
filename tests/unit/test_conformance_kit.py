"""The conformance kit's pieces without a server: sheet handling, token bits, reports."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from bipro_clients.conformance import (
    CaseResult,
    Exchange,
    SheetError,
    context_from_sheet,
    html_report,
    json_report,
    terminal_table,
)
from bipro_clients.conformance.cases import fault_of, token_bits
from bipro_clients.conformance.recorder import Recorder


def _sheet() -> dict[str, Any]:
    def firm(number: str, prefix: str) -> dict[str, Any]:
        return {
            "vermittlernummer": number,
            "users": [
                {
                    "login": f"{prefix}.admin",
                    "password": "a",
                    "portfolio_rights": True,
                    "admin": True,
                },
                {
                    "login": f"{prefix}.bestand",
                    "password": "b",
                    "portfolio_rights": True,
                    "admin": False,
                },
                {
                    "login": f"{prefix}.tarif",
                    "password": "c",
                    "portfolio_rights": False,
                    "admin": False,
                },
            ],
            "contracts": [{"versicherungsscheinnummer": f"VAL-{number}"}],
            "shipments": [{"id": f"s-{number}", "category": "120010000"}],
        }

    return {"firms": [firm("T1", "one"), firm("T2", "two")]}


def test_the_default_login_is_a_portfolio_user_of_the_first_firm() -> None:
    ctx = context_from_sheet("http://x", _sheet())
    assert (ctx.login, ctx.password, ctx.own_firm, ctx.other_firm) == (
        "one.bestand",
        "b",
        "T1",
        "T2",
    )
    assert ctx.other_contracts == ["VAL-T2"] and ctx.own_shipments == ["s-T1"]
    assert ctx.allow_writes


def test_a_login_of_the_second_firm_swaps_the_roles() -> None:
    ctx = context_from_sheet("http://x", _sheet(), login="two.admin")
    assert (ctx.own_firm, ctx.other_firm, ctx.password) == ("T2", "T1", "a")


def test_unsafe_runs_are_refused() -> None:
    with pytest.raises(SheetError, match="--firm"):
        context_from_sheet("http://x", _sheet(), login="stranger", password="p")
    with pytest.raises(SheetError, match="portfolio"):
        context_from_sheet("http://x", _sheet(), login="one.tarif")
    with pytest.raises(SheetError, match="two"):
        context_from_sheet("http://x", {"firms": _sheet()["firms"][:1]})
    with pytest.raises(SheetError, match="belongs to T1"):
        context_from_sheet("http://x", _sheet(), login="one.admin", firm="T2")


def test_a_login_off_the_sheet_never_writes() -> None:
    ctx = context_from_sheet("http://x", _sheet(), login="stranger", password="p", firm="T2")
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
