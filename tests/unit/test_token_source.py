"""``TokenSource``: when a token is reused, renewed, forgotten and logged out (fake clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bipro_clients import Token, TokenSource
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
