"""zeep-based clients for the BiPRO services of bipro_service (and other insurers' endpoints)."""

from bipro_clients.errors import BiproFault
from bipro_clients.factory import ClientConfig, make_client, wsdl_path
from bipro_clients.services import Answer, Datei, Lieferung, TransferClient, VertragClient
from bipro_clients.sts import SecurityContextToken, StsClient, Token

__all__ = [
    "Answer",
    "BiproFault",
    "ClientConfig",
    "Datei",
    "Lieferung",
    "SecurityContextToken",
    "StsClient",
    "Token",
    "TransferClient",
    "VertragClient",
    "make_client",
    "wsdl_path",
]
