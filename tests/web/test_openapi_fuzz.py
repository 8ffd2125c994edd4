"""Property-based fuzzing of every documented operation (schemathesis, from the live server's
/openapi.json): whatever the inputs, no server error, and every answer as the schema documents it.

The operations are driven with hypothesis directly: schemathesis' pytest plugin cannot yet collect
from a fixture under pytest 9."""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Per operation and mode (valid inputs, then invalid ones): about 600 requests, some 15 s.
EXAMPLES_PER_OPERATION = 20


@pytest.fixture(scope="module")
def api_schema(api_store, live_server):
    return schemathesis.openapi.from_url(f"{live_server(api_store)}/openapi.json")


def test_no_input_makes_a_server_error_or_an_undocumented_answer(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    negative = 0
    for operation, mode in itertools.product(operations, GenerationMode):
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case):
            case.call_and_validate(checks=CHECKS)

        try:
            call()
        except Unsatisfiable:
            # no invalid input exists for an operation without parameters (or only free-text ones)
            assert mode is GenerationMode.NEGATIVE, operation.label
            continue
        negative += mode is GenerationMode.NEGATIVE
    assert negative >= 10  # invalid inputs were sent to most operations
