"""The benchmark's pure helpers (``make bench`` itself is not part of ``make test``)."""

from __future__ import annotations

import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bench.loader import batches, contract_number
from bench.pyload import percentile, run_pyload
from bench.run import growth_entry, ratio
from bench.wrk import Measurement, lua_script, lua_string


def test_batches_cover_the_range_once() -> None:
    parts = batches(3, 12, size=4)
    assert [list(p) for p in parts] == [[3, 4, 5, 6], [7, 8, 9, 10], [11]]
    assert batches(5, 5) == []


def test_contract_numbers_are_unique_and_fit_the_column() -> None:
    assert contract_number(0) == "BV-00000000"
    assert len(contract_number(999_999)) <= 30


def test_lua_string_cannot_be_closed_by_its_content() -> None:
    assert lua_string("a") == "[[a]]"
    assert lua_string("x]]y") == "[=[x]]y]=]"
    assert lua_string("]=]]]") == "[==[]=]]]]==]"


def test_script_embeds_every_request_and_the_output_path(tmp_path: Path) -> None:
    script = lua_script([("/a", b"<x/>"), ("/b", b"<y/>")], "OK", tmp_path / "o.json", 2)
    assert "[[/a]], [[/b]]" in script and "[[<x/>]]" in script
    assert str(tmp_path / "o.json") in script and "math.floor(#bodies / 2)" in script


def measurement(requests: int, p50: float) -> Measurement:
    return Measurement(requests, 5.0, requests / 5, p50, p50, p50 * 2, p50, 0, 0)


def test_ratios_and_growth() -> None:
    assert ratio(50, 200) == 0.25 and ratio(1, 0) is None
    grown = growth_entry(measurement(100, 10.0), measurement(50, 13.0))
    assert grown["p50_ratio_1m_vs_small"] == 1.3 and grown["rps_ratio_small_vs_1m"] == 2.0
    stalled = growth_entry(measurement(100, 10.0), measurement(0, 0.0))
    assert stalled["p50_ratio_1m_vs_small"] is None and stalled["note"]


def test_measurement_from_wrk_counts_every_error() -> None:
    raw = {
        "requests": 1000, "duration_us": 2_000_000, "errors_connect": 1, "errors_read": 2,
        "errors_write": 0, "errors_status": 3, "errors_timeout": 4, "unexpected": 3,
        "mean_us": 1500.0, "p50_us": 1200, "p90_us": 2000, "p99_us": 4000,
    }  # fmt: skip
    m = Measurement.from_wrk(raw)
    assert m.rps == 500.0 and m.p50_ms == 1.2 and m.p99_ms == 4.0
    assert m.errors == 10 and m.unexpected == 3


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50.0 and percentile(values, 0.99) == 99.0
    assert percentile([7.0], 0.99) == 7.0 and percentile([], 0.5) == 0.0


def test_independent_generator_counts_and_checks_answers() -> None:
    """``bench/pyload.py`` against a small local server: every answer counted, a wrong marker
    makes every answer unexpected, nothing is an error."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        body = b"<ok>1</ok>"
        start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
        return [body]

    class Quiet(WSGIRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the generator expects

        def log_message(self, *args: Any) -> None:
            pass

    server = make_server("127.0.0.1", 0, app, server_class=ThreadingWSGIServer, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        good = run_pyload(url, [("/", b"<x/>")], "<ok>1</ok>", seconds=1, connections=2)
        bad = run_pyload(url, [("/", b"<x/>")], "absent", seconds=1, connections=2)
    finally:
        server.shutdown()
    assert good.requests > 10 and good.errors == 0 and good.unexpected == 0
    assert 0 < good.p50_ms <= good.p99_ms
    assert bad.requests > 10 and bad.unexpected == bad.requests
