"""Readable PDF letters and documents (offers, policies, claim letters, broker post).

Only reportlab's built-in Helvetica is used: nothing is fetched or embedded, and the output
is byte-for-byte reproducible for the same input (reportlab's ``invariant`` mode).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

TEST_DATA_MARKER = "Testdaten – keine echten Kunden- oder Vertragsdaten"

_BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=14, spaceAfter=6)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=8, leading=10, spaceAfter=0)
_TITLE = ParagraphStyle("title", parent=_BODY, fontName="Helvetica-Bold", fontSize=14, leading=18)
_KEY = ParagraphStyle("key", parent=_BODY, fontName="Helvetica-Bold", spaceAfter=0)
_VALUE = ParagraphStyle("value", parent=_BODY, spaceAfter=0)


@dataclass(frozen=True, slots=True)
class Document:
    """What a letter says; every text is plain text (no markup)."""

    title: str
    recipient: Sequence[str] = ()
    paragraphs: Sequence[str] = ()
    table: Sequence[tuple[str, str]] = ()
    sender: Sequence[str] = ()
    dated: date | None = None
    is_test: bool = False


def render_document(document: Document) -> bytes:
    """Render ``document`` as an A4 PDF; test data carries the marker on every page."""
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=25 * mm,
        title=document.title,
        author=", ".join(document.sender) or None,
        creator="bipro_service",
        lang="de-DE",
        invariant=True,
    )

    def footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, f"Seite {doc.page}")
        if document.is_test:
            canvas.setFont("Helvetica-Bold", 9)
            canvas.setFillColor(colors.darkred)
            canvas.drawString(25 * mm, 12 * mm, TEST_DATA_MARKER)
        canvas.restoreState()

    template.build(_story(document), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _story(document: Document) -> list[Flowable]:
    story: list[Flowable] = []
    if document.sender:
        story.append(_lines(document.sender, _SMALL))
        story.append(Spacer(1, 6 * mm))
    if document.recipient:
        story.append(_lines(document.recipient, _BODY))
        story.append(Spacer(1, 8 * mm))
    if document.dated is not None:
        story.append(Paragraph(f"Datum: {document.dated:%d.%m.%Y}", _BODY))
    story.append(Paragraph(escape(document.title), _TITLE))
    story.append(Spacer(1, 4 * mm))
    story.extend(Paragraph(escape(text), _BODY) for text in document.paragraphs)
    if document.table:
        story.append(Spacer(1, 2 * mm))
        story.append(_key_value_table(document.table))
    return story


def _lines(lines: Sequence[str], style: ParagraphStyle) -> Paragraph:
    return Paragraph("<br/>".join(escape(line) for line in lines), style)


def _key_value_table(rows: Sequence[tuple[str, str]]) -> Table:
    # Paragraph cells wrap long values instead of running off the page.
    data = [[Paragraph(escape(key), _KEY), Paragraph(escape(value), _VALUE)] for key, value in rows]
    table = Table(data, colWidths=[60 * mm, 105 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table
