"""``--format pdf``: a readable report of the dataset, laid out with reportlab.

reportlab (the ``docs`` extra) is imported when a document is rendered, not
with the sink registry, so writing any other format never loads it. Tables
use ``repeatRows=1``: a table longer than a page continues on the next with
its header row again, so every page of rows can be read on its own.
Landscape A4, because data tables are wide; cells wrap and long values are cut.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synthwright.sinks._document import DocumentSink, TableFacts

__all__ = ["PdfSink"]

HEADER_FILL = "#dde4ee"


class PdfSink(DocumentSink):
    """Title, row counts, relationships, and per table: dictionary, summaries, first rows."""

    extension = ".pdf"

    def render(self, path: Path, tables: list[TableFacts]) -> None:
        from reportlab.lib import colors
        from reportlab.lib.pagesizes import A4, landscape
        from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
        from reportlab.lib.units import mm
        from reportlab.platypus import (
            PageBreak,
            Paragraph,
            SimpleDocTemplate,
            Spacer,
            Table,
            TableStyle,
        )
        from reportlab.platypus.flowables import Flowable

        styles = getSampleStyleSheet()
        small = ParagraphStyle("cell", parent=styles["BodyText"], fontSize=7, leading=8.5)
        head = ParagraphStyle("head", parent=small, fontName="Helvetica-Bold")
        doc = SimpleDocTemplate(
            str(path),
            pagesize=landscape(A4),
            leftMargin=12 * mm,
            rightMargin=12 * mm,
            topMargin=12 * mm,
            bottomMargin=12 * mm,
            title=self.title,
            author="synthwright",
        )
        width = doc.width

        def grid(header: list[str], rows: list[list[str]]) -> Table:
            def esc(text: str) -> str:
                return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

            data: list[list[Any]] = [[Paragraph(esc(h), head) for h in header]]
            data += [[Paragraph(esc(v), small) for v in row] for row in rows]
            t = Table(data, colWidths=[width / max(len(header), 1)] * len(header), repeatRows=1)
            t.setStyle(
                TableStyle(
                    [
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_FILL)),
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        (
                            "ROWBACKGROUNDS",
                            (0, 1),
                            (-1, -1),
                            [colors.white, colors.HexColor("#f6f8fb")],
                        ),
                    ]
                )
            )
            return t

        story: list[Flowable] = [
            Paragraph(self.title, styles["Title"]),
            Paragraph(
                f"{len(tables)} tables, {sum(t.rows for t in tables):,} rows. "
                f"Synthetic data made by synthwright; the first {self.doc_rows} rows of each table follow.",
                styles["BodyText"],
            ),
            Spacer(1, 4 * mm),
            Paragraph("Row counts", styles["Heading2"]),
            grid(
                ["Table", "Rows", "Columns"],
                [[t.name, f"{t.rows:,}", str(len(t.columns))] for t in tables],
            ),
        ]
        links = [link for t in tables for link in t.links]
        if links:
            story += [Paragraph("Relationships", styles["Heading2"])]
            story += [Paragraph(link, styles["BodyText"]) for link in links]
        for t in tables:
            story += [
                PageBreak(),
                Paragraph(f"Table {t.name}", styles["Heading1"]),
                Paragraph(f"{t.rows:,} rows", styles["BodyText"]),
                Paragraph("Data dictionary", styles["Heading2"]),
                grid(["Column", "Type", "Key", "Nullable", "Constraints"], t.dictionary_rows()),
                Paragraph("Column summaries", styles["Heading2"]),
                grid(
                    ["Column", "Values", "Nulls", "Min", "Max", "Mean"],
                    [c.summary_row() for c in t.columns],
                ),
                Paragraph(f"First {min(t.rows, self.doc_rows)} rows", styles["Heading2"]),
            ]
            rows = t.first_rows()
            if rows:
                story.append(grid([c.name for c in t.columns], rows))
            else:
                story.append(Paragraph("(no rows)", styles["BodyText"]))
        doc.build(story)
