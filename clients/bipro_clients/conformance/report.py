"""Reports: a terminal table, one self-contained HTML page, JSON."""

from __future__ import annotations

import json
import shutil
import textwrap
from dataclasses import asdict
from datetime import UTC, datetime
from html import escape

from lxml import etree

from bipro_clients.conformance.context import CaseResult, Context
from bipro_clients.conformance.recorder import parse_xml


def summary(results: list[CaseResult]) -> dict[str, int]:
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    for result in results:
        counts[result.result] += 1
    return counts


def terminal_table(results: list[CaseResult], width: int | None = None) -> str:
    """A plain-text table: case, expected, observed, result (long cells wrapped)."""
    width = width or shutil.get_terminal_size((120, 24)).columns
    name_w = max([4, *(len(r.name) for r in results)])
    free = max(40, width - name_w - 6 - 9)
    exp_w, obs_w = free * 2 // 5, free - free * 2 // 5
    header = f"{'case':<{name_w}}  {'expected':<{exp_w}}  {'observed':<{obs_w}}  result"
    lines = [header, "-" * len(header)]
    for r in results:
        expected = textwrap.wrap(r.expected, exp_w) or [""]
        observed = textwrap.wrap(r.observed, obs_w) or [""]
        for i in range(max(len(expected), len(observed))):
            lines.append(
                f"{(r.name if i == 0 else ''):<{name_w}}  "
                f"{(expected[i] if i < len(expected) else ''):<{exp_w}}  "
                f"{(observed[i] if i < len(observed) else ''):<{obs_w}}  "
                f"{(r.result if i == 0 else '')}"
            )
    counts = summary(results)
    lines += ["-" * len(header), " ".join(f"{k} {v}" for k, v in counts.items())]
    return "\n".join(lines)


def run_facts(ctx: Context | None) -> dict[str, str]:
    """Who ran against what, with which options (no secrets)."""
    if ctx is None:
        return {}
    return {
        "login": f"{ctx.login} ({ctx.own_firm})",
        "other test firm": ctx.other_firm,
        "sheet": "yes" if ctx.has_sheet else "no (the cases that need one are skipped)",
        "writes": "yes, in the login's test-access firm" if ctx.allow_writes else "no",
        "signing certificate": ctx.signing.cert_file if ctx.signing else "none",
        "TLS client certificate": ctx.config.client_cert[0] if ctx.config.client_cert else "none",
        "lockout case": (
            f"{ctx.lockout_user.login}, threshold {ctx.lockout_threshold}"
            if ctx.lockout_user
            else "not allowed"
        ),
        "token wait": f"{ctx.token_wait:g} s",
    }


def json_report(endpoint: str, results: list[CaseResult], ctx: Context | None = None) -> str:
    return json.dumps(
        {
            "endpoint": endpoint,
            "run": run_facts(ctx),
            "generated": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "summary": summary(results),
            "passed": summary(results)["FAIL"] == 0,
            "cases": [asdict(r) for r in results],
        },
        indent=2,
        ensure_ascii=False,
    )


def pretty_xml(text: str) -> str:
    """Indented XML for reading (the text as received when it is not XML)."""
    root = parse_xml(text)
    if root is None:
        return text
    etree.indent(root)
    return etree.tostring(root, encoding="unicode")


_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}.PASS{background:#e3f6e3}.FAIL{background:#fbe0e0}.SKIP{background:#f4f4f4}
.res{font-weight:bold}pre{white-space:pre-wrap;word-break:break-all;background:#f8f8f8;
border:1px solid #ddd;padding:.5em;font-size:.85em;max-height:30em;overflow:auto}
.sum{font-size:1.1em;margin:1em 0}.facts{width:auto;margin-bottom:1em}
"""


def html_report(endpoint: str, results: list[CaseResult], ctx: Context | None = None) -> str:
    """One page, inline CSS, no scripts or external assets; XML escaped."""
    counts = summary(results)
    facts = "".join(
        f"<tr><th>{escape(key)}</th><td>{escape(value)}</td></tr>"
        for key, value in run_facts(ctx).items()
    )
    verdict = "all green" if counts["FAIL"] == 0 else f"{counts['FAIL']} failing"
    rows = []
    for r in results:
        name = escape(r.name)
        if r.result == "FAIL":
            name = f'<a href="#{name}">{name}</a>'
        rows.append(
            f'<tr class="{r.result}"><td>{name}<br><small>{escape(r.title)}</small></td>'
            f"<td>{escape(r.expected)}</td><td>{escape(r.observed)}</td>"
            f'<td class="res">{r.result}</td></tr>'
        )
    details = []
    for r in results:
        if r.result != "FAIL":
            continue
        parts = [f'<h3 id="{escape(r.name)}">{escape(r.name)}: {escape(r.title)}</h3>']
        if not r.exchanges:
            parts.append("<p>No HTTP exchange recorded.</p>")
        for n, e in enumerate(r.exchanges, 1):
            parts.append(
                f"<h4>Exchange {n}: {escape(e.method)} {escape(e.url)} → HTTP {e.status}</h4>"
                f"<p>Request</p><pre>{escape(pretty_xml(e.request))}</pre>"
                f"<p>Response</p><pre>{escape(pretty_xml(e.response))}</pre>"
            )
        details.append("\n".join(parts))
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>BiPRO conformance report</title><style>{_CSS}</style></head>
<body>
<h1>BiPRO conformance report</h1>
<p>Endpoint <code>{escape(endpoint)}</code>, generated {generated}.</p>
{f'<table class="facts">{facts}</table>' if facts else ""}
<p class="sum">{verdict}: PASS {counts["PASS"]}, FAIL {counts["FAIL"]}, SKIP {counts["SKIP"]}</p>
<table><thead><tr><th>case</th><th>expected</th><th>observed</th><th>result</th></tr></thead>
<tbody>
{"".join(rows)}
</tbody></table>
{"<h2>Failures: request and response</h2>" if details else ""}
{"".join(details)}
</body></html>
"""
