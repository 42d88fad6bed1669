"""Declared SQL types -> kinds, lengths, precision and scale, across dialects."""

from __future__ import annotations

import pytest

from synthwright.introspect._types import parse_sql_type


@pytest.mark.parametrize(
    ("declared", "kind", "length", "precision", "scale"),
    [
        ("VARCHAR(255)", "varchar", 255, None, None),
        ("character varying(20)", "varchar", 20, None, None),
        ("CHAR(2)", "char", 2, None, None),
        ("CHAR", "char", 1, None, None),
        ("TEXT", "text", None, None, None),
        ("LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", "text", None, None, None),
        ("NUMERIC(10, 2)", "decimal", None, 10, 2),
        ("DECIMAL(12,2)", "decimal", None, 12, 2),
        ("numeric", "decimal", None, None, None),
        ("INTEGER", "int", None, None, None),
        ("INTEGER(11)", "int", None, None, None),
        ("INT UNSIGNED", "int", None, None, None),
        ("BIGINT(20)", "bigint", None, None, None),
        ("SMALLINT", "smallint", None, None, None),
        ("TINYINT(1)", "bool", None, None, None),
        ("BOOLEAN", "bool", None, None, None),
        ("REAL", "float", None, None, None),
        ("DOUBLE PRECISION", "float", None, None, None),
        ("DATE", "date", None, None, None),
        ("TIMESTAMP WITHOUT TIME ZONE", "datetime", None, None, None),
        ("timestamp(6) with time zone", "datetime", None, None, None),
        ("DATETIME", "datetime", None, None, None),
        ("TIME", "time", None, None, None),
        ("UUID", "uuid", None, None, None),
        ("JSONB", "json", None, None, None),
        ("INET", "inet", None, None, None),
        ("MACADDR", "mac", None, None, None),
        ("BYTEA", "binary", None, None, None),
        ("text[]", "other", None, None, None),
        ("MEDIUMINT", "int", None, None, None),
        ("NVARCHAR(30)", "varchar", 30, None, None),
        ("VARYING_THING", "other", None, None, None),
    ],
)
def test_kinds_and_sizes(
    declared: str, kind: str, length: int | None, precision: int | None, scale: int | None
) -> None:
    parsed = parse_sql_type(declared)
    assert (parsed.kind, parsed.length, parsed.precision, parsed.scale) == (
        kind,
        length,
        precision,
        scale,
    )


def test_enum_labels_keep_quotes_and_order() -> None:
    parsed = parse_sql_type("ENUM('pending','it''s','done')")
    assert parsed.kind == "enum"
    assert parsed.enum_values == ("pending", "it's", "done")


def test_sqlite_affinity_for_unknown_names() -> None:
    assert parse_sql_type("UNSIGNED BIG INT").kind == "int"
    assert parse_sql_type("NATIVE CHARACTER(70)").kind == "varchar"
    assert parse_sql_type("NATIVE CHARACTER(70)").length == 70
    assert parse_sql_type("CLOB").kind == "text"
    assert parse_sql_type("FLOATING").kind == "float"


def test_normalised_text_for_descriptions() -> None:
    assert parse_sql_type("VARCHAR( 255 )").text == "varchar(255)"
    assert parse_sql_type("NUMERIC(10, 2)").text == "numeric(10,2)"
