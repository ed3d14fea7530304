"""Users, workspaces, memberships, API keys, signup and console login."""
