"""Why a certificate may not log in: one error, answered with MeldungID 00960."""

from __future__ import annotations

import enum

from bipro_service.domain.status import AuthenticationError, MeldungID


class Rejection(enum.StrEnum):
    """Why a certificate was refused; kept in the audit, never shown in detail."""

    MALFORMED = "malformed"
    UNTRUSTED = "untrusted"
    SELF_SIGNED = "self_signed"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    KEY_USAGE = "key_usage"
    WEAK_KEY = "weak_key"
    WEAK_SIGNATURE = "weak_signature"
    REVOKED = "revoked"
    REVOCATION_UNKNOWN = "revocation_unknown"
    TRUST_UNAVAILABLE = "trust_unavailable"
    UNKNOWN_FIRM = "unknown_firm"


_TEXTS = {
    Rejection.MALFORMED: "Das Zertifikat ist kein gültiges X.509-Zertifikat.",
    Rejection.UNTRUSTED: "Das Zertifikat ist nicht von einer zugelassenen Stelle ausgestellt.",
    Rejection.SELF_SIGNED: "Selbstsignierte Zertifikate werden nicht akzeptiert.",
    Rejection.EXPIRED: "Das Zertifikat ist abgelaufen.",
    Rejection.NOT_YET_VALID: "Das Zertifikat ist noch nicht gültig.",
    Rejection.KEY_USAGE: "Die Schlüsselverwendung des Zertifikats erlaubt keine Anmeldung.",
    Rejection.WEAK_KEY: "Der Schlüssel des Zertifikats ist zu schwach oder nicht zugelassen.",
    Rejection.WEAK_SIGNATURE: "Das Zertifikat ist mit einem unsicheren Verfahren signiert.",
    Rejection.REVOKED: "Das Zertifikat ist gesperrt.",
    Rejection.REVOCATION_UNKNOWN: (
        "Der Sperrstatus des Zertifikats kann derzeit nicht geprüft werden. "
        "Bitte später erneut versuchen."
    ),
    Rejection.TRUST_UNAVAILABLE: "Die Anmeldung mit Zertifikat ist derzeit nicht möglich.",
    Rejection.UNKNOWN_FIRM: "Das Zertifikat ist keinem Vertragspartner zugeordnet.",
}
_OURS = (Rejection.REVOCATION_UNKNOWN, Rejection.TRUST_UNAVAILABLE)


class CertificateRejected(AuthenticationError):
    """A certificate that may not log in. ``reason`` and ``detail`` are for the audit only."""

    meldung_id = MeldungID.INVALID_CREDENTIALS

    def __init__(self, reason: Rejection, detail: str = "") -> None:
        super().__init__(_TEXTS[reason], faultcode="Server" if reason in _OURS else None)
        self.reason = reason
        self.detail = detail or reason.value
