"""Every table, imported once so Alembic and tests see the whole schema.

Each feature package owns its `models.py`; add one import line here when a feature adds tables.
"""

from framelane.chunking import models as chunking_models
from framelane.db.base import Base
from framelane.identity import models as identity_models
from framelane.ingest import models as ingest_models
from framelane.jobs import models as jobs_models
from framelane.projects import models as projects_models
from framelane.tokens import models as tokens_models
from framelane.usage import models as usage_models
from framelane.webhooks import models as webhooks_models

metadata = Base.metadata

__all__ = [
    "chunking_models",
    "identity_models",
    "ingest_models",
    "jobs_models",
    "metadata",
    "projects_models",
    "tokens_models",
    "usage_models",
    "webhooks_models",
]
