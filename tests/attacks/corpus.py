"""The XML attack corpus in ``tests/attacks/xml`` with the answer its README promises for each.

Every ``*.xml`` file is an entry, plus generated UTF-16 variants (little and big endian, with a
byte order mark) of every file containing a DOCTYPE: a scan of the raw bytes for ``<!DOCTYPE``
does not see them. ``README.md`` is the manifest: its tables name each entry with the faultcode,
the MeldungID and the start of the faultstring it must be answered with, or ``accepted``.
Apart from its attack, every entry is a valid STS login of :data:`LOGIN`, so an attack that got
through would show up as an issued token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).parent / "xml"
README = CORPUS_DIR / "README.md"

LOGIN = "angriff"
PASSWORD = "Demo-Passwort-2026!"

UTF16_ENCODINGS = ("utf-16-le", "utf-16-be")
_ROW = re.compile(r"^\|\s*`(?P<name>[^`]+\.xml)`\s*\|(?P<rest>.*)\|\s*$")


@dataclass(frozen=True)
class Expected:
    """What the answer to one entry must be; ``faultcode`` None means accepted."""

    faultcode: str | None
    meldung_id: str | None
    faultstring: str | None

    @property
    def accepted(self) -> bool:
        return self.faultcode is None


@dataclass(frozen=True)
class Attack:
    name: str
    data: bytes
    expected: Expected | None
    """None when README.md does not list the entry (a test fails on that)."""

    def __str__(self) -> str:
        return self.name


def readme_expectations() -> dict[str, Expected]:
    """The rows of README.md's tables: file, what it attacks, faultcode, MeldungID, faultstring."""
    rows: dict[str, Expected] = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line.strip())
        if match is None:
            continue
        cells = [cell.strip().strip("`").strip() for cell in match["rest"].split("|")]
        _attacks, faultcode, meldung_id, faultstring = cells[-4:]
        if faultcode == "accepted":
            rows[match["name"]] = Expected(None, None, None)
        else:
            rows[match["name"]] = Expected(faultcode, meldung_id, faultstring)
    return rows


def utf16_variant(data: bytes, encoding: str) -> bytes:
    """``data`` (UTF-8) re-encoded as UTF-16 with a byte order mark and a matching declaration."""
    text = data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return "\ufeff".encode(encoding) + text.encode(encoding)


def corpus() -> list[Attack]:
    """Every file of the corpus and every generated variant, in a stable order."""
    expectations = readme_expectations()
    entries: list[Attack] = []
    for path in sorted(CORPUS_DIR.glob("*.xml")):
        data = path.read_bytes()
        entries.append(Attack(path.name, data, expectations.get(path.name)))
        if b"<!DOCTYPE" in data:
            for encoding in UTF16_ENCODINGS:
                name = f"{path.stem}.{encoding}.xml"
                variant = utf16_variant(data, encoding)
                entries.append(Attack(name, variant, expectations.get(name)))
    return entries
