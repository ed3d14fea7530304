"""The composition root: every feature of the product, listed once.

`framelane serve` builds the app from `features()`, `framelane worker` its consumer, and the
command line its subcommands from `commands()`. A feature plugs in with one line below (its
`feature.py` module); removing the line removes its routes, runners, checks, gates, hooks,
subscribers, preprocessors, services and commands, and nothing else.

The feature modules are cheap to import (their `feature()` imports the heavy parts), so
`framelane --help` never loads the web stack, the database layer or the media libraries.
"""

from __future__ import annotations

from framelane.kit.feature import CommandRegistrar, Feature, FeatureModule


def feature_modules() -> tuple[FeatureModule, ...]:
    from framelane.agents import feature as agents
    from framelane.api import feature as system
    from framelane.capabilities import feature as capabilities
    from framelane.chunking import feature as chunking
    from framelane.console import feature as console
    from framelane.files import feature as files
    from framelane.gallery import feature as gallery
    from framelane.identity import feature as identity
    from framelane.ingest import feature as ingest
    from framelane.jobs import feature as jobs
    from framelane.projects import feature as projects
    from framelane.renders import feature as renders
    from framelane.tasks import feature as tasks
    from framelane.tokens import feature as tokens
    from framelane.webhooks import feature as webhooks
    from framelane.workspaces import feature as workspaces

    return (
        system,
        identity,
        workspaces,
        files,
        jobs,
        renders,
        chunking,
        projects,  # before tokens: template variables resolve before brand tokens
        webhooks,
        tokens,
        ingest,
        tasks,
        capabilities,
        gallery,
        console,
        agents,
    )


def features() -> tuple[Feature, ...]:
    """Every feature record, in the order their routes are mounted."""
    return tuple(module.feature() for module in feature_modules())


def commands() -> tuple[CommandRegistrar, ...]:
    """Every feature's `framelane …` subcommands, without building the features."""
    return tuple(command for module in feature_modules() for command in module.COMMANDS)
