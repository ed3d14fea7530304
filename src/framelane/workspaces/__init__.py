"""The calling workspace: read, rename, usage, delete (a real cascade)."""
