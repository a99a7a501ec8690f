"""External navigation (BiPRO 440): getLinks and following the DeepLinks, in process."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.db.models import (
    AuditRecord,
    Customer,
    DeeplinkToken,
    ServicingRelationship,
    User,
)
from bipro_service.config import Settings
from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.service_layer import admin
from bipro_service.service_layer.audit_chain import verify_chain
from tests.integration.accounts_helpers import token
from tests.integration.portfolio_helpers import make_customer, two_firms
from tests.support import Answer, call, envelope, token_header

NAVIGATION_PATH = "/bipro/NavigationService_2.6.1.1.0"
NAV = "http://www.bipro.net/namespace"
"""440 as the field sends it (BiPROClient): no BiPROVersion, ``Request Version="1.4.1.0"``."""
REFUSED = "Dieser Link ist ungültig, abgelaufen oder wurde bereits verwendet."


def links_body(search: str) -> str:
    return (
        f'<nav:getLinks xmlns:nav="{NAV}"><nav:Request Version="1.4.1.0">'
        f"<nav:Extranetsuche>{search}</nav:Extranetsuche></nav:Request></nav:getLinks>"
    )


def get_links(app: BiproApplication, tok: str, search: str) -> Answer:
    return call(app, NAVIGATION_PATH, envelope(links_body(search), token_header(tok)))


def by_contract(number: str) -> str:
    return (
        "<nav:Vertragsuche><nav:Versicherungsscheinnummer>"
        f"{number}</nav:Versicherungsscheinnummer></nav:Vertragsuche>"
    )


def by_partner(number: str) -> str:
    return (
        f"<nav:Partnersuche><nav:PartnernummerVu>{number}</nav:PartnernummerVu></nav:Partnersuche>"
    )


def links(answer: Answer) -> list[tuple[str, str, str]]:
    return [
        (
            link.findtext(f"{{{NAV}}}URL") or "",
            link.findtext(f"{{{NAV}}}ZielID") or "",
            link.findtext(f"{{{NAV}}}Beschreibung") or "",
        )
        for link in answer.xml.iterfind(f".//{{{NAV}}}Links/{{{NAV}}}Link")
    ]


def link_for(app: BiproApplication, login: str, search: str) -> str:
    answer = get_links(app, token(app, login), search)
    assert answer.code == 200 and answer.text(".//nachr:StatusID") == "OK", answer.body
    [(url, _, _)] = links(answer)
    return url


def follow(app: BiproApplication, url: str) -> Answer:
    parts = urlsplit(url)
    return call(app, parts.path, method="GET", query=parts.query)


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["t"][0]


def jumps(app: BiproApplication) -> list[AuditRecord]:
    with app.runtime.uow() as uow:
        records = list(
            uow.session.scalars(
                select(AuditRecord)
                .where(AuditRecord.operation == "deeplink")
                .order_by(AuditRecord.seq)
            )
        )
        uow.session.expunge_all()  # keep the loaded values after the unit of work ends
        return records


def assert_refused(answer: Answer) -> None:
    assert answer.code == 410
    text = answer.body.decode()
    assert REFUSED in text
    assert "VAL-" not in text and "Muster" not in text
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Referrer-Policy"] == "no-referrer"


@pytest.fixture
def world(app: BiproApplication) -> None:
    rt = app.runtime
    two_firms(rt)
    with rt.uow() as uow:
        # A second contract of K1, with clauses as the demo data has them.
        customer = uow.repos.customer_by_number("K1")
        contract = uow.repos.contract_by_number("VAL-1")
        assert customer is not None and contract is not None
        contract.details = {
            "transport_kinds": ["post", "courier"],
            "valuables_classes": ["securities"],
            "clauses": {"war": True, "strike_riot": False},
        }
        uow.commit()
    make_customer(rt, "K1", "T100", contract="VAL-1B")


# -- getLinks -----------------------------------------------------------------------------------


def test_link_for_own_contract(app: BiproApplication, world: None, settings: Settings) -> None:
    answer = get_links(app, token(app, "anna"), by_contract("VAL-1"))
    assert answer.code == 200 and answer.text(".//nachr:StatusID") == "OK"
    assert answer.meldung_ids == ["01100"]
    [(url, ziel, description)] = links(answer)
    assert ziel == "004"  # dt:ST_ExtranetZielID: Verträge
    assert "VAL-1" in description and "einmal" in description
    assert url.startswith(f"{settings.public_base_url}/portal/deeplink?t=")
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", token_of(url))
    with app.runtime.uow() as uow:
        row = uow.session.scalars(select(DeeplinkToken)).one()
        assert row.target_kind == "contract" and row.used_at is None
        assert row.expires_at - row.created_at == timedelta(
            seconds=settings.deeplink_lifetime_seconds
        )
        assert row.id_hash not in url  # only the hash is stored, never the secret
        issued = uow.session.scalars(
            select(AuditRecord).where(AuditRecord.service == "NavigationService")
        ).one()
        assert issued.outcome == "OK" and issued.user_login == "anna"
        assert issued.objects == {
            "contract": ["VAL-1"],
            "customer": ["K1"],
            "deeplink": [str(row.id)],
        }


def test_link_for_own_customer(app: BiproApplication, world: None) -> None:
    answer = get_links(app, token(app, "anna"), by_partner("K1"))
    assert answer.text(".//nachr:StatusID") == "OK"
    [(url, ziel, description)] = links(answer)
    assert ziel == "002" and "K1" in description
    page = follow(app, url)
    assert page.code == 200, page.body
    text = page.body.decode()
    assert "Erika Muster K1" in text and "VAL-1" in text and "VAL-1B" in text
    assert "Hauptstr. 1" in text and "10115 Berlin" in text


@pytest.mark.parametrize(
    "search",
    [
        by_contract("VAL-2"),  # another firm's
        by_contract("VAL-3"),  # changed broker today
        by_contract("VAL-404"),  # unknown
        by_partner("K2"),
        by_partner("K3"),
        by_partner("K404"),
    ],
)
def test_not_yours_and_unknown_answer_01101(
    app: BiproApplication, world: None, search: str
) -> None:
    answer = get_links(app, token(app, "anna"), search)
    assert answer.code == 200 and answer.text(".//nachr:StatusID") == "NOK"
    assert answer.meldung_ids == ["01101"]
    assert links(answer) == []
    assert answer.find(f".//{{{NAV}}}Links") is None
    with app.runtime.uow() as uow:
        assert uow.session.scalars(select(DeeplinkToken)).all() == []


def test_no_portfolio_rights_fault(app: BiproApplication, world: None) -> None:
    answer = get_links(app, token(app, "ohne"), by_contract("VAL-1"))
    assert answer.is_fault and answer.meldung_ids == ["99999"]
    assert "Bestandsrechte" in (answer.text(".//faultstring") or "")


def by_name(name: str, extra: str = "") -> str:
    return f"<nav:Partnersuche><nav:Name>{name}</nav:Name>{extra}</nav:Partnersuche>"


def test_link_for_own_customer_by_name(app: BiproApplication, world: None) -> None:
    """BiPROClient's Kundensuche: Name, Vorname, Postleitzahl, Ort instead of a number."""
    search = by_name(
        "Muster K1",
        "<nav:Vorname>Erika</nav:Vorname><nav:Postleitzahl>10115</nav:Postleitzahl>"
        "<nav:Ort>Berlin</nav:Ort>",
    )
    answer = get_links(app, token(app, "anna"), search)
    assert answer.text(".//nachr:StatusID") == "OK", answer.body
    [(_url, ziel, description)] = links(answer)
    assert ziel == "002" and "K1" in description


def test_name_search_not_yours_and_ambiguous(app: BiproApplication, world: None) -> None:
    tok = token(app, "anna")
    # K2 is the other firm's customer: not found, as an unknown name.
    for name in ("Muster K2", "Niemand"):
        answer = get_links(app, tok, by_name(name))
        assert answer.text(".//nachr:StatusID") == "NOK" and answer.meldung_ids == ["01101"]
    make_customer(app.runtime, "K9", "T100", contract="VAL-9")
    with app.runtime.uow() as uow:
        twin = uow.repos.customer_by_number("K9")
        assert twin is not None
        twin.last_name = "Muster K1"
        uow.commit()
    answer = get_links(app, tok, by_name("Muster K1"))
    assert answer.text(".//nachr:StatusID") == "NOK" and answer.meldung_ids == ["01402"]
    assert links(answer) == []


@pytest.mark.parametrize(
    "search",
    [
        "",
        by_contract("VAL-1") + by_partner("K1"),
        "<nav:Partnersuche><nav:Ort>Hamburg</nav:Ort></nav:Partnersuche>",
    ],
)
def test_exactly_one_search(app: BiproApplication, world: None, search: str) -> None:
    answer = get_links(app, token(app, "anna"), search)
    assert answer.is_fault and answer.meldung_ids == ["00001"]


def test_without_token_refused(app: BiproApplication, world: None) -> None:
    answer = call(app, NAVIGATION_PATH, envelope(links_body(by_contract("VAL-1"))))
    assert answer.is_fault and answer.meldung_ids == ["00905"]


# -- following a link ---------------------------------------------------------------------------


def test_link_works_once(app: BiproApplication, world: None) -> None:
    url = link_for(app, "anna", by_contract("VAL-1"))
    page = follow(app, url)
    assert page.code == 200, page.body
    text = page.body.decode()
    for expected in (
        "Vertrag VAL-1",
        "VALOREN",
        "aktiv",
        "01.01.2024",
        "250.000,00 EUR",
        "1.234,56 EUR",
        "Post, Kurier",
        "Effekten",
        "Kriegsklausel",
        "Streik- und Aufruhrklausel",
        "Erika Muster K1",
        "10115 Berlin",
    ):
        assert expected in text, expected
    assert "VAL-1B" not in text  # the contract page shows only its contract
    headers = page.headers
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Robots-Tag"] == "noindex, nofollow"

    assert_refused(follow(app, url))
    records = jumps(app)
    assert [r.outcome for r in records] == ["OK", "NOK"]
    ok, again = records
    assert ok.service == "Portal" and ok.auth_method == "deeplink"
    assert ok.vermittlernummer == "T100" and ok.user_login == "anna"
    assert ok.objects["contract"] == ["VAL-1"] and ok.objects["customer"] == ["K1"]
    assert ok.objects["deeplink"]
    assert again.vermittlernummer == "T100" and again.meldung_id == "00962"
    assert again.detail == "already used, expired or unknown"
    assert again.objects == {"contract": ["VAL-1"], "deeplink": ok.objects["deeplink"]}
    assert token_of(url) not in str(ok.detail) + str(ok.objects)
    with app.runtime.uow() as uow:
        assert verify_chain(uow).ok


def test_parallel_jumps_exactly_one_wins(app: BiproApplication, world: None) -> None:
    url = link_for(app, "anna", by_contract("VAL-1"))
    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(lambda _: follow(app, url).code, range(6)))
    assert sorted(codes) == [200] + [410] * 5
    assert sorted(r.outcome for r in jumps(app)) == ["NOK"] * 5 + ["OK"]


def test_head_does_not_use_up_the_link(app: BiproApplication, world: None) -> None:
    url = link_for(app, "anna", by_contract("VAL-1"))
    parts = urlsplit(url)
    head = call(app, parts.path, method="HEAD", query=parts.query)
    assert head.code == 405 and head.headers["Allow"] == "GET" and head.body == b""
    assert follow(app, url).code == 200


def test_expired_link_refused(app: BiproApplication, world: None) -> None:
    url = link_for(app, "anna", by_contract("VAL-1"))
    with app.runtime.uow() as uow:
        uow.session.execute(
            update(DeeplinkToken).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        uow.commit()
    assert_refused(follow(app, url))
    [record] = jumps(app)
    assert record.outcome == "NOK" and record.user_login == "anna"


def test_expired_by_its_signed_time(
    app: BiproApplication, world: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = link_for(app, "anna", by_contract("VAL-1"))
    later = utcnow() + timedelta(seconds=app.runtime.settings.deeplink_lifetime_seconds + 1)
    monkeypatch.setattr("bipro_service.entrypoints.web.portal.utcnow", lambda: later)
    assert_refused(follow(app, url))
    [record] = jumps(app)
    assert record.detail == "expired"
    with app.runtime.uow() as uow:
        assert uow.session.scalars(select(DeeplinkToken.used_at)).one() is None


def _tampered(url: str) -> list[str]:
    tok = token_of(url)
    parts = tok.split(".")
    base = url.split("?")[0] + "?t="
    variants = []
    # Another target id, another firm, no user, a later expiry: the MAC no longer matches.
    for index, value in ((4, str(int(parts[4]) + 1)), (1, "2"), (2, "0"), (5, "9999999999")):
        changed = list(parts)
        changed[index] = value
        variants.append(base + ".".join(changed))
    flipped = tok[:-1] + ("A" if tok[-1] != "A" else "B")
    variants += [
        base + flipped,  # MAC modified
        base + tok[:-5],  # truncated
        base + "x",
        url.split("?")[0],  # no token at all
        url.split("?")[0] + "?t=" + tok + "&t=" + tok,  # given twice
    ]
    return variants


def test_forged_or_modified_links_refused(app: BiproApplication, world: None) -> None:
    url = link_for(app, "anna", by_contract("VAL-1"))
    variants = _tampered(url)
    for variant in variants:
        assert_refused(follow(app, variant))
    records = jumps(app)
    assert len(records) == len(variants)
    assert {r.outcome for r in records} == {"NOK"}
    assert {r.detail for r in records} == {"signature invalid or token malformed"}
    assert all(r.vermittlernummer is None and r.objects == {} for r in records)
    with app.runtime.uow() as uow:
        assert uow.session.scalars(select(DeeplinkToken.used_at)).one() is None
    assert follow(app, url).code == 200  # the genuine link still works


def test_link_signed_with_another_key_refused(
    app: BiproApplication, world: None, settings: Settings
) -> None:
    from bipro_service.service_layer.deeplinks import DeeplinkSigner

    url = link_for(app, "anna", by_contract("VAL-1"))
    claims = DeeplinkSigner(settings.secret_key).verify(token_of(url))
    assert claims is not None
    forged = DeeplinkSigner("another-key").sign(claims)
    assert_refused(follow(app, url.split("?")[0] + "?t=" + forged))
    assert follow(app, url).code == 200


def test_customer_changed_broker_after_issue(app: BiproApplication, world: None) -> None:
    rt = app.runtime
    make_customer(rt, "K7", "T100", contract="VAL-7")
    contract_url = link_for(app, "anna", by_contract("VAL-7"))
    customer_url = link_for(app, "anna", by_partner("K7"))
    today = rt.business_day()
    with rt.uow() as uow:
        customer = uow.repos.customer_by_number("K7")
        assert customer is not None
        uow.session.execute(
            update(ServicingRelationship)
            .where(ServicingRelationship.customer_id == customer.id)
            .values(valid_from=today - timedelta(days=30), valid_to=today)
        )
        uow.commit()
    make_customer(rt, "K7", "T200", since=today)
    for url in (contract_url, customer_url):
        answer = follow(app, url)
        assert_refused(answer)
        assert "K7" not in answer.body.decode()
    records = jumps(app)
    assert [r.meldung_id for r in records] == ["01101", "01101"]
    assert records[0].objects["contract"] == ["VAL-7"]
    assert records[1].objects["customer"] == ["K7"]
    # The new broker gets links of their own.
    assert follow(app, link_for(app, "bernd", by_contract("VAL-7"))).code == 200


def test_user_revoked_after_issue(app: BiproApplication, world: None) -> None:
    url = link_for(app, "anna", by_contract("VAL-1"))
    with app.runtime.uow() as uow:
        admin.revoke_user(uow, admin.INSURER, "anna", utcnow())
    assert_refused(follow(app, url))
    [record] = jumps(app)
    assert record.detail == "user unknown, not active or of another firm"


def test_portfolio_rights_withdrawn_after_issue(app: BiproApplication, world: None) -> None:
    url = link_for(app, "anna", by_partner("K1"))
    with app.runtime.uow() as uow:
        uow.session.execute(update(User).where(User.login == "anna").values(portfolio_rights=False))
        uow.commit()
    assert_refused(follow(app, url))


def test_agency_ended_after_issue(app: BiproApplication, world: None) -> None:
    url = link_for(app, "anna", by_contract("VAL-1"))
    with app.runtime.uow() as uow:
        admin.end_agency(uow, "T100", utcnow())
    assert_refused(follow(app, url))
    [record] = jumps(app)
    assert record.detail == "firm unknown or agency ended"


def test_blocked_customer_after_issue(app: BiproApplication, world: None) -> None:
    url = link_for(app, "anna", by_contract("VAL-1"))
    with app.runtime.uow() as uow:
        uow.session.execute(
            update(Customer).where(Customer.partnernummer == "K1").values(blocked_at=utcnow())
        )
        uow.commit()
    assert_refused(follow(app, url))


def test_test_access_sees_test_data_only(app: BiproApplication, world: None) -> None:
    rt = app.runtime
    make_customer(rt, "K8", "T100", contract="VAL-8")
    url = link_for(app, "anna", by_partner("K8"))
    # A real (non-test) contract of the same customer stays hidden from the test access.
    make_customer(rt, "K8", "T100", contract="VAL-8R", is_test=False)
    page = follow(app, url)
    assert page.code == 200
    text = page.body.decode()
    assert "VAL-8" in text and "VAL-8R" not in text


def test_firm_certificate_link_has_no_user(
    app: BiproApplication, world: None, settings: Settings
) -> None:
    """A firm login (no user) gets links bound to the firm only (T II.4)."""
    from bipro_service.service_layer.deeplinks import TargetKind, issue_link
    from bipro_service.service_layer.principal import AuthMethod, Principal

    rt = app.runtime
    with rt.uow() as uow:
        firm = uow.repos.firm_by_number("T100")
        contract = uow.repos.contract_by_number("VAL-1")
        assert firm is not None and contract is not None
        principal = Principal(
            firm_id=firm.id,
            vermittlernummer="T100",
            test_access=True,
            portfolio_rights=True,
            auth_method=AuthMethod.CERTIFICATE,
        )
        link = issue_link(
            uow.session, settings, principal, TargetKind.CONTRACT, contract.id, utcnow()
        )
        uow.commit()
    page = follow(app, link.url)
    assert page.code == 200 and "VAL-1" in page.body.decode()
    [record] = jumps(app)
    assert record.outcome == "OK" and record.user_login is None
    assert record.vermittlernummer == "T100"


def test_internal_error_rolls_back_the_claim(
    app: BiproApplication, world: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = link_for(app, "anna", by_contract("VAL-1"))

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("bipro_service.service_layer.deeplinks._load_view", broken)
    answer = follow(app, url)
    assert answer.code == 500 and "boom" not in answer.body.decode()
    [record] = jumps(app)
    assert record.outcome == "FAULT" and record.detail == "RuntimeError"
    assert record.meldung_id == "99999" and record.user_login == "anna"
    monkeypatch.undo()
    assert follow(app, url).code == 200  # the claim was rolled back with the failed request
