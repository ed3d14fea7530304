"""AI media tasks: the HTTP face and queue entry points sit here, the engine in `operations/`."""
