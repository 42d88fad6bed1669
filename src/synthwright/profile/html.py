"""The report as one HTML page that opens offline: inline SVG, inline CSS, no scripts.

Per column a real-vs-synthetic histogram (numbers, dates) or bar chart
(categories), per table the real and synthetic correlation heatmaps, and
tables of every score. Drawn by hand in SVG so nothing needs matplotlib.
"""

from __future__ import annotations

import html
import math
from typing import Any

from .report import Report

__all__ = ["render_html"]

_REAL = "#4c72b0"
_SYN = "#dd8452"
_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{margin-bottom:4px}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;font-size:13px}
th{background:#f4f4f4}.num{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:10px 16px}
.card b{font-size:22px;display:block}.grid{display:flex;flex-wrap:wrap;gap:10px}
.plot{border:1px solid #eee;padding:4px}.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}
.bad{color:#b00}.good{color:#070}
"""


def _fmt(value: float | None) -> str:
    return (
        "–"
        if value is None or (isinstance(value, float) and not math.isfinite(value))
        else f"{value:.3f}"
    )


def _cls(value: float | None, good: float = 0.85) -> str:
    if value is None:
        return ""
    return "good" if value >= good else "bad"


def _hist_svg(title: str, plot: dict[str, Any], w: int = 260, h: int = 150) -> str:
    real, syn = plot["real"], plot["synthetic"]
    top = max(real + syn + [1e-9])
    n = len(real)
    bw = (w - 20) / max(n, 1)
    parts = [f'<svg width="{w}" height="{h + 34}" xmlns="http://www.w3.org/2000/svg">']
    parts.append(f'<text x="4" y="12" font-size="12">{html.escape(title)}</text>')
    for i, (r, s) in enumerate(zip(real, syn, strict=True)):
        x = 10 + i * bw
        rh, sh = r / top * h, s / top * h
        parts.append(
            f'<rect x="{x:.1f}" y="{18 + h - rh:.1f}" width="{bw * 0.48:.1f}" height="{rh:.1f}" fill="{_REAL}"/>'
        )
        parts.append(
            f'<rect x="{x + bw * 0.5:.1f}" y="{18 + h - sh:.1f}" width="{bw * 0.48:.1f}" height="{sh:.1f}" fill="{_SYN}"/>'
        )
    if plot["type"] == "hist":
        lo, hi = plot["edges"][0], plot["edges"][-1]
        parts.append(f'<text x="10" y="{h + 30}" font-size="10">{lo:.4g}</text>')
        parts.append(
            f'<text x="{w - 10}" y="{h + 30}" font-size="10" text-anchor="end">{hi:.4g}</text>'
        )
    else:
        for i, label in enumerate(plot["labels"][:12]):
            x = 10 + i * bw + bw / 2
            text = html.escape(str(label)[:6])
            parts.append(
                f'<text x="{x:.1f}" y="{h + 30}" font-size="8" text-anchor="middle">{text}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _color(v: float) -> str:
    if not math.isfinite(v):
        return "#eee"
    v = max(-1.0, min(1.0, v))
    if v >= 0:
        g = int(255 - 180 * v)
        return f"rgb({g},{g},255)"
    g = int(255 + 180 * v)
    return f"rgb(255,{g},{g})"


def _heatmap_svg(title: str, columns: list[str], matrix: list[list[float]], cell: int = 16) -> str:
    k = len(columns)
    pad = 110
    size = pad + k * cell + 4
    parts = [f'<svg width="{size}" height="{size + 16}" xmlns="http://www.w3.org/2000/svg">']
    parts.append(f'<text x="4" y="12" font-size="12">{html.escape(title)}</text>')
    for i, name in enumerate(columns):
        label = html.escape(name[:16])
        parts.append(
            f'<text x="{pad - 4}" y="{16 + pad + i * cell + cell * 0.7:.1f}" font-size="9" text-anchor="end">{label}</text>'
        )
        x = pad + i * cell + cell * 0.7
        parts.append(
            f'<text x="{x:.1f}" y="{16 + pad - 4}" font-size="9" transform="rotate(-60 {x:.1f} {16 + pad - 4})">{label}</text>'
        )
        for j in range(k):
            v = matrix[i][j]
            v = v if v is not None else float("nan")
            parts.append(
                f'<rect x="{pad + j * cell}" y="{16 + pad + i * cell}" width="{cell - 1}" height="{cell - 1}" '
                f'fill="{_color(v)}"><title>{html.escape(columns[i])} / {html.escape(columns[j])}: {v:.2f}</title></rect>'
            )
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: Report, title: str = "synthwright fidelity and privacy report") -> str:
    """A self-contained HTML page for a report."""
    out: list[str] = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        '<p class="legend">Plots: <span style="background:' + _REAL + '"></span>real'
        '<span style="background:' + _SYN + '"></span>synthetic</p>',
        '<div class="cards">',
    ]
    for label, value in report.summary().items():
        out.append(
            f'<div class="card {_cls(value)}">{label.replace("_", " ")}<b>{_fmt(value)}</b></div>'
        )
    out.append("</div>")
    out.append(
        "<h2>Privacy</h2><table><tr><th>table</th><th>rows compared</th><th>DCR median</th>"
        "<th>DCR 5%</th><th>holdout DCR median</th><th>closer to training</th>"
        "<th>exact copies</th><th>copies of unique rows</th><th>rare categories leaked</th></tr>"
    )
    for p in report.privacy:
        out.append(
            f"<tr><td>{html.escape(p.table)}</td><td class=num>{p.rows_compared}</td>"
            f"<td class=num>{_fmt(p.dcr_median)}</td><td class=num>{_fmt(p.dcr_p5)}</td>"
            f"<td class=num>{_fmt(p.holdout_dcr_median)}</td><td class=num>{_fmt(p.closer_to_training)}</td>"
            f"<td class=num>{p.exact_copies:.2%}</td><td class=num>{p.unique_copies:.2%}</td>"
            f"<td class=num>{p.rare_leaked} of {p.rare_categories}</td></tr>"
        )
    out.append("</table>")
    if report.relations:
        out.append(
            "<h2>Relations</h2><table><tr><th>foreign key</th><th>cardinality</th><th>integrity</th></tr>"
        )
        for r in report.relations:
            out.append(
                f"<tr><td>{html.escape(r.child)}.{html.escape(r.column)} → {html.escape(r.parent)}</td>"
                f"<td class=num>{_fmt(r.cardinality)}</td><td class=num>{_fmt(r.integrity)}</td></tr>"
            )
        out.append("</table>")
    tables = sorted({c.table for c in report.columns} | set(report.correlations))
    for table in tables:
        out.append(f"<h2>{html.escape(table)}</h2><div class='grid'>")
        for c in (c for c in report.columns if c.table == table):
            if c.plot:
                label = f"{c.column} · {c.metric} {c.score:.3f}"
                out.append(f"<div class='plot'>{_hist_svg(label, c.plot)}</div>")
        out.append("</div>")
        corr = report.correlations.get(table)
        if corr and len(corr["columns"]) > 1:
            out.append("<div class='grid'>")
            out.append(
                f"<div class='plot'>{_heatmap_svg('real correlations', corr['columns'], corr['real'])}</div>"
            )
            out.append(
                f"<div class='plot'>{_heatmap_svg('synthetic correlations', corr['columns'], corr['synthetic'])}</div>"
            )
            out.append("</div>")
        pairs = sorted((p for p in report.pairs if p.table == table), key=lambda p: p.score)[:15]
        if pairs:
            out.append(
                "<table><tr><th>pair (weakest first)</th><th>metric</th><th>real</th><th>synthetic</th><th>score</th></tr>"
            )
            for pair in pairs:
                out.append(
                    f"<tr><td>{html.escape(pair.a)} × {html.escape(pair.b)}</td><td>{pair.metric}</td>"
                    f"<td class=num>{_fmt(pair.real)}</td><td class=num>{_fmt(pair.synthetic)}</td>"
                    f"<td class='num {_cls(pair.score)}'>{_fmt(pair.score)}</td></tr>"
                )
            out.append("</table>")
        skipped = report.skipped.get(table)
        if skipped:
            out.append(
                f"<p>Not scored (keys, links, generated text and identifiers): {html.escape(', '.join(skipped))}</p>"
            )
    out.append("</body></html>")
    return "\n".join(out)
