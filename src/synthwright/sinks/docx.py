"""``--format docx``: the dataset report as a Word document, with python-docx.

The same content as the PDF (``_document.py`` gathers it). python-docx (the
``docs`` extra) is imported when rendering. Every table's first row is
marked as a header row (``w:tblHeader``), so Word repeats it on each page a
long table runs over -- the Word form of a paginated table with headers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synthwright.sinks._document import DocumentSink, TableFacts

__all__ = ["DocxSink"]


class DocxSink(DocumentSink):
    """Title, row counts, relationships, and per table: dictionary, summaries, first rows."""

    extension = ".docx"

    def render(self, path: Path, tables: list[TableFacts]) -> None:
        from docx import Document
        from docx.enum.section import WD_ORIENT
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        doc = Document()
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(12))

        def grid(header: list[str], rows: list[list[str]]) -> Any:
            table = doc.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            first = table.rows[0]
            tr_pr = first._tr.get_or_add_trPr()
            mark = OxmlElement("w:tblHeader")
            mark.set(qn("w:val"), "true")
            tr_pr.append(mark)
            for c, text in zip(first.cells, header, strict=True):
                c.text = text
                for run in c.paragraphs[0].runs:
                    run.bold = True
                    run.font.size = Pt(7)
            for row in rows:
                cells = table.add_row().cells
                for c, text in zip(cells, row, strict=True):
                    c.text = text
                    for run in c.paragraphs[0].runs:
                        run.font.size = Pt(7)
            return table

        doc.add_heading(self.title, level=0)
        doc.add_paragraph(
            f"{len(tables)} tables, {sum(t.rows for t in tables):,} rows. Synthetic data made by "
            f"synthwright; the first {self.doc_rows} rows of each table follow."
        )
        doc.add_heading("Row counts", level=1)
        grid(
            ["Table", "Rows", "Columns"],
            [[t.name, f"{t.rows:,}", str(len(t.columns))] for t in tables],
        )
        links = [link for t in tables for link in t.links]
        if links:
            doc.add_heading("Relationships", level=1)
            for link in links:
                doc.add_paragraph(link, style="List Bullet")
        for t in tables:
            doc.add_page_break()
            doc.add_heading(f"Table {t.name}", level=1)
            doc.add_paragraph(f"{t.rows:,} rows")
            doc.add_heading("Data dictionary", level=2)
            grid(["Column", "Type", "Key", "Nullable", "Constraints"], t.dictionary_rows())
            doc.add_heading("Column summaries", level=2)
            grid(
                ["Column", "Values", "Nulls", "Min", "Max", "Mean"],
                [c.summary_row() for c in t.columns],
            )
            doc.add_heading(f"First {min(t.rows, self.doc_rows)} rows", level=2)
            rows = t.first_rows()
            if rows:
                grid([c.name for c in t.columns], rows)
            else:
                doc.add_paragraph("(no rows)")
        doc.save(str(path))
