"""Every router of the design-token feature, as one (declared in `tokens/feature.py`)."""

from __future__ import annotations

from fastapi import APIRouter

from framelane.tokens import endpoints, member_endpoints, token_endpoints, user_tokens

router = APIRouter()
for feature in (endpoints, token_endpoints, member_endpoints, user_tokens):
    router.include_router(feature.router)
