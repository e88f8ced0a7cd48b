"""schemathesis over the OpenAPI schema: every operation, no 5xx, responses match it.

Runs against the real uvicorn server as a signed-in user. The SSE operation is left out
here (an endless stream); test_live.py checks it.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.server import helpers

pytestmark = pytest.mark.slow


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def test_every_operation(live_server: helpers.Live) -> None:
    schema = schemathesis.openapi.from_url(f"{live_server.base}/openapi.json")
    headers = helpers.auth("schemathesis")
    tested = []
    statuses: list[int] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.definition.raw.get("operationId") == "sessions-events":
            continue

        @given(
            case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
            | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
        )
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            response = case.call_and_validate(
                base_url=live_server.base, headers=headers, checks=CHECKS
            )
            statuses.append(response.status_code)

        check()
        tested.append(operation.label)
    assert len(tested) >= 20, tested
    # The runs reached the handlers, not only the auth and validation layers.
    assert {200, 201, 404, 422} <= set(statuses), sorted(set(statuses))


def test_the_schema_has_clean_operation_ids(live_server: helpers.Live) -> None:
    import httpx

    spec = httpx.get(f"{live_server.base}/openapi.json").json()
    ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert "projects-start_session" in ids and "sessions-events" in ids
    session = spec["components"]["schemas"]["SessionDetail"]["properties"]
    assert {"projectId", "durationInFrames", "scenes"} <= set(session)
