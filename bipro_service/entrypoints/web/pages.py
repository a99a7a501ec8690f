"""HTML of the portal pages: ``string.Template`` files in ``templates/``, every value escaped."""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from importlib import resources
from string import Template

from bipro_service.domain.accounts import MAX_PASSWORD_LENGTH
from bipro_service.service_layer.deeplink_views import ContractView, CustomerView

CSS = """
*{box-sizing:border-box}
body{margin:0;background:#eef1f5;color:#1d2733;font:16px/1.5 system-ui,-apple-system,"Segoe UI",
Roboto,Helvetica,Arial,sans-serif}
header{background:#16365c;color:#fff;padding:.9rem 1.5rem}
.brand{font-weight:600;letter-spacing:.02em}
main{max-width:32rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem 2rem;border-radius:8px;
box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin:0 0 1rem;color:#16365c}
label{display:block;font-weight:600;margin:1rem 0 .3rem}
input{width:100%;padding:.55rem .7rem;border:1px solid #9aa7b6;border-radius:4px;font:inherit}
input:focus{outline:2px solid #2a6fb8;outline-offset:1px}
input[readonly]{background:#f1f3f6;color:#45505c}
button{margin-top:1.4rem;width:100%;padding:.7rem;border:0;border-radius:4px;background:#16365c;
color:#fff;font:inherit;font-weight:600;cursor:pointer}
button:hover{background:#214f85}
.hint,.note{font-size:.875rem;color:#52606d}
.error{background:#fdecea;border-left:4px solid #c62828;padding:.7rem .9rem;color:#8e1c1c}
.success{background:#e8f5e9;border-left:4px solid #2e7d32;padding:.7rem .9rem;color:#1b5e20}
.info{background:#e8f0fb;border-left:4px solid #2a6fb8;padding:.7rem .9rem}
a{color:#1f5fa8}
footer{text-align:center;font-size:.8rem;color:#6b7785;margin:0 1rem 2rem}
main.wide{max-width:52rem}
h2{font-size:1.1rem;margin:1.6rem 0 .5rem;color:#16365c}
table{width:100%;border-collapse:collapse;font-size:.95rem}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #dde3ea;vertical-align:top}
table.facts th{width:40%;font-weight:600;color:#45505c}
table.list thead th{background:#f1f3f6;font-weight:600}
td.num{text-align:right;white-space:nowrap}
"""

STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
"""CSP source allowing exactly the inline stylesheet above (no ``'unsafe-inline'`` needed)."""


class Html(str):
    """Markup that is already safe; every other value is escaped when rendered."""

    __slots__ = ()


def _load(name: str) -> Template:
    text = (resources.files(__package__) / "templates" / name).read_text(encoding="utf-8")
    return Template(text)


_TEMPLATES = {
    name: _load(f"{name}.html")
    for name in (
        "layout",
        "activate",
        "password",
        "message",
        "index",
        "deeplink_contract",
        "deeplink_customer",
        "deeplink_party",
    )
}


def render(name: str, **values: str) -> Html:
    """Fill template ``name``; plain strings are HTML-escaped, :class:`Html` is inserted as is."""
    escaped = {
        k: v if isinstance(v, Html) else html.escape(v, quote=True) for k, v in values.items()
    }
    return Html(_TEMPLATES[name].substitute(escaped))


def document(title: str, content: Html, *, wide: bool = False) -> bytes:
    main = Html('<main class="wide">' if wide else "<main>")
    return render("layout", title=title, style=Html(CSS), main=main, content=content).encode()


def policy_hint(min_length: int) -> str:
    return (
        f"Mindestens {min_length} und höchstens {MAX_PASSWORD_LENGTH} Zeichen, mindestens fünf "
        "verschiedene Zeichen; die Benutzerkennung darf nicht enthalten sein, und das Passwort "
        "muss sich vom bisherigen unterscheiden."
    )


def _error(text: str | None) -> Html:
    return (
        render("message", kind="error", role="alert", text=text, link=Html(""))
        if text
        else Html("")
    )


def activation_form(
    base: str, login: str, token: str, csrf: str, min_length: int, error: str | None = None
) -> bytes:
    content = render(
        "activate",
        base=base,
        login=login,
        token=token,
        csrf=csrf,
        policy=policy_hint(min_length),
        error=_error(error),
    )
    return document("Persönliches Passwort festlegen", content)


def password_form(
    base: str, login: str, csrf: str, min_length: int, error: str | None = None
) -> bytes:
    content = render(
        "password",
        base=base,
        login=login,
        csrf=csrf,
        policy=policy_hint(min_length),
        error=_error(error),
    )
    return document("Passwort ändern", content)


def message(
    title: str, text: str, *, kind: str = "error", link: tuple[str, str] | None = None
) -> bytes:
    """A page with one message (``kind``: error, success or info) and an optional link."""
    link_html = (
        Html(f'<p><a href="{html.escape(link[0])}">{html.escape(link[1])}</a></p>')
        if link
        else Html("")
    )
    role = "alert" if kind == "error" else "status"
    return document(title, render("message", kind=kind, role=role, text=text, link=link_html))


def index(base: str) -> bytes:
    return document("Ihr Zugang", render("index", base=base))


# -- DeepLink targets (BiPRO 440) ----------------------------------------------------------------

PAYMENT_MODES = {
    "annual": "jährlich",
    "jaehrlich": "jährlich",
    "semi_annual": "halbjährlich (+3 %)",
    "quarterly": "vierteljährlich (+5 %)",
    "monthly": "monatlich (+7 %)",
}
TRANSPORT_KINDS = {
    "post": "Post",
    "courier": "Kurier",
    "air_freight": "Luftfracht",
    "accompanied": "Begleittransport",
}
VALUABLES = {
    "securities": "Effekten",
    "precious_metals": "Edelmetalle",
    "jewellery": "Schmuck",
    "cash": "Bargeld",
    "documents": "Urkunden",
}
CLAUSES = {
    "war": "Kriegsklausel",
    "strike_riot": "Streik- und Aufruhrklausel",
    "confiscation": "Beschlagnahmeklausel",
}


def _date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "–"


def _money(value: Decimal) -> str:
    """``1234567.8`` → ``1.234.567,80 EUR``."""
    text = f"{value:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"{text} EUR"


def _labels(values: Iterable[str], names: dict[str, str]) -> str:
    return ", ".join(names.get(v, v) for v in values) or "–"


def _party(customer: CustomerView) -> Html:
    return render(
        "deeplink_party",
        partnernummer=customer.partnernummer,
        customer_name=customer.name,
        street=customer.street,
        postal_code=customer.postal_code,
        city=customer.city,
    )


def _rows(rows: Iterable[Iterable[tuple[str, str]]]) -> Html:
    """Table rows of escaped cells; each cell is (class, text)."""
    return Html(
        "".join(
            "<tr>"
            + "".join(
                f'<td class="{cls}">{html.escape(text)}</td>'
                if cls
                else f"<td>{html.escape(text)}</td>"
                for cls, text in row
            )
            + "</tr>"
            for row in rows
        )
    )


def deeplink_contract(view: ContractView) -> bytes:
    """The portal page of one contract with its policyholder."""
    if view.clauses:
        clauses = Html(
            '<table class="list"><thead><tr><th scope="col">Klausel</th>'
            '<th scope="col">Eingeschlossen</th></tr></thead><tbody>'
            + _rows(
                [("", CLAUSES.get(name, name)), ("", "ja" if on else "nein")]
                for name, on in view.clauses
            )
            + "</tbody></table>"
        )
    else:
        clauses = Html("<p>Keine Klauseln vereinbart.</p>")
    content = render(
        "deeplink_contract",
        number=view.number,
        product=view.product,
        tariff=view.tariff_version or "–",
        status=view.status,
        begin=_date(view.begin),
        end=_date(view.end),
        sum_insured=_money(view.sum_insured),
        premium=_money(view.annual_premium),
        payment=PAYMENT_MODES.get(view.payment_mode, view.payment_mode),
        transports=_labels(view.transport_kinds, TRANSPORT_KINDS),
        valuables=_labels(view.valuables, VALUABLES),
        clauses=clauses,
        customer=_party(view.customer),
    )
    return document(f"Vertrag {view.number}", content, wide=True)


def deeplink_customer(view: CustomerView) -> bytes:
    """The portal page of one customer with the contracts the firm may see."""
    if view.contracts:
        contracts = Html(
            '<table class="list"><thead><tr><th scope="col">Versicherungsscheinnummer</th>'
            '<th scope="col">Produkt</th><th scope="col">Status</th><th scope="col">Beginn</th>'
            '<th scope="col">Ende</th></tr></thead><tbody>'
            + _rows(
                [
                    ("", c.number),
                    ("", c.product),
                    ("", c.status),
                    ("num", _date(c.begin)),
                    ("num", _date(c.end)),
                ]
                for c in view.contracts
            )
            + "</tbody></table>"
        )
    else:
        contracts = Html("<p>Keine Verträge.</p>")
    content = render("deeplink_customer", customer=_party(view), contracts=contracts)
    return document(f"Kunde {view.name}", content, wide=True)
