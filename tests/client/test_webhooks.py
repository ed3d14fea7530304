from __future__ import annotations

import json

import pytest

from framelane.client import FramelaneAPIError, construct_event, verify_signature
from framelane.webhooks.signing import sign

SECRET = "whsec_test"


def test_a_delivery_signed_by_the_server_scheme_is_accepted() -> None:
    body = json.dumps({"type": "render.completed", "data": {"id": "render_1"}}).encode()
    header = sign(body, SECRET)

    assert verify_signature(body, header, SECRET)
    assert construct_event(body, header, SECRET)["type"] == "render.completed"
    assert not verify_signature(body + b" ", header, SECRET)
    with pytest.raises(FramelaneAPIError) as refused:
        construct_event(body, header, "whsec_other")
    assert refused.value.code == "invalid_signature"
