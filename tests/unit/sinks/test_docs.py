"""`--format pdf|docx`: a document of the dataset, looked at as a person would."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import synthwright as sw
from synthwright.errors import SinkError

SPEC: dict[str, Any] = {
    "version": 1,
    "name": "shop",
    "seed": 2,
    "tables": {
        "customers": {
            "rows": 300,
            "columns": {
                "id": {"type": "id"},
                "name": {"type": "full_name"},
                "email": {"type": "email", "unique": True},
                "age": {"type": "int", "min": 18, "max": 90},
                "signup": {"type": "datetime", "min": "2023-01-01", "max": "2024-12-31"},
            },
        },
        "orders": {
            "per_parent": {"table": "customers", "dist": {"poisson": {"lam": 2}}, "max": 6},
            "columns": {
                "id": {"type": "uuid"},
                "customer_id": {"ref": "customers.id"},
                "status": {"type": "category", "values": ["pending", "shipped"]},
                "total": {"type": "decimal", "min": 1, "max": 99, "scale": 2},
            },
        },
    },
}


@pytest.fixture(scope="module")
def ds() -> Any:
    data = sw.generate(SPEC)
    data.materialize()
    return data


def test_docx_has_dictionary_summaries_and_rows_with_header_rows(ds: Any, tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    written = ds.write(tmp_path, format="docx", doc_rows=30)
    assert [Path(p).name for p in written] == ["shop.docx"]
    doc = docx.Document(written[0])
    tables = doc.tables
    # row counts, then per table: dictionary, summaries, first rows
    assert len(tables) == 1 + 3 * 2
    counts = [[c.text for c in r.cells] for r in tables[0].rows]
    assert counts[0] == ["Table", "Rows", "Columns"]
    assert counts[1][:2] == ["customers", "300"]
    assert counts[2][:2] == ["orders", f"{ds['orders'].num_rows:,}"]
    dictionary = [[c.text for c in r.cells] for r in tables[1].rows]
    assert dictionary[0] == ["Column", "Type", "Key", "Nullable", "Constraints"]
    by_col = {r[0]: r for r in dictionary[1:]}
    assert (
        by_col["id"][2] == "PK" and "min=18" in by_col["age"][4] and by_col["email"][2] == "unique"
    )
    orders_dict = {r.cells[0].text: r.cells[2].text for r in tables[4].rows}
    assert orders_dict["customer_id"] == "FK → customers.id"
    rows = tables[3]
    assert [c.text for c in rows.rows[0].cells] == ["id", "name", "email", "age", "signup"]
    assert len(rows.rows) == 1 + 30
    assert rows.rows[1].cells[0].text == "1"
    for table in tables:  # every header row repeats on each page
        tr_pr = table.rows[0]._tr.trPr
        assert tr_pr is not None and any(el.tag.endswith("tblHeader") for el in tr_pr)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "shop" in text and "orders.customer_id → customers.id" in text


def _pdftoppm() -> str:
    tool = shutil.which("pdftoppm")
    if tool is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: cannot render the PDF")
    return tool


def test_pdf_pages_render_and_are_not_blank(ds: Any, tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    tool = _pdftoppm()
    written = ds.write(tmp_path / "out", format="pdf", doc_rows=80)
    pdf = Path(written[0])
    assert pdf.name == "shop.pdf" and pdf.read_bytes().startswith(b"%PDF")
    subprocess.run([tool, "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 4  # title + a table spanning pages each: paginated
    from PIL import Image

    for page in pages:
        gray = Image.open(page).convert("L")
        dark = sum(gray.histogram()[:200])  # pixels darker than light grey
        assert dark > 0.005 * gray.width * gray.height, f"{page.name} is blank"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["shop.pdf"]  # no leftovers


def test_pdf_text_carries_the_dictionary(ds: Any, tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = ds.write(tmp_path, format="pdf", doc_rows=5)[0]
    text = subprocess.run(
        [tool, "-layout", pdf, "-"], check=True, capture_output=True, text=True
    ).stdout
    for needle in (
        "shop",
        "Data dictionary",
        "Column summaries",
        "First 5 rows",
        "customer_id",
        "PK",
    ):
        assert needle in text


def test_a_failed_document_leaves_nothing(ds: Any, tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from synthwright.sinks import open_sink

    out = tmp_path / "new" / "dir"
    sink = open_sink(str(out), format="pdf")
    sink.open([m for m in sw.api._table_metas(ds.plan)])
    sink.write_batch("customers", ds["customers"].to_batches()[0])
    with pytest.raises(SinkError):
        sink.write_batch("nope", ds["customers"].to_batches()[0])
    assert not (tmp_path / "new").exists()


def test_cli_pdf_and_docx(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    pytest.importorskip("docx")
    from synthwright.cli.app import app

    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    runner = CliRunner()
    for fmt in ("pdf", "docx"):
        out = tmp_path / fmt
        res = runner.invoke(
            app, ["generate", str(spec), "--out", str(out), "--format", fmt, "--doc-rows", "10"]
        )
        assert res.exit_code == 0, res.output
        assert (out / f"shop.{fmt}").stat().st_size > 1000
