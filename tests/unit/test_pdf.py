"""PDF letters: valid, readable, test data marked, markup-safe, reproducible."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pypdf

from bipro_service.adapters.pdf import TEST_DATA_MARKER, Document, render_document

LETTER = Document(
    title="Nachtrag zum Versicherungsschein VAL-1001001",
    recipient=("Müller & Söhne <Juwelier> GmbH", "Königsallee 1", "40212 Düsseldorf"),
    paragraphs=("Sehr geehrte Damen und Herren,", "die Versicherungssumme beträgt 5 % mehr."),
    table=(("Versicherungssumme", "1.000.000,00 EUR"), ("Zahlungsweise", "vierteljährlich")),
    sender=("Valoren Versicherung AG (Demo)",),
    dated=date(2025, 3, 31),
)


def _text(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_a_letter_is_a_pdf_with_its_text() -> None:
    data = render_document(LETTER)
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    (text,) = _text(data)
    for expected in (
        "Nachtrag zum Versicherungsschein VAL-1001001",
        "Müller & Söhne <Juwelier> GmbH",  # markup characters are text, not markup
        "40212 Düsseldorf",
        "5 % mehr",
        "Versicherungssumme",
        "1.000.000,00 EUR",
        "vierteljährlich",
        "Datum: 31.03.2025",
        "Valoren Versicherung AG (Demo)",
    ):
        assert expected in text


def test_the_title_is_the_documents_title() -> None:
    reader = pypdf.PdfReader(io.BytesIO(render_document(LETTER)))
    assert reader.metadata is not None
    assert reader.metadata.title == LETTER.title


def test_only_test_data_carries_the_marker_on_every_page() -> None:
    long = Document(title="Rundschreiben", paragraphs=["Lorem ipsum dolor sit amet. " * 60] * 8)
    real_pages = _text(render_document(long))
    test_pages = _text(render_document(replace(long, is_test=True)))
    assert len(test_pages) == len(real_pages) > 1
    assert all(TEST_DATA_MARKER in page for page in test_pages)
    assert not any("Testdaten" in page for page in real_pages)
    assert [f"Seite {n}" in page for n, page in enumerate(test_pages, 1)] == [True] * len(
        test_pages
    )


def test_rendering_is_reproducible() -> None:
    assert render_document(LETTER) == render_document(LETTER)
    assert render_document(LETTER) != render_document(replace(LETTER, title="x"))
