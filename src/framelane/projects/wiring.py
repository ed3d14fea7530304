"""Until the composition root consumes `feature.FEATURE`: the hooks installed the way the
other features install theirs today (idempotent)."""

from __future__ import annotations

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    from framelane.core.events import subscribe
    from framelane.projects import batches, service
    from framelane.renders.service import register_preprocessor
    from framelane.workspaces.service import register_deletion_hook

    register_deletion_hook(service.delete_workspace_projects)
    register_preprocessor(service.expand_project_render)
    subscribe(batches.count_finished_job)
