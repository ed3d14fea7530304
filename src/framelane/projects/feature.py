"""What the projects feature plugs into the service.

Its render preprocessor must come before the brand-tokens one (variables resolve first).
"""

from __future__ import annotations

from framelane.kit.feature import Feature
from framelane.projects import batches, endpoints, service

FEATURE = Feature(
    name="projects",
    routers=(endpoints.router,),
    deletion_hooks=(service.delete_workspace_projects,),
    render_preprocessors=(service.expand_project_render,),
    event_subscribers=(batches.count_finished_job,),
)
