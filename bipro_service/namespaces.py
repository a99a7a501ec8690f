"""XML namespaces on the wire (BiPRO, SOAP, WS-Security, WS-Trust)."""

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"

# The official BiPRO Release 2.6 namespaces (../shared/reference/bipro-2.6-xsd).
BIPRO = "http://www.bipro.net/namespace"
NACHRICHTEN = BIPRO + "/nachrichten"
ALLGEMEIN = BIPRO + "/allgemein"
BASIS = BIPRO + "/basis"
DATENTYPEN = BIPRO + "/datentypen"
GEVO = BIPRO + "/gevo"
PARTNER = BIPRO + "/partner"
TRANSFER = BIPRO + "/transfer"
TRANSFER_GEVO = BIPRO + "/transfer/gevo"
VERTRAG_OBJEKTE = BIPRO + "/vertrag"
"""``CT_Vertrag`` and its parts (the business objects, not the 502 process)."""
VERTRAG = BIPRO + "/prozesse/vertrag"
"""502 Vertragsauskunft: the process namespace of ``getData``."""
SCHADEN = BIPRO + "/prozesse/schaden"
"""503 Schadenmeldung / Schadenauskunft."""
SCHADEN_LEISTUNG = BIPRO + "/schaden-leistung"
TAA = BIPRO + "/versicherung/tarifierung"
"""420 Tarifierung, Angebot, Antrag."""
PRODUKTMODELL = BIPRO + "/produktmodell"
KOMPOSIT = BIPRO + "/versicherung/produktmodell/komposit"
VERSICHERUNG_PRODUKTMODELL = BIPRO + "/versicherung/produktmodell"
"""``vs-pm`` in the official files: the insurance product parts (sum insured, clauses)."""
SACHEN = BIPRO + "/sachen"
"""Insured things: ``sachen:CT_Transport`` (the 420 tariff; the transport of a 503 claim)."""
NAVIGATION = BIPRO
"""440 as the field sends it: ``http://www.bipro.net/namespace``, ``Request Version="1.4.1.0"``."""
ERWEITERUNG = "urn:bipro-service:erweiterung"
"""Our own namespace for what the norm does not define (``listContracts``, docs/wire-format.md)."""
XMIME = "http://www.w3.org/2005/05/xmlmime"
XOP = "http://www.w3.org/2004/08/xop/include"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
WST = "http://schemas.xmlsoap.org/ws/2005/02/trust"
WSC = "http://schemas.xmlsoap.org/ws/2005/02/sc"
WSA_2004 = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
WSA_2005 = "http://www.w3.org/2005/08/addressing"
DS = "http://www.w3.org/2000/09/xmldsig#"

PASSWORD_TEXT = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"
SCT_TOKEN_TYPE = "http://schemas.xmlsoap.org/ws/2005/02/sc/sct"
REQUEST_ISSUE = "http://schemas.xmlsoap.org/ws/2005/02/trust/Issue"
REQUEST_VALIDATE = "http://schemas.xmlsoap.org/ws/2005/02/trust/Validate"
REQUEST_CANCEL = "http://schemas.xmlsoap.org/ws/2005/02/trust/Cancel"
STATUS_VALID = "http://schemas.xmlsoap.org/ws/2005/02/trust/status/valid"
STATUS_INVALID = "http://schemas.xmlsoap.org/ws/2005/02/trust/status/invalid"
RSTR_STATUS_TOKEN_TYPE = "http://schemas.xmlsoap.org/ws/2005/02/trust/RSTR/Status"

WST_13 = "http://docs.oasis-open.org/ws-sx/ws-trust/200512"
"""WS-Trust 1.3, accepted by the password STS beside the February 2005 namespace."""
WSC_13 = "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512"

#: The one prefix map of every answer we send (faults and STS included). Clients in the field
#: parse answers with regular expressions (``<nac:StatusID>``, ``<wsc:Identifier>``), so a
#: namespace always has this prefix; ``tests/unit/test_prefixes.py`` holds every service to it.
PREFIXES: dict[str, str] = {
    "soapenv": SOAP11_ENV,
    "nac": NACHRICHTEN,
    "all": ALLGEMEIN,
    "bas": BASIS,
    "dt": DATENTYPEN,
    "gevo": GEVO,
    "par": PARTNER,
    "tran": TRANSFER,
    "trgevo": TRANSFER_GEVO,
    "vtrg": VERTRAG_OBJEKTE,
    "ver": VERTRAG,
    "sch": SCHADEN,
    "schdlstg": SCHADEN_LEISTUNG,
    "tar": TAA,
    "pm": PRODUKTMODELL,
    "kom": KOMPOSIT,
    "vspm": VERSICHERUNG_PRODUKTMODELL,
    "sachen": SACHEN,
    "bipro": BIPRO,
    "ext": ERWEITERUNG,
    "xmime": XMIME,
    "xop": XOP,
    "xsi": XSI,
    "wsse": WSSE,
    "wsu": WSU,
    "wsc": WSC,
    "wst": WST,
    "ds": DS,
    # Answers to WS-Trust 1.3 requests (password STS) are in the 1.3 namespaces.
    "trust": WST_13,
    "sc": WSC_13,
}
PREFIX_OF: dict[str, str] = {uri: prefix for prefix, uri in PREFIXES.items()}

#: Header namespaces we process; a ``mustUnderstand`` header from any other is refused.
UNDERSTOOD_HEADER_NAMESPACES = frozenset({WSSE, WSU, WSA_2004, WSA_2005})
