"""What every case works with: the :class:`Context` of a run (endpoint, logins, the two
test-access firms' objects, options), the case registry and the :class:`Outcome` of a case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import requests

from bipro_clients.claims import SchadenClient
from bipro_clients.conformance.official_xsd import OfficialSchemas
from bipro_clients.conformance.recorder import Exchange, Recorder
from bipro_clients.factory import ClientConfig, make_session
from bipro_clients.services import NavigationClient, TransferClient, VertragClient
from bipro_clients.session import TokenSource
from bipro_clients.sts import Token
from bipro_clients.taa import TaaClient

#: The lockout threshold we document (``BIPRO_MAX_FAILED_LOGINS``, docs/accounts.md).
DEFAULT_LOCKOUT_THRESHOLD = 3

__all__ = [
    "CASES",
    "DEFAULT_LOCKOUT_THRESHOLD",
    "Case",
    "CaseResult",
    "Context",
    "Credentials",
    "Exchange",
    "Outcome",
    "case",
]


@dataclass(frozen=True)
class Outcome:
    expected: str
    observed: str
    passed: bool
    skipped: bool = False


def skip(expected: str, why: str) -> Outcome:
    """The case does not apply to this run (``why`` says what would make it apply)."""
    return Outcome(expected, why, True, True)


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


@dataclass(frozen=True)
class Credentials:
    login: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Certificate:
    """The firm's WS-Security signing certificate (PEM paths)."""

    cert_file: str
    key_file: str


@dataclass
class Context:
    """Everything a case needs: where, who, and which objects of the two test firms."""

    endpoint: str
    login: str
    password: str = field(repr=False)
    own_firm: str
    own_contracts: list[str]
    own_shipments: list[str]
    other_firm: str
    other_contracts: list[str]
    other_shipments: list[str]
    config: ClientConfig = field(default_factory=ClientConfig)
    allow_writes: bool = True
    """Write cases (acknowledge, TAA order, claim, DeepLink) run only for a login on the
    sheet, and then only as that login, in its own test-access firm."""
    no_portfolio_user: Credentials | None = None
    """A user of the own firm without portfolio rights (from the sheet)."""
    lockout_user: Credentials | None = None
    """The sacrificial user the lockout case may lock (only with ``--allow-lockout``)."""
    lockout_threshold: int = DEFAULT_LOCKOUT_THRESHOLD
    token_wait: float = 0.0
    """Longest the token-expiry case may wait for a token to expire (seconds)."""
    signing: Certificate | None = None
    """WS-Security signing certificate of the own firm (certificate login, signed calls)."""
    service_cert: str | None = None
    """The service's signing certificate: signed answers are verified against it."""
    former_customers: list[str] = field(default_factory=list)
    """Partnernummern of customers the own firm served until a change of broker (sheet)."""
    has_sheet: bool = True
    """False for a run without ``--sheet``: the cases that need one are skipped."""
    official: OfficialSchemas | None = None
    """The official BiPRO schema set (``--official-xsd``): every answer of every case must
    validate against it."""
    recorder: Recorder = field(default_factory=Recorder)
    _tokens: TokenSource | None = field(default=None, repr=False)
    _http: requests.Session | None = field(default=None, repr=False)

    @property
    def base(self) -> str:
        return self.endpoint.rstrip("/")

    @property
    def secrets(self) -> list[str]:
        """Passwords to mask in recorded requests."""
        users = [self.no_portfolio_user, self.lockout_user]
        return [self.password] + [u.password for u in users if u is not None]

    def close(self) -> None:
        """Log the run's token out (STS Cancel) and close the HTTP session."""
        try:
            if self._tokens is not None:
                self._tokens.close()
        finally:
            if self._http is not None:
                self._http.close()
                self._http = None

    @property
    def http(self) -> requests.Session:
        """The session of the raw requests: the same TLS verification as the typed clients."""
        if self._http is None:
            self._http = make_session(self.config)
        return self._http

    def outside(self, url: str) -> str | None:
        """Why ``url`` may not be opened (not http/https, another host than the endpoint's)."""
        link, own = urlsplit(url), urlsplit(self.endpoint)
        if link.scheme not in ("http", "https"):
            return f"link points outside the endpoint (scheme {link.scheme or 'none'!r})"
        if (link.hostname or "").lower() != (own.hostname or "").lower():
            return f"link points outside the endpoint (host {link.hostname!r})"
        return None

    @property
    def tokens(self) -> TokenSource:
        """The login's tokens, shared by the run's calls and renewed before they expire."""
        if self._tokens is None:
            self._tokens = TokenSource.password(
                self.base, self.login, self.password, self.config, margin=timedelta(seconds=30)
            )
        return self._tokens

    def token(self) -> str:
        """The identifier of the run's current token (issued on first use)."""
        return self.tokens.identifier()

    def signed_requests(self, *, verify_answers: bool = True) -> Any:
        """A :class:`bipro_clients.signing.SignedRequests` with the signing certificate."""
        from bipro_clients.signing import SignedRequests

        assert self.signing is not None
        service = self.service_cert if verify_answers else None
        return SignedRequests(
            self.signing.key_file, self.signing.cert_file, service_cert_file=service
        )

    def transfer(
        self,
        token: Token | str | TokenSource | None = None,
        signing: Any = None,
        consumer_id: str | None = None,
    ) -> TransferClient:
        return TransferClient(
            self.base, token or self.tokens, self.config, consumer_id, signing=signing
        )

    def vertrag(self, token: Token | str | TokenSource | None = None) -> VertragClient:
        return VertragClient(self.base, token or self.tokens, self.config)

    def taa(self) -> TaaClient:
        return TaaClient(self.base, self.tokens, self.config)

    def schaden(self) -> SchadenClient:
        return SchadenClient(self.base, self.tokens, self.config)

    def navigation(self) -> NavigationClient:
        return NavigationClient(self.base, self.tokens, self.config)

    def post_raw(self, path: str, body: bytes) -> tuple[int, str]:
        """POST a hand-written envelope (for what the typed clients refuse to send)."""
        url = self.base + path
        response = self.http.post(
            url,
            data=body,
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
            timeout=self.config.timeout,
        )
        text = response.content.decode(response.encoding or "utf-8", errors="replace")
        self.recorder.add(url, body.decode("utf-8", errors="replace"), response.status_code, text)
        return response.status_code, text

    def get(self, url: str) -> int:
        """GET a page (a DeepLink) of the endpoint's own host, never following redirects (so the
        TLS client certificate goes to that host only); recorded with the first 4000 characters
        of the answer. Raises ValueError for a URL :meth:`outside` refuses."""
        refused = self.outside(url)
        if refused is not None:
            raise ValueError(refused)
        response = self.http.get(url, timeout=self.config.timeout, allow_redirects=False)
        self.recorder.add(url, "", response.status_code, response.text[:4000], "GET")
        return response.status_code


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    run: Callable[[Context], Outcome]
    needs_sheet: bool = False
    """Needs the sheet's objects or users: skipped in a run without ``--sheet``."""


CASES: list[Case] = []


def case(
    name: str, title: str, *, needs_sheet: bool = False
) -> Callable[[Callable[[Context], Outcome]], Callable[..., Outcome]]:
    """Register a case; the suite runs them in the order the modules register them."""

    def register(function: Callable[[Context], Outcome]) -> Callable[[Context], Outcome]:
        CASES.append(Case(name, title, function, needs_sheet))
        return function

    return register
