"""Token-authenticated BiPRO services: Transfer (430), contracts (502), DeepLinks (440)."""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from zeep.exceptions import Fault

from bipro_clients.errors import BiproFault, Meldung
from bipro_clients.factory import ClientConfig, make_client
from bipro_clients.session import RENEW_FAULTS, TokenSource
from bipro_clients.signing import WsseChain
from bipro_clients.sts import SecurityContextToken, Token

BIPRO_VERSION = "2.6.1.1.0"
#: The 440 request version the field sends (ehambuch/BiPROClient).
NAVIGATION_VERSION = "1.4.1.0"
TRANSFER = "TransferService_2.6.1.1.0"
VERTRAG = "VertragService_2.6.1.1.0"
NAVIGATION = "NavigationService_2.6.1.1.0"


@dataclass(frozen=True)
class Answer:
    """A normal BiPRO answer: ``StatusID`` and ``Meldung``s plus the payload."""

    ok: bool
    prozess_id: str
    meldungen: list[Meldung]
    payload: Any = None

    @property
    def meldung_ids(self) -> list[str]:
        return [m.meldung_id for m in self.meldungen]

    @property
    def keys(self) -> list[str]:
        """Each Meldung as ``MeldungID`` or ``MeldungID/Identifikationsnummer``."""
        return [
            f"{m.meldung_id}/{m.identifikationsnummer}" if m.identifikationsnummer else m.meldung_id
            for m in self.meldungen
        ]


@dataclass(frozen=True)
class Datei:
    name: str
    content_type: str
    data: bytes
    checksum: str | None


@dataclass(frozen=True)
class Lieferung:
    id: str
    category: str
    created: datetime
    available_until: datetime
    files: list[Datei] = field(default_factory=list)


@dataclass(frozen=True)
class DeepLink:
    """A ``Link`` of ``getLinks``: open ``url`` in the browser at once (single-use, short-lived)."""

    url: str
    ziel_id: str
    description: str | None


def _answer(response: Any, payload: Any = None) -> Answer:
    status = response.Status
    return Answer(
        ok=status.StatusID == "OK",
        prozess_id=status.ProzessID,
        meldungen=[
            Meldung(
                m.ArtID,
                m.MeldungID,
                m.Text or "",
                m.Quelle,
                getattr(m, "Identifikationsnummer", None),
            )
            for m in status.Meldung or []
        ],
        payload=payload,
    )


def _lieferung(item: Any) -> Lieferung:
    files = [
        Datei(d.Dateiname, _content_type(d.Daten), _bytes(d.Daten), _pruefsumme(d.Pruefsumme))
        for transfer in item.Transfer or []
        for d in transfer.Datei or []
    ]
    return Lieferung(item.ID, item.Kategorie, item.Einstellzeitpunkt, item.VerfuegbarBis, files)


def _bytes(value: Any) -> bytes:
    """``allg:Daten``: base64 text, or zeep's value of the simple-content type (MTOM parts are
    resolved by zeep's XOP support before this)."""
    value = getattr(value, "_value_1", value)
    if value is None:
        return b""
    return value if isinstance(value, bytes) else base64.b64decode(value)


def _content_type(value: Any) -> str:
    """The MIME type: ``allg:Daten/@xmime:contentType`` (``Dateityp`` is Dokument|Nettodaten)."""
    return str(getattr(value, "contentType", None) or "application/octet-stream")


def _pruefsumme(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "Wert", value))


class _TokenService:
    wsdl: str
    path: str

    def __init__(
        self,
        base_url: str,
        token: Token | str | TokenSource,
        config: ClientConfig | None = None,
        consumer_id: str | None = None,
        signing: Any = None,
    ):
        """``token``: a token, its identifier, or a :class:`bipro_clients.session.TokenSource`
        (then every call uses its current token, renewed before expiry and, after a fault
        00962/00909, once more with a fresh login).
        ``signing``: a :class:`bipro_clients.signing.SignedRequests` to sign every call."""
        self.tokens = token if isinstance(token, TokenSource) else None
        self._sending = threading.local()
        identifier: Any
        if isinstance(token, TokenSource):
            identifier = self._identifier_in_use
        else:
            identifier = token.identifier if isinstance(token, Token) else token
        self.consumer_id = consumer_id
        wsse: Any = SecurityContextToken(identifier)
        if signing is not None:
            wsse = WsseChain(wsse, signing)
        _, self.service = make_client(
            self.wsdl, base_url.rstrip("/") + self.path, config, wsse=wsse
        )

    def _identifier_in_use(self) -> str:
        """The token of the call this thread is sending (chosen once per attempt by _call)."""
        used: Token | None = getattr(self._sending, "token", None)
        assert self.tokens is not None
        return used.identifier if used is not None else self.tokens.identifier()

    #: 440 as the field sends it: ``Request Version="1.4.1.0"``, no BiPROVersion element.
    versioned_request = True

    def _request(self, **fields: Any) -> dict[str, Any]:
        if not self.versioned_request:
            return {"Version": NAVIGATION_VERSION, **fields}
        request: dict[str, Any] = {"BiPROVersion": BIPRO_VERSION, **fields}
        if self.consumer_id:
            request["ConsumerID"] = self.consumer_id
        return request

    def _send(self, operation: str, **fields: Any) -> Any:
        try:
            return getattr(self.service, operation)(Request=self._request(**fields))
        except Fault as fault:
            raise BiproFault.from_zeep(fault) from None

    def _call(self, operation: str, **fields: Any) -> Any:
        if self.tokens is None:
            return self._send(operation, **fields)
        used = self.tokens.token()
        try:
            return self._send_with(used, operation, fields)
        except BiproFault as fault:
            if fault.meldung_id not in RENEW_FAULTS:
                raise
        self.tokens.invalidate(used)
        return self._send_with(self.tokens.token(), operation, fields)

    def _send_with(self, token: Token, operation: str, fields: dict[str, Any]) -> Any:
        """Send with exactly ``token`` in the header (the one a refusal then invalidates)."""
        self._sending.token = token
        try:
            return self._send(operation, **fields)
        finally:
            self._sending.token = None


class TransferClient(_TokenService):
    """Electronic broker post (BiPRO 430)."""

    wsdl = TRANSFER
    path = "/bipro/TransferService_2.6.1.1.0"

    def list_shipments(self, category: str | None = None) -> Answer:
        response = self._call("listShipments", KategorieDerLieferung=category)
        return _answer(response, [_lieferung(i) for i in response.Lieferung or []])

    def get_shipment(self, shipment_id: str) -> Answer:
        response = self._call("getShipment", ID=shipment_id)
        return _answer(response, _lieferung(response.Lieferung) if response.Lieferung else None)

    def acknowledge_shipment(self, shipment_id: str) -> Answer:
        return _answer(self._call("acknowledgeShipment", ID=shipment_id))


class VertragClient(_TokenService):
    """Contract information (BiPRO 502) and the listing extension."""

    wsdl = VERTRAG
    path = "/bipro/VertragService_2.6.1.1.0"

    def get_contract(self, versicherungsscheinnummer: str) -> Answer:
        response = self._call(
            "getData",
            Vertragsauskunft={
                "Vertragsnummer": {"Versicherungsscheinnummer": versicherungsscheinnummer}
            },
        )
        contract = response.Vertragsauskunft.Vertrag if response.Vertragsauskunft else None
        return _answer(response, contract)

    def list_contracts(
        self, changed_since: datetime | None = None, cursor: str | None = None, page_size: int = 100
    ) -> Answer:
        response = self._call(
            "listContracts", GeaendertSeit=changed_since, Cursor=cursor, Seitengroesse=page_size
        )
        return _answer(response, (list(response.Vertrag or []), response.NaechsterCursor))

    def all_contracts(
        self, changed_since: datetime | None = None, page_size: int = 100
    ) -> list[Any]:
        """Every contract, following the cursor to the end."""
        contracts: list[Any] = []
        cursor = None
        while True:
            page, cursor = self.list_contracts(changed_since, cursor, page_size).payload
            contracts += page
            if not cursor:
                return contracts


class NavigationClient(_TokenService):
    """External navigation (BiPRO 440): DeepLinks into the insurer's portal."""

    wsdl = NAVIGATION
    path = "/bipro/NavigationService_2.6.1.1.0"
    versioned_request = False

    def get_links(self, contract: str | None = None, partner: str | None = None) -> Answer:
        """Links to a contract (Versicherungsscheinnummer) *or* a customer (Partnernummer)."""
        if (contract is None) == (partner is None):
            raise ValueError("give exactly one of contract or partner")
        search = (
            {"Vertragsuche": {"Versicherungsscheinnummer": contract}}
            if contract is not None
            else {"Partnersuche": {"PartnernummerVu": partner}}
        )
        response = self._call("getLinks", Extranetsuche=search)
        links = response.Links.Link if response.Links is not None else []
        return _answer(
            response, [DeepLink(link.URL, link.ZielID, link.Beschreibung) for link in links or []]
        )
