"""Where bytes live: one interface, local disk (default) and S3-compatible backends."""
