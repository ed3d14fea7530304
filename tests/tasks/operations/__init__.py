"""Tests of the AI operations (engine side)."""
