"""BiPRO faults as Python exceptions carrying the ``Status`` of the answer."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from zeep.exceptions import Fault

NACHR = "http://www.bipro.net/namespace/nachrichten"


@dataclass(frozen=True)
class Meldung:
    art: str
    meldung_id: str
    text: str
    quelle: str | None = None
    identifikationsnummer: str | None = None
    """The provider's key of the Meldung (our 420 findings: ``TAA-…``)."""


def is_auth_code(meldung_id: str | None) -> bool:
    """A MeldungID of authentication (009xx): no answer to the *content* of a request."""
    return (meldung_id or "").startswith("009")


class BiproFault(Exception):
    """A SOAP fault whose ``detail`` carries ``nachr:BiproException``."""

    def __init__(
        self, faultcode: str, message: str, prozess_id: str | None, meldungen: list[Meldung]
    ):
        super().__init__(message)
        self.faultcode = faultcode
        self.message = message
        self.prozess_id = prozess_id
        self.meldungen = meldungen

    @property
    def meldung_id(self) -> str | None:
        return self.meldungen[0].meldung_id if self.meldungen else None

    def __str__(self) -> str:
        return f"{self.meldung_id or '?'}: {self.message} (ProzessID {self.prozess_id})"

    @classmethod
    def from_zeep(cls, fault: Fault) -> BiproFault:
        detail = fault.detail
        exception = detail.find(f".//{{{NACHR}}}BiproException") if detail is not None else None
        status = exception.find(f"{{{NACHR}}}Status") if exception is not None else None
        return cls(
            str(fault.code or ""),
            str(fault.message or ""),
            status.findtext(f"{{{NACHR}}}ProzessID") if status is not None else None,
            meldungen(status),
        )


def meldungen(status: etree._Element | None) -> list[Meldung]:
    """The ``Meldung`` entries of a ``Status`` element."""
    if status is None:
        return []
    return [
        Meldung(
            art=m.findtext(f"{{{NACHR}}}ArtID") or "",
            meldung_id=m.findtext(f"{{{NACHR}}}MeldungID") or "",
            text=m.findtext(f"{{{NACHR}}}Text") or "",
            quelle=m.findtext(f"{{{NACHR}}}Quelle"),
        )
        for m in status.iterfind(f"{{{NACHR}}}Meldung")
    ]
