"""Domain knowledge: common entities with sensible columns, relations and checks.

When a request names only an entity ("500 patients"), the planner takes the
columns from here, so the spec reads like one a person would write. Every
column uses a catalogue type (``synthwright types``). Columns that read a
parent (``after: customers.signup_at``) are kept only when that parent is in
the plan; the builder drops the link otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ENTITIES", "Entity", "Parent", "alias_index", "entity"]

Col = dict[str, Any]

_SIGNUP = {"type": "datetime", "min": "2023-01-01", "max": "2024-12-31"}
_MONEY = {"type": "decimal", "min": 5, "max": 2000, "scale": 2, "dist": "lognormal"}


def _dt(lo: str = "2023-01-01", hi: str = "2024-12-31", **kw: Any) -> Col:
    return {"type": "datetime", "min": lo, "max": hi, **kw}


def _cat(values: list[str] | dict[str, float]) -> Col:
    return {"type": "category", "values": values}


def _words(lo: int = 2, hi: int = 5) -> Col:
    return {"type": "text", "unit": "words", "min": lo, "max": hi}


def _sentences(lo: int = 1, hi: int = 3) -> Col:
    return {"type": "text", "unit": "sentences", "min": lo, "max": hi}


@dataclass(frozen=True)
class Parent:
    """A link to a parent entity.

    ``owner`` links drive the child's count (``per_parent``); only the first
    owner present in the plan is used. ``ref`` links are plain foreign keys
    drawn from the parent whenever it is in the plan (a doctor for each
    appointment). A junction's owners are all required.
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
    """One kind of record the planner knows."""

    name: str
    aliases: tuple[str, ...]
    columns: dict[str, Col]
    rows: int = 1000
    parents: tuple[Parent, ...] = ()
    junction: bool = False
    time_column: str | None = None
    person: bool = False
    name_column: str | None = None
    status_values: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    after: dict[str, tuple[str, ...]] = field(default_factory=dict)
    description: str = ""


def _person(email_unique: bool = True) -> dict[str, Col]:
    return {
        "first_name": {"type": "first_name"},
        "last_name": {"type": "last_name"},
        "email": {"type": "email", "unique": True} if email_unique else {"type": "email"},
    }


ENTITIES: tuple[Entity, ...] = (
    Entity(
        "customers",
        ("customer", "client", "buyer", "shopper"),
        {
            "id": {"type": "id"},
            **_person(),
            "phone": {"type": "phone"},
            "country": {"type": "country_code"},
            "city": {"type": "city"},
            "signup_at": dict(_SIGNUP),
        },
        rows=1000,
        time_column="signup_at",
        person=True,
        description="people who buy",
    ),
    Entity(
        "users",
        ("user", "member", "subscriber", "account holder"),
        {
            "id": {"type": "id"},
            "username": {"type": "username", "unique": True},
            **_person(),
            "country": {"type": "country_code"},
            "created_at": dict(_SIGNUP),
            "is_active": {"type": "bool", "p": 0.85},
        },
        rows=1000,
        time_column="created_at",
        person=True,
        status_values=("active", "suspended", "deleted"),
    ),
    Entity(
        "employees",
        ("employee", "staff member", "staff", "worker"),
        {
            "id": {"type": "id"},
            **_person(),
            "job_title": {"type": "job_title"},
            "department": _cat(
                {
                    "engineering": 0.3,
                    "sales": 0.2,
                    "support": 0.15,
                    "marketing": 0.1,
                    "finance": 0.1,
                    "hr": 0.05,
                    "operations": 0.1,
                }
            ),
            "hire_date": {"type": "date", "min": "2010-01-01", "max": "2024-12-31"},
            "salary": {
                "type": "decimal",
                "min": 30000,
                "max": 250000,
                "scale": 2,
                "dist": "lognormal",
            },
            "manager_id": {"ref": "employees.id", "null_rate": 0.1},
        },
        rows=500,
        time_column="hire_date",
        person=True,
        parents=(Parent("departments", "department_id", owner=False),),
    ),
    Entity(
        "departments",
        ("department", "team"),
        {
            "id": {"type": "id"},
            "name": _words(1, 2),
            "budget": {
                "type": "decimal",
                "min": 50000,
                "max": 5000000,
                "scale": 2,
                "dist": "lognormal",
            },
            "created_at": _dt("2010-01-01", "2024-12-31"),
        },
        rows=20,
        name_column="name",
    ),
    Entity(
        "patients",
        ("patient",),
        {
            "id": {"type": "id"},
            "first_name": {"type": "first_name"},
            "last_name": {"type": "last_name"},
            "date_of_birth": {"type": "date", "min": "1935-01-01", "max": "2023-12-31"},
            "sex": _cat({"female": 0.5, "male": 0.49, "other": 0.01}),
            "phone": {"type": "phone"},
            "email": {"type": "email", "null_rate": 0.3},
            "city": {"type": "city"},
            "postal_code": {"type": "postal_code"},
            "insurance_number": {"type": "string", "pattern": "??#########", "unique": True},
        },
        rows=1000,
        person=True,
    ),
    Entity(
        "doctors",
        ("doctor", "physician", "clinician"),
        {
            "id": {"type": "id"},
            "first_name": {"type": "first_name"},
            "last_name": {"type": "last_name"},
            "specialty": _cat(
                {
                    "general practice": 0.4,
                    "cardiology": 0.1,
                    "dermatology": 0.1,
                    "paediatrics": 0.15,
                    "orthopaedics": 0.15,
                    "neurology": 0.1,
                }
            ),
            "phone": {"type": "phone"},
            "email": {"type": "email", "unique": True},
            "license_number": {"type": "string", "pattern": "MD-######", "unique": True},
        },
        rows=50,
        person=True,
    ),
    Entity(
        "appointments",
        ("appointment", "visit", "consultation"),
        {
            "id": {"type": "uuid"},
            "scheduled_at": _dt("2024-01-01", "2024-12-31"),
            "duration_minutes": _cat({"15": 0.3, "30": 0.5, "45": 0.1, "60": 0.1}),
            "status": _cat(
                {"completed": 0.75, "scheduled": 0.1, "cancelled": 0.08, "no_show": 0.07}
            ),
            "reason": _sentences(1, 1),
        },
        rows=5000,
        parents=(
            Parent("patients", "patient_id", min=0, max=20, lam=3),
            Parent("doctors", "doctor_id", owner=False, zipf=True),
        ),
        time_column="scheduled_at",
        status_values=("completed", "scheduled", "cancelled", "no_show"),
    ),
    Entity(
        "prescriptions",
        ("prescription",),
        {
            "id": {"type": "uuid"},
            "medication": _cat(
                [
                    "amoxicillin",
                    "ibuprofen",
                    "metformin",
                    "lisinopril",
                    "atorvastatin",
                    "omeprazole",
                    "salbutamol",
                ]
            ),
            "dose_mg": _cat({"5": 0.2, "10": 0.3, "20": 0.2, "50": 0.2, "100": 0.1}),
            "issued_at": _dt("2024-01-01", "2024-12-31"),
            "refills": {"type": "int", "min": 0, "max": 5, "dist": {"zipf": {"a": 2}}},
        },
        rows=3000,
        parents=(
            Parent("appointments", "appointment_id", min=0, max=3, lam=0.8),
            Parent("patients", "patient_id", min=0, max=10, lam=2),
            Parent("doctors", "doctor_id", owner=False),
        ),
        time_column="issued_at",
        after={"issued_at": ("appointments.scheduled_at",)},
    ),
    Entity(
        "products",
        ("product", "article", "catalogue item"),
        {
            "id": {"type": "id"},
            "sku": {"type": "sku", "unique": True},
            "name": {"type": "product_name"},
            "category": _cat(
                {"apparel": 0.3, "home": 0.25, "electronics": 0.2, "toys": 0.1, "books": 0.15}
            ),
            "price": {"type": "price", "min": 2, "max": 900},
            "stock": {"type": "int", "min": 0, "max": 500, "dist": "exponential"},
        },
        rows=200,
        name_column="name",
    ),
    Entity(
        "orders",
        ("order", "purchase"),
        {
            "id": {"type": "uuid"},
            "ordered_at": _dt(),
            "status": _cat({"pending": 0.1, "shipped": 0.2, "delivered": 0.6, "cancelled": 0.1}),
            "subtotal": dict(_MONEY),
            "tax": {"expr": "round(subtotal * 0.08, 2)"},
            "total": {"expr": "subtotal + tax"},
        },
        rows=5000,
        parents=(
            Parent("customers", "customer_id", min=0, max=10, lam=2),
            Parent("users", "user_id", min=0, max=10, lam=2),
        ),
        time_column="ordered_at",
        status_values=("pending", "shipped", "delivered", "cancelled"),
        checks=("total = subtotal + tax",),
        after={"ordered_at": ("customers.signup_at", "users.created_at")},
    ),
    Entity(
        "order_items",
        ("order item", "item", "order line", "line item", "basket item", "cart item"),
        {
            "quantity": {"type": "int", "min": 1, "max": 5, "dist": {"zipf": {"a": 2}}},
            "unit_price": {
                "type": "decimal",
                "min": 2,
                "max": 900,
                "scale": 2,
                "dist": "lognormal",
            },
            "line_total": {"expr": "round(quantity * unit_price, 2)"},
        },
        rows=10000,
        parents=(
            Parent("orders", "order_id", min=1, max=5, lam=None),
            Parent("products", "product_id", owner=False),
        ),
        junction=True,
    ),
    Entity(
        "invoices",
        ("invoice", "bill"),
        {
            "id": {"type": "id"},
            "invoice_number": {"type": "string", "pattern": "INV-#######", "unique": True},
            "issued_at": _dt(),
            "due_at": {"type": "datetime", "after": "issued_at", "within": "30d"},
            "amount": dict(_MONEY),
            "status": _cat({"paid": 0.7, "sent": 0.15, "overdue": 0.1, "draft": 0.05}),
        },
        rows=3000,
        parents=(
            Parent("orders", "order_id", min=1, max=1, lam=None),
            Parent("customers", "customer_id", min=0, max=10, lam=2),
            Parent("accounts", "account_id", min=0, max=10, lam=2),
        ),
        time_column="issued_at",
        status_values=("paid", "sent", "overdue", "draft"),
        after={"issued_at": ("orders.ordered_at", "customers.signup_at")},
        checks=("due_at >= issued_at",),
    ),
    Entity(
        "payments",
        ("payment",),
        {
            "id": {"type": "uuid"},
            "paid_at": _dt(),
            "amount": dict(_MONEY),
            "method": _cat({"card": 0.6, "bank_transfer": 0.2, "paypal": 0.15, "cash": 0.05}),
            "status": _cat({"succeeded": 0.9, "failed": 0.07, "refunded": 0.03}),
        },
        rows=3000,
        parents=(
            Parent("invoices", "invoice_id", min=0, max=2, lam=1),
            Parent("orders", "order_id", min=0, max=2, lam=1),
            Parent("customers", "customer_id", min=0, max=10, lam=2),
        ),
        time_column="paid_at",
        status_values=("succeeded", "failed", "refunded"),
        after={"paid_at": ("invoices.issued_at", "orders.ordered_at", "customers.signup_at")},
    ),
    Entity(
        "accounts",
        ("account", "bank account"),
        {
            "id": {"type": "id"},
            "iban": {"type": "iban", "unique": True},
            "kind": _cat({"checking": 0.7, "savings": 0.3}),
            "opened_at": {"type": "date", "min": "2015-01-01", "max": "2024-12-31"},
            "balance": {
                "type": "decimal",
                "min": 0,
                "max": 250000,
                "scale": 2,
                "dist": "lognormal",
            },
        },
        rows=2000,
        parents=(Parent("customers", "customer_id", min=1, max=3, lam=None),),
        time_column="opened_at",
        status_values=("open", "frozen", "closed"),
        after={"opened_at": ("customers.signup_at",)},
    ),
    Entity(
        "transactions",
        ("transaction", "transfer", "card transaction"),
        {
            "id": {"type": "uuid"},
            "booked_at": _dt("2024-01-01", "2024-12-31"),
            "amount": {"type": "decimal", "min": 0.5, "max": 5000, "scale": 2, "dist": "lognormal"},
            "direction": _cat({"debit": 0.8, "credit": 0.2}),
            "merchant": {"type": "company"},
            "category": _cat(
                {
                    "groceries": 0.3,
                    "transport": 0.15,
                    "restaurants": 0.15,
                    "shopping": 0.2,
                    "utilities": 0.1,
                    "travel": 0.1,
                }
            ),
        },
        rows=20000,
        parents=(
            Parent("accounts", "account_id", min=0, max=100, lam=20),
            Parent("customers", "customer_id", min=0, max=100, lam=20),
            Parent("users", "user_id", min=0, max=100, lam=20),
        ),
        time_column="booked_at",
        checks=("amount > 0",),
    ),
    Entity(
        "reviews",
        ("review", "product review"),
        {
            "id": {"type": "id"},
            "rating": {"type": "int", "min": 1, "max": 5, "dist": {"beta": {"a": 4, "b": 1.5}}},
            "title": _words(2, 6),
            "body": _sentences(1, 3),
            "created_at": _dt(),
        },
        rows=3000,
        parents=(
            Parent("products", "product_id", min=0, max=15, lam=3),
            Parent("orders", "order_id", min=0, max=1, lam=None),
            Parent("customers", "customer_id", owner=False),
        ),
        time_column="created_at",
        checks=("rating BETWEEN 1 AND 5",),
        after={"created_at": ("orders.ordered_at",)},
    ),
    Entity(
        "support_tickets",
        ("support ticket", "ticket", "support request", "helpdesk ticket"),
        {
            "id": {"type": "id"},
            "subject": _words(3, 8),
            "description": _sentences(1, 4),
            "priority": _cat({"low": 0.4, "medium": 0.35, "high": 0.2, "urgent": 0.05}),
            "status": _cat({"open": 0.2, "pending": 0.15, "resolved": 0.5, "closed": 0.15}),
            "channel": _cat({"email": 0.5, "chat": 0.3, "phone": 0.2}),
            "created_at": _dt(),
            "resolved_at": {
                "type": "datetime",
                "after": "created_at",
                "within": "14d",
                "null_rate": 0.2,
            },
        },
        rows=2000,
        parents=(
            Parent("customers", "customer_id", min=0, max=5, lam=1),
            Parent("users", "user_id", min=0, max=5, lam=1),
            Parent("employees", "assignee_id", owner=False),
        ),
        time_column="created_at",
        status_values=("open", "pending", "resolved", "closed"),
        after={"created_at": ("customers.signup_at", "users.created_at")},
    ),
    Entity(
        "sessions",
        ("session", "visit session", "web session", "login session"),
        {
            "id": {"type": "uuid"},
            "started_at": _dt(),
            "duration": {"type": "duration", "min": "10s", "max": "3h", "dist": "lognormal"},
            "ip": {"type": "ipv4"},
            "user_agent": {"type": "user_agent"},
            "device": _cat({"desktop": 0.5, "mobile": 0.4, "tablet": 0.1}),
        },
        rows=10000,
        parents=(
            Parent("users", "user_id", min=0, max=30, lam=6),
            Parent("customers", "customer_id", min=0, max=30, lam=6),
        ),
        time_column="started_at",
        after={"started_at": ("users.created_at", "customers.signup_at")},
    ),
    Entity(
        "events",
        ("event", "pageview", "analytics event", "tracking event"),
        {
            "id": {"type": "id"},
            "name": _cat(
                {"page_view": 0.55, "click": 0.25, "search": 0.1, "signup": 0.05, "purchase": 0.05}
            ),
            "occurred_at": _dt(),
            "properties": {
                "type": "json",
                "keys": {"path": "category:/|/home|/search|/cart|/settings", "latency_ms": "int"},
            },
        },
        rows=50000,
        parents=(
            Parent("sessions", "session_id", min=1, max=60, lam=8),
            Parent("users", "user_id", min=0, max=200, lam=20),
            Parent("devices", "device_id", min=0, max=200, lam=20),
        ),
        time_column="occurred_at",
        after={"occurred_at": ("sessions.started_at", "users.created_at")},
    ),
    Entity(
        "devices",
        ("device", "sensor", "iot device", "gadget"),
        {
            "id": {"type": "id"},
            "serial_number": {"type": "string", "pattern": "SN-??########", "unique": True},
            "model": _cat({"TX-100": 0.4, "TX-200": 0.3, "RX-9": 0.2, "Pro-X": 0.1}),
            "firmware_version": {"type": "string", "regex": "[1-4]\\.[0-9]\\.[0-9]{1,2}"},
            "installed_at": _dt("2022-01-01", "2024-12-31"),
            "latitude": {"type": "latitude"},
            "longitude": {"type": "longitude"},
            "status": _cat({"online": 0.85, "offline": 0.1, "maintenance": 0.05}),
        },
        rows=500,
        parents=(
            Parent("users", "user_id", min=0, max=3, lam=1),
            Parent("customers", "customer_id", min=0, max=3, lam=1),
        ),
        time_column="installed_at",
        status_values=("online", "offline", "maintenance"),
    ),
    Entity(
        "sensor_readings",
        ("sensor reading", "reading", "measurement", "telemetry record"),
        {
            "id": {"type": "id"},
            "recorded_at": _dt("2024-01-01", "2024-12-31"),
            "temperature_c": {
                "type": "float",
                "min": -20,
                "max": 45,
                "dist": {"normal": {"mean": 18, "std": 8}},
            },
            "humidity_pct": {
                "type": "float",
                "min": 0,
                "max": 100,
                "dist": {"normal": {"mean": 55, "std": 15}},
            },
            "battery_pct": {"type": "int", "min": 0, "max": 100},
        },
        rows=50000,
        parents=(Parent("devices", "device_id", min=0, max=500, lam=100),),
        time_column="recorded_at",
        after={"recorded_at": ("devices.installed_at",)},
    ),
    Entity(
        "flights",
        ("flight",),
        {
            "id": {"type": "id"},
            "flight_number": {"type": "string", "regex": "[A-Z]{2}[1-9][0-9]{2,3}"},
            "origin": _cat(
                ["JFK", "LHR", "FRA", "CDG", "AMS", "MAD", "FCO", "HND", "ORD", "LAX", "DXB", "SIN"]
            ),
            "destination": _cat(
                ["JFK", "LHR", "FRA", "CDG", "AMS", "MAD", "FCO", "HND", "ORD", "LAX", "DXB", "SIN"]
            ),
            "departure_at": _dt("2024-01-01", "2024-12-31"),
            "arrival_at": {"type": "datetime", "after": "departure_at", "within": "14h"},
            "status": _cat({"on_time": 0.75, "delayed": 0.2, "cancelled": 0.05}),
            "seats": _cat({"150": 0.4, "180": 0.4, "300": 0.2}),
        },
        rows=1000,
        time_column="departure_at",
        status_values=("on_time", "delayed", "cancelled"),
        checks=("arrival_at >= departure_at",),
    ),
    Entity(
        "passengers",
        ("passenger", "traveller", "traveler"),
        {
            "id": {"type": "id"},
            **_person(),
            "date_of_birth": {"type": "date", "min": "1940-01-01", "max": "2020-12-31"},
            "passport_number": {"type": "string", "pattern": "??#######", "unique": True},
            "country": {"type": "country_code"},
        },
        rows=2000,
        person=True,
    ),
    Entity(
        "bookings",
        ("booking", "reservation", "ticket booking"),
        {
            "seat": {"type": "string", "regex": "[1-4][0-9][A-F]"},
            "fare_class": _cat({"economy": 0.8, "premium": 0.1, "business": 0.08, "first": 0.02}),
            "fare": {"type": "decimal", "min": 40, "max": 5000, "scale": 2, "dist": "lognormal"},
            "booked_at": _dt(),
        },
        rows=5000,
        parents=(
            Parent("passengers", "passenger_id", min=1, max=4, lam=None),
            Parent("flights", "flight_id", owner=False),
        ),
        junction=True,
        time_column="booked_at",
    ),
    Entity(
        "students",
        ("student", "pupil", "learner"),
        {
            "id": {"type": "id"},
            **_person(),
            "date_of_birth": {"type": "date", "min": "1995-01-01", "max": "2006-12-31"},
            "major": _cat(
                [
                    "computer science",
                    "biology",
                    "economics",
                    "history",
                    "mathematics",
                    "physics",
                    "literature",
                ]
            ),
            "enrolled_year": {"type": "int", "min": 2018, "max": 2024},
            "gpa": {
                "type": "decimal",
                "min": 1,
                "max": 4,
                "scale": 2,
                "dist": {"normal": {"mean": 3, "std": 0.5}},
            },
        },
        rows=1000,
        person=True,
    ),
    Entity(
        "courses",
        ("course", "class", "module"),
        {
            "id": {"type": "id"},
            "code": {"type": "string", "regex": "[A-Z]{3}[1-4][0-9]{2}", "unique": True},
            "title": _words(2, 4),
            "credits": {"type": "int", "min": 1, "max": 6},
            "department": _cat(["science", "arts", "engineering", "business", "medicine"]),
        },
        rows=60,
        name_column="title",
        parents=(Parent("teachers", "teacher_id", owner=False),),
    ),
    Entity(
        "enrolments",
        ("enrolment", "enrollment", "enrollments", "registration", "course registration"),
        {
            "enrolled_at": _dt(),
            "grade": {
                "type": "category",
                "values": {"A": 0.2, "B": 0.35, "C": 0.3, "D": 0.1, "F": 0.05},
                "null_rate": 0.1,
            },
        },
        rows=5000,
        parents=(
            Parent("students", "student_id", min=1, max=6, lam=None),
            Parent("courses", "course_id", owner=False),
        ),
        junction=True,
        time_column="enrolled_at",
    ),
    Entity(
        "teachers",
        ("teacher", "instructor", "lecturer", "professor", "tutor"),
        {
            "id": {"type": "id"},
            **_person(),
            "department": _cat(["science", "arts", "engineering", "business", "medicine"]),
            "hired_on": {"type": "date", "min": "2000-01-01", "max": "2024-12-31"},
        },
        rows=80,
        person=True,
    ),
    Entity(
        "companies",
        ("company", "organisation", "organization", "firm", "tenant"),
        {
            "id": {"type": "id"},
            "name": {"type": "company"},
            "domain": {"type": "domain", "unique": True},
            "industry": _cat(
                [
                    "software",
                    "retail",
                    "finance",
                    "healthcare",
                    "manufacturing",
                    "education",
                    "logistics",
                ]
            ),
            "employee_count": {"type": "int", "min": 1, "max": 50000, "dist": "lognormal"},
            "founded_year": {"type": "int", "min": 1950, "max": 2023},
            "country": {"type": "country_code"},
        },
        rows=500,
        name_column="name",
    ),
    Entity(
        "suppliers",
        ("supplier", "vendor", "manufacturer"),
        {
            "id": {"type": "id"},
            "name": {"type": "company"},
            "contact_email": {"type": "email"},
            "phone": {"type": "phone"},
            "country": {"type": "country_code"},
            "city": {"type": "city"},
        },
        rows=100,
        name_column="name",
    ),
    Entity(
        "addresses",
        ("address", "shipping address"),
        {
            "id": {"type": "id"},
            "street": {"type": "street_address"},
            "city": {"type": "city"},
            "postal_code": {"type": "postal_code"},
            "country": {"type": "country_code"},
            "is_default": {"type": "bool", "p": 0.5},
        },
        rows=1500,
        parents=(
            Parent("customers", "customer_id", min=1, max=3, lam=None),
            Parent("users", "user_id", min=1, max=3, lam=None),
        ),
    ),
    Entity(
        "shipments",
        ("shipment", "delivery", "parcel"),
        {
            "id": {"type": "uuid"},
            "carrier": _cat({"UPS": 0.3, "DHL": 0.3, "FedEx": 0.2, "USPS": 0.2}),
            "tracking_number": {"type": "string", "regex": "1Z[A-Z0-9]{10}", "unique": True},
            "shipped_at": _dt(),
            "delivered_at": {
                "type": "datetime",
                "after": "shipped_at",
                "within": "14d",
                "null_rate": 0.1,
            },
            "status": _cat({"in_transit": 0.2, "delivered": 0.75, "lost": 0.05}),
        },
        rows=4000,
        parents=(Parent("orders", "order_id", min=0, max=2, lam=1),),
        time_column="shipped_at",
        status_values=("in_transit", "delivered", "lost"),
        after={"shipped_at": ("orders.ordered_at",)},
    ),
    Entity(
        "subscriptions",
        ("subscription", "plan subscription", "membership"),
        {
            "id": {"type": "id"},
            "plan": _cat({"free": 0.5, "pro": 0.35, "enterprise": 0.15}),
            "status": _cat({"active": 0.7, "cancelled": 0.2, "past_due": 0.1}),
            "started_at": _dt(),
            "monthly_price": {
                "type": "decimal",
                "min": 0,
                "max": 500,
                "scale": 2,
                "dist": "lognormal",
            },
        },
        rows=1500,
        parents=(
            Parent("customers", "customer_id", min=0, max=2, lam=1),
            Parent("users", "user_id", min=0, max=2, lam=1),
            Parent("companies", "company_id", min=0, max=2, lam=1),
        ),
        time_column="started_at",
        status_values=("active", "cancelled", "past_due"),
        after={"started_at": ("customers.signup_at", "users.created_at")},
    ),
    Entity(
        "books",
        ("book", "novel"),
        {
            "id": {"type": "id"},
            "isbn": {"type": "isbn", "unique": True},
            "title": _words(1, 5),
            "genre": _cat(["fiction", "mystery", "science", "history", "fantasy", "biography"]),
            "published_year": {"type": "int", "min": 1950, "max": 2024},
            "price": {"type": "price", "min": 5, "max": 80},
        },
        rows=1000,
        name_column="title",
        parents=(Parent("authors", "author_id", owner=False, zipf=True),),
    ),
    Entity(
        "authors",
        ("author", "writer"),
        {
            "id": {"type": "id"},
            "full_name": {"type": "full_name"},
            "country": {"type": "country_code"},
            "birth_date": {"type": "date", "min": "1920-01-01", "max": "2000-12-31"},
        },
        rows=200,
        person=True,
        name_column="full_name",
    ),
    Entity(
        "vehicles",
        ("vehicle", "car", "truck"),
        {
            "id": {"type": "id"},
            "vin": {"type": "string", "regex": "[A-HJ-NPR-Z0-9]{17}"},
            "make": _cat(["Toyota", "Volkswagen", "Ford", "BMW", "Honda", "Tesla", "Renault"]),
            "model_year": {"type": "int", "min": 2005, "max": 2024},
            "color": {"type": "color"},
            "mileage_km": {"type": "int", "min": 0, "max": 300000, "dist": "lognormal"},
        },
        rows=1000,
        parents=(Parent("customers", "owner_id", min=0, max=3, lam=1),),
    ),
    Entity(
        "stores",
        ("store", "branch", "outlet", "retail store"),
        {
            "id": {"type": "id"},
            "name": {"type": "company"},
            "city": {"type": "city"},
            "country": {"type": "country_code"},
            "opened_at": {"type": "date", "min": "2000-01-01", "max": "2024-12-31"},
        },
        rows=50,
        name_column="name",
    ),
    Entity(
        "projects",
        ("project",),
        {
            "id": {"type": "id"},
            "name": _words(1, 3),
            "status": _cat({"planned": 0.2, "active": 0.5, "done": 0.25, "cancelled": 0.05}),
            "started_at": {"type": "date", "min": "2022-01-01", "max": "2024-12-31"},
            "budget": {
                "type": "decimal",
                "min": 1000,
                "max": 1000000,
                "scale": 2,
                "dist": "lognormal",
            },
        },
        rows=100,
        name_column="name",
        status_values=("planned", "active", "done", "cancelled"),
        parents=(Parent("companies", "company_id", min=0, max=10, lam=3),),
    ),
    Entity(
        "tasks",
        ("task", "todo", "issue", "work item"),
        {
            "id": {"type": "id"},
            "title": _words(3, 8),
            "status": _cat({"todo": 0.3, "in_progress": 0.2, "done": 0.5}),
            "priority": _cat({"low": 0.4, "medium": 0.4, "high": 0.2}),
            "created_at": _dt(),
            "due_date": {
                "type": "date",
                "min": "2023-01-01",
                "max": "2025-06-30",
                "null_rate": 0.3,
            },
        },
        rows=3000,
        parents=(
            Parent("projects", "project_id", min=0, max=50, lam=10),
            Parent("employees", "assignee_id", owner=False),
            Parent("users", "assignee_id", owner=False),
        ),
        time_column="created_at",
        status_values=("todo", "in_progress", "done"),
    ),
    Entity(
        "posts",
        ("post", "blog post", "tweet"),
        {
            "id": {"type": "id"},
            "title": _words(3, 10),
            "body": _sentences(2, 6),
            "published_at": _dt(),
            "likes": {"type": "int", "min": 0, "max": 100000, "dist": {"zipf": {"a": 1.5}}},
        },
        rows=5000,
        parents=(
            Parent("users", "author_id", min=0, max=30, lam=5),
            Parent("authors", "author_id", min=0, max=30, lam=5),
        ),
        time_column="published_at",
        after={"published_at": ("users.created_at",)},
    ),
    Entity(
        "comments",
        ("comment", "reply"),
        {
            "id": {"type": "id"},
            "body": _sentences(1, 3),
            "created_at": _dt(),
        },
        rows=10000,
        parents=(
            Parent("posts", "post_id", min=0, max=20, lam=3),
            Parent("users", "user_id", owner=False),
        ),
        time_column="created_at",
        after={"created_at": ("posts.published_at",)},
    ),
    Entity(
        "logs",
        ("log", "log entry", "log line", "log record"),
        {
            "id": {"type": "id"},
            "timestamp": _dt("2024-01-01", "2024-12-31"),
            "level": _cat({"INFO": 0.7, "WARN": 0.15, "ERROR": 0.1, "DEBUG": 0.05}),
            "service": _cat(["api", "auth", "billing", "search", "worker"]),
            "message": _sentences(1, 1),
            "latency_ms": {"type": "int", "min": 1, "max": 5000, "dist": "lognormal"},
            "ip": {"type": "ipv4"},
        },
        rows=50000,
        time_column="timestamp",
    ),
    Entity(
        "files",
        ("file", "document", "attachment", "upload"),
        {
            "id": {"type": "id"},
            "file_name": {"type": "file_name"},
            "file_extension": {"type": "file_extension"},
            "mime_type": {"type": "mime_type"},
            "path": {"type": "file_path"},
            "size_bytes": {"type": "int", "min": 100, "max": 50000000, "dist": "lognormal"},
            "sha256": {"type": "sha256"},
            "uploaded_at": _dt(),
        },
        rows=2000,
        parents=(Parent("users", "owner_id", min=0, max=20, lam=4),),
        time_column="uploaded_at",
    ),
    Entity(
        "loans",
        ("loan", "mortgage"),
        {
            "id": {"type": "id"},
            "principal": {
                "type": "decimal",
                "min": 1000,
                "max": 500000,
                "scale": 2,
                "dist": "lognormal",
            },
            "interest_rate": {"type": "decimal", "min": 0.5, "max": 15, "scale": 2},
            "term_months": _cat({"12": 0.2, "36": 0.3, "60": 0.3, "120": 0.1, "360": 0.1}),
            "issued_at": {"type": "date", "min": "2018-01-01", "max": "2024-12-31"},
            "status": _cat({"current": 0.8, "late": 0.1, "default": 0.03, "repaid": 0.07}),
        },
        rows=1000,
        parents=(
            Parent("customers", "customer_id", min=0, max=3, lam=1),
            Parent("accounts", "account_id", min=0, max=2, lam=1),
        ),
        time_column="issued_at",
        status_values=("current", "late", "default", "repaid"),
    ),
)


_BY_NAME = {e.name: e for e in ENTITIES}


def entity(name: str) -> Entity | None:
    """The entity with this canonical table name, if known."""
    return _BY_NAME.get(name)


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def alias_index() -> dict[str, str]:
    """Every spelling (singular, plural, with spaces or underscores) -> entity name."""
    index: dict[str, str] = {}
    for ent in ENTITIES:
        forms = {ent.name, ent.name.replace("_", " ")}
        for alias in ent.aliases:
            forms.update({alias, _plural(alias)})
        for form in forms:
            index.setdefault(form.replace("_", " "), ent.name)
    return index
