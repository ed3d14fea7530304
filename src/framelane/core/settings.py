"""Typed settings, loaded once from `FRAMELANE_*` environment variables (and `.env`)."""

from __future__ import annotations

import ipaddress
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_MARKER = "dev-"


class PlanLimits(BaseModel):
    """What one plan allows per calendar month; `None` means unlimited."""

    render_minutes: float | None
    tasks: int | None
    concurrent_jobs: int | None


def default_plans() -> dict[str, PlanLimits]:
    return {
        "free": PlanLimits(render_minutes=60, tasks=500, concurrent_jobs=1),
        "pro": PlanLimits(render_minutes=2000, tasks=20000, concurrent_jobs=10),
        "enterprise": PlanLimits(render_minutes=None, tasks=None, concurrent_jobs=None),
    }


class RateLimits(BaseModel):
    """Rate-limit strings in the `limits` library notation (e.g. `120/minute`)."""

    renders_per_ip: str = "120/minute"
    tasks_per_ip: str = "300/minute"
    signup_per_ip: str = "10/hour"
    per_key: str = "1200/minute"
    tokens_per_token: str = "100/minute"


class Settings(BaseSettings):
    """Every knob of a Framelane process. Embedded defaults need no configuration at all."""

    model_config = SettingsConfigDict(
        env_prefix="FRAMELANE_", env_file=".env", env_nested_delimiter="__", extra="ignore"
    )

    env: str = Field("development", description="development | testing | production")
    data_dir: Path = Field(Path(".framelane"), description="SQLite, local storage, queue files")
    database_url: str | None = Field(None, description="default: sqlite in data_dir (WAL)")
    storage_url: str | None = Field(None, description="file:///path or s3://bucket?endpoint=…")
    queue_url: str | None = Field(None, description="default: sqlite Huey in data_dir; redis://…")
    rate_limit_url: str | None = Field(None, description="default memory://; redis://… to share")
    public_base_url: str = Field("http://127.0.0.1:8000", description="where clients reach the API")
    secret_key: SecretStr | None = Field(None, description="signs URLs and sessions; generated")
    allow_private_urls: bool = Field(False, description="let sources/webhooks target private IPs")
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "Framelane <no-reply@framelane.local>"
    smtp_starttls: bool = True
    max_body_bytes: int = Field(10 * 1024 * 1024, description="largest JSON body accepted")
    max_upload_bytes: int = Field(5 * 1024**3, description="largest upload accepted")
    download_url_ttl_seconds: int = 900
    artifact_retention_days: int = 30
    plans: dict[str, PlanLimits] = Field(default_factory=default_plans)
    signup_plan: str = Field(
        "free", description="the plan a workspace created by self-service signup starts on"
    )
    rate_limits: RateLimits = Field(default_factory=RateLimits)
    rate_limits_enabled: bool = True
    api_key_cache_seconds: float = Field(
        5.0,
        ge=0,
        description="how long a read (GET/HEAD) trusts an API key and its workspace "
        "seen live before, without a query; a revoke or workspace delete in another process "
        "takes effect here within this time (in the same process at once); 0 turns it off",
    )
    embedded_workers: int = Field(1, description="worker threads started inside `serve`")
    embedded_worker_processes: int = Field(
        0, ge=0, description="`framelane worker` processes `serve` starts beside its threads"
    )
    job_lease_seconds: int = 30
    job_max_attempts: int = 2
    job_timeout_seconds: int = Field(4 * 3600, description="a running job fails `timeout` after")
    chunk_seconds: float = Field(
        10.0, gt=0, description="length of the parts a long mp4/webm/mov render is split into"
    )
    chunk_min_seconds: float = Field(
        30.0, ge=0, description="the shortest render that is split into parts"
    )
    queued_jobs_per_workspace: int = Field(
        1000, ge=1, description="jobs one workspace may have waiting; more answer 429 queue_full"
    )
    session_days: int = 14
    billing_portal_url: str | None = Field(
        None, description="`POST /v1/billing/portal` answers it (default: the console's plan page)"
    )

    @model_validator(mode="after")
    def _known_signup_plan(self) -> Settings:
        if self.signup_plan not in self.plans:
            known = ", ".join(sorted(self.plans))
            raise ValueError(f"FRAMELANE_SIGNUP_PLAN {self.signup_plan!r} is not a plan ({known})")
        return self

    @field_validator("data_dir")
    @classmethod
    def _absolute_data_dir(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'framelane.db'}"

    @property
    def resolved_storage_url(self) -> str:
        return self.storage_url or f"file://{self.data_dir / 'storage'}"

    @property
    def resolved_queue_url(self) -> str:
        return self.queue_url or f"sqlite:///{self.data_dir / 'queue.db'}"

    @property
    def resolved_secret_key(self) -> str:
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return load_or_create_secret(self.data_dir)

    @property
    def is_production(self) -> bool:
        return self.env == "production"


def load_or_create_secret(data_dir: Path) -> str:
    """The development secret: generated once and persisted in the data folder."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = DEV_SECRET_MARKER + secrets.token_urlsafe(32)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


def is_loopback_host(host: str) -> bool:
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class UnsafeConfiguration(RuntimeError):
    """Raised when the service would start with a configuration unsafe for its bind address."""


def check_safe_to_serve(settings: Settings, host: str) -> None:
    """Refuse to expose the development secret (or a private-URL switch) beyond loopback."""
    if is_loopback_host(host) and not settings.is_production:
        return
    problems: list[str] = []
    if settings.secret_key is None or settings.resolved_secret_key.startswith(DEV_SECRET_MARKER):
        problems.append("set FRAMELANE_SECRET_KEY to a long random value (not the dev secret)")
    elif len(settings.resolved_secret_key) < 32:
        problems.append("FRAMELANE_SECRET_KEY must be at least 32 characters")
    if settings.allow_private_urls:
        problems.append("FRAMELANE_ALLOW_PRIVATE_URLS must be false when reachable from others")
    if settings.public_base_url.startswith("http://127.0.0.1"):
        problems.append("set FRAMELANE_PUBLIC_BASE_URL to the address clients use")
    if problems:
        raise UnsafeConfiguration(
            f"refusing to serve on {host!r} ({settings.env}): " + "; ".join(problems)
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def settings_with(**overrides: Any) -> Settings:
    """A fresh Settings with overrides (tests and the CLI use this)."""
    return Settings(**overrides)
