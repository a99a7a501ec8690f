"""Driving a server with wrk: one generated Lua script per workload, results as JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
local paths = {%(paths)s}
local bodies = {%(bodies)s}
local expect = %(expect)s
local threads = {}
i = 0
bad = 0

-- Thread k starts at k * #bodies / threads: no two threads send the same body before they
-- have gone through their own slice (signed bodies must not be replayed).
setup = function(thread)
  thread:set("i", #threads * math.floor(#bodies / %(threads)d))
  table.insert(threads, thread)
end

request = function()
  i = i + 1
  local k = (i %% #bodies) + 1
  return wrk.format("POST", paths[k], nil, bodies[k])
end

response = function(status, headers, body)
  if status ~= 200 or not string.find(body, expect, 1, true) then
    bad = bad + 1
  end
end

done = function(summary, latency, requests)
  local unexpected = 0
  for _, t in ipairs(threads) do unexpected = unexpected + t:get("bad") end
  local f = io.open(%(out)s, "w")
  f:write(string.format(
    '{"requests": %%d, "duration_us": %%d, "bytes": %%d, "errors_connect": %%d, ' ..
    '"errors_read": %%d, "errors_write": %%d, "errors_status": %%d, "errors_timeout": %%d, ' ..
    '"unexpected": %%d, "mean_us": %%.1f, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, ' ..
    '"max_us": %%d}',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    unexpected, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
  f:close()
end
"""


@dataclass
class Measurement:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    errors: int
    unexpected: int

    @classmethod
    def from_wrk(cls, raw: dict[str, float]) -> Measurement:
        seconds = raw["duration_us"] / 1e6
        errors = sum(
            int(raw[k]) for k in ("errors_connect", "errors_read", "errors_write", "errors_timeout")
        )
        return cls(
            requests=int(raw["requests"]),
            seconds=round(seconds, 2),
            rps=round(raw["requests"] / seconds, 1) if seconds else 0.0,
            p50_ms=round(raw["p50_us"] / 1000, 2),
            p90_ms=round(raw["p90_us"] / 1000, 2),
            p99_ms=round(raw["p99_us"] / 1000, 2),
            mean_ms=round(raw["mean_us"] / 1000, 2),
            errors=errors + int(raw["errors_status"]),
            unexpected=int(raw["unexpected"]),
        )


def lua_string(text: str) -> str:
    """``text`` as a Lua long-bracket literal that cannot be closed by its content."""
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    eq = "=" * level
    return f"[{eq}[{text}]{eq}]"


def lua_script(requests: list[tuple[str, bytes]], expect: str, out: Path, threads: int = 2) -> str:
    """The script posting ``requests`` (path, body) round robin and writing JSON to ``out``."""
    return LUA % {
        "threads": threads,
        "paths": ", ".join(lua_string(path) for path, _ in requests),
        "bodies": ",\n".join(lua_string(body.decode()) for _, body in requests),
        "expect": lua_string(expect),
        "out": lua_string(str(out)),
    }


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk not found: run `make bench-deps` (apt-get install wrk)")
    return found


def run_wrk(
    base_url: str,
    requests: list[tuple[str, bytes]],
    expect: str,
    *,
    seconds: int,
    connections: int,
    threads: int,
    workdir: Path,
    name: str,
) -> Measurement:
    script = workdir / f"{name}.lua"
    out = workdir / f"{name}.json"
    script.write_text(lua_script(requests, expect, out, threads))
    done = subprocess.run(  # noqa: S603
        [
            wrk_binary(),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base_url,
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return Measurement.from_wrk(json.loads(out.read_text()))
