"""The published contract: WSDL and XSD of every service, as served and as committed."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from lxml import etree
from spyne.interface.wsdl import Wsdl11

from bipro_service.entrypoints.soap.registry import MountedService
from bipro_service.namespaces import BIPRO, NACHRICHTEN, WSC, WSSE, WST, WSU

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
SOAP_BINDING_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
FAULT_NAME = "BiproException"


def build_wsdl(mounted: MountedService, base_url: str) -> bytes:
    """The WSDL of a service whose address is ``base_url`` + its path."""
    wsdl = Wsdl11(mounted.application.interface)
    wsdl.build_interface_document(base_url + mounted.definition.path)
    root = etree.fromstring(wsdl.get_interface_document())
    _declare_bipro_fault(root)
    _drop_stray_elements(root)
    _sort_schemas(root)
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")


def _drop_stray_elements(root: etree._Element) -> None:
    """Spyne declares the message element of an operation in its own namespace (``ext``,
    ``_in_message_name="{ns}name"``) a second time in the service's namespace (drop that copy)
    and names its ``wsdl:message`` with that namespace (it is the WSDL's)."""
    tns = _prefix_of(root, root.get("targetNamespace", ""))
    for io in root.iterfind(f"{{{WSDL_NS}}}portType/{{{WSDL_NS}}}operation/*"):
        # wsdl:message names live in the WSDL's namespace, whatever the element's.
        message = io.get("message", "")
        if ":" in message:
            io.set("message", f"{tns}:{message.split(':', 1)[1]}")
    schemas = root.findall(f"{{{WSDL_NS}}}types/{{{XSD_NS}}}schema")
    declared = {
        (s.get("targetNamespace", ""), e.get("name", ""))
        for s in schemas
        for e in s.iterfind(f"{{{XSD_NS}}}element")
    }
    for schema in schemas:
        for element in list(schema.iterfind(f"{{{XSD_NS}}}element")):
            prefix, _, _local = (element.get("type") or "").rpartition(":")
            namespace = element.nsmap.get(prefix) if prefix else None
            if (
                namespace
                and namespace != schema.get("targetNamespace")
                and (namespace, element.get("name", "")) in declared
            ):
                schema.remove(element)


def _sort_schemas(root: etree._Element) -> None:
    """Put schema declarations in a stable order: Spyne's follows Python's hash seed."""
    types = root.find(f"{{{WSDL_NS}}}types")
    if types is None:
        return
    schemas = sorted(types, key=lambda s: s.get("targetNamespace", ""))
    for schema in schemas:
        children = sorted(schema, key=_declaration_key)
        for child in children:
            schema.append(child)
        types.append(schema)


def _declaration_key(element: etree._Element) -> tuple[int, str, str]:
    local = etree.QName(element).localname
    rank = {"import": 0, "simpleType": 1, "complexType": 2, "element": 3}.get(local, 4)
    return rank, element.get("name", ""), element.get("namespace", "")


def _prefix_of(root: etree._Element, namespace: str) -> str:
    for prefix, uri in root.nsmap.items():
        if uri == namespace and prefix:
            return prefix
    raise ValueError(f"namespace {namespace} not declared in the WSDL")


def _declare_bipro_fault(root: etree._Element) -> None:
    """Declare ``wsdl:fault name="BiproException"`` (element ``nachr:BiproException``) on every
    operation. Spyne would put a fault type into the service's own namespace instead."""
    tns = _prefix_of(root, root.get("targetNamespace", ""))
    nachr = _prefix_of(root, NACHRICHTEN)
    last_message = root.findall(f"{{{WSDL_NS}}}message")[-1]
    message = etree.Element(f"{{{WSDL_NS}}}message", name=FAULT_NAME)
    etree.SubElement(
        message, f"{{{WSDL_NS}}}part", name=FAULT_NAME, element=f"{nachr}:{FAULT_NAME}"
    )
    last_message.addnext(message)
    for operation in root.iterfind(f"{{{WSDL_NS}}}portType/{{{WSDL_NS}}}operation"):
        etree.SubElement(
            operation, f"{{{WSDL_NS}}}fault", name=FAULT_NAME, message=f"{tns}:{FAULT_NAME}"
        )
    for operation in root.iterfind(f"{{{WSDL_NS}}}binding/{{{WSDL_NS}}}operation"):
        fault = etree.SubElement(operation, f"{{{WSDL_NS}}}fault", name=FAULT_NAME)
        etree.SubElement(fault, f"{{{SOAP_BINDING_NS}}}fault", name=FAULT_NAME, use="literal")


def schema_documents(wsdl: bytes) -> dict[str, bytes]:
    """The XSDs embedded in a WSDL, one file per namespace, imports pointing at each other."""
    root = etree.fromstring(wsdl)
    schemas = root.findall(f"{{{WSDL_NS}}}types/{{{XSD_NS}}}schema")
    names = _file_names([s.get("targetNamespace", "") for s in schemas])
    result: dict[str, bytes] = {}
    for schema in schemas:
        copy = etree.fromstring(etree.tostring(schema))
        for imported in copy.iterfind(f"{{{XSD_NS}}}import"):
            target = names.get(imported.get("namespace", ""))
            if target:
                imported.set("schemaLocation", target)
        result[names[schema.get("targetNamespace", "")]] = etree.tostring(
            copy, pretty_print=True, xml_declaration=True, encoding="UTF-8"
        )
    return result


_SHORT_NAMES = {WSU: "wsu", WSSE: "wsse", WST: "ws-trust", WSC: "ws-sc"}


def _file_name(namespace: str) -> str:
    """``http://www.bipro.net/namespace/transfer`` → ``transfer.xsd``,
    ``urn:bipro-service:erweiterung`` → ``erweiterung.xsd``."""
    tail = _SHORT_NAMES.get(namespace) or re.split(r"[/:]", namespace.rstrip("/"))[-1] or "schema"
    return f"{tail}.xsd"


def _file_names(namespaces: list[str]) -> dict[str, str]:
    """One file name per namespace; where two share a last segment (``…/prozesse/vertrag``,
    ``…/vertrag``) both are named by their path below ``…/namespace/``
    (``prozesse-vertrag.xsd``)."""
    short = {ns: _file_name(ns) for ns in namespaces}
    taken = Counter(short.values())
    for ns, name in short.items():
        if taken[name] > 1 and ns.startswith(BIPRO + "/"):
            short[ns] = ns[len(BIPRO) + 1 :].rstrip("/").replace("/", "-") + ".xsd"
    return short


def write_contract(
    mounted: list[MountedService], base_url: str, wsdl_dir: Path, schema_dir: Path
) -> list[Path]:
    """Write every service's WSDL to ``wsdl_dir`` and its XSDs to ``schema_dir/<service>/``."""
    written: list[Path] = []
    wsdl_dir.mkdir(parents=True, exist_ok=True)
    for service in mounted:
        wsdl = build_wsdl(service, base_url)
        path = wsdl_dir / f"{service.definition.file_stem}.wsdl"
        path.write_bytes(wsdl)
        written.append(path)
        target = schema_dir / service.definition.file_stem
        target.mkdir(parents=True, exist_ok=True)
        for stale in target.glob("*.xsd"):  # a namespace the service no longer uses
            stale.unlink()
        for name, content in schema_documents(wsdl).items():
            (target / name).write_bytes(content)
            written.append(target / name)
    return written
