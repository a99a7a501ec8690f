"""The one place that gives our answers their namespace prefixes (``namespaces.PREFIXES``).

Every envelope we send — Spyne's answers and faults, our own faults, the STS — is written with
the fixed prefix map, and declares only the namespaces it uses (plus those named in
``xsi:type`` values, which are QNames in text and invisible to lxml's namespace clean-up).
"""

from __future__ import annotations

from lxml import etree

from bipro_service.namespaces import PREFIX_OF, PREFIXES, SOAP11_ENV, XSI

_XSI_TYPE = f"{{{XSI}}}type"
_ENVELOPE = f"{{{SOAP11_ENV}}}Envelope"
_HEADER = f"{{{SOAP11_ENV}}}Header"
_BODY = f"{{{SOAP11_ENV}}}Body"


def new_envelope() -> tuple[etree._Element, etree._Element]:
    """An empty SOAP 1.1 envelope with our prefix map: (envelope, body)."""
    envelope = etree.Element(_ENVELOPE, nsmap=PREFIXES)
    return envelope, etree.SubElement(envelope, _BODY)


def finish(envelope: etree._Element) -> etree._Element:
    """Drop the declarations the envelope does not use (``xsi:type`` prefixes are kept)."""
    keep = {"soapenv"}
    for element in envelope.iter():
        value = element.get(_XSI_TYPE) if isinstance(element.tag, str) else None
        if value and ":" in value:
            keep.add(value.split(":", 1)[0])
    etree.cleanup_namespaces(envelope, top_nsmap=PREFIXES, keep_ns_prefixes=sorted(keep))
    return envelope


def rehome(envelope: etree._Element) -> etree._Element:
    """The same message in a new envelope with our prefix map (Spyne's has prefixes of its own).

    lxml re-links every moved element to the declaration of its namespace in the new envelope,
    so element and attribute prefixes become ours; ``xsi:type`` values already carry ours
    because :func:`seed_prefixes` gave them to Spyne's interface."""
    new, body = new_envelope()
    for part in envelope:
        if not isinstance(part.tag, str):
            continue
        if part.tag == _BODY:
            for child in list(part):
                body.append(child)
        elif part.tag == _HEADER:
            header = etree.Element(_HEADER)
            for child in list(part):
                header.append(child)
            body.addprevious(header)
    return finish(new)


def seed_prefixes(interface: object) -> None:
    """Make a Spyne interface use our prefixes (for the QNames it writes into ``xsi:type``)."""
    prefmap: dict[str, str] = interface.prefmap  # type: ignore[attr-defined]
    nsmap: dict[str, str] = interface.nsmap  # type: ignore[attr-defined]
    for uri, prefix in PREFIX_OF.items():
        old = prefmap.get(uri)
        if old is not None and old != prefix and nsmap.get(old) == uri:
            del nsmap[old]
        taken = nsmap.get(prefix)
        if taken is not None and taken != uri:
            prefmap.pop(taken, None)
        prefmap[uri] = prefix
        nsmap[prefix] = uri
