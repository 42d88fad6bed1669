"""Semantic types from names, SQL types and tables; lengths that fit the columns."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import synthwright as sw
from synthwright import catalog
from synthwright.introspect._schema import ColumnInfo
from synthwright.introspect._semantic import MAX_LENGTHS, guess_semantic, name_tokens


def _col(name: str, kind: str = "varchar", length: int | None = 255, **kw: object) -> ColumnInfo:
    return ColumnInfo(name=name, sql_type=kind, kind=kind, length=length, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("email", "email"),
        ("EmailAddress", "email"),
        ("work_email", "email"),
        ("phone_number", "phone"),
        ("first_name", "first_name"),
        ("surname", "last_name"),
        ("username", "username"),
        ("city", "city"),
        ("state", "state"),
        ("country", "country"),
        ("zip", "postal_code"),
        ("postal_code", "postal_code"),
        ("street", "street_address"),
        ("address_line1", "street_address"),
        ("website", "url"),
        ("avatar_url", "url"),
        ("domain", "domain"),
        ("ip_address", "ipv4"),
        ("mac", "mac_address"),
        ("user_agent", "user_agent"),
        ("iban", "iban"),
        ("card_number", "credit_card"),
        ("sku", "sku"),
        ("color", "color"),
        ("file_name", "file_name"),
        ("file_path", "file_path"),
        ("mime_type", "mime_type"),
        ("sha256", "sha256"),
        ("isbn", "isbn"),
        ("company_name", "company"),
        ("job_title", "job_title"),
        ("guid", "uuid"),
    ],
)
def test_string_names(name: str, expected: str) -> None:
    guess = guess_semantic(_col(name), "things")
    assert guess is not None and guess.type == expected
    assert expected in catalog.names()


def test_codes_need_their_length() -> None:
    assert guess_semantic(_col("country", "char", 2), "t").type == "country_code"  # type: ignore[union-attr]
    assert guess_semantic(_col("country_code", "char", 2), "t").type == "country_code"  # type: ignore[union-attr]
    assert guess_semantic(_col("country_code", "varchar", 10), "t") is None
    assert guess_semantic(_col("currency", "char", 3), "t").type == "currency_code"  # type: ignore[union-attr]


def test_too_short_columns_get_no_semantic_type() -> None:
    assert guess_semantic(_col("email", length=20), "t") is None
    assert guess_semantic(_col("user_agent", length=100), "t") is None
    assert guess_semantic(_col("email", "text", None), "t").type == "email"  # type: ignore[union-attr]


def test_name_and_title_depend_on_the_table() -> None:
    assert guess_semantic(_col("name"), "customers").type == "full_name"  # type: ignore[union-attr]
    assert guess_semantic(_col("name"), "products").type == "product_name"  # type: ignore[union-attr]
    assert guess_semantic(_col("name"), "suppliers").type == "company"  # type: ignore[union-attr]
    assert guess_semantic(_col("title"), "employees").type == "job_title"  # type: ignore[union-attr]
    assert guess_semantic(_col("title"), "products").type == "product_name"  # type: ignore[union-attr]
    assert guess_semantic(_col("name"), "categories") is None
    assert guess_semantic(_col("title"), "reviews") is None


def test_numbers_and_dates() -> None:
    lat = ColumnInfo("lat", "numeric(9,6)", "decimal", precision=9, scale=6)
    lng = ColumnInfo("lng", "double", "float")
    price = ColumnInfo("unit_price", "numeric(10,2)", "decimal", precision=10, scale=2)
    dob = ColumnInfo("dob", "date", "date")
    assert guess_semantic(lat, "t").type == "latitude"  # type: ignore[union-attr]
    assert guess_semantic(lng, "t").type == "longitude"  # type: ignore[union-attr]
    assert guess_semantic(price, "t").type == "price"  # type: ignore[union-attr]
    birth = guess_semantic(dob, "t")
    assert birth is not None and birth.type == "date" and birth.params["min"] == "1940-01-01"
    assert guess_semantic(ColumnInfo("total", "numeric(10,2)", "decimal"), "t") is None


def test_sql_types_alone() -> None:
    assert guess_semantic(ColumnInfo("anything", "uuid", "uuid"), "t").type == "uuid"  # type: ignore[union-attr]
    assert guess_semantic(ColumnInfo("client", "inet", "inet"), "t").type == "ipv4"  # type: ignore[union-attr]
    assert guess_semantic(ColumnInfo("id", "char(36)", "char", length=36), "t").type == "uuid"  # type: ignore[union-attr]


def test_name_tokens() -> None:
    assert name_tokens("shippingAddress") == "shipping_address"
    assert name_tokens("Zip-Code") == "zip_code"


def test_max_lengths_hold_for_generated_values() -> None:
    """Values of every string type fit MAX_LENGTHS (the guard against varchar overflow)."""
    types = [t for t in MAX_LENGTHS if t in catalog.names()]
    for locale in ("en_US", "de_DE"):
        spec = {
            "version": 1,
            "locale": locale,
            "tables": {"t": {"rows": 3000, "columns": {t: {"type": t} for t in types}}},
        }
        table = sw.generate(spec).materialize()["t"]
        for name in types:
            column = table[name]
            if pa.types.is_dictionary(column.type):
                column = column.cast(column.type.value_type)
            longest = pc.max(pc.utf8_length(column.cast(pa.string()))).as_py()
            assert longest <= MAX_LENGTHS[name], (locale, name, longest)
