"""The HTTP entry point: the app factory, its middleware (request context, limits, idempotency,
CORS) and the system probes. It imports no feature; the web kit the features use (session
and settings dependencies, errors, OpenAPI helpers) is `framelane.kit`, authentication is
`framelane.identity.auth`."""
