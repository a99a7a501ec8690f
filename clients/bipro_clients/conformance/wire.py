"""Reading answers and writing hand-made requests for the cases (what the typed clients would
never send: no token, a DOCTYPE, an unknown element …)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from lxml import etree

from bipro_clients.conformance.context import Context, Outcome
from bipro_clients.conformance.recorder import parse_xml
from bipro_clients.errors import NACHR, BiproFault, is_auth_code
from bipro_clients.namespaces import SOAP11_ENV, WSC, WSSE
from bipro_clients.services import Answer

DS = "http://www.w3.org/2000/09/xmldsig#"
TRANSFER_NS = "http://www.bipro.net/namespace/transfer"
TRANSFER_PATH = "/bipro/TransferService_2.6.1.1.0"
UTC_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
#: BiPRO's ``Zeitstempel`` is ``YYYY-MM-DDThh:mm:ss`` (fractions and a zone tolerated).
ZEITSTEMPEL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
MELDUNG_ID = re.compile(r"^\d{5}$")
ART_IDS = ("Fehler", "Warnung", "Hinweis")


def describe(answer: Answer) -> str:
    """``OK 04000`` / ``NOK 01101``: StatusID and the MeldungIDs (each once, in order)."""
    status = "OK" if answer.ok else "NOK"
    return f"{status} {','.join(dict.fromkeys(answer.meldung_ids)) or '(no Meldung)'}"


def describe_fault(fault: BiproFault) -> str:
    return f"fault {fault.meldung_id or '(no MeldungID)'}: {fault.message}"


parse = parse_xml


def fault_parts(text: str) -> tuple[str, str | None] | None:
    """(faultcode without prefix, MeldungID) of a SOAP 1.1 fault answer; None otherwise."""
    root = parse(text)
    fault = root.find(f".//{{{SOAP11_ENV}}}Fault") if root is not None else None
    if root is None or fault is None:
        return None
    return faultcode(fault.findtext("faultcode") or ""), root.findtext(f".//{{{NACHR}}}MeldungID")


def fault_of(status: int, text: str) -> str | None:
    """``fault <MeldungID>`` for a SOAP fault answer, ``None`` for anything else."""
    parts = fault_parts(text)
    if parts is None:
        return None
    return f"fault {parts[1] or '(no MeldungID)'} (HTTP {status})"


def faultcode(code: str) -> str:
    """``soap:Client`` / ``Client`` / ``{ns}Client`` → ``Client``."""
    return code.strip().rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def status_problems(status: etree._Element, expected_status: tuple[str, ...]) -> list[str]:
    """What is wrong with a ``nachr:Status`` by the BiPRO conventions."""
    prozess = status.findtext(f"{{{NACHR}}}ProzessID") or ""
    zeit = status.findtext(f"{{{NACHR}}}Zeitstempel") or ""
    status_id = status.findtext(f"{{{NACHR}}}StatusID") or ""
    problems = []
    if not prozess.strip():
        problems.append("ProzessID missing")
    if not ZEITSTEMPEL.match(zeit):
        problems.append(f"Zeitstempel {zeit!r} malformed")
    if status_id not in expected_status:
        problems.append(f"StatusID {status_id!r}")
    for meldung in status.iterfind(f"{{{NACHR}}}Meldung"):
        art = meldung.findtext(f"{{{NACHR}}}ArtID") or ""
        meldung_id = meldung.findtext(f"{{{NACHR}}}MeldungID") or ""
        if art not in ART_IDS:
            problems.append(f"ArtID {art!r}")
        if not MELDUNG_ID.match(meldung_id):
            problems.append(f"MeldungID {meldung_id!r} not five digits")
    return problems


def envelope(body: str, header: str = "", doctype: str = "", env: str = SOAP11_ENV) -> bytes:
    return (
        f'{doctype}<soapenv:Envelope xmlns:soapenv="{env}">'
        f"<soapenv:Header>{header}</soapenv:Header>"
        f"<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    ).encode()


def token_header(identifier: str) -> str:
    return (
        f'<wsse:Security xmlns:wsse="{WSSE}"><wsc:SecurityContextToken xmlns:wsc="{WSC}">'
        f"<wsc:Identifier>{identifier}</wsc:Identifier></wsc:SecurityContextToken></wsse:Security>"
    )


def transfer_body(
    version: str = "2.6.1.1.0", operation: str = "listShipments", extra: str = ""
) -> str:
    return (
        f'<tns:{operation} xmlns:tns="{TRANSFER_NS}"><tns:Request>'
        f'<nachr:BiPROVersion xmlns:nachr="{NACHR}">{version}</nachr:BiPROVersion>'
        f"{extra}</tns:Request></tns:{operation}>"
    )


def expect_fault(
    ctx: Context,
    body: bytes,
    expected_id: str | None,
    expected: str,
    code: str | None = None,
) -> Outcome:
    """POST ``body`` to the Transfer service; pass on a SOAP fault with ``expected_id`` (None:
    any MeldungID but an authentication code 009xx, which would mean the request was refused
    before its content was looked at) and, when given, faultcode ``code``."""
    status, text = ctx.post_raw(TRANSFER_PATH, body)
    parts = fault_parts(text)
    if parts is None:
        return Outcome(expected, f"HTTP {status}, no SOAP fault", False)
    found_code, meldung_id = parts
    observed = f"fault {meldung_id or '(no MeldungID)'}, faultcode {found_code} (HTTP {status})"
    content = not is_auth_code(meldung_id) if expected_id is None else meldung_id == expected_id
    passed = content and (code is None or found_code == code)
    return Outcome(expected, observed, passed)


def expect_bipro_fault(
    expected_id: str, expected: str, call: Callable[[], object], code: str | None = None
) -> Outcome:
    """Run ``call``; pass when it raises the BiPRO fault ``expected_id`` (with faultcode
    ``code``, when given)."""
    try:
        answer = call()
    except BiproFault as fault:
        observed = describe_fault(fault)
        passed = fault.meldung_id == expected_id
        if code is not None:
            observed += f" (faultcode {faultcode(fault.faultcode)})"
            passed = passed and faultcode(fault.faultcode) == code
        return Outcome(expected, observed, passed)
    shown = describe(answer) if isinstance(answer, Answer) else "answered without a fault"
    return Outcome(expected, shown, False)


def each_refused(
    items: Iterable[str], call: Callable[[str], Answer], code: str, empty: Callable[[Answer], bool]
) -> Outcome:
    """``call`` for each foreign object: NOK with exactly MeldungID ``code`` and ``empty``."""
    answers = {item: call(item) for item in items}
    wrong = [
        f"{item}: {describe(a)}"
        for item, a in answers.items()
        if a.ok or a.meldung_ids != [code] or not empty(a)
    ]
    observed = f"{len(answers)} tried" + (f"; {', '.join(wrong)}" if wrong else f", all NOK {code}")
    return Outcome(f"NOK {code} for each", observed, not wrong)


def last_response(ctx: Context) -> etree._Element | None:
    """The last answer the recorder saw, parsed."""
    responses = [e for e in ctx.recorder.exchanges if e.response]
    return parse(responses[-1].response) if responses else None


def listed(ctx: Context) -> list[str]:
    return [lieferung.id for lieferung in ctx.transfer().list_shipments().payload]
