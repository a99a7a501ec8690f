"""The worked examples of docs/tariff.md, recomputed line by line to the cent.

Three answers must agree on every line: the table in the documentation, the domain code, and
the independent re-implementation in ``tariff_reference.py``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bipro_service.domain.status import MeldungArt, TaaFinding
from bipro_service.domain.tariff import calculate
from tests.unit.tariff_helpers import TARIFF, request_of, steps_of
from tests.unit.tariff_reference import reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "tariff.md"


def _tables(section: str) -> list[list[list[str]]]:
    tables: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in section.splitlines():
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if current is None:
                current = []
                tables.append(current)
            if not set("".join(cells)) <= set("- "):  # skip the header rule
                current.append(cells)
        else:
            current = None
    return tables


def _value(text: str) -> Any:
    if text in ("yes", "no"):
        return text == "yes"
    if "," in text:
        return [part.strip() for part in text.split(",")]
    return text


def examples() -> dict[str, tuple[dict[str, Any], dict[str, Decimal]]]:
    """Example title → (inputs, expected step amounts) as written in the documentation."""
    found = {}
    sections = re.split(r"^### ", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    for section in sections:
        if not section.startswith("Example"):
            continue
        inputs_table, steps_table = _tables(section)[:2]
        inputs = {row[0]: _value(row[1]) for row in inputs_table[1:]}
        if isinstance(inputs.get("clauses"), str):
            inputs["clauses"] = [inputs["clauses"]]
        expected = {row[0]: Decimal(row[-1]) for row in steps_table[1:]}
        found[section.split(":")[0]] = (inputs, expected)
    return found


EXAMPLES = examples()


def test_the_documentation_has_the_worked_examples() -> None:
    assert sorted(EXAMPLES) == [f"Example {letter}" for letter in "ABCDEF"]


@pytest.mark.parametrize("title", sorted(EXAMPLES))
def test_worked_example_line_by_line(title: str) -> None:
    inputs, documented = EXAMPLES[title]
    assessment = calculate(TARIFF, request_of(inputs))
    assert assessment.quote is not None, assessment.meldungen
    computed = steps_of(assessment.quote)
    independent = reference(inputs)
    assert set(documented) == set(computed), "the documented steps are the computed ones"
    for step, amount in documented.items():
        assert computed[step] == amount, f"{title}, {step}: code {computed[step]} ≠ doc {amount}"
        assert independent[step] == amount, f"{title}, {step}: reference {independent[step]}"
        assert amount == amount.quantize(Decimal("0.01")), f"{title}, {step}: not in cents"


@pytest.mark.parametrize(
    ("title", "ids"),
    [
        ("Example A", ["TAA-HINWEIS"]),
        ("Example B", ["TAA-ZAHLWEISE-GEAENDERT"]),
        (
            "Example C",
            ["TAA-UNTERVERSICHERUNG", "TAA-ZAHLWEISE-GEAENDERT", "TAA-HINWEIS", "TAA-HINWEIS"],
        ),
        ("Example D", ["TAA-HINWEIS"]),
        ("Example E", ["TAA-UNTERVERSICHERUNG", "TAA-HINWEIS", "TAA-HINWEIS"]),
        ("Example F", ["TAA-ZAHLWEISE-GEAENDERT", "TAA-HINWEIS"]),
    ],
)
def test_worked_example_meldungen(title: str, ids: list[str]) -> None:
    assessment = calculate(TARIFF, request_of(EXAMPLES[title][0]))
    assert [m.identifikationsnummer or m.meldung_id.value for m in assessment.meldungen] == ids
    assert all(m.art is not MeldungArt.FEHLER for m in assessment.meldungen)


def test_example_c_quantifies_the_under_insurance() -> None:
    assessment = calculate(TARIFF, request_of(EXAMPLES["Example C"][0]))
    (warning,) = [
        m for m in assessment.meldungen if m.identifikationsnummer == TaaFinding.UNDER_INSURANCE
    ]
    assert warning.art is MeldungArt.WARNUNG
    for part in ("400.000,00 EUR", "10.000,00 EUR", "2,44 %", "410.000,00 EUR", "97,56 %"):
        assert part in warning.text
    assert "AVB 7.5" in warning.text
