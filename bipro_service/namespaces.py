"""XML namespaces on the wire (BiPRO, SOAP, WS-Security, WS-Trust)."""

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"

NACHRICHTEN = "http://www.bipro.net/namespace/nachrichten"
ALLGEMEIN = "http://www.bipro.net/namespace/allgemein"
TRANSFER = "http://www.bipro.net/namespace/transfer"
VERTRAG = "http://www.bipro.net/namespace/vertrag"
PARTNER = "http://www.bipro.net/namespace/partner"
TAA = "http://www.bipro.net/namespace/taa"
SCHADEN = "http://www.bipro.net/namespace/schaden"
NAVIGATION = "http://www.bipro.net/namespace/navigation"

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

#: Header namespaces we process; a ``mustUnderstand`` header from any other is refused.
UNDERSTOOD_HEADER_NAMESPACES = frozenset({WSSE, WSU, WSA_2004, WSA_2005})
