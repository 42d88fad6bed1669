"""CHECK texts as each database prints them -> checks the engine folds."""

from __future__ import annotations

from synthwright.introspect._checks import parse_check

COLS = {"price", "status", "rating", "metadata", "total", "subtotal", "tax", "qty"}


def test_postgres_casts_and_any_array_become_in() -> None:
    text = "status::text = ANY (ARRAY['new'::character varying, 'paid'::character varying]::text[])"
    parsed = parse_check(text, "postgres", COLS)
    assert parsed.sql == "status IN ('new', 'paid')"
    assert parsed.in_list == ("status", ["new", "paid"])


def test_postgres_numeric_cast_is_dropped() -> None:
    assert parse_check("(price >= (0)::numeric)", "postgres", COLS).sql == "price >= 0"


def test_mysql_backticks_and_introducers() -> None:
    parsed = parse_check("(`status` in (_utf8mb4'a',_utf8mb4'b'))", "mysql", COLS)
    assert parsed.sql == "status IN ('a', 'b')"
    assert parse_check("`rating` between 1 and 5", "mysql", COLS).sql == "rating BETWEEN 1 AND 5"


def test_mariadb_json_valid_names_the_json_column() -> None:
    parsed = parse_check("json_valid(`metadata`)", "mysql", COLS)
    assert parsed.json_column == "metadata"


def test_check_keyword_is_accepted() -> None:
    assert parse_check("CHECK (qty > 0)", "duckdb", COLS).sql == "qty > 0"


def test_unknown_column_and_subquery_are_refused_with_a_reason() -> None:
    unknown = parse_check("other_col > 1", "sqlite", COLS)
    assert unknown.tree is None and "other_col" in unknown.reason
    sub = parse_check("price > (SELECT 1)", "sqlite", COLS)
    assert sub.tree is None and "subquery" in sub.reason
    broken = parse_check("price >>> ((", "sqlite", COLS)
    assert broken.tree is None and broken.reason
