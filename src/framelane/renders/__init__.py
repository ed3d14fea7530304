"""Renders over HTTP: `/v1/renders` (async jobs) and `/v1/preview` (synchronous frames)."""
