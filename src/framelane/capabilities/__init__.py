"""`GET /v1/capabilities`: the machine-readable catalog, built from the same registries and
models the validator and the renderer use."""
