"""The conformance cases: each a small function of a :class:`Context` returning an
:class:`Outcome` (expected, observed, passed).

Cases only read, except ``acknowledge_semantics``, which acknowledges one shipment of the
test-access firm the login belongs to (and only one listed on the sheet for that firm).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from lxml import etree
from zeep.exceptions import Fault
from zeep.wsse.username import UsernameToken

from bipro_clients.conformance.recorder import Exchange, Recorder
from bipro_clients.errors import NACHR, BiproFault
from bipro_clients.factory import ClientConfig, make_client
from bipro_clients.services import Answer, TransferClient, VertragClient
from bipro_clients.sts import ISSUE, PASSWORD_PATH, PASSWORD_STS, SCT, WSC, WSSE, StsClient

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
TRANSFER_NS = "http://www.bipro.net/namespace/transfer"
TRANSFER_PATH = "/bipro/TransferService_2.6.1.1.0"
UTC_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
ZEITSTEMPEL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]00:00)?$")
MIN_TOKEN_BITS = 128

__all__ = ["CASES", "Case", "CaseResult", "Context", "Exchange", "Outcome"]


@dataclass(frozen=True)
class Outcome:
    expected: str
    observed: str
    passed: bool
    skipped: bool = False


@dataclass
class CaseResult:
    name: str
    title: str
    expected: str
    observed: str
    result: str
    """``PASS``, ``FAIL`` or ``SKIP``."""
    seconds: float
    exchanges: list[Exchange] = field(default_factory=list)
    """The request/response pairs of the case (kept for failures)."""


@dataclass
class Context:
    """Everything a case needs: where, who, and which objects of the two test firms."""

    endpoint: str
    login: str
    password: str
    own_firm: str
    own_contracts: list[str]
    own_shipments: list[str]
    other_firm: str
    other_contracts: list[str]
    other_shipments: list[str]
    config: ClientConfig = field(default_factory=ClientConfig)
    allow_lockout: bool = False
    allow_writes: bool = True
    """Acknowledge one of ``own_shipments`` (only when the login belongs to ``own_firm``)."""
    recorder: Recorder = field(default_factory=Recorder)
    _token: str | None = None

    @property
    def base(self) -> str:
        return self.endpoint.rstrip("/")

    def token(self) -> str:
        """One token for the run's read-only calls (issued on first use)."""
        if self._token is None:
            self._token = issue(self)[0]
        return self._token

    def transfer(self, token: str | None = None) -> TransferClient:
        return TransferClient(self.base, token or self.token(), self.config)

    def vertrag(self) -> VertragClient:
        return VertragClient(self.base, self.token(), self.config)

    def post_raw(self, path: str, body: bytes) -> tuple[int, str]:
        """POST a hand-written envelope (for what the typed clients refuse to send)."""
        url = self.base + path
        response = requests.post(
            url,
            data=body,
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
            timeout=self.config.timeout,
            verify=self.config.verify,
            cert=self.config.client_cert,
        )
        text = response.content.decode(response.encoding or "utf-8", errors="replace")
        self.recorder.add(url, body.decode("utf-8", errors="replace"), response.status_code, text)
        return response.status_code, text


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    run: Callable[[Context], Outcome]


CASES: list[Case] = []


def case(name: str, title: str) -> Callable[[Callable[[Context], Outcome]], Callable[..., Outcome]]:
    def register(function: Callable[[Context], Outcome]) -> Callable[[Context], Outcome]:
        CASES.append(Case(name, title, function))
        return function

    return register


# --- helpers ---------------------------------------------------------------------------------


def issue(ctx: Context) -> tuple[str, str, str]:
    """Password login, tolerant of the lifetime's format: (identifier, Created, Expires)."""
    _, service = make_client(
        PASSWORD_STS,
        ctx.base + PASSWORD_PATH,
        ctx.config,
        wsse=UsernameToken(ctx.login, ctx.password),
    )
    try:
        answer = service.RequestSecurityToken(TokenType=SCT, RequestType=ISSUE)
    except Fault as fault:
        raise BiproFault.from_zeep(fault) from None
    lifetime = answer.Lifetime
    return (
        str(answer.RequestedSecurityToken.SecurityContextToken.Identifier),
        str(lifetime.Created) if lifetime is not None else "",
        str(lifetime.Expires) if lifetime is not None else "",
    )


def token_bits(identifier: str) -> int:
    """Lower bound of the random bits in an identifier (``bipro:`` / ``urn:uuid:`` stripped)."""
    value = identifier.rsplit(":", 1)[-1]
    if re.fullmatch(
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", value
    ):
        return 122
    if re.fullmatch(r"[0-9a-fA-F]+", value):
        return 4 * len(value)
    if re.fullmatch(r"[A-Za-z0-9_\-+/]+=*", value):
        return 6 * len(value.rstrip("="))
    return 0


def describe(answer: Answer) -> str:
    status = "OK" if answer.ok else "NOK"
    return f"{status} {','.join(answer.meldung_ids) or '(no Meldung)'}"


def describe_fault(fault: BiproFault) -> str:
    return f"fault {fault.meldung_id or '(no MeldungID)'}: {fault.message}"


def _parse(text: str) -> etree._Element | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(text.encode(), parser)
    except etree.XMLSyntaxError:
        return None


def fault_of(status: int, text: str) -> str | None:
    """``fault <MeldungID>`` for a SOAP fault answer, ``None`` for anything else."""
    root = _parse(text)
    if root is None or root.find(f".//{{{SOAP11_ENV}}}Fault") is None:
        return None
    meldung = root.findtext(f".//{{{NACHR}}}MeldungID")
    return f"fault {meldung or '(no MeldungID)'} (HTTP {status})"


def envelope(body: str, header: str = "", doctype: str = "") -> bytes:
    return (
        f'{doctype}<soapenv:Envelope xmlns:soapenv="{SOAP11_ENV}">'
        f"<soapenv:Header>{header}</soapenv:Header>"
        f"<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    ).encode()


def token_header(identifier: str) -> str:
    return (
        f'<wsse:Security xmlns:wsse="{WSSE}"><wsc:SecurityContextToken xmlns:wsc="{WSC}">'
        f"<wsc:Identifier>{identifier}</wsc:Identifier></wsc:SecurityContextToken></wsse:Security>"
    )


def list_shipments_body(version: str = "2.6.1.1.0") -> str:
    return (
        f'<tns:listShipments xmlns:tns="{TRANSFER_NS}"><tns:Request>'
        f'<nachr:BiPROVersion xmlns:nachr="{NACHR}">{version}</nachr:BiPROVersion>'
        "</tns:Request></tns:listShipments>"
    )


def _expect_fault(ctx: Context, body: bytes, expected_id: str | None, expected: str) -> Outcome:
    status, text = ctx.post_raw(TRANSFER_PATH, body)
    observed = fault_of(status, text)
    if observed is None:
        return Outcome(expected, f"HTTP {status}, no SOAP fault", False)
    passed = expected_id is None or f"fault {expected_id} " in observed
    return Outcome(expected, observed, passed)


def _listed(ctx: Context) -> list[str]:
    return [lieferung.id for lieferung in ctx.transfer().list_shipments().payload]


# --- STS -------------------------------------------------------------------------------------


@case("sts_login", "STS login: UTC lifetime ending in Z, identifier of at least 128 bits")
def sts_login(ctx: Context) -> Outcome:
    expected = f"token, Created/Expires UTC with Z, Created < Expires, >= {MIN_TOKEN_BITS} bits"
    identifier, created, expires = issue(ctx)
    bits = token_bits(identifier)
    problems = [
        f"{name} {value!r} not UTC with Z"
        for name, value in (("Created", created), ("Expires", expires))
        if not UTC_Z.match(value)
    ]
    if not problems and not created < expires:
        problems.append("Expires not after Created")
    if bits < MIN_TOKEN_BITS:
        problems.append(f"identifier has ~{bits} bits")
    observed = f"Expires {expires}, identifier ~{bits} bits" + (
        f"; {'; '.join(problems)}" if problems else ""
    )
    return Outcome(expected, observed, not problems)


@case("sts_wrong_password", "STS: wrong password answers fault 00960")
def sts_wrong_password(ctx: Context) -> Outcome:
    if ctx.allow_lockout:
        login, kind = ctx.login, "real user (one wrong entry counts towards the lockout)"
    else:
        login, kind = f"conformance-nonexistent-{secrets.token_hex(6)}", "non-existing user key"
    try:
        StsClient(ctx.base, ctx.config).login(login, "wrong-" + secrets.token_hex(8))
    except BiproFault as fault:
        return Outcome(f"fault 00960 ({kind})", describe_fault(fault), fault.meldung_id == "00960")
    return Outcome(f"fault 00960 ({kind})", "token issued", False)


@case("sts_validate_cancel", "STS: Validate says valid; after Cancel invalid")
def sts_validate_cancel(ctx: Context) -> Outcome:
    expected = "valid, then after Cancel invalid (or fault 00962)"
    sts = StsClient(ctx.base, ctx.config)
    identifier = issue(ctx)[0]
    before = sts.validate(identifier)
    sts.cancel(identifier)
    try:
        after = "valid" if sts.validate(identifier) else "invalid"
    except BiproFault as fault:
        after = describe_fault(fault)
    passed = before and (after == "invalid" or after.startswith("fault 00962"))
    return Outcome(expected, f"{'valid' if before else 'invalid'}, after Cancel {after}", passed)


# --- tokens in service calls -----------------------------------------------------------------


@case("token_in_call", "A service call with the token is answered")
def token_in_call(ctx: Context) -> Outcome:
    answer = ctx.transfer().list_shipments()
    return Outcome("listShipments: StatusID OK", describe(answer), answer.ok)


@case("call_without_token", "A service call without security header: fault 00905")
def call_without_token(ctx: Context) -> Outcome:
    return _expect_fault(ctx, envelope(list_shipments_body()), "00905", "fault 00905")


@case("forged_token", "A service call with a forged token: fault 00962")
def forged_token(ctx: Context) -> Outcome:
    forged = "bipro:" + secrets.token_hex(32)
    try:
        answer = ctx.transfer(forged).list_shipments()
    except BiproFault as fault:
        return Outcome("fault 00962", describe_fault(fault), fault.meldung_id == "00962")
    return Outcome("fault 00962", describe(answer), False)


@case("status_fields", "Status: ProzessID, Zeitstempel (UTC), StatusID present")
def status_fields(ctx: Context) -> Outcome:
    expected = "ProzessID non-empty, Zeitstempel YYYY-MM-DDThh:mm:ss, StatusID OK/NOK"
    ctx.recorder.clear()
    ctx.transfer().list_shipments()
    responses = [e for e in ctx.recorder.exchanges if e.response]
    root = _parse(responses[-1].response) if responses else None
    status = root.find(f".//{{{NACHR}}}Status") if root is not None else None
    if status is None:
        return Outcome(expected, "no nachr:Status in the answer", False)
    prozess = status.findtext(f"{{{NACHR}}}ProzessID") or ""
    zeit = status.findtext(f"{{{NACHR}}}Zeitstempel") or ""
    status_id = status.findtext(f"{{{NACHR}}}StatusID") or ""
    problems = []
    if not prozess.strip():
        problems.append("ProzessID missing")
    if not ZEITSTEMPEL.match(zeit):
        problems.append(f"Zeitstempel {zeit!r} malformed")
    if status_id not in ("OK", "NOK"):
        problems.append(f"StatusID {status_id!r}")
    observed = f"ProzessID {prozess!r}, Zeitstempel {zeit!r}, StatusID {status_id!r}"
    return Outcome(
        expected, observed + (f"; {'; '.join(problems)}" if problems else ""), not problems
    )


# --- Transfer (430) --------------------------------------------------------------------------


@case("list_shipments_scoped", "listShipments lists own shipments, none of the other firm")
def list_shipments_scoped(ctx: Context) -> Outcome:
    expected = f"some of {ctx.own_firm}'s sheet shipments, none of {ctx.other_firm}'s"
    listed = set(_listed(ctx))
    foreign = listed & set(ctx.other_shipments)
    own = listed & set(ctx.own_shipments)
    observed = f"{len(listed)} listed, {len(own)} of the sheet's own, {len(foreign)} foreign"
    return Outcome(expected, observed, bool(own) and not foreign)


@case("get_shipment_own", "getShipment of an own shipment: OK with files")
def get_shipment_own(ctx: Context) -> Outcome:
    expected = "OK, the Lieferung with its ID and at least one file"
    candidates = [s for s in _listed(ctx) if s in set(ctx.own_shipments)]
    if not candidates:
        return Outcome(expected, "no shipment of the sheet listed (all acknowledged?)", False)
    answer = ctx.transfer().get_shipment(candidates[0])
    lieferung = answer.payload
    passed = answer.ok and lieferung is not None and lieferung.id == candidates[0]
    passed = passed and bool(lieferung.files)
    files = len(lieferung.files) if lieferung is not None else 0
    return Outcome(expected, f"{describe(answer)}, {files} file(s)", passed)


@case("get_shipment_other_firm", "getShipment of the other test firm's shipment: NOK 04003")
def get_shipment_other_firm(ctx: Context) -> Outcome:
    if not ctx.other_shipments:
        return Outcome("NOK 04003", "the sheet lists no shipment of the other firm", True, True)
    answers = [ctx.transfer().get_shipment(s) for s in ctx.other_shipments]
    wrong = [describe(a) for a in answers if a.ok or a.meldung_ids != ["04003"]]
    observed = f"{len(answers)} tried" + (f"; {', '.join(wrong)}" if wrong else ", all NOK 04003")
    return Outcome("NOK 04003 for each", observed, not wrong)


@case("acknowledge_semantics", "acknowledgeShipment: OK; again OK/04002; then getShipment 04002")
def acknowledge_semantics(ctx: Context) -> Outcome:
    expected = "ack OK; repeated ack OK or 04002; getShipment NOK 04002; no longer listed"
    if not ctx.allow_writes:
        return Outcome(expected, "writes not allowed for this login (not on the sheet)", True, True)
    candidates = [s for s in _listed(ctx) if s in set(ctx.own_shipments)]
    if not candidates:
        return Outcome(expected, "no listed shipment of the sheet's test firm left", False)
    shipment = candidates[-1]
    transfer = ctx.transfer()
    first = transfer.acknowledge_shipment(shipment)
    second = transfer.acknowledge_shipment(shipment)
    fetched = transfer.get_shipment(shipment)
    still_listed = shipment in _listed(ctx)
    passed = (
        first.ok
        and (second.ok or "04002" in second.meldung_ids)
        and not fetched.ok
        and "04002" in fetched.meldung_ids
        and not still_listed
    )
    observed = (
        f"ack {describe(first)}; again {describe(second)}; getShipment {describe(fetched)}"
        f"{'; still listed' if still_listed else ''}"
    )
    return Outcome(expected, observed, passed)


# --- contracts (502) -------------------------------------------------------------------------


@case("get_data_own", "getData of an own contract: OK 01100")
def get_data_own(ctx: Context) -> Outcome:
    if not ctx.own_contracts:
        return Outcome("OK 01100", "the sheet lists no contract of the firm", True, True)
    number = ctx.own_contracts[0]
    answer = ctx.vertrag().get_contract(number)
    contract = answer.payload
    passed = answer.ok and "01100" in answer.meldung_ids and contract is not None
    passed = passed and contract.Versicherungsscheinnummer == number
    return Outcome(f"OK 01100 with {number}", describe(answer), passed)


@case("get_data_other_firm", "getData of the other test firm's contracts: NOK 01101")
def get_data_other_firm(ctx: Context) -> Outcome:
    if not ctx.other_contracts:
        return Outcome("NOK 01101", "the sheet lists no contract of the other firm", True, True)
    vertrag = ctx.vertrag()
    answers = {number: vertrag.get_contract(number) for number in ctx.other_contracts}
    wrong = [
        f"{number}: {describe(a)}"
        for number, a in answers.items()
        if a.ok or a.meldung_ids != ["01101"] or a.payload is not None
    ]
    observed = f"{len(answers)} tried" + (f"; {', '.join(wrong)}" if wrong else ", all NOK 01101")
    return Outcome("NOK 01101 for each", observed, not wrong)


# --- rejected input --------------------------------------------------------------------------


@case("doctype_rejected", "A request with a DOCTYPE: SOAP fault")
def doctype_rejected(ctx: Context) -> Outcome:
    doctype = '<?xml version="1.0"?><!DOCTYPE soapenv:Envelope [<!ENTITY v "2.6.1.1.0">]>'
    body = list_shipments_body("&v;")
    return _expect_fault(ctx, envelope(body, token_header(ctx.token()), doctype), None, "a fault")


@case("unknown_version_rejected", "An unknown BiPROVersion release: SOAP fault")
def unknown_version_rejected(ctx: Context) -> Outcome:
    body = envelope(list_shipments_body("9.9.9.9.9"), token_header(ctx.token()))
    return _expect_fault(ctx, body, None, "a fault")
