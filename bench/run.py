"""``python -m bench.run``: load a portfolio, serve it, drive it with wrk, write the results.

Knobs (environment): BENCH_CONTRACTS (10000), BENCH_WORKERS (2), BENCH_SECONDS per workload
(5), BENCH_CONNECTIONS (8), BENCH_DATABASE (sqlite | postgresql), BENCH_PG_URL (admin URL,
default postgresql://postgres@127.0.0.1:5432/test), BENCH_GROWTH (1: also 1,000,000
contracts), BENCH_SHIPMENTS (300), BENCH_SIGNED_BODIES (3000), BENCH_CLAIMS (3000),
BENCH_OUT (bench-results). See docs/performance.md.
"""

from __future__ import annotations

import base64
import json
import os
import platform
import random
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text

from bench import loader, servers, signed
from bench.echo_apps import echo_body
from bench.pyload import run_pyload
from bench.wrk import Measurement, run_wrk
from bipro_service.config import Settings
from bipro_service.namespaces import (
    NACHRICHTEN,
    PASSWORD_TEXT,
    REQUEST_ISSUE,
    SCT_TOKEN_TYPE,
    SOAP11_ENV,
    WSC,
    WSSE,
    WST,
)

N = NACHRICHTEN
STS = "/bipro/STS/UserPasswordLogin_2.6.1.1.0"
VERTRAG = "/bipro/VertragService_2.6.1.1.0"
TRANSFER = "/bipro/TransferService_2.6.1.1.0"
TAA = "/bipro/TAAService_2.6.1.1.0"
SCHADEN = "/bipro/SchadenService_2.6.1.1.0"
GROWTH_CONTRACTS = 1_000_000


def identifier(answer: bytes, status: int = 200) -> str:
    """The token (``wsc:Identifier``) of an STS login's answer; RuntimeError without one."""
    found = re.search(rb"Identifier>([^<]+)<", answer)
    if status != 200 or found is None:
        raise RuntimeError(f"login failed ({status}): {answer[:500]!r}")
    return found.group(1).decode()


def _line(result: Measurement) -> str:
    """One measured workload: rate, latencies and failures."""
    return (
        f"{result.rps:8.1f} req/s  p50 {result.p50_ms:6.2f} ms  "
        f"p99 {result.p99_ms:6.2f} ms  errors {result.errors}  unexpected {result.unexpected}"
    )


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def ratio(value: float, base: float) -> float | None:
    """``value / base`` rounded to three places; None without a base."""
    return round(value / base, 3) if base else None


# -- SOAP bodies ---------------------------------------------------------------------------


def envelope(body: str, header: str = "") -> bytes:
    return (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP11_ENV}"><soapenv:Header>{header}</soapenv:Header>'
        f"<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    ).encode()


def login_body(login: str, password: str) -> bytes:
    header = (
        f'<wsse:Security xmlns:wsse="{WSSE}"><wsse:UsernameToken>'
        f"<wsse:Username>{login}</wsse:Username>"
        f'<wsse:Password Type="{PASSWORD_TEXT}">{password}</wsse:Password>'
        "</wsse:UsernameToken></wsse:Security>"
    )
    rst = (
        f'<wst:RequestSecurityToken xmlns:wst="{WST}">'
        f"<wst:TokenType>{SCT_TOKEN_TYPE}</wst:TokenType>"
        f"<wst:RequestType>{REQUEST_ISSUE}</wst:RequestType>"
        f'<nachr:BiPROVersion xmlns:nachr="{N}">2.6.1.1.0</nachr:BiPROVersion>'
        "</wst:RequestSecurityToken>"
    )
    return envelope(rst, header)


def token_header(token: str) -> str:
    return (
        f'<wsse:Security xmlns:wsse="{WSSE}"><wsc:SecurityContextToken xmlns:wsc="{WSC}">'
        f"<wsc:Identifier>{token}</wsc:Identifier></wsc:SecurityContextToken></wsse:Security>"
    )


def operation(ns: str, name: str, inner: str, token: str) -> bytes:
    body = (
        f'<t:{name} xmlns:t="{ns}" xmlns:n="{N}"><t:Request>'
        f"<n:BiPROVersion>2.6.1.1.0</n:BiPROVersion>{inner}</t:Request></t:{name}>"
    )
    return envelope(body, token_header(token))


def get_data_body(token: str, number: str) -> bytes:
    inner = (
        f"<t:Vertragsauskunft><t:Vertragsnummer><t:Versicherungsscheinnummer>{number}"
        "</t:Versicherungsscheinnummer></t:Vertragsnummer></t:Vertragsauskunft>"
    )
    return operation("http://www.bipro.net/namespace/vertrag", "getData", inner, token)


def transfer_body(token: str, name: str, shipment: str | None = None) -> bytes:
    inner = f"<t:ID>{shipment}</t:ID>" if shipment else ""
    return operation("http://www.bipro.net/namespace/transfer", name, inner, token)


def quote_body(token: str) -> bytes:
    """Example A of docs/tariff.md: a single courier transport of jewellery (official 420 shape)."""
    declare = (
        'xmlns:pm="http://www.bipro.net/namespace/produktmodell" '
        'xmlns:vspm="http://www.bipro.net/namespace/versicherung/produktmodell" '
        'xmlns:kom="http://www.bipro.net/namespace/versicherung/produktmodell/komposit" '
        'xmlns:sachen="http://www.bipro.net/namespace/sachen" '
        'xmlns:allg="http://www.bipro.net/namespace/allgemein" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    )
    amounts = "".join(
        f"<pm:Kondition><pm:Wert>{value}</pm:Wert><pm:Werteinheit>20</pm:Werteinheit>"
        f"<pm:Waehrung>EUR</pm:Waehrung><pm:Bezeichnung>{name}</pm:Bezeichnung></pm:Kondition>"
        for name, value in (
            ("Grundwert", "180000.00"),
            ("Kosten", "1250.00"),
            ("ImaginaererGewinn", "18000.00"),
        )
    )
    inner = (
        f"<t:Tarifierung {declare}><t:Verkaufsprodukt>"
        f'<pm:Produkt xsi:type="kom:CT_SUHVersicherung">{amounts}<pm:Sparte>193</pm:Sparte>'
        "<vspm:Klausel><vspm:ArtID>war</vspm:ArtID></vspm:Klausel>"
        "<vspm:Klausel><vspm:ArtID>strike_riot</vspm:ArtID></vspm:Klausel>"
        "</pm:Produkt></t:Verkaufsprodukt>"
        '<t:Gegenstand xsi:type="sachen:CT_Transport"><allg:GegenstandID>1</allg:GegenstandID>'
        "<sachen:Transportmittel>courier</sachen:Transportmittel>"
        "<sachen:Warenbezeichnung>jewellery</sachen:Warenbezeichnung></t:Gegenstand>"
        "</t:Tarifierung>"
    )
    return operation(
        "http://www.bipro.net/namespace/versicherung/tarifierung", "getQuote", inner, token
    )


def claim_body(token: str, number: str, key: str) -> bytes:
    """``notifyClaim``: a covered carrier loss of securities with one small PDF."""
    pdf = base64.b64encode(loader.PDF[:60]).decode()
    inner = (
        f"<t:Idempotenzschluessel>{key}</t:Idempotenzschluessel><t:Schadenmeldung>"
        f"<t:Versicherungsscheinnummer>{number}</t:Versicherungsscheinnummer>"
        "<t:Schadendatum>2025-03-01</t:Schadendatum><t:Schadenort>Frankfurt am Main</t:Schadenort>"
        "<t:Transportart>post</t:Transportart><t:Ereignis>other</t:Ereignis>"
        "<t:Schadenbeschreibung>Sendung beschädigt angekommen.</t:Schadenbeschreibung>"
        "<t:Schadenhoehe>1500.00</t:Schadenhoehe><t:Versicherungswert>10000.00"
        "</t:Versicherungswert><t:Gegenstand><t:Bezeichnung>Pfandbriefe</t:Bezeichnung>"
        "<t:Wertsachenart>securities</t:Wertsachenart><t:Wert>1500.00</t:Wert>"
        "<t:Schadenart>damaged</t:Schadenart></t:Gegenstand><t:Dokument>"
        "<t:Dateiname>rechnung.pdf</t:Dateiname><t:Dateityp>application/pdf</t:Dateityp>"
        f"<t:Dokumentart>invoice</t:Dokumentart><t:Daten>{pdf}</t:Daten></t:Dokument>"
        "</t:Schadenmeldung>"
    )
    return operation("http://www.bipro.net/namespace/schaden", "notifyClaim", inner, token)


def status_ok(answer: bytes) -> bool:
    return re.search(rb"StatusID>OK<", answer) is not None


# -- databases -----------------------------------------------------------------------------


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    """A fresh database URL: a SQLite file, or a PostgreSQL database created and dropped."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    if kind != "postgresql":
        raise SystemExit(f"BENCH_DATABASE must be sqlite or postgresql, not {kind!r}")
    admin_url = make_url(
        os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
    ).set(drivername="postgresql+psycopg")
    name = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# -- the run -------------------------------------------------------------------------------


class Bench:
    def __init__(self, workdir: Path) -> None:
        self.contracts = env_int("BENCH_CONTRACTS", 10_000)
        self.workers = env_int("BENCH_WORKERS", 2)
        self.seconds = env_int("BENCH_SECONDS", 5)
        self.connections = env_int("BENCH_CONNECTIONS", 8)
        self.shipments = env_int("BENCH_SHIPMENTS", 300)
        self.database = os.environ.get("BENCH_DATABASE", "sqlite")
        self.growth = os.environ.get("BENCH_GROWTH", "0") == "1"
        self.threads = min(2, self.connections)
        self.signed_bodies = env_int("BENCH_SIGNED_BODIES", 3000)
        self.claim_bodies = env_int("BENCH_CLAIMS", 3000)
        self.firm_key: signed.FirmKey | None = None
        self.not_run: dict[str, str] = {}
        self.workdir = workdir
        self.rng = random.Random(2026)  # noqa: S311  (picking contracts, not secrets)
        self.results: dict[str, Any] = {}
        self.cross_checked: dict[str, Measurement] = {}

    def measure(
        self, name: str, base_url: str, requests: list[tuple[str, bytes]], expect: str
    ) -> Measurement:
        print(f"  {name} …", flush=True)
        slug = re.sub(r"[^a-z0-9]+", "_", name.lower())
        result = run_wrk(
            base_url,
            requests,
            expect,
            seconds=self.seconds,
            connections=self.connections,
            threads=self.threads,
            workdir=self.workdir,
            name=slug,
        )
        print(f"    {_line(result)}", flush=True)
        return result

    def baselines(self) -> dict[str, Measurement]:
        out: dict[str, Measurement] = {}
        body = echo_body()
        for name, app, expect in (
            ("raw lxml echo", "raw_app", "echoResult>echo<"),
            ("bare Spyne echo", "spyne_app", "echoResult>hallo<"),
        ):
            log = self.workdir / f"{app}.log"
            with servers.echo(app, self.workers, log, body) as url:
                out[name] = self.measure(name, url, [("/", body)], expect)
                if name == "raw lxml echo":
                    self.cross_check(name, url, [("/", body)], expect)
        return out

    def cross_check(
        self, name: str, url: str, requests: list[tuple[str, bytes]], expect: str
    ) -> None:
        """The same workload once more with the independent generator (``bench/pyload.py``)."""
        result = run_pyload(
            url, requests, expect, seconds=self.seconds, connections=self.connections
        )
        print(f"    independent generator: {_line(result)}", flush=True)
        self.cross_checked[name] = result

    def token(self, url: str) -> str:
        status, answer = servers.post(url, STS, login_body(loader.LOGIN, loader.PASSWORD))
        return identifier(answer, status)

    def check(self, url: str, path: str, body: bytes, what: str) -> None:
        """One request before measuring: the workload must answer OK, not a fault."""
        status, answer = servers.post(url, path, body)
        if status != 200 or not status_ok(answer):
            raise RuntimeError(f"{what} answers {status}: {answer[:800]!r}")

    def get_data_requests(self, token: str, contracts: int) -> list[tuple[str, bytes]]:
        picks = [self.rng.randrange(contracts) for _ in range(500)]
        return [(VERTRAG, get_data_body(token, loader.contract_number(i))) for i in picks]

    def transfer_requests(self, token: str, ids: list[str]) -> list[tuple[str, bytes]]:
        requests = []
        for shipment in self.rng.sample(ids, min(len(ids), 100)):
            requests.append((TRANSFER, transfer_body(token, "listShipments")))
            requests.append((TRANSFER, transfer_body(token, "getShipment", shipment)))
        return requests

    def service(self, url: str, ids: list[str]) -> dict[str, Measurement]:
        out: dict[str, Measurement] = {}
        login = login_body(loader.LOGIN, loader.PASSWORD)
        out["STS login"] = self.measure("STS login", url, [(STS, login)], "Identifier>")
        token = self.token(url)
        data = self.get_data_requests(token, self.contracts)
        self.check(url, *data[0], "getData")
        out["getData"] = self.measure("getData", url, data, "StatusID>OK<")
        self.cross_check("getData", url, data, "StatusID>OK<")
        if self.firm_key is not None:
            out["getData, signed request + signed response"] = self.signed_get_data(url, token)
        transfer = self.transfer_requests(token, ids)
        self.check(url, *transfer[0], "listShipments")
        self.check(url, *transfer[1], "getShipment")
        out["listShipments + getShipment"] = self.measure(
            "listShipments + getShipment", url, transfer, "StatusID>OK<"
        )
        if self.firm_key is not None:
            name = "listShipments + getShipment, signed request + signed response"
            out[name] = self.signed_transfer(url, token, ids, name)
        quote = [(TAA, quote_body(token))]
        self.check(url, *quote[0], "getQuote")
        out["getQuote"] = self.measure("getQuote", url, quote, "StatusID>OK<")
        return out

    def _signed_workload(
        self,
        url: str,
        name: str,
        what: str,
        requests: list[tuple[str, bytes]],
        probes: int,
        replays: str = "",
    ) -> Measurement:
        """Sign every request in advance, check that the first ``probes`` answer OK and signed,
        measure the rest (each signature once; a note when the generator had to repeat)."""
        assert self.firm_key is not None
        began = time.perf_counter()
        bodies = signed.sign_all([b for _, b in requests], self.firm_key, timedelta(minutes=5))
        print(f"  signed {len(bodies)} {what} requests in {time.perf_counter() - began:.1f} s")
        signed_requests = [(path, body) for (path, _), body in zip(requests, bodies, strict=True)]
        for path, body in signed_requests[:probes]:
            status, answer = servers.post(url, path, body)
            if status != 200 or not status_ok(answer) or b"SignatureValue" not in answer:
                raise RuntimeError(f"signed {what} answers {status}: {answer[:800]!r}")
        result = self.measure(name, url, signed_requests[probes:], "SignatureValue")
        if result.requests > len(bodies) - probes:
            print(
                f"    note: {result.requests} requests > {len(bodies) - probes} signed bodies"
                f"{replays}"
            )
        return result

    def signed_get_data(self, url: str, token: str) -> Measurement:
        count = min(self.signed_bodies + 1, self.contracts)
        numbers = self.rng.sample(range(self.contracts), count)
        requests = [(VERTRAG, get_data_body(token, loader.contract_number(i))) for i in numbers]
        name = "getData, signed request + signed response"
        return self._signed_workload(url, name, "getData", requests, 1, ": replays")

    def signed_transfer(self, url: str, token: str, ids: list[str], name: str) -> Measurement:
        """As listShipments + getShipment, every request signed in advance: identical bodies
        still carry distinct signatures (random ``wsu:Id`` of Body and Timestamp), so the
        replay cache accepts each once."""
        plain: list[tuple[str, bytes]] = []
        while len(plain) < self.signed_bodies:
            plain += self.transfer_requests(token, ids)
        return self._signed_workload(url, name, "transfer", plain, 2)

    def claims(self, url: str) -> Measurement:
        """Each request a new claim (own idempotency key): stored, assessed, letter posted."""
        token = self.token(url)
        count = self.claim_bodies + 1
        bodies = [
            claim_body(token, loader.contract_number(self.rng.randrange(self.contracts)), key)
            for key in (secrets.token_hex(16) for _ in range(count))
        ]
        self.check(url, SCHADEN, bodies[0], "notifyClaim")
        result = self.measure(
            "claim notification",
            url,
            [(SCHADEN, body) for body in bodies[1:]],
            "StatusID>OK<",
        )
        if result.requests > count - 1:
            print(f"    note: {result.requests} requests > {count - 1} claims: repeated keys")
        return result

    def growth_run(self, url: str, engine: Any, firm_id: int, ids: list[str]) -> dict[str, Any]:
        print(f"growth: loading up to {GROWTH_CONTRACTS:,} contracts …", flush=True)
        seconds = loader.load_contracts(engine, firm_id, self.contracts, GROWTH_CONTRACTS)
        print(f"  loaded {GROWTH_CONTRACTS - self.contracts:,} more in {seconds:.1f} s")
        print(f"  settled (vacuum, analyse, checkpoint) in {loader.settle(engine):.1f} s")
        token = self.token(url)
        data = self.get_data_requests(token, GROWTH_CONTRACTS)
        self.check(url, *data[0], "getData (1M)")
        big = {
            "getData": self.measure("getData at 1M", url, data, "StatusID>OK<"),
            "listShipments + getShipment": self.measure(
                "listShipments + getShipment at 1M",
                url,
                self.transfer_requests(token, ids),
                "StatusID>OK<",
            ),
        }
        return {"load_seconds": round(seconds, 1), "at_1m": big}

    def run(self) -> dict[str, Any]:
        started = datetime.now(UTC)
        print(
            f"bench: {self.contracts:,} contracts on {self.database}, {self.workers} workers, "
            f"{self.connections} connections, {self.seconds} s per workload",
            flush=True,
        )
        baselines = self.baselines()
        with database(self.database, self.workdir) as url:
            settings = Settings(
                database_url=url, var_dir=self.workdir / "var", secret_key=loader.SECRET_KEY
            )
            print("loading …", flush=True)
            runtime, firm_id, ids, report = loader.load(settings, self.contracts, self.shipments)
            print(f"  {report.contracts:,} contracts in {report.seconds:.1f} s", flush=True)
            try:
                self.firm_key = signed.setup(settings, runtime)
            except ImportError as missing:  # xmlsec is an optional dependency
                self.not_run["signed workloads"] = f"not run: {missing}"
            log = self.workdir / "service.log"
            with servers.service(url, self.workers, self.workdir / "var", log) as base:
                measured = {**baselines, **self.service(base, ids)}
                growth = (
                    self.growth_run(base, runtime.engine, firm_id, ids) if self.growth else None
                )
                # Last: every claim also posts an acknowledgement letter to the firm.
                measured["claim notification"] = self.claims(base)
            runtime.engine.dispose()
        return self.summary(started, report, measured, growth)

    def cross_check_summary(self) -> dict[str, Any]:
        raw = self.cross_checked.get("raw lxml echo")
        return {
            "generator": "bench/pyload.py: Python processes, keep-alive http.client, "
            f"{self.connections} connections",
            "workloads": {
                name: {**asdict(m), "ratio_to_raw_echo": ratio(m.rps, raw.rps) if raw else None}
                for name, m in self.cross_checked.items()
            },
        }

    def summary(
        self,
        started: datetime,
        report: loader.LoadReport,
        measured: dict[str, Measurement],
        growth: dict[str, Any] | None,
    ) -> dict[str, Any]:
        raw = measured["raw lxml echo"].rps
        workloads = {
            name: {**asdict(m), "ratio_to_raw_echo": ratio(m.rps, raw)}
            for name, m in measured.items()
        }
        growth_out: dict[str, Any] = {"run": False, "note": "not run (set BENCH_GROWTH=1)"}
        if growth is not None:
            growth_out = {"run": True, "load_seconds_990k_more": growth["load_seconds"]}
            for name, big in growth["at_1m"].items():
                small = measured[name]
                growth_out[name] = growth_entry(small, big)
        return {
            "started": started.isoformat(timespec="seconds"),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "wrk": _wrk_version(),
                "commit": _commit(),
            },
            "settings": {
                "database": self.database,
                "contracts": self.contracts,
                "shipments": self.shipments,
                "workers": self.workers,
                "connections": self.connections,
                "wrk_threads": self.threads,
                "seconds_per_workload": self.seconds,
            },
            "load": {"contracts": report.contracts, "seconds": round(report.seconds, 2)},
            "workloads": workloads,
            "not_run": self.not_run,
            "growth": growth_out,
            "independent_generator": self.cross_check_summary(),
        }


def growth_entry(small: Measurement, big: Measurement) -> dict[str, Any]:
    """1M against the small portfolio; ratios are None when no request completed at 1M."""
    done = big.requests > 0
    return {
        "at_1m": asdict(big),
        "p50_ratio_1m_vs_small": ratio(big.p50_ms, small.p50_ms) if done else None,
        "p99_ratio_1m_vs_small": ratio(big.p99_ms, small.p99_ms) if done else None,
        "rps_ratio_small_vs_1m": ratio(small.rps, big.rps) if done else None,
        "note": "" if done else "no request completed within the measuring time",
    }


def _wrk_version() -> str:
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)  # noqa: S607
    return (done.stdout or done.stderr).splitlines()[0] if (done.stdout or done.stderr) else "?"


def _commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
        cwd=servers.ROOT,
    )
    return done.stdout.strip() or "?"


def markdown(results: dict[str, Any]) -> str:
    s = results["settings"]
    lines = [
        f"# Benchmark {results['started']}",
        "",
        f"{s['database']}, {s['contracts']:,} contracts, {s['workers']} gunicorn workers, "
        f"{s['connections']} connections (wrk, {s['wrk_threads']} threads), "
        f"{s['seconds_per_workload']} s per workload; {results['machine']['cpus']} CPUs, "
        f"commit {results['machine']['commit']}. Bulk load: {results['load']['seconds']} s.",
        "",
        "| workload | req/s | ratio to raw echo | p50 ms | p99 ms | errors | unexpected |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, w in results["workloads"].items():
        lines.append(
            f"| {name} | {w['rps']:.1f} | {w['ratio_to_raw_echo']:.3f} | {w['p50_ms']:.2f} "
            f"| {w['p99_ms']:.2f} | {w['errors']} | {w['unexpected']} |"
        )
    if results["not_run"]:
        lines += ["", "Not run:", ""]
        lines += [f"- {name}: {why}" for name, why in results["not_run"].items()]
    check = results.get("independent_generator")
    if check and check["workloads"]:
        lines += ["", "## Independent generator", "", check["generator"], ""]
        lines += [
            "| workload | req/s | ratio to raw echo | p50 ms | p99 ms | errors | unexpected |"
        ]
        lines.append("|---|---:|---:|---:|---:|---:|---:|")
        for name, w in check["workloads"].items():
            share = w["ratio_to_raw_echo"]
            lines.append(
                f"| {name} | {w['rps']:.1f} | {share if share is not None else '-'} "
                f"| {w['p50_ms']:.2f} | {w['p99_ms']:.2f} | {w['errors']} | {w['unexpected']} |"
            )
    g = results["growth"]
    lines += ["", "## Growth", ""]
    if not g["run"]:
        lines.append(g["note"])
    else:
        lines.append(f"Loading 990,000 more contracts: {g['load_seconds_990k_more']} s.")
        lines += ["", "| workload at 1M | req/s | p50 ms | p99 ms | p50 ratio 1M/small |"]
        lines.append("|---|---:|---:|---:|---:|")
        for name in ("getData", "listShipments + getShipment"):
            big = g[name]["at_1m"]
            factor = g[name]["p50_ratio_1m_vs_small"]
            lines.append(
                f"| {name} | {big['rps']:.1f} | {big['p50_ms']:.2f} | {big['p99_ms']:.2f} "
                f"| {factor if factor is not None else g[name]['note']} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    out = Path(os.environ.get("BENCH_OUT", "bench-results"))
    out.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bipro-bench-") as tmp:
        try:
            results = Bench(Path(tmp)).run()
        except Exception:
            for log in Path(tmp).glob("*.log"):
                print(f"--- {log.name} (tail)", file=sys.stderr)
                print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
            raise
    results["wall_seconds"] = round(time.monotonic() - began, 1)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / "results.md").write_text(markdown(results))
    print(markdown(results))
    print(f"written to {out}/results.json and {out}/results.md")


if __name__ == "__main__":
    main()
