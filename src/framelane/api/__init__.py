"""HTTP plumbing shared by every feature: app factory, errors, auth, pagination, limits."""
