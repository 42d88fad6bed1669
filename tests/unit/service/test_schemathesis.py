"""Property-based fuzzing of the OpenAPI spec (schemathesis): no 500, every refusal located.

Bounded (40 examples per operation, no shrinking) and run against the real
uvicorn server started for this folder. (schemathesis' pytest fixture loader
does not work with pytest 9, so the operations' strategies are driven directly.)
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from .conftest import Live

EXAMPLES = 40


def test_no_server_errors(live: Live) -> None:
    schema = schemathesis.openapi.from_url(f"{live.http}/openapi.json")
    seen = []
    for result in schema.get_all_operations():
        operation = result.ok()
        seen.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case: schemathesis.Case) -> None:
            response = case.call(timeout=30)
            assert response.status_code < 500, (case.path, case.body, response.text[:500])
            if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
                error = (response.json() or {}).get("error") or {}
                # every refusal names where: a request field, or "body" for the whole
                assert all(p["location"] for p in error.get("problems", [])), response.text

        check()
    assert "POST /v1/generate" in seen and "POST /v1/generate/stream" in seen
