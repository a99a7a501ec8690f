"""Every BiPRO service this deployment offers, with norm, version and URL."""

from __future__ import annotations

from bipro_service.entrypoints.soap.registry import ServiceDefinition
from bipro_service.entrypoints.soap.sts import PasswordSecurityTokenService
from bipro_service.entrypoints.soap.transfer import TransferService
from bipro_service.entrypoints.soap.vertrag import VertragsService
from bipro_service.namespaces import TRANSFER, VERTRAG, WST

VERSION = "2.6.1.1.0"

SERVICES: tuple[ServiceDefinition, ...] = (
    ServiceDefinition(
        name="UserPasswordLogin",
        norm="410",
        version=VERSION,
        namespace=WST,
        services=(PasswordSecurityTokenService,),
        description="Security Token Service: login with user key and password",
        url_prefix="STS/",
        authenticated=False,
        validate_schema=False,
    ),
    ServiceDefinition(
        name="TransferService",
        norm="430",
        version=VERSION,
        namespace=TRANSFER,
        services=(TransferService,),
        description="Electronic broker post: listShipments, getShipment, acknowledgeShipment",
    ),
    ServiceDefinition(
        name="VertragService",
        norm="502",
        version=VERSION,
        namespace=VERTRAG,
        services=(VertragsService,),
        description="Contract information: getData (Vertragsauskunft), listContracts (extension)",
    ),
)
