"""``TokenSource``: when a token is reused, renewed, forgotten and logged out (fake clock)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from bipro_clients import Token, TokenSource, TransferClient
from bipro_clients.errors import BiproFault, Meldung
from bipro_clients.sts import parse_utc


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Sts:
    """Issues numbered tokens of ``lifetime`` seconds (their stated times are on a server
    clock far off ours: renewal must not depend on it)."""

    def __init__(self, lifetime: float) -> None:
        self.lifetime = lifetime
        self.issued: list[Token] = []
        self.cancelled: list[Token] = []

    def login(self) -> Token:
        created = datetime(2001, 1, 1, tzinfo=UTC) + timedelta(hours=len(self.issued))
        token = Token(
            f"bipro:{len(self.issued)}", created, created + timedelta(seconds=self.lifetime)
        )
        self.issued.append(token)
        return token

    def cancel(self, token: Token) -> None:
        self.cancelled.append(token)


def source(sts: Sts, clock: Clock, margin: float) -> TokenSource:
    return TokenSource(sts.login, margin=timedelta(seconds=margin), logout=sts.cancel, clock=clock)


def test_the_first_use_logs_in_and_the_token_is_reused_until_the_margin() -> None:
    sts, clock = Sts(lifetime=1800), Clock()
    tokens = source(sts, clock, margin=60)
    assert tokens.logins == 0 and not sts.issued  # lazy
    assert tokens.identifier() == "bipro:0"
    clock.now += 1739
    assert tokens.identifier() == "bipro:0" and tokens.logins == 1
    clock.now += 1  # 60 s before the end of the lifetime
    assert tokens.identifier() == "bipro:1" and tokens.logins == 2
    clock.now += 1739
    assert tokens.identifier() == "bipro:1"


def test_the_margin_is_at_most_half_the_lifetime() -> None:
    sts, clock = Sts(lifetime=10), Clock()
    tokens = source(sts, clock, margin=60)
    tokens.token()
    clock.now += 4.9
    assert tokens.identifier() == "bipro:0"
    clock.now += 0.1
    assert tokens.identifier() == "bipro:1"


def test_a_token_is_never_used_past_its_lifetime() -> None:
    sts, clock = Sts(lifetime=30), Clock()
    tokens = source(sts, clock, margin=0)
    tokens.token()
    clock.now += 29.999
    assert tokens.identifier() == "bipro:0"
    clock.now += 0.001
    assert tokens.identifier() == "bipro:1"


def test_invalidate_forgets_only_the_named_token() -> None:
    sts, clock = Sts(lifetime=600), Clock()
    tokens = source(sts, clock, margin=60)
    first = tokens.token()
    tokens.invalidate(first)
    second = tokens.token()
    assert second.identifier == "bipro:1"
    tokens.invalidate(first)  # a stale refusal (another thread already renewed): kept
    assert tokens.token() is second
    assert tokens.renew().identifier == "bipro:2"


def test_close_logs_out_once_and_tolerates_an_already_refused_token() -> None:
    sts, clock = Sts(lifetime=600), Clock()
    with source(sts, clock, margin=60) as tokens:
        token = tokens.token()
    assert sts.cancelled == [token]
    tokens.close()
    assert sts.cancelled == [token]  # nothing left to log out

    def refused(token: Token) -> None:
        raise BiproFault("soap:Client", "ungültig", "p1", [Meldung("Fehler", "00962", "x")])

    gone = TokenSource(sts.login, logout=refused, clock=clock)
    gone.token()
    gone.close()

    def broken(token: Token) -> None:
        raise BiproFault("soap:Server", "kaputt", "p2", [Meldung("Fehler", "99999", "x")])

    failing = TokenSource(sts.login, logout=broken, clock=clock)
    failing.token()
    with pytest.raises(BiproFault):
        failing.close()


def test_a_negative_margin_is_refused() -> None:
    with pytest.raises(ValueError, match="margin"):
        TokenSource(Sts(60).login, margin=timedelta(seconds=-1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-21T15:39:47Z", datetime(2026, 11, 21, 15, 39, 47, tzinfo=UTC)),
        ("2026-11-21T15:39:47.250Z", datetime(2026, 11, 21, 15, 39, 47, 250000, tzinfo=UTC)),
        ("2026-11-21T16:39:47+01:00", datetime(2026, 11, 21, 15, 39, 47, tzinfo=UTC)),
    ],
)
def test_lifetimes_are_read_as_utc(text: str, expected: datetime) -> None:
    assert parse_utc(text) == expected


def test_a_lifetime_without_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="UTC"):
        parse_utc("2026-11-21T15:39:47")


def _refusal(meldung_id: str) -> BiproFault:
    return BiproFault("soap:Client", "abgelehnt", "p", [Meldung("Fehler", meldung_id, "x")])


@pytest.mark.parametrize("meldung_id", ["00960", "00964", "00966", "00905"])
def test_a_refused_login_is_remembered_and_never_tried_again(meldung_id: str) -> None:
    attempts: list[int] = []

    def login() -> Token:
        attempts.append(1)
        raise _refusal(meldung_id)

    tokens = TokenSource(login, clock=Clock())
    for _ in range(5):  # five calls with a stale password: one failed login, not five
        with pytest.raises(BiproFault) as fault:
            tokens.token()
        assert fault.value.meldung_id == meldung_id
    with pytest.raises(BiproFault):
        tokens.renew()
    assert len(attempts) == 1 and tokens.logins == 0
    assert tokens.refusal is not None and tokens.refusal.meldung_id == meldung_id


def test_other_login_failures_are_tried_again() -> None:
    sts, failures = Sts(lifetime=600), [ConnectionError("down"), _refusal("99999")]

    def login() -> Token:
        if failures:
            raise failures.pop(0)
        return sts.login()

    tokens = TokenSource(login, clock=Clock())
    with pytest.raises(ConnectionError):
        tokens.token()
    with pytest.raises(BiproFault):
        tokens.token()
    assert tokens.identifier() == "bipro:0" and tokens.refusal is None


def test_the_lifetime_counts_from_when_the_login_was_sent() -> None:
    """A login answered 20 s late: the token is renewed 20 s earlier than counted from its
    arrival (the server started counting when it issued it)."""
    sts, clock = Sts(lifetime=100), Clock()

    def slow_login() -> Token:
        clock.now += 20
        return sts.login()

    tokens = TokenSource(slow_login, margin=timedelta(seconds=10), clock=clock)
    tokens.token()  # sent at 1000, arrived at 1020
    clock.now = 1000 + 100 - 10 - 0.001
    assert tokens.identifier() == "bipro:0"
    clock.now = 1000 + 100 - 10  # 20 s before "arrival + lifetime - margin"
    assert tokens.identifier() == "bipro:1"


def test_a_failed_renewal_inside_the_margin_keeps_the_still_valid_token() -> None:
    sts, clock = Sts(lifetime=100), Clock()
    down = {"now": False}

    def login() -> Token:
        if down["now"]:
            raise ConnectionError("STS down")
        return sts.login()

    tokens = TokenSource(login, margin=timedelta(seconds=30), clock=clock)
    first = tokens.token()
    down["now"] = True
    clock.now += 75  # inside the margin: renewal fails, the old token still works
    assert tokens.token() is first
    clock.now += 4  # no new attempt before RETRY_AFTER
    assert tokens.token() is first
    down["now"] = False
    clock.now += 1  # RETRY_AFTER passed: renewed
    assert tokens.identifier() == "bipro:1"
    down["now"] = True
    clock.now += 100  # the new token's end passed and the STS is down: the error shows
    with pytest.raises(ConnectionError):
        tokens.token()


@pytest.mark.parametrize("lifetime", [0, -30])
def test_a_token_without_a_positive_lifetime_is_refused(lifetime: float) -> None:
    tokens = TokenSource(Sts(lifetime=lifetime).login, clock=Clock())
    with pytest.raises(ValueError, match="lifetime"):
        tokens.token()
    assert tokens.logins == 0


def test_parallel_callers_share_one_login() -> None:
    sts, started = Sts(lifetime=600), threading.Event()

    def slow_login() -> Token:
        started.set()
        time.sleep(0.2)
        return sts.login()

    tokens = TokenSource(slow_login)
    with ThreadPoolExecutor(max_workers=16) as pool:
        identifiers = list(pool.map(lambda _: tokens.identifier(), range(16)))
    assert started.is_set() and len(sts.issued) == 1 and tokens.logins == 1
    assert set(identifiers) == {"bipro:0"}


def test_a_call_sends_the_token_it_took_and_a_refusal_forgets_exactly_that_one() -> None:
    """The header is built from the token ``_call`` took, even when another thread renews in
    between; the 00962 refusal then invalidates only that token (no extra login)."""
    sts = Sts(lifetime=600)
    tokens = TokenSource(sts.login, clock=Clock())
    client = TransferClient("http://127.0.0.1:9", tokens)
    sent: list[str] = []

    def send(operation: str, **fields: object) -> object:
        if not sent:
            tokens.renew()  # another thread renews before zeep builds this call's header
        sent.append(client.service._client.wsse.identifier)  # what goes into the header
        if len(sent) == 1:
            raise _refusal("00962")
        return "answer"

    client._send = send  # type: ignore[method-assign]
    assert client._call("listShipments") == "answer"
    assert sent == ["bipro:0", "bipro:1"] and len(sts.issued) == 2
