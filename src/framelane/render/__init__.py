"""The render engine: a render spec in, a frame-exact video, audio track or still out.

Stages: `spec` (Pydantic models) → `timeline` (normalised, rational time) → `evaluate`
(per-frame state, no pixels) → `compositor` (pixels) → `encode` (packets). `pipeline` is the only
orchestrator. Nothing here imports the web framework or the database.
"""

from framelane.render.fontconfig import use_private_fontconfig

use_private_fontconfig()
