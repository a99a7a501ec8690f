"""The committed WSDL/XSD files are exactly what the service publishes."""

from __future__ import annotations

from pathlib import Path

import pytest
import zeep
from lxml import etree

from bipro_service.config import Settings
from bipro_service.entrypoints.soap.catalogue import SERVICES
from bipro_service.entrypoints.soap.contract import build_wsdl, schema_documents
from bipro_service.entrypoints.soap.registry import mount

ROOT = Path(__file__).resolve().parents[2]
BASE_URL = Settings.model_fields["public_base_url"].default


@pytest.mark.parametrize("definition", SERVICES, ids=lambda d: d.file_stem)
def test_committed_wsdl_matches_served(definition: object) -> None:
    mounted = mount(definition)  # type: ignore[arg-type]
    served = build_wsdl(mounted, BASE_URL)
    committed = ROOT / "wsdl" / f"{mounted.definition.file_stem}.wsdl"
    assert committed.exists(), f"run `make contract`: {committed} missing"
    assert committed.read_bytes() == served, f"run `make contract`: {committed.name} is stale"
    for name, content in schema_documents(served).items():
        xsd = ROOT / "schemas" / mounted.definition.file_stem / name
        assert xsd.read_bytes() == content, f"run `make contract`: {xsd} is stale"


@pytest.mark.parametrize("definition", SERVICES, ids=lambda d: d.file_stem)
def test_wsdl_declares_bipro_fault_on_every_operation(definition: object) -> None:
    wsdl = etree.parse(str(ROOT / "wsdl" / f"{definition.file_stem}.wsdl"))  # type: ignore[attr-defined]
    ns = {"wsdl": "http://schemas.xmlsoap.org/wsdl/"}
    operations = wsdl.findall("wsdl:portType/wsdl:operation", ns)
    assert operations
    for operation in operations:
        assert operation.find("wsdl:fault[@name='BiproException']", ns) is not None
    part = wsdl.find("wsdl:message[@name='BiproException']/wsdl:part", ns)
    assert part is not None
    prefix, local = part.get("element").split(":")
    assert local == "BiproException"
    assert wsdl.getroot().nsmap[prefix] == "http://www.bipro.net/namespace/nachrichten"


@pytest.mark.parametrize("definition", SERVICES, ids=lambda d: d.file_stem)
def test_committed_schemas_compile(definition: object) -> None:
    folder = ROOT / "schemas" / definition.file_stem  # type: ignore[attr-defined]
    for xsd in folder.glob("*.xsd"):
        etree.XMLSchema(etree.parse(str(xsd)))


@pytest.mark.parametrize("definition", SERVICES, ids=lambda d: d.file_stem)
def test_plain_zeep_loads_committed_wsdl(definition: object) -> None:
    client = zeep.Client(str(ROOT / "wsdl" / f"{definition.file_stem}.wsdl"))  # type: ignore[attr-defined]
    operations = {
        name
        for service in client.wsdl.services.values()
        for port in service.ports.values()
        for name in port.binding._operations
    }
    assert operations


def _tree(folder: Path, pattern: str) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.glob(pattern))}


def test_the_clients_ship_exactly_the_committed_contract() -> None:
    """clients/bipro_clients/{wsdl,schemas} (package data of bipro-clients) = wsdl/, schemas/."""
    packaged = ROOT / "clients" / "bipro_clients"
    for folder, pattern in (("wsdl", "*.wsdl"), ("schemas", "*/*.xsd")):
        committed = _tree(ROOT / folder, pattern)
        assert committed, folder
        assert _tree(packaged / folder, pattern) == committed, f"run `make contract`: {folder}"
