"""getShipment of a 20 MiB PDF: the answer is exact, and memory stays a bounded multiple of it.

Two measures around one in-process ``getShipment`` call (SQLite, or PostgreSQL when
``BIPRO_TEST_DATABASE_URL`` is set):

- ``tracemalloc``: the peak of memory allocated by Python. At the peak the file (1x), Spyne's
  base64 ``bytes`` and the ``str`` it decodes them to (1.33x each) are alive together; the
  serialised answer (1.33x) comes later. Measured: 3.67x the file size on both databases.
- The growth of the resident set's high-water mark (Linux): also counts what Python does not
  see -- libxml2's copy of the text node and its output buffer, the database driver's buffers --
  and memory the C allocator keeps after a free. Measured: 9.1-9.9x on SQLite, 7.9-11.5x on
  PostgreSQL; the bound only catches gross regressions.

SQLite used to sort the document rows, contents included, by ``position``: about 5x the file of
native memory in its sorter, invisible to ``tracemalloc``. The contents are now read by a query
without ``ORDER BY``, which the test checks directly.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import gc
import hashlib
import os
import re
import sys
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import event

from bipro_service.adapters.db.base import utcnow
from bipro_service.entrypoints.wsgi import BiproApplication
from bipro_service.namespaces import ALLGEMEIN, GEVO
from bipro_service.service_layer.admin import set_document_delivery
from tests.integration.accounts_helpers import make_firm, make_user, token
from tests.integration.portfolio_calls import TRANSFER_PATH, T, transfer
from tests.integration.portfolio_helpers import make_customer, make_shipment
from tests.official import assert_official
from tests.support import NS, Answer, call, envelope, request_body, token_header

SIZE = 20 * 1024 * 1024
#: Python peak of one getShipment call, by delivery. Inline base64: measured 3.67x (the file,
#: its base64 text in the tree and in the serialised answer); one more copy (1x) or answer
#: (1.33x) exceeds the bound. MTOM: measured 3.04x — the file as the driver returns it and as
#: read (2x) plus this test caller joining the streamed parts into one body (1x, a server
#: streams them); a base64 copy of the file (1.33x) anywhere exceeds the bound.
PYTHON_PEAK_FACTOR = {"inline": 4.5, "mtom": 3.5}
#: Inline: measured 9.1-9.9x (SQLite) and 7.9-11.5x (PostgreSQL), allocator behaviour included.
RESIDENT_PEAK_FACTOR = {"inline": 16, "mtom": 8}

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


@dataclass
class Large:
    data: bytes
    shipment: str
    token: str
    delivery: str


@pytest.fixture(params=["mtom", "inline"])
def large(app: BiproApplication, request: pytest.FixtureRequest) -> Large:
    rt = app.runtime
    make_firm(rt, "T100")
    with rt.uow() as uow:
        set_document_delivery(uow, "T100", request.param, utcnow())
    make_user(rt, "anna", "T100")
    make_customer(rt, "K1", "T100", contract="VAL-1")
    data = b"%PDF-1.4\n" + os.urandom(SIZE - 9)
    shipment = make_shipment(rt, "T100", customer="K1", data=data)
    return Large(data, shipment, token(app, "anna"), request.param)


def _status(field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", _STATUS.read_text(), re.MULTILINE)
    assert match is not None
    return int(match.group(1)) * 1024


class ResidentPeak:
    """Growth of the resident set's high-water mark (Linux only; ``None`` elsewhere)."""

    def __init__(self) -> None:
        self.growth: int | None = None
        self._start = 0

    def __enter__(self) -> ResidentPeak:
        gc.collect()
        if sys.platform.startswith("linux"):
            with contextlib.suppress(OSError, AttributeError):  # glibc only
                ctypes.CDLL("libc.so.6").malloc_trim(0)  # give freed heap back: a tight start
        try:
            _CLEAR_REFS.write_text("5")  # reset VmHWM to the current resident set
        except OSError:
            return self
        self._start = _status("VmRSS")
        return self

    def __exit__(self, *_: object) -> None:
        if self._start:
            self.growth = _status("VmHWM") - self._start


def _measured_call(app: BiproApplication, large: Large) -> tuple[Answer, int, int | None]:
    """``getShipment`` with the Python peak and the resident-set growth it caused."""
    inner = request_body(T, "getShipment", f"<t:ID>{large.shipment}</t:ID>")
    request = envelope(inner, token_header(large.token))
    with ResidentPeak() as resident:
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            # The app alone: the test caller's official-XSD check runs after the measurement.
            answer = call(app, TRANSFER_PATH, request, check_official=False)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return answer, peak, resident.growth


def test_get_shipment_of_a_20_mib_pdf(app: BiproApplication, large: Large) -> None:
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(app.runtime.engine, "before_cursor_execute", record)
    try:
        answer, peak, resident = _measured_call(app, large)
    finally:
        event.remove(app.runtime.engine, "before_cursor_execute", record)

    assert answer.code == 200
    assert answer.is_mtom == (large.delivery == "mtom"), answer.headers
    assert_official(answer.headers["Content-Type"], answer.body)
    root = answer.xml  # MTOM: the XOP parts resolved as a client's decoder does
    assert root.findtext(".//nachr:StatusID", namespaces=NS) == "OK"
    datei = root.find(f".//{{{GEVO}}}Datei")
    assert datei is not None
    digest = hashlib.sha256(large.data).hexdigest()
    sha1 = hashlib.sha1(large.data).hexdigest()  # noqa: S324 - the norm's CT_Pruefsumme: MD5 or SHA1
    assert datei.findtext(f"{{{ALLGEMEIN}}}Pruefsumme/{{{ALLGEMEIN}}}Wert", "").lower() == sha1
    daten = base64.b64decode(datei.findtext(f"{{{ALLGEMEIN}}}Daten") or "", validate=True)
    assert hashlib.sha256(daten).hexdigest() == digest and daten == large.data

    factor = PYTHON_PEAK_FACTOR[large.delivery]
    assert peak < factor * SIZE, f"{large.delivery}: Python peak {peak / SIZE:.2f}x the file"
    contents = [s for s in statements if "shipment_documents.data" in s]
    assert len(contents) == 1 and "ORDER BY" not in contents[0].upper(), contents
    if resident is not None:
        bound = RESIDENT_PEAK_FACTOR[large.delivery]
        assert resident < bound * SIZE, f"{large.delivery}: resident +{resident / SIZE:.2f}x"


def test_acknowledging_does_not_load_the_contents(app: BiproApplication, large: Large) -> None:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        acked = transfer(app, large.token, "acknowledgeShipment", f"<t:ID>{large.shipment}</t:ID>")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert acked.text(".//nachr:StatusID") == "OK" and acked.meldung_ids == ["04000"]
    assert peak < SIZE / 4, f"Python peak {peak / SIZE:.2f}x the file"
