"""Report metrics against values computed by hand on small frames."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from synthwright.profile.html import render_html
from synthwright.profile.report import ks_complement, quality_report, tv_complement


def test_ks_and_tv_complements() -> None:
    assert ks_complement(np.array([1.0, 2, 3, 4]), np.array([3.0, 4, 5, 6])) == pytest.approx(0.5)
    assert ks_complement(np.array([1.0, 2]), np.array([1.0, 2])) == 1.0
    real = pa.array(["a", "a", "b", "b"])
    syn = pa.array(["a", "b", "b", "b", None])
    assert tv_complement(real, syn) == pytest.approx(0.75)  # TV = (|.5-.25| + |.5-.75|)/2


def _frame(x: list[float], y: list[float], c: list[str]) -> pa.Table:
    return pa.table({"x": pa.array(x), "y": pa.array(y), "c": pa.array(c)})


def test_shapes_pairs_and_overall_by_hand() -> None:
    x = [float(v) for v in range(1, 41)]
    real = _frame(x, x, ["p", "q"] * 20)
    syn = _frame(x, [41 - v for v in x], ["p", "q"] * 20)
    report = quality_report({"t": real}, {"t": syn})
    shapes = {c.column: c.score for c in report.columns}
    assert shapes == {"x": 1.0, "y": 1.0, "c": 1.0}
    (pair,) = [p for p in report.pairs if {p.a, p.b} == {"x", "y"}]
    assert pair.real == pytest.approx(1.0) and pair.synthetic == pytest.approx(-1.0)
    assert pair.score == pytest.approx(0.0)  # 1 - |1 - (-1)| / 2
    assert all({p.a, p.b} != {"x", "c"} for p in report.pairs)  # no trend in the real data
    assert report.overall == pytest.approx((1.0 + report.pair_trends) / 2)  # type: ignore[operator]


def test_privacy_exact_copies_dcr_and_rare_leakage() -> None:
    rng = np.random.default_rng(0)
    n = 200
    cats = ["a", "b"] * 99 + ["zed", "yak"]  # zed and yak seen once: rare
    real = pa.table({"v": pa.array(rng.normal(size=n)), "c": pa.array(cats)})
    holdout = pa.table({"v": pa.array(rng.normal(size=n)), "c": pa.array(["a", "b"] * (n // 2))})
    copies = real.slice(0, 50)  # a quarter are copies of training rows (incl. one 'zed')
    fresh = pa.table(
        {"v": pa.array(rng.normal(size=150) + 0.01), "c": pa.array(["a", "b", "zed"] * 50)}
    )
    syn = pa.concat_tables([copies, fresh])
    report = quality_report({"t": real}, {"t": syn}, holdout={"t": holdout})
    (priv,) = report.privacy
    assert priv.exact_copies == pytest.approx(0.25)
    assert priv.rare_categories == 2 and priv.rare_leaked == 1
    assert priv.rare_leaked_rows == pytest.approx(50 / 200)
    assert priv.dcr_p5 == pytest.approx(0.0)
    assert priv.closer_to_training is not None and priv.closer_to_training > 0.55
    assert priv.holdout_dcr_median is not None and priv.holdout_dcr_median > 0


def test_html_is_offline_and_has_plots() -> None:
    x = [float(v) for v in range(1, 41)]
    real = _frame(x, [v * 2 for v in x], ["p", "q"] * 20)
    report = quality_report({"t": real}, {"t": real})
    page = render_html(report)
    assert page.startswith("<!doctype html>")
    assert "<svg" in page and "synthetic correlations" in page
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page


def test_copies_of_unique_rows_are_told_apart_from_common_combinations() -> None:
    # 30 real rows share one combination; 10 are each unique
    real = pa.table(
        {"m": ["737"] * 30 + [f"x{i}" for i in range(10)], "s": [140] * 30 + list(range(10))}
    )
    syn = pa.table({"m": ["737"] * 6 + ["x1", "x2"] + ["new"] * 2, "s": [140] * 6 + [1, 2, 5, 6]})
    (priv,) = quality_report({"t": real}, {"t": syn}).privacy
    assert priv.exact_copies == pytest.approx(0.8)  # 6 common + 2 unique
    assert priv.unique_copies == pytest.approx(0.2)  # only x1/1 and x2/2 identify a real row
