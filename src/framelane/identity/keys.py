"""Secrets we hand out once: API keys, user tokens, session tokens. Only SHA-256 hashes are kept."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

WORKSPACE_KEY_PREFIX = "fl_live_"
USER_TOKEN_PREFIX = "tkc_"
WORKSPACE_KEY_DISPLAY_CHARS = 12
USER_TOKEN_DISPLAY_CHARS = 12


@dataclass(frozen=True, slots=True)
class IssuedSecret:
    plaintext: str
    hash: str
    display_prefix: str


def hash_secret(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def issue_secret(prefix: str, display_chars: int) -> IssuedSecret:
    plaintext = prefix + secrets.token_urlsafe(32).replace("-", "x").replace("_", "y")
    return IssuedSecret(plaintext, hash_secret(plaintext), plaintext[:display_chars])


def issue_workspace_key() -> IssuedSecret:
    return issue_secret(WORKSPACE_KEY_PREFIX, WORKSPACE_KEY_DISPLAY_CHARS)


def issue_user_token() -> IssuedSecret:
    return issue_secret(USER_TOKEN_PREFIX, USER_TOKEN_DISPLAY_CHARS)


def new_otp_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def codes_match(plain: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(plain), stored_hash)
