"""A schema-driven fuzzer (schemathesis) sends requests the OpenAPI document allows to a few
operations: none may end in a server error, and documented inputs must be accepted."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.fixtures.identity import VerifiedWorkspace

OPERATIONS = r"^/v1/(api-keys|uploads)$"
"""Bodies the schema describes completely. Lists are left out: their `cursor` is an opaque
token, so a random string is documented but refused (`invalid_cursor`)."""

pytestmark = pytest.mark.slow  # a few hundred requests


def test_documented_inputs_are_accepted(app: FastAPI, workspace: VerifiedWorkspace) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    chosen = schema.include(path_regex=OPERATIONS, method="POST")
    operations = [result.ok() for result in chosen.get_all_operations()]
    assert len(operations) == 2

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: Any) -> None:
            case.call_and_validate(
                headers=workspace.headers, additional_checks=[positive_data_acceptance]
            )

        fuzz()
