"""Framelane: a self-hostable declarative video API."""
