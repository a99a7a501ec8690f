"""zeep-based clients for the BiPRO services of bipro_service (and other insurers' endpoints).

Every client loads the WSDL shipped in this package (never fetched over the network). Log in
with :class:`StsClient` (password) or :class:`CertificateStsClient` (firm certificate), or let
a :class:`TokenSource` do it and renew the token before it expires; then call the services
with :class:`TransferClient` (430), :class:`VertragClient` (502), :class:`TaaClient` (420),
:class:`SchadenClient` (503) and :class:`NavigationClient` (440). ``SignedRequests`` signs
requests with WS-Security (extra ``signing``: ``pip install bipro-clients[signing]``).
"""

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
from bipro_clients.factory import SCHEMA_DIR, ClientConfig, make_client, wsdl_path
from bipro_clients.services import (
    Answer,
    Datei,
    DeepLink,
    Lieferung,
    NavigationClient,
    TransferClient,
    VertragClient,
)
from bipro_clients.session import TokenSource
from bipro_clients.signing import SignedRequests
from bipro_clients.sts import CertificateStsClient, SecurityContextToken, StsClient, Token
from bipro_clients.taa import Angebot, Antragsteller, TaaClient, Tarifierung, Vertragsabschluss

__all__ = [
    "SCHEMA_DIR",
    "Angebot",
    "Answer",
    "Antragsteller",
    "BiproFault",
    "CertificateStsClient",
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
    "TokenSource",
    "TransferClient",
    "VertragClient",
    "Vertragsabschluss",
    "make_client",
    "new_idempotency_key",
    "wsdl_path",
]
