"""The hardened XML entry on its own: the attack corpus, size limits, shape limits, entities.

The corpus (``tests/attacks/xml``) goes through :func:`read_body` and :func:`parse_envelope`
directly; the limits are the defaults of :class:`Settings`, the ones a deployment runs with.
"""

from __future__ import annotations

import errno
import gzip
import io
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from bipro_service.adapters.xml import hardened
from bipro_service.adapters.xml.hardened import XmlLimits, parse_envelope, parse_xml, read_body
from bipro_service.config import Settings
from bipro_service.domain.status import MalformedRequest, MeldungID
from bipro_service.namespaces import SOAP11_ENV
from tests.attacks.corpus import (
    CORPUS_DIR,
    LOGIN,
    PASSWORD,
    Attack,
    corpus,
    readme_expectations,
    utf16_variant,
)
from tests.support import login_request

_FIELDS = Settings.model_fields
LIMITS = XmlLimits(
    max_body_bytes=_FIELDS["max_body_bytes"].default,
    max_depth=_FIELDS["max_xml_depth"].default,
    max_attributes=_FIELDS["max_xml_attributes"].default,
    max_elements=_FIELDS["max_xml_elements"].default,
)
CORPUS = corpus()
CLEAN_LOGIN = login_request(LOGIN, PASSWORD)


def receive(data: bytes, limits: XmlLimits = LIMITS, encoding: str | None = None) -> bytes:
    """What the WSGI pipeline does with a body: read it with its Content-Length."""
    return read_body(io.BytesIO(data), str(len(data)), encoding, limits)


def refusal(data: bytes, limits: XmlLimits = LIMITS) -> MalformedRequest:
    with pytest.raises(MalformedRequest) as info:
        parse_envelope(receive(data, limits), limits)
    return info.value


# -- the corpus -------------------------------------------------------------------------------


def test_defaults_are_the_documented_ones() -> None:
    # docs/xml-hardening.md and the corpus (100 nested elements, 100 attributes) rely on these.
    documented = XmlLimits(25 * 1024 * 1024, 64, 64, 200_000)
    assert documented == LIMITS


def test_readme_lists_exactly_the_corpus() -> None:
    names = {attack.name for attack in CORPUS}
    listed = set(readme_expectations())
    assert names - listed == set(), "corpus files missing from tests/attacks/xml/README.md"
    assert listed - names == set(), "README.md rows without a corpus file"
    # Every class of SECURITY.md's "XML parsing" row is represented.
    for needle in ("doctype", "xxe", "parameter", "billion", "quadratic", "nesting", "attributes"):
        assert any(needle in name for name in names), needle
    assert any(name.startswith("sanitised-") for name in names)
    assert sum(name.endswith(".utf-16-le.xml") for name in names) >= 5


def test_control_the_clean_login_passes_in_every_encoding() -> None:
    # Without this, a broken template or UTF-16 generator would make every entry "refused".
    template = b'<?xml version="1.0" encoding="UTF-8"?>\n' + CLEAN_LOGIN
    for data in (template, *(utf16_variant(template, enc) for enc in ("utf-16-le", "utf-16-be"))):
        envelope = parse_envelope(receive(data), LIMITS)
        assert envelope.operation_name == "RequestSecurityToken"
        assert envelope.root.findtext(".//{*}Username") == LOGIN


@pytest.mark.parametrize("attack", CORPUS, ids=str)
def test_corpus_entry_is_answered_as_documented(attack: Attack) -> None:
    expected = attack.expected
    assert expected is not None, f"add {attack.name} to tests/attacks/xml/README.md"
    if expected.accepted:
        envelope = parse_envelope(receive(attack.data), LIMITS)
        assert envelope.operation_name == "RequestSecurityToken"
        return
    error = refusal(attack.data)
    assert error.faultcode == expected.faultcode
    assert error.meldung_id.value == expected.meldung_id
    assert expected.faultstring
    assert error.text.startswith(expected.faultstring), error.text
    assert "/etc/passwd" not in error.text and "root:" not in error.text


def test_processing_instructions_are_dropped_everywhere() -> None:
    data = (CORPUS_DIR / "sanitised-processing-instructions.xml").read_bytes()
    assert data.count(b"<?") >= 4  # the declaration and three PIs: the file still attacks
    envelope = parse_envelope(receive(data), LIMITS)
    tree = envelope.root.getroottree()
    assert list(envelope.root.iter(etree.PI)) == []
    assert envelope.root.getprevious() is None and envelope.root.getnext() is None
    serialised = etree.tostring(tree)
    assert b"<?" not in serialised and b"php" not in serialised and b"stylesheet" not in serialised
    assert envelope.root.findtext(".//{*}Username") == LOGIN


def test_comments_are_dropped() -> None:
    data = CLEAN_LOGIN.replace(b"<wsse:Username>", b"<!-- hidden --><wsse:Username>")
    envelope = parse_envelope(receive(data), LIMITS)
    assert list(envelope.root.iter(etree.Comment)) == []


def test_legacy_bipro_version_is_moved_to_the_nachrichten_namespace() -> None:
    legacy = b'<a:BiPROVersion xmlns:a="http://www.bipro.net/namespace/allgemein">2.1.0.1.0'
    data = CLEAN_LOGIN.replace(
        b"</wst:RequestSecurityToken>", legacy + b"</a:BiPROVersion></wst:RequestSecurityToken>"
    )
    envelope = parse_envelope(receive(data), LIMITS)
    nachrichten = "{http://www.bipro.net/namespace/nachrichten}BiPROVersion"
    # Parsing leaves the tree as sent (a signature is verified on it) ...
    assert [e.text for e in envelope.operation.findall(nachrichten)] == ["2.6.1.1.0"]
    hardened.normalise_legacy_version(envelope)
    # ... the pipeline then reads both namespaces as one.
    assert [e.text for e in envelope.operation.findall(nachrichten)] == ["2.6.1.1.0", "2.1.0.1.0"]


def test_soap12_is_a_version_mismatch_other_roots_are_client_errors() -> None:
    assert refusal((CORPUS_DIR / "soap12-envelope.xml").read_bytes()).faultcode == "VersionMismatch"
    assert refusal(b"<Envelope/>").faultcode == "Client"
    assert refusal(f'<e:Header xmlns:e="{SOAP11_ENV}"/>'.encode()).faultcode == "Client"


# -- size limits ------------------------------------------------------------------------------


class ExplodingStream(io.RawIOBase):
    """A request stream that must not be read."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("body read although Content-Length was already too large")


class EndlessStream(io.RawIOBase):
    """A chunked upload that never ends; counts what was read."""

    def __init__(self) -> None:
        self.served = 0

    def read(self, size: int = -1) -> bytes:
        size = 65536 if size is None or size < 0 else size
        self.served += size
        return b" " * size


SMALL = XmlLimits(max_body_bytes=10_000, max_depth=64, max_attributes=64, max_elements=1000)


def test_content_length_over_the_limit_is_refused_before_reading() -> None:
    for announced in (LIMITS.max_body_bytes + 1, 10**12):
        with pytest.raises(MalformedRequest) as info:
            read_body(ExplodingStream(), str(announced), None, LIMITS)  # type: ignore[arg-type]
        assert info.value.meldung_id is MeldungID.INCOMPLETE_DATA
        assert "größer als 26214400 Bytes" in info.value.text


@pytest.mark.parametrize("announced", ["-1", "abc", "1e3", "0x10"])
def test_invalid_content_length_is_refused_before_reading(announced: str) -> None:
    with pytest.raises(MalformedRequest):
        read_body(ExplodingStream(), announced, None, LIMITS)  # type: ignore[arg-type]


def test_body_at_the_limit_is_read_one_byte_more_is_refused() -> None:
    exact = b"x" * SMALL.max_body_bytes
    assert read_body(io.BytesIO(exact), None, None, SMALL) == exact
    with pytest.raises(MalformedRequest, match="größer als 10000 Bytes"):
        read_body(io.BytesIO(exact + b"x"), None, None, SMALL)


def test_body_over_the_limit_without_content_length_stops_reading() -> None:
    stream = EndlessStream()
    with pytest.raises(MalformedRequest, match="größer als"):
        read_body(stream, None, None, LIMITS)  # type: ignore[arg-type]
    assert stream.served <= LIMITS.max_body_bytes + 65536


def _gzip_stream(chunks: Iterator[bytes]) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [compressor.compress(chunk) for chunk in chunks]
    out.append(compressor.flush())
    return b"".join(out)


def test_gzip_bomb_is_refused_after_inflating_at_most_the_limit() -> None:
    # 64 MiB of blanks inside an element: ~65 KB on the wire, far below the limit.
    inner = (b" " * (1024 * 1024) for _ in range(64))
    bomb = _gzip_stream(iter([b"<r>", *inner, b"</r>"]))
    assert len(bomb) < LIMITS.max_body_bytes // 100
    started = time.perf_counter()
    with pytest.raises(MalformedRequest) as info:
        read_body(io.BytesIO(bomb), str(len(bomb)), "gzip", LIMITS)
    assert "(entpackt)" in info.value.text
    assert info.value.meldung_id is MeldungID.INCOMPLETE_DATA
    assert time.perf_counter() - started < 10


def test_gzip_at_the_limit_is_accepted_one_byte_more_is_refused() -> None:
    exact = b"x" * SMALL.max_body_bytes
    assert read_body(io.BytesIO(gzip.compress(exact)), None, "gzip", SMALL) == exact
    with pytest.raises(MalformedRequest, match="entpackt"):
        read_body(io.BytesIO(gzip.compress(exact + b"x")), None, "gzip", SMALL)


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "GZip ", "deflate"])
def test_compressed_requests_are_inflated(encoding: str) -> None:
    packed = zlib.compress(CLEAN_LOGIN) if encoding == "deflate" else gzip.compress(CLEAN_LOGIN)
    assert receive(packed, encoding=encoding) == CLEAN_LOGIN


@pytest.mark.parametrize(
    "packed",
    [
        pytest.param(b"\x1f\x8b\x08\x00garbage-not-deflate" * 4, id="bad-deflate-data"),
        pytest.param(b"plain text, not gzip at all", id="no-gzip-header"),
        pytest.param(gzip.compress(CLEAN_LOGIN)[:-40], id="truncated"),
        pytest.param(gzip.compress(CLEAN_LOGIN)[:12], id="header-only"),
    ],
)
def test_corrupt_gzip_is_refused(packed: bytes) -> None:
    with pytest.raises(MalformedRequest, match="Komprimierter Request ist beschädigt"):
        receive(packed, encoding="gzip")


@pytest.mark.parametrize("encoding", ["br", "compress", "zstd", "gzip, gzip", "identity;q=1"])
def test_unsupported_content_encoding_is_refused(encoding: str) -> None:
    with pytest.raises(MalformedRequest, match="wird nicht unterstützt"):
        receive(gzip.compress(CLEAN_LOGIN), encoding=encoding)


@pytest.mark.parametrize("encoding", [None, "", "identity", "Identity"])
def test_identity_encoding_passes_the_body_unchanged(encoding: str | None) -> None:
    assert receive(CLEAN_LOGIN, encoding=encoding) == CLEAN_LOGIN


def test_empty_body_is_refused() -> None:
    with pytest.raises(MalformedRequest, match="Leerer Request"):
        read_body(io.BytesIO(b""), None, None, LIMITS)
    with pytest.raises(MalformedRequest, match="Leerer Request"):
        read_body(io.BytesIO(gzip.compress(b"")), None, "gzip", LIMITS)


# -- shape limits -----------------------------------------------------------------------------


def nested(depth: int) -> bytes:
    return b"".join(b"<e%d>" % i for i in range(depth)) + b"".join(
        b"</e%d>" % i for i in reversed(range(depth))
    )


def test_depth_exactly_at_the_limit_is_accepted_one_more_is_refused() -> None:
    root = parse_xml(nested(LIMITS.max_depth), LIMITS)
    assert sum(1 for _ in root.iter()) == LIMITS.max_depth
    with pytest.raises(MalformedRequest, match="tiefer als 64 Ebenen"):
        parse_xml(nested(LIMITS.max_depth + 1), LIMITS)


def test_depth_counts_the_whole_envelope() -> None:
    # Envelope, Body and the operation are three levels of the 64.
    def request(depth: int) -> bytes:
        inner = nested(depth - 3).decode()
        return CLEAN_LOGIN.replace(b"<wst:TokenType>", f"{inner}<wst:TokenType>".encode())

    assert parse_envelope(request(LIMITS.max_depth), LIMITS).operation_name
    with pytest.raises(MalformedRequest, match="tiefer als"):
        parse_envelope(request(LIMITS.max_depth + 1), LIMITS)


def element_with(attributes: int, namespaces: int) -> bytes:
    attrs = " ".join(f'a{i}="v"' for i in range(attributes))
    decls = " ".join(f'xmlns:p{i}="urn:p:{i}"' for i in range(namespaces))
    return f"<r {attrs} {decls}/>".encode()


@pytest.mark.parametrize(("attributes", "namespaces"), [(64, 0), (0, 64), (32, 32), (1, 63)])
def test_attributes_and_namespaces_at_the_limit_are_accepted(
    attributes: int, namespaces: int
) -> None:
    root = parse_xml(element_with(attributes, namespaces), LIMITS)
    assert len(root.attrib) == attributes and len(root.nsmap) == namespaces


@pytest.mark.parametrize(("attributes", "namespaces"), [(65, 0), (0, 65), (33, 32), (1000, 0)])
def test_one_attribute_or_namespace_more_is_refused(attributes: int, namespaces: int) -> None:
    with pytest.raises(MalformedRequest, match="Zu viele Attribute oder Namensräume"):
        parse_xml(element_with(attributes, namespaces), LIMITS)


def test_namespace_declarations_are_counted_per_element_not_per_scope() -> None:
    # 60 in scope from the parent, 10 new on the child: 10 count, not 70.
    parent = " ".join(f'xmlns:p{i}="urn:p:{i}"' for i in range(60))
    child = " ".join(f'xmlns:q{i}="urn:q:{i}"' for i in range(10))
    assert parse_xml(f"<r {parent}><c {child}/></r>".encode(), LIMITS) is not None
    # Redeclaring prefixes already in scope is still a declaration each.
    again = " ".join(f'xmlns:p{i}="urn:other:{i}"' for i in range(60))
    with pytest.raises(MalformedRequest, match="Zu viele"):
        parse_xml(f"<r {parent}><c {again} {child}/></r>".encode(), LIMITS)


def test_many_namespaces_in_scope_parse_in_linear_time() -> None:
    # 55 levels declaring 60 prefixes each (3,300 in scope, each level within the limit),
    # then 150,000 elements. Counting declarations via ``nsmap`` took minutes here.
    opening: list[str] = []
    closing: list[str] = []
    for level in range(55):
        decls = " ".join(f'xmlns:p{level}_{i}="urn:{level}:{i}"' for i in range(60))
        opening.append(f"<l{level} {decls}>")
        closing.insert(0, f"</l{level}>")
    data = ("".join(opening) + "<a/>" * 150_000 + "".join(closing)).encode()
    started = time.perf_counter()
    parse_xml(data, LIMITS)
    assert time.perf_counter() - started < 10


def test_element_count_at_the_limit_is_accepted_one_more_is_refused() -> None:
    def flat(count: int) -> bytes:
        return b"<r>" + b"<a/>" * (count - 1) + b"</r>"

    assert len(parse_xml(flat(SMALL.max_elements), SMALL)) == SMALL.max_elements - 1
    with pytest.raises(MalformedRequest, match="Mehr als 1000 XML-Elemente"):
        parse_xml(flat(SMALL.max_elements + 1), SMALL)


@pytest.mark.parametrize("namespace", ["2001", "2003"])
def test_xinclude_is_refused_anywhere(namespace: str) -> None:
    xi = f'<xi:include xmlns:xi="http://www.w3.org/{namespace}/XInclude" href="x"/>'
    for data in (f"<r>{xi}</r>", xi, f"<r><a><b>{xi}</b></a></r>"):
        with pytest.raises(MalformedRequest, match="XInclude"):
            parse_xml(data.encode(), LIMITS)


def test_limits_are_enforced_while_parsing_not_after() -> None:
    # A well-formedness error 200 KB behind the depth violation: the depth answer comes
    # first, so parsing stopped at the violation.
    data = b"".join(b"<e%d>" % i for i in range(200)) + b" " * 200_000 + b"<<broken"
    with pytest.raises(MalformedRequest, match="tiefer als"):
        parse_xml(data, LIMITS)


# -- entities and external resources ----------------------------------------------------------

PAD = b"<!--" + b" padding beyond the first 4 KiB " * 160 + b"-->\n"


def hidden(doctype: str, body: str) -> list[bytes]:
    """The DOCTYPE where a byte scan of the first 4 KiB cannot see it: padded, and UTF-16."""
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n{body}'
    padded = text.replace("?>\n", "?>\n" + PAD.decode(), 1).encode()
    return [padded, *(utf16_variant(text.encode(), enc) for enc in ("utf-16-le", "utf-16-be"))]


def resource_attacks(url: str) -> list[bytes]:
    """Every way a document can make libxml2 load ``url``."""
    cases = [
        (f'<!DOCTYPE r [<!ENTITY x SYSTEM "{url}">]>', "<r>&x;</r>"),
        (f'<!DOCTYPE r [<!ENTITY x SYSTEM "{url}">]>', '<r a="&x;"/>'),
        (f'<!DOCTYPE r SYSTEM "{url}">', "<r>&leak;</r>"),
        (f'<!DOCTYPE r PUBLIC "-//X//DTD X//EN" "{url}">', "<r/>"),
        (f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{url}"> %p;]>', "<r>&leak;</r>"),
        (f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{url}"> <!ENTITY e "%p;">]>', "<r>&e;</r>"),
    ]
    return [doc for doctype, body in cases for doc in hidden(doctype, body)]


@pytest.fixture
def secret_file(tmp_path: Path) -> tuple[Path, str]:
    secret = f"GEHEIM-{uuid.uuid4().hex}"
    path = tmp_path / "secret.txt"
    # Also a valid DTD and entity text, so a loader would succeed if it were asked.
    path.write_text(f'<!ENTITY leak "{secret}">{secret}\n', encoding="utf-8")
    return path, secret


def test_local_file_entities_are_refused_and_never_expanded(secret_file: tuple[Path, str]) -> None:
    path, secret = secret_file
    for data in resource_attacks(path.as_uri()):
        with pytest.raises(MalformedRequest) as info:
            parse_xml(data, LIMITS)
        assert info.value.meldung_id is MeldungID.INCOMPLETE_DATA
        chain = (info.value, info.value.__cause__, info.value.__context__)
        assert all(secret not in str(exc) for exc in chain if exc is not None)
        assert secret not in repr(info.value.__dict__)
        # The parser itself, below the DOCTYPE refusal: nothing is substituted either.
        parser = hardened._pull_parser()
        try:
            parser.feed(data)
            root = parser.close()
        except etree.XMLSyntaxError:
            continue  # libxml2 refused it on its own
        dumped = etree.tostring(root.getroottree(), encoding="unicode")
        assert secret not in dumped
        assert all(secret not in (e.text or "") for e in root.iter(etree.Entity))


@pytest.fixture
def watched_fifo(tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    """A FIFO that reports whether anyone opened it for reading (and then feeds it a secret)."""
    path = tmp_path / "watched.fifo"
    os.mkfifo(path)
    opened: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:  # ENXIO: no reader
                    raise
                time.sleep(0.002)
                continue
            opened.append("opened")
            try:
                os.write(fd, b'<!ENTITY leak "FIFO-SECRET">FIFO-SECRET')
            except (BrokenPipeError, BlockingIOError):
                pass  # the reader is gone already, or does not read
            finally:
                os.close(fd)
            time.sleep(0.002)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    yield path, opened
    stop.set()
    watcher.join(timeout=5)


def parse_in_child(url: str) -> None:
    """Parse :func:`resource_attacks` of ``url`` in a child process; all must be refused.

    A child, because a regression blocks or spins inside libxml2 holding the GIL.
    """
    script = (
        "import sys\n"
        "from tests.unit.test_hardened_xml import LIMITS, resource_attacks\n"
        "from bipro_service.adapters.xml.hardened import parse_xml\n"
        "from bipro_service.domain.status import MalformedRequest\n"
        "for data in resource_attacks(sys.argv[1]):\n"
        "    try:\n"
        "        parse_xml(data, LIMITS)\n"
        "    except MalformedRequest:\n"
        "        continue\n"
        "    sys.exit('accepted')\n"
        "print('refused all')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, url],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "refused all"


def test_no_local_file_is_ever_opened(watched_fifo: tuple[Path, list[str]]) -> None:
    path, opened = watched_fifo
    # Control: the watcher does notice a reader.
    reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    deadline = time.monotonic() + 5
    while not opened and time.monotonic() < deadline:
        time.sleep(0.005)
    os.close(reader)
    assert opened, "the FIFO watcher did not notice a reader"
    time.sleep(0.05)
    opened.clear()
    parse_in_child(path.as_uri())
    time.sleep(0.05)  # let the watcher look once more
    assert opened == []


def test_dev_zero_as_external_entity_does_not_hang_the_worker() -> None:
    parse_in_child("file:///dev/zero")


def test_no_network_request_is_ever_made() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        listener.settimeout(0.3)
        port = listener.getsockname()[1]
        attacks = resource_attacks(f"http://127.0.0.1:{port}/evil.dtd")
        attacks += [
            b"<r><xi:include xmlns:xi='http://www.w3.org/2001/XInclude' href='http://127.0.0.1:%d/x'/></r>"
            % port
        ]
        for data in attacks:
            with pytest.raises(MalformedRequest):
                parse_xml(data, LIMITS)
        with pytest.raises(TimeoutError):
            connection, _ = listener.accept()
            connection.close()


def test_the_corpus_file_entity_does_not_leak_etc_passwd() -> None:
    passwd = Path("/etc/passwd")
    if not passwd.exists():
        pytest.skip("no /etc/passwd")
    first_line = passwd.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    data = (CORPUS_DIR / "xxe-file-passwd.xml").read_bytes()
    for variant in (data, *(utf16_variant(data, enc) for enc in ("utf-16-le", "utf-16-be"))):
        parser = hardened._pull_parser()
        parser.feed(variant)
        root = parser.close()
        assert first_line not in etree.tostring(root, encoding="unicode")
        assert isinstance(root.find(".//{*}Username")[0], etree._Entity)  # type: ignore[index]
