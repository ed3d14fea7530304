"""Projects: saved, versioned render requests edited by atomic operations, with template
variables and batch renders (see README.md)."""
