"""BiPRO status vocabulary: MeldungIDs, message kinds and the error hierarchy.

Everything that can go wrong inside the service is a :class:`BiproError` carrying the
``MeldungID`` it is answered with. The SOAP entry points turn these into a BiPRO ``Status``
or a ``BiproException`` fault in exactly one place (``entrypoints/soap/faults.py``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class MeldungArt(enum.StrEnum):
    """``ArtID`` of a ``Meldung``."""

    FEHLER = "Fehler"
    WARNUNG = "Warnung"
    HINWEIS = "Hinweis"


class MeldungID(enum.StrEnum):
    """Official BiPRO MeldungIDs used by this service (see docs/status-codes.md)."""

    INCOMPLETE_DATA = "00001"
    SCHEMA_VALIDATION = "00007"
    NOT_IMPLEMENTED = "00009"
    NO_SECURITY_HEADER = "00905"
    NO_SCT_IDENTIFIER = "00909"
    WRONG_TOKEN_TYPE = "00910"
    WRONG_REQUEST_TYPE = "00911"
    CANCEL_TARGET_MISSING = "00912"
    NO_TOKEN_REFERENCE = "00913"
    NO_REFERENCE = "00914"
    REFERENCE_WITHOUT_URI = "00915"
    REFERENCE_MISMATCH = "00916"
    """SCT in the header does not match the reference in the body (dangling or foreign)."""
    INVALID_CREDENTIALS = "00960"
    INVALID_CREDENTIALS_ALT = "00961"
    INVALID_TOKEN = "00962"
    ACCOUNT_LOCKED = "00964"
    PASSWORD_EXPIRED = "00966"
    RECORDED = "00105"
    """Fachliche Eingangsbestätigung: recorded, not finally processed (claims, 503)."""
    INFORMATION_DELIVERED = "01100"
    OBJECT_NOT_FOUND = "01101"
    STORED_DATA_DIFFER = "01011"
    """The data stored under the Vorgangsnummer differ from the request's (claims, 503)."""
    CURRENT_STATE_ONLY = "01102"
    INFORMATIONSART_NOT_SUPPORTED = "01113"
    TOO_MANY_MATCHES = "01402"
    TRANSFER_OK = "04000"
    NO_SHIPMENTS = "04001"
    ALREADY_ACKNOWLEDGED = "04002"
    UNKNOWN_ID = "04003"
    ACKNOWLEDGE_NOT_POSSIBLE = "04004"
    CATEGORY_NOT_SUPPORTED = "04005"
    AVAILABILITY_PASSED = "04006"
    # TAA (420): official codes of ST_Meldung; our findings (TaaFinding) share some of them and
    # are told apart by Identifikationsnummer (docs/status-codes.md, docs/taa.md).
    DATA_EVALUATED = "00101"
    DATA_CHANGED = "00102"
    APPLICATION_POLICED = "00106"
    BINDING_OFFER = "00107"
    TAA_NOT_PROCESSED = "01000"
    TARIFF_CALCULATED = "01005"
    NO_TARIFF = "01015"
    OTHER = "99999"


class TaaFinding(enum.StrEnum):
    """What the TAA service (420) found; the value is the ``Identifikationsnummer`` of its
    ``Meldung``, the official ``MeldungID`` is :attr:`meldung_id` (several share one)."""

    QUOTE_CALCULATED = "TAA-BERECHNET"
    OFFER_CREATED = "TAA-ANGEBOT-ERSTELLT"
    ORDER_ACCEPTED = "TAA-POLICIERT"
    ORDER_REPEATED = "TAA-AUFTRAG-WIEDERHOLT"
    MAXIMUM_EXCEEDED = "TAA-HOECHSTSUMME"
    IMAGINARY_PROFIT_EXCEEDED = "TAA-IMAGINAERER-GEWINN"
    NOT_OFFERED = "TAA-NICHT-ANGEBOTEN"
    UNDER_INSURANCE = "TAA-UNTERVERSICHERUNG"
    PAYMENT_MODE_CHANGED = "TAA-ZAHLWEISE-GEAENDERT"
    TARIFF_NOTICE = "TAA-HINWEIS"
    START_MOVED = "TAA-BEGINN-VERSCHOBEN"
    OFFER_EXPIRED = "TAA-ANGEBOT-ABGELAUFEN"
    OFFER_ALREADY_ORDERED = "TAA-ANGEBOT-BEANTRAGT"

    @property
    def meldung_id(self) -> MeldungID:
        return _TAA_CODES[self]

    @property
    def art(self) -> MeldungArt:
        if self in _TAA_ERRORS:
            return MeldungArt.FEHLER
        return MeldungArt.WARNUNG if self is TaaFinding.UNDER_INSURANCE else MeldungArt.HINWEIS


_TAA_CODES: dict[TaaFinding, MeldungID] = {
    TaaFinding.QUOTE_CALCULATED: MeldungID.TARIFF_CALCULATED,
    TaaFinding.OFFER_CREATED: MeldungID.BINDING_OFFER,
    TaaFinding.ORDER_ACCEPTED: MeldungID.APPLICATION_POLICED,
    TaaFinding.ORDER_REPEATED: MeldungID.APPLICATION_POLICED,
    TaaFinding.MAXIMUM_EXCEEDED: MeldungID.NO_TARIFF,
    TaaFinding.IMAGINARY_PROFIT_EXCEEDED: MeldungID.TAA_NOT_PROCESSED,
    TaaFinding.NOT_OFFERED: MeldungID.NO_TARIFF,
    TaaFinding.UNDER_INSURANCE: MeldungID.DATA_EVALUATED,
    TaaFinding.PAYMENT_MODE_CHANGED: MeldungID.DATA_CHANGED,
    TaaFinding.TARIFF_NOTICE: MeldungID.DATA_EVALUATED,
    TaaFinding.START_MOVED: MeldungID.DATA_CHANGED,
    TaaFinding.OFFER_EXPIRED: MeldungID.TAA_NOT_PROCESSED,
    TaaFinding.OFFER_ALREADY_ORDERED: MeldungID.TAA_NOT_PROCESSED,
}
_TAA_ERRORS = frozenset(
    {
        TaaFinding.MAXIMUM_EXCEEDED,
        TaaFinding.IMAGINARY_PROFIT_EXCEEDED,
        TaaFinding.NOT_OFFERED,
        TaaFinding.OFFER_EXPIRED,
        TaaFinding.OFFER_ALREADY_ORDERED,
    }
)


@dataclass(frozen=True, slots=True)
class Meldung:
    """One message of a BiPRO ``Status``."""

    art: MeldungArt
    meldung_id: MeldungID
    text: str
    quelle: str | None = None
    identifikationsnummer: str | None = None


def hinweis(meldung_id: MeldungID, text: str) -> Meldung:
    """A notice (``Hinweis``): the request went through."""
    return Meldung(MeldungArt.HINWEIS, meldung_id, text)


def fehler(meldung_id: MeldungID, text: str, quelle: str | None = None) -> Meldung:
    """An error (``Fehler``), with the request field it is about when there is one."""
    return Meldung(MeldungArt.FEHLER, meldung_id, text, quelle)


def finding(kind: TaaFinding, text: str, quelle: str | None = None) -> Meldung:
    """A TAA finding: its official code and art, told apart by ``Identifikationsnummer``."""
    return Meldung(kind.art, kind.meldung_id, text, quelle, kind.value)


class BiproError(Exception):
    """Root of every error answered as a BiPRO fault.

    ``faultcode`` follows SOAP 1.1: ``Client`` when the request is at fault, ``Server`` otherwise.
    ``text`` is shown to the caller and must never carry internal detail.
    """

    faultcode = "Client"
    meldung_id: MeldungID = MeldungID.OTHER

    def __init__(
        self,
        text: str,
        *,
        meldung_id: MeldungID | None = None,
        quelle: str | None = None,
        faultcode: str | None = None,
    ) -> None:
        super().__init__(text)
        self.text = text
        if meldung_id is not None:
            self.meldung_id = meldung_id
        if faultcode is not None:
            self.faultcode = faultcode
        self.quelle = quelle

    @property
    def meldung(self) -> Meldung:
        return Meldung(MeldungArt.FEHLER, self.meldung_id, self.text, self.quelle)


class MalformedRequest(BiproError):
    """The request is not acceptable XML/SOAP (size, DOCTYPE, depth, structure)."""

    meldung_id = MeldungID.INCOMPLETE_DATA


class SchemaViolation(BiproError):
    """The request does not match the published schema."""

    meldung_id = MeldungID.SCHEMA_VALIDATION


class UnsupportedVersion(BiproError):
    """The ``BiPROVersion`` names a release this service does not implement."""

    meldung_id = MeldungID.INCOMPLETE_DATA


class NotImplementedOperation(BiproError):
    meldung_id = MeldungID.NOT_IMPLEMENTED


class AuthenticationError(BiproError):
    """Missing, invalid or expired credentials or tokens."""

    meldung_id = MeldungID.INVALID_TOKEN


class AccessDenied(BiproError):
    """The principal may not use this operation (e.g. no portfolio rights).

    BiPRO publishes no dedicated code; 99999 with a clear text (docs/status-codes.md).
    """

    meldung_id = MeldungID.OTHER


class NotFound(BiproError):
    """Unknown *or not yours*: both answer identically."""

    meldung_id = MeldungID.OBJECT_NOT_FOUND


class InternalError(BiproError):
    """Anything unexpected; the caller sees a generic text only."""

    faultcode = "Server"
    meldung_id = MeldungID.OTHER

    def __init__(self) -> None:
        super().__init__("Interner Fehler. Bitte wenden Sie sich mit der ProzessID an den Support.")


class ServiceUnavailable(BiproError):
    """The database cannot be reached (down, restarting, overloaded): retry later.

    BiPRO publishes no dedicated code; 99999 with this text (docs/status-codes.md)."""

    faultcode = "Server"
    meldung_id = MeldungID.OTHER

    def __init__(self) -> None:
        super().__init__(
            "Der Dienst ist vorübergehend nicht verfügbar (Datenbank nicht erreichbar). "
            "Bitte wiederholen Sie die Anfrage später."
        )


@dataclass(slots=True)
class Outcome:
    """Business outcome of an operation that answered normally (OK or NOK)."""

    ok: bool = True
    meldungen: list[Meldung] = field(default_factory=list)
    pending: bool = False


class InvalidCredentials(AuthenticationError):
    """Unknown user key or wrong password: both answer the same."""

    meldung_id = MeldungID.INVALID_CREDENTIALS

    def __init__(self) -> None:
        super().__init__("Benutzerkennung oder Passwort ungültig.")


class AccountLocked(AuthenticationError):
    meldung_id = MeldungID.ACCOUNT_LOCKED

    def __init__(self) -> None:
        super().__init__(
            "Der Zugang ist gesperrt. Entsperren kann ihn Ihr Makleradministrator "
            "oder der Versicherer."
        )


class PasswordChangeRequired(AuthenticationError):
    """The initial password is only good for setting a personal one (T II.1)."""

    meldung_id = MeldungID.PASSWORD_EXPIRED

    def __init__(self) -> None:
        super().__init__(
            "Initialpasswort: bitte zuerst im Portal ein persönliches Passwort vergeben."
        )


class InvalidToken(AuthenticationError):
    meldung_id = MeldungID.INVALID_TOKEN

    def __init__(self) -> None:
        super().__init__("Security-Token ungültig oder abgelaufen. Bitte neu anmelden.")


class PolicyViolation(BiproError):
    """A new password breaks the password policy."""

    meldung_id = MeldungID.INCOMPLETE_DATA


class AdminError(BiproError):
    """An administrative action that is not allowed or not possible."""

    meldung_id = MeldungID.INCOMPLETE_DATA
