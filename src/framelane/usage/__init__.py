"""Metered usage: render minutes, task counts and egress bytes per workspace."""
