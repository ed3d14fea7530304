"""What the gallery plugs in: `framelane gallery` (contact sheets of the catalog's examples)."""

from __future__ import annotations

from framelane.gallery import cli
from framelane.kit.feature import CommandRegistrar, Feature

COMMANDS: tuple[CommandRegistrar, ...] = (cli.register,)


def feature() -> Feature:
    return Feature(name="gallery", commands=COMMANDS)
