"""The one redaction rule, over every output channel a database URL can reach.

Rule (see ``synthwright.db._redact``): a login never leaves the process --
neither the password nor the user name -- in any form: URL userinfo, query
parameters, DSN keywords, a driver repeating them.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from synthwright import db
from synthwright.cli import app
from tests.conftest import shop_spec

USER = "alice_sw"
SECRET = "Pw_s3cret_77"
QSECRET = "Qs_s3cret_88"
runner = CliRunner()


@pytest.mark.parametrize(
    "text",
    [
        f"postgresql://{USER}:{SECRET}@db.example:5432/shop",
        f"postgresql+psycopg://{USER}:{SECRET}@db.example/shop?sslmode=require",
        f"mysql://{USER}:{SECRET.replace('_', '%5F')}@db.example/shop",  # percent-encoded
        f"postgresql://db.example/shop?sslmode=require&password={SECRET}&user={USER}",
        f"mysql://db.example/shop?pwd={SECRET}",
        f"postgresql://db.example/shop?sslpassword={SECRET}",
        f"user={USER} password={SECRET} host=db.example dbname=shop",
        f"host=db.example password='{SECRET} x' user='{USER}'",
        f"Server=db;Uid={USER};Pwd={SECRET};",
        f'{{"user": "{USER}", "password": "{SECRET}"}}',
        f"postgresql:/{USER}:{SECRET}@db.example/shop",  # what pathlib makes of a URL
        f"mysql://{USER}:{SECRET}@[::1/shop",  # too broken to parse
        f"mysql://{USER}:{SECRET}@h:notaport/shop",
        f"redis://{SECRET}@cache.example:6379",  # a lone userinfo is a secret
        f"failed: postgresql://{USER}:{SECRET}@h/db and again postgresql://{USER}:{SECRET}@h2/db",
    ],
)
def test_every_form_of_a_login_is_masked(text: str) -> None:
    out = db.redact(text)
    assert SECRET not in out and SECRET.replace("_", "%5F") not in out
    assert USER not in out
    assert db.REDACTED in out


def test_what_is_not_a_login_stays() -> None:
    for url in (
        "sqlite:///data/a@b.db",
        "duckdb:////abs/shop.duckdb",
        "postgresql://db.example:5432/shop?sslmode=require",
    ):
        assert db.redact_url(url) == url
    assert db.redact_url("postgresql://bob:pw@db:5432/x") == "postgresql://***@db:5432/x"


def test_a_driver_repeating_the_login_is_scrubbed() -> None:
    url = db.parse_url(f"postgresql://{USER}:{SECRET}@h/postgres?password={QSECRET}")
    message = (
        f'FATAL: password authentication failed for user "{USER}" ({SECRET}, {QSECRET}) '
        f"connecting with postgresql://{USER}:{SECRET}@h/postgres?password={QSECRET}"
    )
    out = url.scrub(message)
    assert SECRET not in out and QSECRET not in out and USER not in out
    assert "postgresql://***@h/postgres?password=***" in out  # the database name is kept


def test_user_names_are_masked_only_as_words() -> None:
    url = db.parse_url("postgresql://postgres:x@h/postgres")
    out = url.scrub('role "postgres" does not exist; see postgresql://postgres:x@h/postgres')
    assert out == 'role "***" does not exist; see postgresql://***@h/postgres'


def test_parsed_urls_never_show_the_login() -> None:
    url = db.parse_url(f"mysql://{USER}:{SECRET}@h/shop?charset=utf8mb4")
    assert url.password == SECRET and url.user == USER
    assert SECRET not in repr(url) and USER not in repr(url)
    assert url.redacted == "mysql://***@h/shop?charset=utf8mb4"


def test_driver_and_library_logs_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    db.install_log_filter()
    with caplog.at_level(logging.DEBUG):
        for name in ("psycopg", "pymysql", "sqlalchemy.engine", "synthwright.db"):
            logging.getLogger(name).warning("connecting to %s", f"postgresql://{USER}:{SECRET}@h/x")
    assert len(caplog.records) == 4
    assert SECRET not in caplog.text and USER not in caplog.text


# -- the command line: messages, --json, wrote: lines, sessions -------------------------
def _spec(tmp_path: Path) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(shop_spec(5)))
    return path


def _clean(output: str) -> None:
    assert SECRET not in output and QSECRET not in output
    assert USER not in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://{USER}:{SECRET}@127.0.0.1:1/shop?password={QSECRET}",
        f"mysql://{USER}:{SECRET}@127.0.0.1:1/shop",
        f"mysql://{USER}:{SECRET}@127.0.0.1:1/shop?charset=klingon",
        f"postgresql://{USER}:{SECRET}@127.0.0.1:notaport/shop",
        f"oracle://{USER}:{SECRET}@db.example/shop",
        f"{USER}:{SECRET}@db.example/shop",
    ],
)
def test_generate_into_a_refusing_database(tmp_path: Path, url: str) -> None:
    spec = str(_spec(tmp_path))
    plain = runner.invoke(app, ["generate", spec, "--db", url])
    assert plain.exit_code == 2, plain.output
    _clean(plain.output)
    as_json = runner.invoke(app, ["generate", spec, "--db", url, "--json"])
    assert as_json.exit_code == 2
    _clean(as_json.output)
    problems = json.loads(as_json.stdout)["problems"]
    assert problems and all(p["location"] for p in problems)


def test_wrote_lines_of_a_url_with_a_password_in_its_query(tmp_path: Path) -> None:
    target = tmp_path / "shop.db"
    url = f"sqlite:///{target}?password={QSECRET}"
    result = runner.invoke(app, ["generate", str(_spec(tmp_path)), "--db", url])
    assert result.exit_code == 0, result.output
    _clean(result.output)
    assert "wrote: sqlite:///" in result.output and "password=***#customers" in result.output
    doc = runner.invoke(app, ["generate", str(_spec(tmp_path)), "--db", url, "--json",
                              "--if-exists", "replace"])  # fmt: skip
    assert doc.exit_code == 0, doc.output
    _clean(doc.output)
    assert all("password=***" in w for w in json.loads(doc.stdout)["written"])
    with sqlite3.connect(target) as con:  # and the data is really there
        assert con.execute("SELECT count(*) FROM customers").fetchone() == (5,)


@pytest.mark.parametrize(
    "url",
    [f"postgresql://{USER}:{SECRET}@127.0.0.1:1/shop", f"mysql://{USER}:{SECRET}@127.0.0.1:1/s"],
)
def test_check_with_a_login_in_the_url(tmp_path: Path, url: str) -> None:
    spec = str(_spec(tmp_path))
    for extra in ([], ["--json"]):
        result = runner.invoke(app, ["check", url, "--spec", spec, *extra])
        assert result.exit_code == 2, result.output
        _clean(result.output)


def test_introspect_and_profile_with_a_login_in_the_url() -> None:
    url = f"postgresql://{USER}:{SECRET}@127.0.0.1:1/shop?password={QSECRET}"
    for command in (["introspect", url], ["profile", url]):
        for extra in ([], ["--json"]):
            result = runner.invoke(app, [*command, *extra])
            assert result.exit_code == 2, result.output
            _clean(result.output)
    doc = json.loads(runner.invoke(app, ["profile", url, "--json"]).stdout)
    assert doc["problems"][0]["location"].startswith("sample.postgresql://***@127.0.0.1:1/")


def test_session_history_keeps_no_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNTHWRIGHT_DATA_DIR", str(tmp_path / "data"))
    target = tmp_path / "planned.db"
    url = f"sqlite:///{target}?password={QSECRET}"
    prompt = f"customers with an email and a signup date, like in postgresql://{USER}:{SECRET}@h/db"
    result = runner.invoke(app, ["generate", prompt, "--rows", "5", "--db", url])
    assert result.exit_code == 0, result.output
    assert QSECRET not in result.output  # the --db URL; the prompt is the user's own words
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    assert stored and QSECRET.encode() not in stored
    assert SECRET.encode() not in stored and USER.encode() not in stored


def test_text_written_by_a_person_loses_only_url_shaped_logins() -> None:
    spec = f"checks: ['token = upper(token)', 'pass = 1'] # from postgresql://{USER}:{SECRET}@h/d?password={QSECRET}"
    out = db.redact(spec, keywords=False)
    assert "token = upper(token)" in out and "pass = 1" in out
    assert SECRET not in out and QSECRET not in out and USER not in out
