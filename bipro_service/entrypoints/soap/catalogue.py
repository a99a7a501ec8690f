"""Every BiPRO service this deployment offers, with norm, version and URL."""

from __future__ import annotations

from dataclasses import replace

from bipro_service.entrypoints.soap.navigation import NavigationService
from bipro_service.entrypoints.soap.registry import ServiceDefinition
from bipro_service.entrypoints.soap.schaden import SchadenService
from bipro_service.entrypoints.soap.sts import (
    CertificateSecurityTokenService,
    PasswordSecurityTokenService,
)
from bipro_service.entrypoints.soap.taa import TAAService
from bipro_service.entrypoints.soap.transfer import TransferService
from bipro_service.entrypoints.soap.vertrag import VertragsService
from bipro_service.namespaces import NAVIGATION, SCHADEN, TAA, TRANSFER, VERTRAG, WST

VERSION = "2.6.1.1.0"

_SERVICES: tuple[ServiceDefinition, ...] = (
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
        name="X509Login",
        norm="410",
        version=VERSION,
        namespace=WST,
        services=(CertificateSecurityTokenService,),
        description="Security Token Service: login with the firm's X.509 certificate",
        url_prefix="STS/",
        authenticated=False,
        validate_schema=False,
    ),
    ServiceDefinition(
        name="TAAService",
        norm="420",
        version=VERSION,
        namespace=TAA,
        services=(TAAService,),
        description="Tariff, offer, application (Valoren): getQuote, getOffer, setOrder",
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
    ServiceDefinition(
        name="NavigationService",
        norm="440",
        version=VERSION,
        namespace=NAVIGATION,
        services=(NavigationService,),
        description="External navigation: getLinks (single-use DeepLinks into the portal)",
    ),
    ServiceDefinition(
        name="SchadenService",
        norm="503",
        version=VERSION,
        namespace=SCHADEN,
        services=(SchadenService,),
        description="Claims: setNotification (Schadenmeldung), getData (Schadenauskunft)",
    ),
)

#: Versioned URLs of older service versions that clients in the field have configured
#: (insurers expose each version at its own URL): served by the same code, listed in
#: services.json with ``alias_of`` (docs/wire-format.md, "Releases and URLs").
URL_ALIASES: dict[str, tuple[str, ...]] = {
    "UserPasswordLogin": ("2.1.0.1.0", "2.5.0.1.1"),
    "X509Login": ("2.5.0.1.1",),
    "TransferService": ("2.1.0.1.0", "2.4.2.1.1", "2.5.0.1.0"),
}

SERVICES: tuple[ServiceDefinition, ...] = tuple(
    replace(definition, aliases=URL_ALIASES.get(definition.name, ())) for definition in _SERVICES
)
