"""Reading the lexicon's data files into typed, checked records.

The files (``data/fields.yaml``, ``data/entities/*.yaml``, ``data/vocab.yaml``)
are the knowledge; this module only parses them, fills in what follows from
them (plural forms, which entities use a field) and refuses a malformed entry
with its file and key named, so a new domain is a data file and a typo in one
is caught by the tests rather than by a user.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..errors import SpecError

__all__ = ["Entity", "Field", "Parent", "load_entities", "load_fields", "load_vocab"]

Col = dict[str, Any]

_ENTITY_KEYS = {
    "description",
    "names",
    "table",
    "context",
    "rows",
    "person",
    "junction",
    "time_column",
    "name_column",
    "status_values",
    "columns",
    "parents",
    "checks",
    "after",
    "record",
}
_RECORD_KEYS = {"name", "domain", "description", "tables", "drop", "assemble", "coherence"}
_FIELD_KEYS = {
    "type",
    "params",
    "names",
    "columns",
    "hint",
    "expand",
    "units",
    "within",
    "kind",
    "entities",
    "description",
}
_PARENT_KEYS = {"table", "column", "owner", "min", "max", "lam", "zipf"}


@dataclass(frozen=True)
class Parent:
    """A link to a parent entity.

    ``owner`` links drive the child's count (``per_parent``); only the first
    owner present in the plan is used. ``ref`` links (``owner: false``) are
    plain foreign keys drawn from the parent whenever it is in the plan (a
    doctor for each appointment). A junction's parents are all required.
    """

    table: str
    column: str
    owner: bool = True
    min: int = 0
    max: int = 10
    lam: float | None = 2.0
    zipf: bool = False


@dataclass(frozen=True)
class Entity:
    """One kind of record: its usual columns, its parents and the words for it.

    ``name`` is the key (unique); ``table`` the table it becomes when the
    request does not name it otherwise (several entities may share a table
    name: a library's ``loans`` are books, a bank's are money, told apart by
    ``context`` words). ``record`` is the entity as the service hands it out
    (its schema registry entry, see :func:`_record`): a spec fragment over
    this entity's table and its child tables, columns written ``~`` taken
    from the lexicon entity, so the service and the planner read one file.
    """

    name: str
    names: tuple[str, ...]
    columns: dict[str, Col]
    table: str = ""
    rows: int = 1000
    parents: tuple[Parent, ...] = ()
    junction: bool = False
    time_column: str | None = None
    person: bool = False
    name_column: str | None = None
    status_values: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    after: dict[str, tuple[str, ...]] = field(default_factory=dict)
    context: tuple[str, ...] = ()
    description: str = ""
    domain: str = ""
    record: dict[str, Any] | None = None

    @property
    def aliases(self) -> tuple[str, ...]:
        """The words for this entity besides its name (singular forms)."""
        return self.names


@dataclass(frozen=True)
class Field:
    """One field: its column, catalogue type, typical values and the words for it.

    ``names`` are phrases a request uses ("date of birth", "dob"); ``columns``
    the names a database or a file uses for the same thing (``zip``,
    ``e_mail``); ``hint`` a regular expression over column names for the
    profiler. ``units`` re-shape the field for a stated unit ("duration in
    seconds"), ``within`` for an entity or a kind of entity (``person`` /
    ``thing``): a year of a book is a publication year. ``expand`` names the
    fields a composite one stands for (an address is street, city, postal
    code). ``entities`` lists the entities whose usual columns include it.
    """

    column: str
    type: str
    params: Col = field(default_factory=dict)
    names: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    hint: str | None = None
    expand: tuple[str, ...] = ()
    units: dict[str, Col] = field(default_factory=dict)
    within: dict[str, Col] = field(default_factory=dict)
    kind: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    description: str = ""

    def spec(self) -> Col:
        """The column spec (a fresh copy): ``{"type": ..., **params}``."""
        return {"type": self.type, **copy.deepcopy(self.params)}


# the C loader when PyYAML has it: the data files are read on every planning process
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


def _data(name: str) -> Any:
    base = resources.files("synthwright.lexicon") / "data"
    return _yaml((base / name).read_text(encoding="utf-8"))


def _resolve(value: Any) -> Any:
    """``this_year`` / ``today`` in a data file mean the day the lexicon is read."""
    if value == "this_year":
        return date.today().year
    if value == "today":
        return date.today().isoformat()
    if isinstance(value, dict):
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    return value


def _tuple(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise SpecError("a list of words", where)
    return tuple(str(v) for v in value)


def _parent(data: Any, where: str) -> Parent:
    if not isinstance(data, dict) or "table" not in data or "column" not in data:
        raise SpecError("a parent is {table, column, ...}", where)
    unknown = set(data) - _PARENT_KEYS
    if unknown:
        raise SpecError(f"unknown keys {sorted(unknown)}", where)
    owner = bool(data.get("owner", True))
    return Parent(
        table=str(data["table"]),
        column=str(data["column"]),
        owner=owner,
        min=int(data.get("min", 0)),
        max=int(data.get("max", 10)),
        lam=None if "lam" in data and data["lam"] is None else float(data.get("lam", 2.0)),
        zipf=bool(data.get("zipf", False)),
    )


def _entity(name: str, data: Any, domain: str) -> Entity:
    where = f"lexicon/entities/{domain}.yaml:{name}"
    if not isinstance(data, dict):
        raise SpecError("an entity is a mapping", where)
    unknown = set(data) - _ENTITY_KEYS
    if unknown:
        raise SpecError(f"unknown keys {sorted(unknown)}", where)
    columns = _resolve(data.get("columns") or {})
    if not isinstance(columns, dict) or not columns:
        raise SpecError("an entity needs columns", where)
    after = {str(k): _tuple(v, f"{where}.after") for k, v in (data.get("after") or {}).items()}
    return Entity(
        name=name,
        names=_tuple(data.get("names"), f"{where}.names"),
        columns=columns,
        table=str(data.get("table") or name),
        rows=int(data.get("rows", 1000)),
        parents=tuple(
            _parent(p, f"{where}.parents[{i}]") for i, p in enumerate(data.get("parents") or [])
        ),
        junction=bool(data.get("junction", False)),
        time_column=data.get("time_column"),
        person=bool(data.get("person", False)),
        name_column=data.get("name_column"),
        status_values=_tuple(data.get("status_values"), f"{where}.status_values"),
        checks=_tuple(data.get("checks"), f"{where}.checks"),
        after=after,
        context=_tuple(data.get("context"), f"{where}.context"),
        description=str(data.get("description") or ""),
        domain=domain,
        record=data.get("record"),
    )


def _record(ent: Entity, by_name: dict[str, Entity]) -> dict[str, Any]:
    """An entity's ``record`` resolved: ``table`` is the entity's, ``~`` columns its (or the
    named ``entity``'s) lexicon column; SpecError naming the file and key when wrong."""
    where = f"lexicon/entities/{ent.domain}.yaml:{ent.name}.record"
    data = ent.record
    if not isinstance(data, dict):
        raise SpecError("a record is a mapping", where)
    unknown = set(data) - _RECORD_KEYS
    missing = {"name", "domain", "tables"} - set(data)
    if unknown or missing:
        raise SpecError(f"unknown keys {sorted(unknown)}, missing {sorted(missing)}", where)
    tables = data["tables"]
    if not isinstance(tables, dict) or ent.table not in tables:
        raise SpecError(f"tables must hold the entity's table {ent.table!r}", f"{where}.tables")
    out: dict[str, Any] = {}
    for tname, tdata in tables.items():
        at = f"{where}.tables.{tname}"
        if not isinstance(tdata, dict) or not isinstance(tdata.get("columns"), dict):
            raise SpecError("a table is a mapping with columns", at)
        tdata = copy.deepcopy(tdata)
        source = by_name.get(str(tdata.pop("entity", ent.name)))
        if source is None:
            raise SpecError("not a lexicon entity", f"{at}.entity")
        for col, spec in tdata["columns"].items():
            if spec is None:
                if col not in source.columns:
                    raise SpecError(f"{source.name} has no column {col!r}", f"{at}.{col}")
                tdata["columns"][col] = copy.deepcopy(source.columns[col])
        out[str(tname)] = _resolve(tdata)
    return {**data, "table": ent.table, "tables": out, "source": where}


@lru_cache(maxsize=1)
def load_entities() -> tuple[Entity, ...]:
    """Every entity, file by file in name order, entries in file order."""
    base = resources.files("synthwright.lexicon") / "data" / "entities"
    files = sorted((f for f in base.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
    out: list[Entity] = []
    seen: set[str] = set()
    for file in files:
        domain = file.name[: -len(".yaml")]
        data = _yaml(file.read_text(encoding="utf-8")) or {}
        for name, entry in data.items():
            if name in seen:
                raise SpecError("entity defined twice", f"lexicon/entities/{domain}.yaml:{name}")
            seen.add(name)
            out.append(_entity(str(name), entry, domain))
    by_name = {e.name: e for e in out}
    return tuple(
        Entity(**{**e.__dict__, "record": _record(e, by_name)}) if e.record is not None else e
        for e in out
    )


def _field(name: str, data: Any) -> Field:
    where = f"lexicon/fields.yaml:{name}"
    if not isinstance(data, dict) or "type" not in data:
        raise SpecError("a field is a mapping with a type", where)
    unknown = set(data) - _FIELD_KEYS
    if unknown:
        raise SpecError(f"unknown keys {sorted(unknown)}", where)
    return Field(
        column=name,
        type=str(data["type"]),
        params=_resolve(data.get("params") or {}),
        names=_tuple(data.get("names"), f"{where}.names"),
        columns=_tuple(data.get("columns"), f"{where}.columns"),
        hint=data.get("hint"),
        expand=_tuple(data.get("expand"), f"{where}.expand"),
        units={str(k): _resolve(v) for k, v in (data.get("units") or {}).items()},
        within={str(k): _resolve(v) for k, v in (data.get("within") or {}).items()},
        kind=_tuple(data.get("kind"), f"{where}.kind"),
        entities=_tuple(data.get("entities"), f"{where}.entities"),
        description=str(data.get("description") or ""),
    )


@lru_cache(maxsize=1)
def load_fields() -> tuple[Field, ...]:
    """Every field in file order (the profiler tries name hints in this order)."""
    data = _data("fields.yaml") or {}
    fields = [_field(str(k), v) for k, v in data.items()]
    users: dict[str, list[str]] = {}
    for ent in load_entities():
        for col in ent.columns:
            users.setdefault(col, []).append(ent.name)
    return tuple(
        Field(
            **{
                **f.__dict__,
                "entities": tuple(dict.fromkeys([*f.entities, *users.get(f.column, [])])),
            }
        )
        for f in fields
    )


@lru_cache(maxsize=1)
def load_vocab() -> dict[str, Any]:
    """Words that are not fields or entities: countries, currencies, units, formats..."""
    data = _data("vocab.yaml") or {}
    if not isinstance(data, dict):
        raise SpecError("vocab.yaml is a mapping", "lexicon/vocab.yaml")
    return dict(_resolve(data))
