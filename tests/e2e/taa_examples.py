"""TAA (BiPRO 420) inputs for the e2e tests through the zeep clients."""

from __future__ import annotations

from decimal import Decimal

from bipro_clients import Antragsteller, Tarifierung

EXAMPLE_A = Tarifierung(
    cover="single",
    transport_kind="courier",
    valuables_class="jewellery",
    base_value=Decimal("180000.00"),
    costs=Decimal("1250.00"),
    imaginary_profit=Decimal("18000.00"),
    clauses=["war", "strike_riot"],
)
APPLICANT = Antragsteller(
    company_name="Goldschmiede Ende zu Ende GmbH",
    street="Hohe Straße 5",
    postal_code="50667",
    city="Köln",
)
