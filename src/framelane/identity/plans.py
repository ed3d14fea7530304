"""The plans a workspace or a design-token user can be on (light: the command line reads them
for `--help` without loading the database layer)."""

from __future__ import annotations

PLANS = ("free", "pro", "enterprise")
TOKEN_PLANS = ("FREE", "PRO", "TEAM")
