"""The web console: a static single-page app under `/console` that acts through the `/v1` API."""
