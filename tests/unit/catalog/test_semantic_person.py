"""People columns: coherence with the row's person and country, uniqueness, determinism."""

from __future__ import annotations

import re

import pytest

from synthwright.catalog import _pools

PEOPLE = {
    "country": {"type": "country_code", "values": {"US": 0.4, "DE": 0.3, "JP": 0.2, "BR": 0.1}},
    "first": {"type": "first_name"},
    "last": {"type": "last_name"},
    "full": {"type": "full_name"},
    "email": {"type": "email"},
    "user": {"type": "username"},
    "phone": {"type": "phone"},
    "job": {"type": "job_title"},
    "company": {"type": "company"},
}


def test_email_and_username_belong_to_the_rows_name(table) -> None:
    data = table(PEOPLE).block(2000)
    rows = zip(
        data["first"].to_pylist(), data["last"].to_pylist(),
        data["email"].to_pylist(), data["user"].to_pylist(), strict=True,
    )  # fmt: skip
    for first, last, email, user in rows:
        f, la = _pools.fold_ascii(first), _pools.fold_ascii(last)
        local = email.split("@")[0]
        assert re.fullmatch(r"[a-z._]+[0-9]*", local), email
        assert la in local and (f in local or local.startswith(f[0])), (first, last, email)
        assert la in user, (last, user)


def test_person_does_not_depend_on_which_columns_exist(table) -> None:
    full = table(PEOPLE).block(500)
    alone = table(PEOPLE).block(500, only=["country", "email"])
    assert alone["email"].equals(full["email"])
    no_country = table({"email": {"type": "email"}}).block(300)
    with_names = table({"first": {"type": "first_name"}, "email": {"type": "email"}}).block(300)
    assert no_country["email"].equals(with_names["email"])


def test_names_follow_the_rows_country(table) -> None:
    data = table(PEOPLE).block(2000)
    pools = _pools.names()
    ja = _pools.locale_id("ja_JP")
    ja_last = set(
        pools.last.values.slice(pools.last.offsets[ja], pools.last.lengths[ja]).to_pylist()
    )
    for cc, last in zip(data["country"].to_pylist(), data["last"].to_pylist(), strict=True):
        if cc == "JP":
            assert last in ja_last
    assert any(cc == "JP" for cc in data["country"].to_pylist())


def test_full_name_is_first_and_last(table) -> None:
    data = table(PEOPLE).block(500)
    for cc, f, la, full in zip(
        *(data[k].to_pylist() for k in ("country", "first", "last", "full")), strict=True
    ):
        assert full == (f"{la} {f}" if cc == "JP" else f"{f} {la}")


def test_phone_prefix_matches_the_country(table) -> None:
    import phonenumbers

    data = table(PEOPLE).block(2000)
    for cc, phone in zip(data["country"].to_pylist(), data["phone"].to_pylist(), strict=True):
        code = phonenumbers.country_code_for_region(cc)
        assert phone.startswith(f"+{code} "), (cc, phone)
        assert phonenumbers.parse(phone).country_code == code


def test_us_phone_looks_like_nanp(table) -> None:
    data = table({"phone": {"type": "phone"}}).block(500)
    for phone in data["phone"].to_pylist():
        assert re.fullmatch(r"\+1 [2-9]\d\d-[2-9]\d\d-\d{4}", phone), phone


@pytest.mark.parametrize("locale", _pools.LOCALES)
def test_every_locale_produces_people(table, locale: str) -> None:
    data = table({k: v for k, v in PEOPLE.items() if k != "country"}, locale=locale).block(200)
    assert all(data["first"].to_pylist()) and all(data["last"].to_pylist())
    assert all(e.isascii() and "@" in e for e in data["email"].to_pylist())
    cc = _pools.LOCALE_COUNTRY[locale]
    import phonenumbers

    prefix = f"+{phonenumbers.country_code_for_region(cc)} "
    assert all(p.startswith(prefix) for p in data["phone"].to_pylist())
    assert all(data["job"].to_pylist()) and all(data["company"].to_pylist())


@pytest.mark.parametrize("kind", ["email", "username", "phone"])
def test_unique_by_construction(table, kind: str) -> None:
    t = table({"country": PEOPLE["country"], "x": {"type": kind, "unique": True}})
    values = []
    for block in range(4):
        values += t.block(2500, block=block, total=10_000)["x"].to_pylist()
    assert len(set(values)) == len(values) == 10_000


def test_determinism(table) -> None:
    t = table(PEOPLE)
    a, b = t.block(300), t.block(300)
    for name in PEOPLE:
        assert a[name].equals(b[name]), name
    other = t.block(300, block=1)
    assert not other["email"].equals(a["email"])
    assert not t.block(300, seed=2)["first"].equals(a["first"])


def test_custom_email_domains(table) -> None:
    data = table({"email": {"type": "email", "domains": ["acme.test"]}}).block(100)
    assert all(e.endswith("@acme.test") for e in data["email"].to_pylist())
