"""A second, independent load generator: Python processes with keep-alive ``http.client``.

wrk measures every workload; this one repeats chosen workloads with a generator that shares no
code with wrk (own connections, own timing, own answer checks, own percentiles), so that a
figure is not an artefact of one tool. It is heavier than wrk (each connection is a Python
process on the same two cores as the servers), so its throughput is a lower bound; the point
is that both agree on the order of magnitude and on the ratios between workloads.
"""

from __future__ import annotations

import http.client
import multiprocessing
import time
from urllib.parse import urlsplit

from bench.wrk import Measurement


def _ready(_: int) -> int:
    """Returns once a pool process has started and imported this module; the pause makes the
    pool hand one such task to every process instead of several to the first one up."""
    time.sleep(0.3)
    return multiprocessing.current_process().pid or 0


def _client(
    args: tuple[str, list[tuple[str, bytes]], str, float, float, int, int],
) -> tuple[list[float], int, int]:
    """One connection: from ``start`` POST the requests round robin (from its own slice) until
    ``deadline``; latencies in seconds, errors, unexpected answers."""
    base_url, requests, expect, start, deadline, index, connections = args
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    connection = http.client.HTTPConnection(host, port, timeout=10)
    latencies: list[float] = []
    errors = unexpected = 0
    marker = expect.encode()
    i = index * (len(requests) // connections)
    time.sleep(max(0.0, start - time.monotonic()))
    while time.monotonic() < deadline:
        path, body = requests[i % len(requests)]
        i += 1
        began = time.perf_counter()
        try:
            connection.request("POST", path, body, {"Content-Type": "text/xml; charset=utf-8"})
            response = connection.getresponse()
            answer = response.read()
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=10)
            continue
        latencies.append(time.perf_counter() - began)
        if response.status != 200 or marker not in answer:
            unexpected += 1
    connection.close()
    return latencies, errors, unexpected


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, round(share * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def run_pyload(
    base_url: str,
    requests: list[tuple[str, bytes]],
    expect: str,
    *,
    seconds: int,
    connections: int,
) -> Measurement:
    """Drive ``base_url`` with ``connections`` processes for ``seconds``."""
    context = multiprocessing.get_context("spawn")  # no inherited engines or sockets
    with context.Pool(connections) as pool:
        # Every process started and imported before the clock starts; all begin together.
        pool.map(_ready, range(connections), chunksize=1)
        start = time.monotonic() + 0.5
        deadline = start + seconds
        jobs = [
            (base_url, requests, expect, start, deadline, k, connections)
            for k in range(connections)
        ]
        results = pool.map(_client, jobs, chunksize=1)
    elapsed = float(seconds)
    latencies = sorted(value for values, _, _ in results for value in values)
    errors = sum(e for _, e, _ in results)
    unexpected = sum(u for _, _, u in results)
    ms = 1000.0
    return Measurement(
        requests=len(latencies),
        seconds=round(elapsed, 2),
        rps=round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        p50_ms=round(percentile(latencies, 0.50) * ms, 2),
        p90_ms=round(percentile(latencies, 0.90) * ms, 2),
        p99_ms=round(percentile(latencies, 0.99) * ms, 2),
        mean_ms=round(sum(latencies) / len(latencies) * ms, 2) if latencies else 0.0,
        errors=errors,
        unexpected=unexpected,
    )
