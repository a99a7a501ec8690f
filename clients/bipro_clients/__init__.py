"""zeep-based clients for the BiPRO services of bipro_service (and other insurers' endpoints)."""

from bipro_clients.claims import (
    Dokument,
    Erstbewertung,
    Gegenstand,
    Schaden,
    SchadenClient,
    Schadenmeldung,
    new_idempotency_key,
)
from bipro_clients.errors import BiproFault
from bipro_clients.factory import ClientConfig, make_client, wsdl_path
from bipro_clients.services import (
    Answer,
    Datei,
    DeepLink,
    Lieferung,
    NavigationClient,
    TransferClient,
    VertragClient,
)
from bipro_clients.signing import SignedRequests
from bipro_clients.sts import SecurityContextToken, StsClient, Token
from bipro_clients.taa import Angebot, Antragsteller, TaaClient, Tarifierung, Vertragsabschluss

__all__ = [
    "Angebot",
    "Answer",
    "Antragsteller",
    "BiproFault",
    "ClientConfig",
    "Datei",
    "DeepLink",
    "Dokument",
    "Erstbewertung",
    "Gegenstand",
    "Lieferung",
    "NavigationClient",
    "Schaden",
    "SchadenClient",
    "Schadenmeldung",
    "SecurityContextToken",
    "SignedRequests",
    "StsClient",
    "TaaClient",
    "Tarifierung",
    "Token",
    "TransferClient",
    "VertragClient",
    "Vertragsabschluss",
    "make_client",
    "new_idempotency_key",
    "wsdl_path",
]
