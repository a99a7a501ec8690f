"""A second, deliberately plain implementation of the tariff arithmetic of docs/tariff.md.

It reads the tariff file with ``tomllib`` directly and writes every step out, so the domain
code (``bipro_service/domain/tariff``) is checked against an independent calculation, never
against itself. It covers accepted requests only; the acceptance rules are tested separately.
"""

from __future__ import annotations

import tomllib
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

TARIFF_FILE = (
    Path(__file__).resolve().parents[2] / "bipro_service/domain/tariff/valoren_2026_01.toml"
)
RAW: dict[str, Any] = tomllib.loads(TARIFF_FILE.read_text(encoding="utf-8"))
COUNT = {"annual": 1, "semi_annual": 2, "quarterly": 4, "monthly": 12}
INCLUSIONS = ("accrued_interest", "price_increase", "imaginary_profit", "customs_duties")


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def reference(inputs: dict[str, Any]) -> dict[str, Decimal]:
    """Every step of the calculation by name, as in the worked examples' tables."""
    amount = {k: Decimal(str(inputs.get(k, "0"))) for k in ("base", "costs", *INCLUSIONS)}
    value = sum(amount.values(), Decimal(0))
    sum_insured = Decimal(str(inputs["sum_insured"])) if inputs.get("sum_insured") else value
    single = inputs["cover"] == "single"
    basis = sum_insured if single else Decimal(str(inputs["annual_turnover"]))
    rate = Decimal(RAW["rates_per_mille"][inputs["transport_kind"]][inputs["valuables_class"]])
    steps = {"insured value": value, "sum insured": sum_insured, "basis": basis}
    steps["base premium"] = _cents(basis * rate / 1000)
    minimum_key = "single_transport" if single else "open_cover_annual"
    minimum = Decimal(RAW["minimum_premium"][minimum_key])
    if steps["base premium"] < minimum:
        steps["minimum top-up"] = minimum - steps["base premium"]
    net = steps["base premium"] + steps.get("minimum top-up", Decimal(0))
    for clause in ("war", "strike_riot", "confiscation"):
        if clause in inputs.get("clauses", ()):
            steps[f"clause {clause}"] = _cents(
                basis * Decimal(RAW["clauses_per_mille"][clause]) / 1000
            )
            net += steps[f"clause {clause}"]
    steps["net premium"] = net
    mode = inputs.get("payment_mode", "annual")
    if single or inputs.get("declaration") == "individual":
        mode = "annual"  # one-off premium / billed in arrears: no instalments
    elif mode == "monthly" and not inputs.get("sepa_mandate"):
        mode = RAW["instalments"]["monthly_fallback"]
    surcharge = Decimal(RAW["instalments"]["surcharges"][mode])
    if surcharge:
        steps["instalment surcharge"] = _cents(net * surcharge)
    steps["taxable premium"] = net + steps.get("instalment surcharge", Decimal(0))
    exempt = inputs.get("cross_border") and RAW["insurance_tax"]["cross_border_exempt"]
    tax_rate = Decimal(0) if exempt else Decimal(RAW["insurance_tax"]["rate"])
    steps["insurance tax"] = _cents(steps["taxable premium"] * tax_rate)
    steps["gross premium"] = steps["taxable premium"] + steps["insurance tax"]
    count = COUNT[mode]
    regular = (steps["gross premium"] / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    for number in range(1, count):
        steps[f"instalment {number}"] = regular
    steps[f"instalment {count}"] = steps["gross premium"] - regular * (count - 1)
    return steps


def effective_mode(inputs: dict[str, Any]) -> str:
    count = sum(1 for key in reference(inputs) if key.startswith("instalment "))
    return {1: "annual", 2: "semi_annual", 4: "quarterly", 12: "monthly"}[count]
