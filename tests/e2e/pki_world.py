"""A firm with a registered certificate from the dev PKI, a user, a contract and a letter."""

from __future__ import annotations

from bipro_service.adapters.db.base import utcnow
from bipro_service.adapters.x509.pki import DevPki, init_dev_pki
from bipro_service.adapters.x509.trust import TrustStore
from bipro_service.config import Settings
from bipro_service.entrypoints.runtime import Runtime
from bipro_service.service_layer.admin import INSURER
from bipro_service.service_layer.certificates import register_certificate
from tests.integration.accounts_helpers import make_firm, make_user
from tests.integration.portfolio_helpers import make_customer, make_shipment


def firm_with_certificate(settings: Settings, runtime: Runtime) -> DevPki:
    """Firm T100 (certificate registered), user ``anna``, contract VAL-1 of K1, one letter."""
    now = utcnow()
    pki = init_dev_pki(settings.var_dir, [("T100", "Firma T100")], now)
    make_firm(runtime, "T100")
    make_user(runtime, "anna", "T100")
    with runtime.uow() as uow:
        trust = TrustStore.from_settings(settings)
        register_certificate(uow, trust, INSURER, "T100", pki.firms["T100"].pem, now)
    make_customer(runtime, "K1", "T100", contract="VAL-1")
    make_shipment(runtime, "T100", customer="K1")
    return pki
