"""Request and response bodies of the identity endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=320,
        pattern=r"^[^@\s<>\"'\r\n]+@[^@\s<>\"'\r\n]+\.[^@\s<>\"'\r\n]+$",
    ),
]
OtpCode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=255),
    # documented: surrounding whitespace is stripped, so a name needs a visible character
    Field(json_schema_extra={"pattern": r"\S"}),
]


class ORMModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class WorkspaceOut(ORMModel):
    id: str = Field(examples=["ws_01J8QR2K5VKDGN2T4FBM3CZYX8"])
    name: str
    created_at: datetime
    email: str | None
    email_verified: bool
    plan: str = Field(description="free | pro | enterprise")
    plan_status: str = Field(description="active | past_due | cancelled | trialing")


class ApiKeyOut(ORMModel):
    id: str = Field(examples=["key_01J8QR2K5VKDGN2T4FBM3CZYX9"])
    name: str
    key_prefix: str = Field(description="the first characters of the key, for recognition")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="the plaintext key; shown only once")


class ApiKeyCreate(BaseModel):
    name: Name = Field(examples=["production"])


class SignupIn(BaseModel):
    workspace_name: Name
    email: Email


class SignupOut(BaseModel):
    workspace: WorkspaceOut
    api_key: ApiKeyCreated
    message: str = "We sent a 6-digit code to your email. Verify it with POST /v1/signup/verify."


class VerifyIn(BaseModel):
    email: Email
    otp_code: OtpCode


class EmailIn(BaseModel):
    email: Email


class MessageOut(BaseModel):
    message: str


class LoginOut(BaseModel):
    user_id: str
    email: str
    csrf_token: str = Field(description="send as X-CSRF-Token on state-changing calls")
    expires_at: datetime
