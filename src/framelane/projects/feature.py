"""What the projects feature plugs in: `/v1/projects` and `/v1/batches`, the render
preprocessor that expands `{"project_id", …}` bodies (list it before the brand-tokens feature:
variables resolve first), the `batch.completed` subscriber, and the workspace-delete hook."""

from __future__ import annotations

from framelane.kit.feature import CommandRegistrar, Feature

COMMANDS: tuple[CommandRegistrar, ...] = ()


def feature() -> Feature:
    from framelane.projects import batches, endpoints, service

    return Feature(
        name="projects",
        routers=(endpoints.router,),
        deletion_hooks=(service.delete_workspace_projects,),
        render_preprocessors=(service.expand_project_render,),
        event_subscribers=(batches.count_finished_job,),
        commands=COMMANDS,
    )
