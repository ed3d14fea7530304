"""Every router of the design-token feature, mounted once by `api.app.feature_routers`."""

from __future__ import annotations

from fastapi import APIRouter

from framelane.tokens import (
    endpoints,
    member_endpoints,
    render_tokens,
    token_endpoints,
    user_tokens,
)

router = APIRouter()
for feature in (endpoints, token_endpoints, member_endpoints, user_tokens):
    router.include_router(feature.router)

render_tokens.install()
