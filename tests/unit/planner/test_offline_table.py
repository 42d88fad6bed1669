"""The offline planner against a table of prompts across domains.

Each case states the exact tables, their columns in order, their sizes (a row
count, or ``(parent, min, max)`` per parent) and the constraints the prompt
asked for. Every planned spec must be valid and must generate.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import synthwright as sw
from synthwright.planner import plan_offline
from synthwright.spec import spec_to_data

Size = int | tuple[str, int, int]

CASES: list[tuple[str, dict[str, tuple[Size, list[str]]], dict[str, Any]]] = [
    (
        "500 customers with name, email and signup date, each customer has 1-5 orders",
        {
            "customers": (500, ["id", "first_name", "last_name", "email", "signup_at"]),
            "orders": (
                ("customers", 1, 5),
                ["id", "customer_id", "ordered_at", "status", "subtotal", "tax", "total"],
            ),
        },
        {
            "customers.email": {"unique": True},
            "customers.signup_at": {"type": "datetime"},
            "orders.customer_id": {"ref": "customers.id"},
            "orders.ordered_at": {"after": "customers.signup_at"},
        },
    ),
    (
        "about 3 reviews per product, 200 products",
        {
            "reviews": (
                ("products", 0, 9),
                ["id", "product_id", "rating", "title", "body", "created_at"],
            ),
            "products": (200, ["id", "sku", "name", "category", "price", "stock"]),
        },
        {
            "reviews.product_id": {"ref": "products.id"},
            "@reviews.per_parent.dist": {"poisson": {"lam": 3.0}},
        },
    ),
    (
        "10k users and a million events as CSV",
        {
            "users": (
                10000,
                [
                    "id",
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "country",
                    "created_at",
                    "is_active",
                ],
            ),
            "events": (1000000, ["id", "user_id", "name", "occurred_at", "properties"]),
        },
        {"events.user_id": {"ref": "users.id"}, "@format": "csv"},
    ),
    (
        "300 spaceships with name and launch date",
        {"spaceships": (300, ["id", "name", "launch_date"])},
        {"spaceships.launch_date": {"type": "date"}},
    ),
    (
        "patients and doctors with appointments; age between 50 and 20",
        {
            "patients": (
                1000,
                [
                    "id",
                    "first_name",
                    "last_name",
                    "date_of_birth",
                    "sex",
                    "phone",
                    "email",
                    "city",
                    "postal_code",
                    "insurance_number",
                ],
            ),
            "doctors": (
                50,
                ["id", "first_name", "last_name", "specialty", "phone", "email", "license_number"],
            ),
            "appointments": (
                ("patients", 0, 20),
                [
                    "id",
                    "patient_id",
                    "doctor_id",
                    "scheduled_at",
                    "duration_minutes",
                    "status",
                    "reason",
                ],
            ),
        },
        {
            "appointments.doctor_id": {"ref": "doctors.id", "dist": "zipf"},
            "@questions": ["rows.patients", "rows.doctors", "per_parent.appointments"],
        },
    ),
    (
        "orders where status is paid. Status is pending only.",
        {"orders": (5000, ["id", "ordered_at", "status", "subtotal", "tax", "total"])},
        {
            "orders.status": {"values": ["pending"]},
            "@questions": ["rows.orders", "conflict.orders.status"],
        },
    ),
    (
        "customers with some details",
        {
            "customers": (
                1000,
                ["id", "first_name", "last_name", "email", "phone", "country", "city", "signup_at"],
            )
        },
        {"@questions": ["fields.customers", "rows.customers"]},
    ),
    (
        "employees with salary over 50000 and 30% remote, 5% missing phone numbers, exported to parquet with seed 7",
        {"employees": (500, ["id", "salary", "phone", "remote"])},
        {
            "employees.salary": {"min": 50000, "max": 250000},
            "employees.remote": {"type": "bool", "p": 0.3},
            "employees.phone": {"null_rate": 0.05},
            "@format": "parquet",
            "@seed": 7,
        },
    ),
    (
        "1000 students, 40 courses and enrolments: each student enrols in 2-6 courses",
        {
            "students": (
                1000,
                [
                    "id",
                    "first_name",
                    "last_name",
                    "email",
                    "date_of_birth",
                    "major",
                    "enrolled_year",
                    "gpa",
                ],
            ),
            "courses": (40, ["id", "code", "title", "credits", "department"]),
            "enrolments": (("students", 2, 6), ["student_id", "course_id", "enrolled_at", "grade"]),
        },
        {
            "@enrolments.unique": ["student_id", "course_id"],
            "enrolments.course_id": {"ref": "courses.id"},
            "@questions": [],
        },
    ),
    (
        "2000 orders with order items; up to 5 items per order; 300 products",
        {
            "orders": (2000, ["id", "ordered_at", "status", "subtotal", "tax", "total"]),
            "order_items": (
                ("orders", 1, 5),
                ["order_id", "product_id", "quantity", "unit_price", "line_total"],
            ),
            "products": (300, ["id", "sku", "name", "category", "price", "stock"]),
        },
        {
            "@order_items.unique": ["order_id", "product_id"],
            "order_items.line_total": {"expr": "round(quantity * unit_price, 2)"},
        },
    ),
    (
        "200 devices, each device has about 500 sensor readings recorded in March 2024",
        {
            "devices": (
                200,
                [
                    "id",
                    "serial_number",
                    "model",
                    "firmware_version",
                    "installed_at",
                    "latitude",
                    "longitude",
                    "status",
                ],
            ),
            "sensor_readings": (
                ("devices", 0, 1500),
                ["id", "device_id", "recorded_at", "temperature_c", "humidity_pct", "battery_pct"],
            ),
        },
        {
            "sensor_readings.recorded_at": {
                "min": "2024-03-01",
                "max": "2024-03-31",
                "after": "devices.installed_at",
            },
            "devices.installed_at": {"max": "2024-03-31"},
            "@sensor_readings.per_parent.dist": {"poisson": {"lam": 500.0}},
        },
    ),
    (
        "5000 flights in 2023 with status on_time, delayed or cancelled",
        {
            "flights": (
                5000,
                [
                    "id",
                    "flight_number",
                    "origin",
                    "destination",
                    "departure_at",
                    "arrival_at",
                    "status",
                    "seats",
                ],
            )
        },
        {
            "flights.departure_at": {"min": "2023-01-01", "max": "2023-12-31"},
            "flights.status": {"values": ["on_time", "delayed", "cancelled"]},
        },
    ),
    (
        "A bank: 1000 customers, each with 1-3 accounts, and about 20 transactions per account in EUR",
        {
            "customers": (
                1000,
                ["id", "first_name", "last_name", "email", "phone", "country", "city", "signup_at"],
            ),
            "accounts": (
                ("customers", 1, 3),
                ["id", "customer_id", "iban", "kind", "opened_at", "balance", "currency"],
            ),
            "transactions": (
                ("accounts", 0, 60),
                [
                    "id",
                    "account_id",
                    "booked_at",
                    "amount",
                    "direction",
                    "merchant",
                    "category",
                    "currency",
                ],
            ),
        },
        {
            "accounts.currency": {"values": ["EUR"]},
            "transactions.currency": {"values": ["EUR"]},
            "transactions.account_id": {"ref": "accounts.id"},
            "@transactions.per_parent.dist": {"poisson": {"lam": 20.0}},
        },
    ),
    (
        "support tickets for 800 users, priority is low, medium, high or urgent",
        {
            "support_tickets": (
                ("users", 0, 5),
                [
                    "id",
                    "user_id",
                    "subject",
                    "description",
                    "priority",
                    "status",
                    "channel",
                    "created_at",
                    "resolved_at",
                ],
            ),
            "users": (
                800,
                [
                    "id",
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "country",
                    "created_at",
                    "is_active",
                ],
            ),
        },
        {"support_tickets.priority": {"values": ["low", "medium", "high", "urgent"]}},
    ),
    (
        "3000 invoices and payments, invoices issued in Q1 2024",
        {
            "invoices": (3000, ["id", "invoice_number", "issued_at", "due_at", "amount", "status"]),
            "payments": (
                ("invoices", 0, 2),
                ["id", "invoice_id", "paid_at", "amount", "method", "status"],
            ),
        },
        {
            "invoices.issued_at": {"min": "2024-01-01", "max": "2024-03-31"},
            "payments.paid_at": {"after": "invoices.issued_at"},
        },
    ),
    (
        "French patients with date of birth, blood type and insurance number",
        {"patients": (1000, ["id", "date_of_birth", "blood_type", "insurance_number", "country"])},
        {
            "patients.country": {"values": ["FR"]},
            "@locale": "fr_FR",
            "patients.insurance_number": {"unique": True},
        },
    ),
    (
        "500 companies with name, industry and website as JSON",
        {"companies": (500, ["id", "name", "industry", "website"])},
        {
            "companies.name": {"type": "company"},
            "companies.website": {"type": "url"},
            "@format": "json",
        },
    ),
    (
        "make me some data",
        {
            "customers": (
                1000,
                ["id", "first_name", "last_name", "email", "phone", "country", "city", "signup_at"],
            ),
            "orders": (
                ("customers", 0, 10),
                ["id", "customer_id", "ordered_at", "status", "subtotal", "tax", "total"],
            ),
        },
        {"@questions": ["entities", "rows.customers", "per_parent.orders"]},
    ),
    (
        "50 doctors, 2000 patients, each patient has about 4 appointments in 2024",
        {
            "doctors": (
                50,
                ["id", "first_name", "last_name", "specialty", "phone", "email", "license_number"],
            ),
            "patients": (
                2000,
                [
                    "id",
                    "first_name",
                    "last_name",
                    "date_of_birth",
                    "sex",
                    "phone",
                    "email",
                    "city",
                    "postal_code",
                    "insurance_number",
                ],
            ),
            "appointments": (
                ("patients", 0, 12),
                [
                    "id",
                    "patient_id",
                    "doctor_id",
                    "scheduled_at",
                    "duration_minutes",
                    "status",
                    "reason",
                ],
            ),
        },
        {
            "appointments.scheduled_at": {"min": "2024-01-01", "max": "2024-12-31"},
            "appointments.patient_id": {"ref": "patients.id"},
        },
    ),
    (
        "Japanese users with username, email and 20% premium",
        {"users": (1000, ["id", "username", "email", "premium", "country"])},
        {
            "users.premium": {"type": "bool", "p": 0.2},
            "users.country": {"values": ["JP"]},
            "@locale": "ja_JP",
        },
    ),
    (
        "1.5k books by 200 authors with isbn and price between 5 and 60 dollars",
        {
            "books": (1500, ["id", "author_id", "isbn", "price", "currency"]),
            "authors": (200, ["id", "full_name", "country", "birth_date"]),
        },
        {
            "books.price": {"min": 5, "max": 60},
            "books.isbn": {"type": "isbn"},
            "books.currency": {"values": ["USD"]},
            "books.author_id": {"ref": "authors.id", "dist": "zipf"},
        },
    ),
    (
        "sessions and events for 10000 users; each session has 1-50 events",
        {
            "sessions": (
                ("users", 0, 30),
                ["id", "user_id", "started_at", "duration", "ip", "user_agent", "device"],
            ),
            "events": (
                ("sessions", 1, 50),
                ["id", "session_id", "name", "occurred_at", "properties"],
            ),
            "users": (
                10000,
                [
                    "id",
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "country",
                    "created_at",
                    "is_active",
                ],
            ),
        },
        {"events.session_id": {"ref": "sessions.id"}, "sessions.user_id": {"ref": "users.id"}},
    ),
    (
        "employees in 12 departments, salary between 40000 and 120000",
        {
            "employees": (
                500,
                [
                    "id",
                    "department_id",
                    "first_name",
                    "last_name",
                    "email",
                    "job_title",
                    "hire_date",
                    "salary",
                    "manager_id",
                ],
            ),
            "departments": (12, ["id", "name", "budget", "created_at"]),
        },
        {
            "employees.salary": {"min": 40000, "max": 120000},
            "employees.department_id": {"ref": "departments.id"},
        },
    ),
    (
        "customers from Germany and France with unique emails, phone and address",
        {
            "customers": (
                1000,
                ["id", "email", "phone", "street_address", "city", "postal_code", "country"],
            )
        },
        {
            "customers.email": {"unique": True},
            "customers.country": {"values": ["DE", "FR"]},
            "@locale": "de_DE",
        },
    ),
    (
        "orders placed between January 2023 and June 2023 by 400 customers, export to excel",
        {
            "orders": (
                ("customers", 0, 10),
                ["id", "customer_id", "ordered_at", "status", "subtotal", "tax", "total"],
            ),
            "customers": (
                400,
                ["id", "first_name", "last_name", "email", "phone", "country", "city", "signup_at"],
            ),
        },
        {
            "orders.ordered_at": {
                "min": "2023-01-01",
                "max": "2023-06-30",
                "after": "customers.signup_at",
            },
            "customers.signup_at": {"max": "2023-06-30"},
            "@format": "xlsx",
        },
    ),
    (
        "100 projects with about 10 tasks each",
        {
            "projects": (100, ["id", "name", "status", "started_at", "budget"]),
            "tasks": (
                ("projects", 0, 30),
                ["id", "project_id", "title", "status", "priority", "created_at", "due_date"],
            ),
        },
        {
            "tasks.project_id": {"ref": "projects.id"},
            "@tasks.per_parent.dist": {"poisson": {"lam": 10.0}},
        },
    ),
    (
        "twenty teachers and 300 students",
        {
            "teachers": (20, ["id", "first_name", "last_name", "email", "department", "hired_on"]),
            "students": (
                300,
                [
                    "id",
                    "first_name",
                    "last_name",
                    "email",
                    "date_of_birth",
                    "major",
                    "enrolled_year",
                    "gpa",
                ],
            ),
        },
        {"@questions": []},
    ),
    (
        "a table of widgets with color, weight and price",
        {"widgets": (1000, ["id", "color", "weight_kg", "price"])},
        {"widgets.color": {"type": "color"}, "widgets.price": {"type": "price"}},
    ),
    (
        "user sessions with ip address and user agent, 10% null ip",
        {"sessions": (10000, ["id", "ip_address", "user_agent"])},
        {"sessions.ip_address": {"type": "ipv4", "null_rate": 0.1}},
    ),
    (
        "customers who place orders; orders have a status of pending, shipped or delivered",
        {
            "customers": (
                1000,
                ["id", "first_name", "last_name", "email", "phone", "country", "city", "signup_at"],
            ),
            "orders": (("customers", 0, 10), ["id", "customer_id", "status"]),
        },
        {"orders.status": {"values": ["pending", "shipped", "delivered"]}},
    ),
    (
        "passengers and flights with bookings, 2000 passengers, 100 flights",
        {
            "passengers": (
                2000,
                [
                    "id",
                    "first_name",
                    "last_name",
                    "email",
                    "date_of_birth",
                    "passport_number",
                    "country",
                ],
            ),
            "flights": (
                100,
                [
                    "id",
                    "flight_number",
                    "origin",
                    "destination",
                    "departure_at",
                    "arrival_at",
                    "status",
                    "seats",
                ],
            ),
            "bookings": (
                ("passengers", 1, 4),
                ["passenger_id", "flight_id", "seat", "fare_class", "fare", "booked_at"],
            ),
        },
        {"@bookings.unique": ["passenger_id", "flight_id"]},
    ),
    (
        "invoices with amount between 100 and 5000, status paid, sent or overdue, due date",
        {"invoices": (3000, ["id", "amount", "status"])},
        {
            "invoices.amount": {"min": 100, "max": 5000},
            "invoices.status": {"values": ["paid", "sent", "overdue"]},
        },
    ),
    (
        "vehicles with make, model year and mileage for 300 customers",
        {
            "vehicles": (
                ("customers", 0, 3),
                ["id", "owner_id", "make", "model_year", "mileage_km"],
            ),
            "customers": (
                300,
                ["id", "first_name", "last_name", "email", "phone", "country", "city", "signup_at"],
            ),
        },
        {"vehicles.owner_id": {"ref": "customers.id"}, "vehicles.mileage_km": {"type": "int"}},
    ),
    (
        "posts and comments: 1000 posts, about 5 comments per post",
        {
            "posts": (1000, ["id", "title", "body", "published_at", "likes"]),
            "comments": (("posts", 0, 15), ["id", "post_id", "body", "created_at"]),
        },
        {"comments.created_at": {"after": "posts.published_at"}},
    ),
    (
        "a dataset of 250 pets with name, species and age",
        {"pets": (250, ["id", "name", "species", "age"])},
        {"pets.age": {"type": "int", "min": 0, "max": 20}},
    ),
    (
        "subscriptions for 1000 users, plan is free, pro or enterprise with 60% free, 30% pro, 10% enterprise",
        {
            "subscriptions": (
                ("users", 0, 2),
                ["id", "user_id", "plan", "status", "started_at", "monthly_price"],
            ),
            "users": (
                1000,
                [
                    "id",
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "country",
                    "created_at",
                    "is_active",
                ],
            ),
        },
        {"subscriptions.plan": {"values": {"free": 0.6, "pro": 0.3, "enterprise": 0.1}}},
    ),
    (
        "payments for orders, method card or paypal, 2% failed",
        {
            "payments": (
                ("orders", 0, 2),
                ["id", "order_id", "paid_at", "amount", "method", "status"],
            ),
            "orders": (5000, ["id", "ordered_at", "status", "subtotal", "tax", "total"]),
        },
        {
            "payments.method": {"values": ["card", "paypal"]},
            "@payments.columns.status.values.failed": 0.02,
        },
    ),
    (
        "shipments for 1000 orders, carrier UPS, DHL or FedEx, delivered within a week",
        {
            "shipments": (
                ("orders", 0, 2),
                [
                    "id",
                    "order_id",
                    "carrier",
                    "tracking_number",
                    "shipped_at",
                    "delivered_at",
                    "status",
                ],
            ),
            "orders": (1000, ["id", "ordered_at", "status", "subtotal", "tax", "total"]),
        },
        {"shipments.carrier": {"values": ["UPS", "DHL", "FedEx"]}},
    ),
    (
        "loans for 500 customers with principal between 1000 and 50000",
        {
            "loans": (("customers", 0, 3), ["id", "customer_id", "principal"]),
            "customers": (
                500,
                ["id", "first_name", "last_name", "email", "phone", "country", "city", "signup_at"],
            ),
        },
        {"loans.principal": {"min": 1000, "max": 50000}},
    ),
    (
        "files uploaded by 100 users with file name, mime type and size",
        {
            "files": (("users", 0, 20), ["id", "owner_id", "file_name", "mime_type", "size_bytes"]),
            "users": (
                100,
                [
                    "id",
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "country",
                    "created_at",
                    "is_active",
                ],
            ),
        },
        {"files.owner_id": {"ref": "users.id"}, "files.mime_type": {"type": "mime_type"}},
    ),
    (
        "sensor readings with temperature between -10 and 40 and humidity",
        {"sensor_readings": (50000, ["id", "temperature_c", "humidity_pct"])},
        {"sensor_readings.temperature_c": {"min": -10, "max": 40}},
    ),
    (
        "each customer has between 5 and 1 orders",
        {
            "customers": (
                1000,
                ["id", "first_name", "last_name", "email", "phone", "country", "city", "signup_at"],
            ),
            "orders": (
                ("customers", 1, 5),
                ["id", "customer_id", "ordered_at", "status", "subtotal", "tax", "total"],
            ),
        },
        {"@questions": ["rows.customers", "conflict.orders.per_parent"]},
    ),
    (
        "employees with age between 18 and 30 and age over 40",
        {"employees": (500, ["id", "age"])},
        {
            "employees.age": {"min": 40, "max": 90},
            "@questions": ["rows.employees", "conflict.employees.age"],
        },
    ),
    (
        "8 departments with 20-60 employees each",
        {
            "departments": (8, ["id", "name", "budget", "created_at"]),
            "employees": (
                ("departments", 20, 60),
                [
                    "id",
                    "department_id",
                    "first_name",
                    "last_name",
                    "email",
                    "job_title",
                    "hire_date",
                    "salary",
                    "manager_id",
                ],
            ),
        },
        {"employees.department_id": {"ref": "departments.id"}},
    ),
    (
        "500 patients; each patient has 0-3 prescriptions",
        {
            "patients": (
                500,
                [
                    "id",
                    "first_name",
                    "last_name",
                    "date_of_birth",
                    "sex",
                    "phone",
                    "email",
                    "city",
                    "postal_code",
                    "insurance_number",
                ],
            ),
            "prescriptions": (
                ("patients", 0, 3),
                ["id", "patient_id", "medication", "dose_mg", "issued_at", "refills"],
            ),
        },
        {"prescriptions.patient_id": {"ref": "patients.id"}},
    ),
    (
        "companies with 1-40 users each and 300 companies",
        {
            "companies": (
                300,
                ["id", "name", "domain", "industry", "employee_count", "founded_year", "country"],
            ),
            "users": (
                ("companies", 1, 40),
                [
                    "id",
                    "company_id",
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "country",
                    "created_at",
                    "is_active",
                ],
            ),
        },
        {"users.company_id": {"ref": "companies.id"}},
    ),
    (
        "customers with emails that must be unique and 15% without phone",
        {"customers": (1000, ["id", "email", "phone"])},
        {"customers.email": {"unique": True}, "customers.phone": {"null_rate": 0.15}},
    ),
    (
        "1000 orders with status one of new, paid, refunded and 30% refunded",
        {"orders": (1000, ["id", "status"])},
        {"orders.status": {"values": {"new": 0.35, "paid": 0.35, "refunded": 0.3}}},
    ),
]


def _dig(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        node = node[part]
    return node


@pytest.mark.parametrize(("prompt", "tables", "checks"), CASES, ids=[c[0][:48] for c in CASES])
def test_prompt_table(
    prompt: str, tables: dict[str, tuple[Size, list[str]]], checks: dict[str, Any]
) -> None:
    result = plan_offline(prompt)
    data = spec_to_data(result.spec)
    assert list(data["tables"]) == list(tables)
    for name, (size, columns) in tables.items():
        table = data["tables"][name]
        assert list(table["columns"]) == columns, name
        if isinstance(size, int):
            assert table["rows"] == size, name
            assert "per_parent" not in table
        else:
            pp = table["per_parent"]
            assert (pp["table"], pp.get("min", 0), pp["max"]) == size, name
    for key, expected in checks.items():
        if key == "@format":
            assert result.output_format == expected
        elif key == "@seed":
            assert data.get("seed") == expected
        elif key == "@locale":
            assert data.get("locale") == expected
        elif key == "@questions":
            assert [q.key for q in result.questions] == expected
        elif key.startswith("@"):
            assert _dig(data["tables"], key[1:]) == expected, key
        else:
            table, column = key.split(".")
            spec = data["tables"][table]["columns"][column]
            for field, value in expected.items():
                assert spec.get(field) == value, f"{key}.{field}: {spec.get(field)!r}"
    assert result.source == "offline"
    assert sw.validate(result.spec) == []


@pytest.mark.parametrize("prompt", [c[0] for c in CASES], ids=[c[0][:48] for c in CASES])
def test_every_plan_generates(prompt: str) -> None:
    spec = plan_offline(prompt).spec
    tables = sw.generate(spec, rows=20).materialize()
    assert set(tables) == set(spec.tables)
    assert sw.check(tables, spec) == []


def _years_ago(years: int) -> str:
    today = date.today()
    try:
        return today.replace(year=today.year - years).isoformat()
    except ValueError:
        return today.replace(year=today.year - years, day=28).isoformat()


def test_relative_windows_and_ages() -> None:
    logs = spec_to_data(
        plan_offline(
            "5 million log entries from the last 30 days, level is INFO, WARN or ERROR"
        ).spec
    )["tables"]["logs"]
    assert logs["rows"] == 5_000_000
    assert logs["columns"]["timestamp"]["max"] == date.today().isoformat()
    assert logs["columns"]["level"]["values"] == ["INFO", "WARN", "ERROR"]
    patients = plan_offline("UK patients aged over 65")
    data = spec_to_data(patients.spec)
    assert data["locale"] == "en_GB"
    dob = data["tables"]["patients"]["columns"]["date_of_birth"]
    assert dob["max"] == _years_ago(65)
    assert "age" not in data["tables"]["patients"]["columns"]
    assert data["tables"]["patients"]["columns"]["country"]["values"] == ["GB"]
    assert sw.validate(patients.spec) == []


def test_at_least_share_is_guaranteed_by_a_scenario() -> None:
    result = plan_offline(
        "German customers aged between 18 and 65 with unique emails; orders "
        "placed in 2024, status is pending, shipped or delivered, prices in "
        "EUR, at least 10% vip"
    )
    data = spec_to_data(result.spec)
    cust = data["tables"]["customers"]["columns"]
    orders = data["tables"]["orders"]["columns"]
    assert data["locale"] == "de_DE"
    assert cust["country"]["values"] == ["DE"]
    assert cust["age"]["min"] == 18 and cust["age"]["max"] == 65
    assert cust["email"]["unique"] is True
    assert orders["status"]["values"] == ["pending", "shipped", "delivered"]
    assert orders["currency"]["values"] == ["EUR"]
    assert (orders["ordered_at"]["min"], orders["ordered_at"]["max"]) == (
        "2024-01-01",
        "2024-12-31",
    )
    assert data["scenarios"]["customers"] == [
        {"name": "at_least_vip", "share": 0.1, "set": {"vip": True}}
    ]
    tables = sw.generate(result.spec, rows=200).materialize()
    assert sum(tables["customers"].column("vip").to_pylist()) >= 20
    assert set(tables["customers"].column("country").to_pylist()) == {"DE"}
    assert sw.check(tables, result.spec) == []


def test_number_words_and_suffixes() -> None:
    cases = {
        "10k users": 10_000,
        "a million events": 1_000_000,
        "2,500 customers": 2_500,
        "1.5 million sensor readings": 1_500_000,
        "twenty five students": 25,
        "three hundred products": 300,
        "a dozen doctors": 12,
        "2.5k employees": 2_500,
    }
    for prompt, rows in cases.items():
        spec = spec_to_data(plan_offline(prompt).spec)
        (table,) = spec["tables"].values()
        assert table["rows"] == rows, prompt
