"""``python -m bench.profile``: where the time of one ``getData`` goes, in process.

Loads BENCH_CONTRACTS (10000) contracts into a temporary SQLite database, calls the WSGI
application directly (no HTTP) BENCH_CALLS (200) times, unsigned and signed, under cProfile,
and prints the functions with the largest cumulative time.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench import loader, signed
from bench.run import STS, VERTRAG, get_data_body, identifier, login_body, status_ok
from bipro_service.config import Settings
from bipro_service.entrypoints.wsgi import create_app


def call(app: Any, path: str, body: bytes) -> bytes:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "text/xml; charset=utf-8",
    }
    return b"".join(app(environ, lambda *a, **k: None))


#: The phases of a request, as (label, file suffix, function): cumulative time of each.
PHASES = (
    ("whole request (WSGI app)", "entrypoints/wsgi.py", "__call__"),
    ("parse the envelope (hardened parser)", "adapters/xml/hardened.py", "parse_envelope"),
    ("verify the signature (signxml, pinned policy)", "adapters/xml/wssig.py", "verify_signature"),
    ("  of which: certificate trust + firm lookup", "soap/message_security.py", "trust"),
    ("replay cache (insert)", "soap/message_security.py", "_not_replayed"),
    ("schema validation", "soap/pipeline.py", "validate"),
    ("token check (authenticate)", "soap/pipeline.py", "authenticate"),
    ("Spyne: read the request objects", "spyne/server/_base.py", "get_in_object"),
    ("getData handler (query + mapping)", "soap/vertrag.py", "getData"),
    ("  of which: the scoped contract query", "service_layer/portfolio.py", "get_contract"),
    ("Spyne: serialise the answer", "spyne/server/_base.py", "get_out_string_pull"),
    ("audit record (own transaction)", "service_layer/audit.py", "write_audit"),
    ("sign the answer", "adapters/xml/wssign.py", "sign"),
)


def phases(stats: pstats.Stats, calls: int) -> list[tuple[str, float]]:
    """Milliseconds per call of each phase (cumulative, with profiler overhead)."""
    table: dict[tuple[str, int, str], Any] = stats.stats  # type: ignore[attr-defined]
    out = []
    for label, suffix, function in PHASES:
        seconds = sum(
            entry[3]
            for (filename, _, name), entry in table.items()
            if filename.endswith(suffix) and name == function
        )
        out.append((label, seconds * 1000 / calls))
    return out


def profile(app: Any, bodies: list[bytes], label: str, top: int) -> None:
    assert status_ok(call(app, VERTRAG, bodies[0])), "getData does not answer OK"
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    for body in bodies[1:]:
        call(app, VERTRAG, body)
    profiler.disable()
    calls = len(bodies) - 1
    each = (time.perf_counter() - began) / calls * 1000
    print(f"\n=== {label}: {each:.2f} ms per call in process (with profiler overhead)")
    stats = pstats.Stats(profiler)
    table = phases(stats, calls)
    whole = table[0][1] or 1.0
    print("| phase | ms per call | share |\n|---|---:|---:|")
    for name, ms in table:
        print(f"| {name} | {ms:.2f} | {ms / whole:.0%} |")
    print()
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    contracts = int(os.environ.get("BENCH_CONTRACTS", 10_000))
    calls = int(os.environ.get("BENCH_CALLS", 200))
    top = int(os.environ.get("BENCH_TOP", 35))
    rng = random.Random(7)  # noqa: S311
    with tempfile.TemporaryDirectory(prefix="bipro-profile-") as tmp:
        settings = Settings(
            database_url=f"sqlite:///{Path(tmp) / 'p.sqlite3'}",
            var_dir=Path(tmp) / "var",
            secret_key=loader.SECRET_KEY,
        )
        runtime, _, _, report = loader.load(settings, contracts, 10)
        print(f"{contracts:,} contracts loaded in {report.seconds:.1f} s")
        key = signed.setup(settings, runtime)
        app = create_app(settings)
        token = identifier(call(app, STS, login_body(loader.LOGIN, loader.PASSWORD)))
        numbers = rng.sample(range(contracts), min(contracts, calls + 1))
        plain = [get_data_body(token, loader.contract_number(i)) for i in numbers]
        profile(app, plain, "getData, token only", top)
        numbers = rng.sample(range(contracts), min(contracts, calls + 1))
        bodies = [get_data_body(token, loader.contract_number(i)) for i in numbers]
        profile(app, signed.sign_all(bodies, key, timedelta(minutes=5)), "getData, signed", top)
        app.runtime.engine.dispose()
        runtime.engine.dispose()


if __name__ == "__main__":
    main()
