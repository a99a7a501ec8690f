"""HTML of the portal pages: ``string.Template`` files in ``templates/``, every value escaped."""

from __future__ import annotations

import base64
import hashlib
import html
from importlib import resources
from string import Template

from bipro_service.domain.accounts import MAX_PASSWORD_LENGTH

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
    name: _load(f"{name}.html") for name in ("layout", "activate", "password", "message", "index")
}


def render(name: str, **values: str) -> Html:
    """Fill template ``name``; plain strings are HTML-escaped, :class:`Html` is inserted as is."""
    escaped = {
        k: v if isinstance(v, Html) else html.escape(v, quote=True) for k, v in values.items()
    }
    return Html(_TEMPLATES[name].substitute(escaped))


def document(title: str, content: Html) -> bytes:
    return render("layout", title=title, style=Html(CSS), content=content).encode()


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
