"""Stored objects over HTTP: signed local-storage downloads, the storage readiness check, and
a deleted workspace's objects removed (the backends themselves are `framelane.storage`)."""
